#!/usr/bin/env bash
# shellcheck disable=SC2016 # jq programs are single-quoted on purpose
# /spec-ops-unlock: releases the implement lock; writes spec-unlock telemetry.
set -euo pipefail
case ${BASH_SOURCE[0]} in */*) here=${BASH_SOURCE[0]%/*} ;; *) here=. ;; esac
# shellcheck source=SCRIPTDIR/../common.sh
. "$here/../common.sh"

SPEC_OPS_USAGE_NAME=spec_ops_unlock.sh
SPEC_OPS_USAGE="usage: spec_ops_unlock.sh <SPEC-ID> [--manifest-path P]"
spec_ops_parse_args basic "$@"
spec_ops_init spec-unlock spec-ops-unlock

lock="$SPEC_OPS_EVIDENCE_DIR/implement.lock"
unlock_status=unlocked
exit_code=0
if [[ ! -e $lock ]]; then
  spec_ops_log INFO "no lock present; nothing to release"
elif rm -f -- "$lock"; then
  spec_ops_log INFO "lock released: $lock"
else
  unlock_status=failed
  exit_code=1
  spec_ops_log ERROR "could not remove lock $lock"
fi
spec_ops_add_artifact "$SPEC_OPS_LOG"
spec_ops_write_telemetry '{unlock_status: $unlock_status}' '{}' --arg unlock_status "$unlock_status"
printf '%s %s: %s telemetry=%s\n' "$SPEC_OPS_STAGE" "$SPEC_OPS_SPEC_ID" "$unlock_status" "$SPEC_OPS_TELEMETRY"
exit "$exit_code"
