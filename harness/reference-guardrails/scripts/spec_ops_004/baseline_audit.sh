#!/usr/bin/env bash
# Baseline audit, called by /spec-ops-plan.
#   baseline_audit.sh <SPEC-ID> --mode no-run|quick|full --output FILE [--manifest-path P]
# Checks (all modes): the spec folder docs/<SPEC-ID>[-*]/ exists and every
# guardrail script passes `bash -n`. quick and full: the Cargo manifest exists.
# full: the manifest declares [workspace] and there is no Cargo.toml at the repo root.
# SPEC_OPS_BASELINE_FORCE_FAIL=1 adds a failing check (failure drills).
# Writes a Markdown report to FILE. Exit 0 passed, 1 failed, 2 usage error.
set -euo pipefail
case ${BASH_SOURCE[0]} in */*) here=${BASH_SOURCE[0]%/*} ;; *) here=. ;; esac
# shellcheck source=SCRIPTDIR/common.sh
. "$here/common.sh"

SPEC_OPS_USAGE_NAME=baseline_audit.sh
SPEC_OPS_USAGE="usage: baseline_audit.sh <SPEC-ID> --mode no-run|quick|full --output FILE [--manifest-path P]"

spec=""
mode=no-run
output=""
manifest_flag=""
while (($# > 0)); do
  case $1 in
    -h | --help)
      printf '%s\n' "$SPEC_OPS_USAGE"
      exit 0
      ;;
    --mode | --output | --manifest-path)
      if (($# < 2)) || [[ -z $2 ]]; then
        spec_ops_usage_error "option $1 needs a value"
      fi
      case $1 in
        --mode) mode=$2 ;;
        --output) output=$2 ;;
        --manifest-path) manifest_flag=$2 ;;
      esac
      shift
      ;;
    --mode=*) mode=${1#*=} ;;
    --output=*) output=${1#*=} ;;
    --manifest-path=*) manifest_flag=${1#*=} ;;
    -*) spec_ops_usage_error "unknown option $1" ;;
    *)
      [[ -z $spec ]] || spec_ops_usage_error "unexpected argument '$1'"
      spec=$1
      ;;
  esac
  shift
done
[[ -n $spec ]] || spec_ops_usage_error "missing SPEC-ID (for example SPEC-KIT-018)"
case $mode in
  no-run | quick | full) ;;
  *) spec_ops_usage_error "invalid mode '$mode' (use no-run, quick or full)" ;;
esac
[[ -n $output ]] || spec_ops_usage_error "missing --output FILE"

SPEC_OPS_ROOT=$(spec_ops_repo_root)
cd -- "$SPEC_OPS_ROOT" || exit 1
output=$(spec_ops_abs "$output")
manifest=${manifest_flag:-${SPEC_OPS_CARGO_MANIFEST:-$SPEC_OPS_DEFAULT_MANIFEST}}
manifest_abs=$(spec_ops_abs "$manifest")

checks=""
failures=0
record() { # passed|failed TEXT
  if [[ $1 == passed ]]; then
    checks+="- [x] $2"$'\n'
  else
    checks+="- [ ] $2 (FAILED)"$'\n'
    failures=$((failures + 1))
  fi
}

# Spec folder.
spec_dir=""
for candidate in "docs/$spec" "docs/$spec"-*; do
  if [[ -d $candidate ]]; then
    spec_dir=$candidate
    break
  fi
done
if [[ -n $spec_dir ]]; then
  record passed "spec folder exists: $spec_dir/"
else
  record failed "spec folder exists: no docs/$spec/ or docs/$spec-*/"
fi

# Guardrail scripts parse.
scripts=("$SPEC_OPS_SCRIPT_DIR/common.sh" "$SPEC_OPS_SCRIPT_DIR/baseline_audit.sh" "$SPEC_OPS_SCRIPT_DIR"/commands/*.sh)
bad=""
for script in "${scripts[@]}"; do
  [[ -f $script ]] || continue
  bash -n "$script" 2>/dev/null || bad+=" ${script#"$SPEC_OPS_ROOT"/}"
done
if [[ -z $bad ]]; then
  record passed "guardrail scripts pass bash -n (${#scripts[@]} files)"
else
  record failed "guardrail scripts pass bash -n: syntax errors in$bad"
fi

# Cargo manifest.
if [[ $mode == quick || $mode == full ]]; then
  if [[ -f $manifest_abs ]]; then
    record passed "Cargo manifest exists: $manifest"
  else
    record failed "Cargo manifest exists: $manifest not found"
  fi
fi
if [[ $mode == full ]]; then
  workspace=0
  if [[ -f $manifest_abs ]]; then
    while IFS= read -r line || [[ -n $line ]]; do
      if [[ $line == "[workspace]"* ]]; then
        workspace=1
        break
      fi
    done <"$manifest_abs"
  fi
  if ((workspace == 1)); then
    record passed "Cargo manifest declares [workspace]"
  else
    record failed "Cargo manifest declares [workspace]"
  fi
  if [[ -e $SPEC_OPS_ROOT/Cargo.toml ]]; then
    record failed "no Cargo.toml at the repo root (the workspace lives in codex-rs/)"
  else
    record passed "no Cargo.toml at the repo root"
  fi
fi

if [[ ${SPEC_OPS_BASELINE_FORCE_FAIL:-0} == 1 ]]; then
  record failed "forced failure (SPEC_OPS_BASELINE_FORCE_FAIL=1)"
fi

status=passed
((failures == 0)) || status=failed
spec_ops_now now '%Y-%m-%dT%H:%M:%SZ'
mkdir -p -- "${output%/*}"
spec_ops_write_string "$output" "# Baseline Audit

- Spec: $spec
- Mode: $mode
- Status: $status
- Timestamp: $now

## Checks

${checks%$'\n'}"

printf 'baseline audit %s mode=%s: %s (%s)\n' "$spec" "$mode" "$status" "$output"
[[ $status == passed ]]
