#!/usr/bin/env bash
# shellcheck disable=SC2016 # jq programs are single-quoted on purpose
# /spec-ops-plan: clean-tree gate, then the baseline audit; writes spec-plan telemetry.
set -euo pipefail
case ${BASH_SOURCE[0]} in */*) here=${BASH_SOURCE[0]%/*} ;; *) here=. ;; esac
# shellcheck source=SCRIPTDIR/../common.sh
. "$here/../common.sh"

SPEC_OPS_USAGE_NAME=spec_ops_plan.sh
SPEC_OPS_USAGE="usage: spec_ops_plan.sh <SPEC-ID> [--baseline-mode skip|no-run|quick|full] [--skip-baseline] [--allow-fail] [--manifest-path P]"
spec_ops_parse_args plan "$@"
spec_ops_init spec-plan spec-ops-plan

mode=$SPEC_OPS_BASELINE_MODE
report="$SPEC_OPS_EVIDENCE_DIR/baseline_${SPEC_OPS_SESSION}.md"
hook=ok
status=skipped
exit_code=0

allow_fail=0
allow_why=""
if [[ $SPEC_OPS_ALLOW_FAIL_FLAG == 1 ]]; then
  allow_fail=1 allow_why="--allow-fail"
elif [[ ${SPEC_OPS_BASELINE_ALLOW_FAIL:-0} == 1 ]]; then
  allow_fail=1 allow_why="SPEC_OPS_BASELINE_ALLOW_FAIL=1"
elif [[ ${SPEC_OPS_ALLOW_DIRTY:-0} == 1 ]]; then
  allow_fail=1 allow_why="SPEC_OPS_ALLOW_DIRTY=1"
fi

# A report written by plan itself (skip mode, or when the audit could not run).
plain_report() { # STATUS NOTE
  local now
  spec_ops_now now '%Y-%m-%dT%H:%M:%SZ'
  spec_ops_write_string "$report" "# Baseline Audit

- Spec: $SPEC_OPS_SPEC_ID
- Mode: $mode
- Status: $1
- Timestamp: $now

$2"
}

# 1. Clean tree (changes under the evidence folder do not count: they are the
#    guardrails' own output).
clean=1
clean_why=""
if [[ ${SPEC_OPS_ALLOW_DIRTY:-0} == 1 ]]; then
  spec_ops_log WARN "clean-tree check skipped (SPEC_OPS_ALLOW_DIRTY=1)"
elif dirty=$(git status --porcelain --untracked-files=all -- . ":(exclude)$SPEC_OPS_EVIDENCE_REL" 2>&1); then
  if [[ -n $dirty ]]; then
    clean=0
    clean_why="working tree is dirty"
    spec_ops_log_block "$dirty"
  fi
else
  clean=0
  clean_why="git status failed (not a git checkout?)"
  spec_ops_log_block "$dirty"
fi

# 2. Baseline.
if ((clean == 0)); then
  spec_ops_log ERROR "clean-tree check failed: $clean_why; commit or stash your changes (or set SPEC_OPS_ALLOW_DIRTY=1)"
  hook=failed
  exit_code=1
  plain_report skipped "Baseline not run: $clean_why."
elif [[ $mode == skip ]]; then
  spec_ops_log INFO "baseline skipped (--skip-baseline / --baseline-mode skip)"
  plain_report skipped "Baseline audit skipped on request."
else
  spec_ops_log INFO "baseline audit mode=$mode report=$report"
  bash "$SPEC_OPS_SCRIPT_DIR/baseline_audit.sh" "$SPEC_OPS_SPEC_ID" --mode "$mode" \
    --output "$report" --manifest-path "$SPEC_OPS_MANIFEST" >>"$SPEC_OPS_LOG" 2>&1 && rc=0 || rc=$?
  case $rc in
    0) status=passed ;;
    1) status=failed ;;
    *)
      status=failed
      spec_ops_log ERROR "baseline audit could not run (exit $rc)"
      ;;
  esac
  if [[ ! -s $report ]]; then
    plain_report failed "Baseline audit exited with status $rc without writing a report."
    status=failed
  fi
  spec_ops_log INFO "baseline audit exit=$rc status=$status"
  if [[ $status == failed ]]; then
    if ((allow_fail == 1)); then
      spec_ops_log WARN "baseline failed; continuing because of $allow_why"
    else
      spec_ops_log ERROR "baseline audit failed (see $report); fix it or pass --allow-fail"
      exit_code=1
    fi
  fi
fi

if [[ -s $report ]]; then spec_ops_add_artifact "$report"; fi
spec_ops_add_artifact "$SPEC_OPS_LOG"
spec_ops_write_telemetry \
  '{baseline: {mode: $mode, artifact: $artifact, status: $status}, hooks: {"session.start": $hook}}' '{}' \
  --arg mode "$mode" --arg artifact "$report" --arg status "$status" --arg hook "$hook"
printf '%s %s: baseline=%s session.start=%s telemetry=%s\n' "$SPEC_OPS_STAGE" "$SPEC_OPS_SPEC_ID" \
  "$status" "$hook" "$SPEC_OPS_TELEMETRY"
exit "$exit_code"
