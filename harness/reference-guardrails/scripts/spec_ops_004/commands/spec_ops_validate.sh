#!/usr/bin/env bash
# shellcheck disable=SC2016 # jq programs are single-quoted on purpose
# /spec-ops-validate: runs the HAL smoke; writes spec-validate telemetry. Exit 1 when HAL failed.
set -euo pipefail
case ${BASH_SOURCE[0]} in */*) here=${BASH_SOURCE[0]%/*} ;; *) here=. ;; esac
# shellcheck source=SCRIPTDIR/../common.sh
. "$here/../common.sh"

SPEC_OPS_USAGE_NAME=spec_ops_validate.sh
SPEC_OPS_USAGE="usage: spec_ops_validate.sh <SPEC-ID> [--manifest-path P]"
spec_ops_parse_args basic "$@"
spec_ops_smoke_stage spec-validate spec-ops-validate "validate guardrail bootstrap"
