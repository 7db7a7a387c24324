#!/usr/bin/env bash
# shellcheck disable=SC2016 # jq programs are single-quoted on purpose
# /spec-ops-implement: takes the implement lock; writes spec-implement telemetry.
set -euo pipefail
case ${BASH_SOURCE[0]} in */*) here=${BASH_SOURCE[0]%/*} ;; *) here=. ;; esac
# shellcheck source=SCRIPTDIR/../common.sh
. "$here/../common.sh"

SPEC_OPS_USAGE_NAME=spec_ops_implement.sh
SPEC_OPS_USAGE="usage: spec_ops_implement.sh <SPEC-ID> [--manifest-path P]"
spec_ops_parse_args basic "$@"
spec_ops_init spec-implement spec-ops-implement

lock="$SPEC_OPS_EVIDENCE_DIR/implement.lock"
lock_status=locked
exit_code=0
[[ ! -e $lock ]] || spec_ops_log WARN "replacing existing lock $lock"
locked_at=""
spec_ops_now locked_at '%Y-%m-%dT%H:%M:%SZ'
if spec_ops_write_cmd "$lock" jq -n --arg specId "$SPEC_OPS_SPEC_ID" --arg sessionId "$SPEC_OPS_SESSION" \
  --arg lockedAt "$locked_at" '{specId: $specId, sessionId: $sessionId, lockedAt: $lockedAt}'; then
  spec_ops_log INFO "lock taken: $lock"
  spec_ops_add_artifact "$lock"
else
  lock_status=failed
  exit_code=1
  spec_ops_log ERROR "could not write lock $lock"
fi
spec_ops_add_artifact "$SPEC_OPS_LOG"
spec_ops_write_telemetry '{lock_status: $lock_status, hook_status: "ok"}' '{}' --arg lock_status "$lock_status"
printf '%s %s: %s telemetry=%s\n' "$SPEC_OPS_STAGE" "$SPEC_OPS_SPEC_ID" "$lock_status" "$SPEC_OPS_TELEMETRY"
exit "$exit_code"
