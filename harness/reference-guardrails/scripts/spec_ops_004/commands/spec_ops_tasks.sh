#!/usr/bin/env bash
# shellcheck disable=SC2016 # jq programs are single-quoted on purpose
# /spec-ops-tasks: records that the task tooling is ready; writes spec-tasks telemetry.
set -euo pipefail
case ${BASH_SOURCE[0]} in */*) here=${BASH_SOURCE[0]%/*} ;; *) here=. ;; esac
# shellcheck source=SCRIPTDIR/../common.sh
. "$here/../common.sh"

SPEC_OPS_USAGE_NAME=spec_ops_tasks.sh
SPEC_OPS_USAGE="usage: spec_ops_tasks.sh <SPEC-ID> [--manifest-path P]"
spec_ops_parse_args basic "$@"
spec_ops_init spec-tasks spec-ops-tasks

spec_ops_log INFO "tasks tooling ok"
spec_ops_add_artifact "$SPEC_OPS_LOG"
spec_ops_write_telemetry '{tool: {status: "ok"}}' '{}'
printf '%s %s: ok telemetry=%s\n' "$SPEC_OPS_STAGE" "$SPEC_OPS_SPEC_ID" "$SPEC_OPS_TELEMETRY"
