#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2034 # jq programs are single-quoted; globals are read by the commands
# Shared helpers for the SPEC-OPS-004 guardrail commands. Sourced, not run.
#
# Provides: argument parsing, repo root / evidence dir / session id, the stage
# log, atomic file writes, telemetry (schema v1) and the HAL smoke used by
# validate and audit. Needs bash, git, jq, date, mktemp.

if [[ -n ${SPEC_OPS_COMMON_LOADED:-} ]]; then
  return 0
fi
SPEC_OPS_COMMON_LOADED=1

SPEC_OPS_EVIDENCE_REL="docs/SPEC-OPS-004-integrated-coder-hooks/evidence/commands"
SPEC_OPS_DEFAULT_MANIFEST="codex-rs/Cargo.toml"
SPEC_OPS_DEFAULT_HAL_URL="http://127.0.0.1:7878"
SPEC_OPS_DEFAULT_SECRET_ENV="HAL_SECRET_KAVEDARR_API_KEY"
SPEC_OPS_HAL_CHECKS=(health list_movies indexer_test graphql_ping)

# Directory holding this file (absolute).
case ${BASH_SOURCE[0]} in
  */*) SPEC_OPS_SCRIPT_DIR=${BASH_SOURCE[0]%/*} ;;
  *) SPEC_OPS_SCRIPT_DIR=. ;;
esac
SPEC_OPS_SCRIPT_DIR=$(cd -- "$SPEC_OPS_SCRIPT_DIR" && pwd -P)

# ---------------------------------------------------------------------------
# Time. spec_ops_now VAR FORMAT stores the current UTC time in VAR.
if ((BASH_VERSINFO[0] > 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] >= 2))); then
  spec_ops_now() { TZ=UTC0 printf -v "$1" "%($2)T" -1; }
else
  spec_ops_now() { printf -v "$1" '%s' "$(date -u "+$2")"; }
fi

# ---------------------------------------------------------------------------
# Arguments.
spec_ops_usage_error() {
  printf '%s: %s\n%s\nRun with --help for details.\n' "${SPEC_OPS_USAGE_NAME:-guardrail}" "$1" \
    "${SPEC_OPS_USAGE:-}" >&2
  exit 2
}

# spec_ops_parse_args KIND ARGS...   (KIND: plan | basic)
# Sets SPEC_OPS_SPEC_ID, SPEC_OPS_MANIFEST_FLAG and, for plan,
# SPEC_OPS_BASELINE_MODE / SPEC_OPS_ALLOW_FAIL_FLAG.
spec_ops_parse_args() {
  local kind=$1
  shift
  SPEC_OPS_SPEC_ID=""
  SPEC_OPS_MANIFEST_FLAG=""
  SPEC_OPS_BASELINE_MODE="no-run"
  SPEC_OPS_ALLOW_FAIL_FLAG=0
  local skip=0 value
  while (($# > 0)); do
    case $1 in
      -h | --help)
        printf '%s\n' "$SPEC_OPS_USAGE"
        exit 0
        ;;
      --manifest-path | --baseline-mode)
        if (($# < 2)) || [[ -z $2 ]]; then
          spec_ops_usage_error "option $1 needs a value"
        fi
        set -- "$1=$2" "${@:3}"
        continue
        ;;
      --manifest-path=*)
        value=${1#*=}
        [[ -n $value ]] || spec_ops_usage_error "option --manifest-path needs a value"
        SPEC_OPS_MANIFEST_FLAG=$value
        ;;
      --baseline-mode=*)
        [[ $kind == plan ]] || spec_ops_usage_error "unknown option --baseline-mode"
        value=${1#*=}
        case $value in
          skip | no-run | quick | full) SPEC_OPS_BASELINE_MODE=$value ;;
          *) spec_ops_usage_error "invalid baseline mode '$value' (use skip, no-run, quick or full)" ;;
        esac
        ;;
      --skip-baseline)
        [[ $kind == plan ]] || spec_ops_usage_error "unknown option $1"
        skip=1
        ;;
      --allow-fail)
        [[ $kind == plan ]] || spec_ops_usage_error "unknown option $1"
        SPEC_OPS_ALLOW_FAIL_FLAG=1
        ;;
      --)
        shift
        break
        ;;
      -*)
        spec_ops_usage_error "unknown option $1"
        ;;
      *)
        [[ -z $SPEC_OPS_SPEC_ID ]] || spec_ops_usage_error "unexpected argument '$1'"
        SPEC_OPS_SPEC_ID=$1
        ;;
    esac
    shift
  done
  if (($# > 0)); then
    [[ -z $SPEC_OPS_SPEC_ID && $# -eq 1 ]] || spec_ops_usage_error "unexpected argument '${*: -1}'"
    SPEC_OPS_SPEC_ID=$1
  fi
  ((skip == 0)) || SPEC_OPS_BASELINE_MODE=skip
  [[ -n $SPEC_OPS_SPEC_ID ]] || spec_ops_usage_error "missing SPEC-ID (for example SPEC-KIT-018)"
  local id_re='^[A-Za-z0-9][A-Za-z0-9._-]*$'
  if ! [[ $SPEC_OPS_SPEC_ID =~ $id_re ]] || [[ $SPEC_OPS_SPEC_ID == *..* ]]; then
    spec_ops_usage_error "invalid SPEC-ID '$SPEC_OPS_SPEC_ID' (letters, digits, '.', '_' and '-' only)"
  fi
}

# ---------------------------------------------------------------------------
# Repo root, evidence dir, session, log.
spec_ops_repo_root() {
  local root
  if root=$(git -C "$SPEC_OPS_SCRIPT_DIR" rev-parse --show-toplevel 2>/dev/null) && [[ -n $root ]]; then
    printf '%s\n' "$root"
  else
    (cd -- "$SPEC_OPS_SCRIPT_DIR/../.." && pwd -P)
  fi
}

# spec_ops_abs PATH: absolute form of PATH (relative paths are from the repo root).
spec_ops_abs() {
  case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s\n' "$SPEC_OPS_ROOT/${1#./}" ;;
  esac
}

# spec_ops_init STAGE COMMAND: call after spec_ops_parse_args.
spec_ops_init() {
  SPEC_OPS_STAGE=$1
  SPEC_OPS_COMMAND=$2
  SPEC_OPS_ROOT=$(spec_ops_repo_root)
  cd -- "$SPEC_OPS_ROOT" || exit 1

  if [[ -n ${SPEC_OPS_SESSION_ID:-} ]]; then
    local sid_re='^[A-Za-z0-9][A-Za-z0-9._:+-]*$'
    [[ $SPEC_OPS_SESSION_ID =~ $sid_re ]] ||
      spec_ops_usage_error "invalid SPEC_OPS_SESSION_ID (letters, digits, '.', '_', ':', '+', '-' only)"
    SPEC_OPS_SESSION=$SPEC_OPS_SESSION_ID
  else
    local started
    spec_ops_now started '%Y-%m-%dT%H:%M:%SZ'
    SPEC_OPS_SESSION="$started-$RANDOM$RANDOM$RANDOM"
  fi

  SPEC_OPS_EVIDENCE_DIR="$SPEC_OPS_ROOT/$SPEC_OPS_EVIDENCE_REL/$SPEC_OPS_SPEC_ID"
  mkdir -p -- "$SPEC_OPS_EVIDENCE_DIR"
  SPEC_OPS_LOG="$SPEC_OPS_EVIDENCE_DIR/${SPEC_OPS_STAGE}_${SPEC_OPS_SESSION}.log"
  SPEC_OPS_TELEMETRY="$SPEC_OPS_EVIDENCE_DIR/${SPEC_OPS_STAGE}_${SPEC_OPS_SESSION}.json"
  : >>"$SPEC_OPS_LOG"
  SPEC_OPS_ARTIFACTS=()

  SPEC_OPS_MANIFEST=${SPEC_OPS_MANIFEST_FLAG:-${SPEC_OPS_CARGO_MANIFEST:-$SPEC_OPS_DEFAULT_MANIFEST}}
  SPEC_OPS_MANIFEST_ABS=$(spec_ops_abs "$SPEC_OPS_MANIFEST")

  spec_ops_log INFO "start command=$SPEC_OPS_COMMAND spec=$SPEC_OPS_SPEC_ID session=$SPEC_OPS_SESSION root=$SPEC_OPS_ROOT"
}

# spec_ops_log LEVEL MESSAGE...: one line in the stage log; ERROR lines also go to stderr.
spec_ops_log() {
  local level=$1 now
  shift
  spec_ops_now now '%Y-%m-%dT%H:%M:%SZ'
  printf '%s [%s] %s %s\n' "$now" "$SPEC_OPS_STAGE" "$level" "$*" >>"$SPEC_OPS_LOG"
  if [[ $level == ERROR ]]; then
    printf '%s: %s\n' "$SPEC_OPS_STAGE" "$*" >&2
  fi
}

# spec_ops_log_block TEXT: appends TEXT to the stage log, each line indented with "    | ".
spec_ops_log_block() {
  local line
  while IFS= read -r line || [[ -n $line ]]; do
    [[ -z $line ]] || printf '    | %s\n' "$line"
  done <<<"$1" >>"$SPEC_OPS_LOG"
}

spec_ops_add_artifact() {
  SPEC_OPS_ARTIFACTS+=("$1")
}

# ---------------------------------------------------------------------------
# Atomic writes: a temp file in the target's directory, then mv.
spec_ops__tmp_for() {
  local target=$1 dir=${1%/*} created
  while :; do
    SPEC_OPS__TMP="$dir/.${target##*/}.$$.$RANDOM.tmp"
    set -C
    { : >"$SPEC_OPS__TMP"; } 2>/dev/null && created=1 || created=0
    set +C
    ((created == 0)) || return 0
    [[ -d $dir && -w $dir ]] || return 1
  done
}

# spec_ops_write_string FILE CONTENT: writes CONTENT (plus a final newline).
spec_ops_write_string() {
  spec_ops__tmp_for "$1" || return 1
  if printf '%s\n' "$2" >"$SPEC_OPS__TMP" && mv -f -- "$SPEC_OPS__TMP" "$1"; then
    return 0
  fi
  rm -f -- "$SPEC_OPS__TMP"
  return 1
}

# spec_ops_write_cmd FILE CMD...: writes the stdout of CMD.
spec_ops_write_cmd() {
  local target=$1
  shift
  spec_ops__tmp_for "$target" || return 1
  if "$@" >"$SPEC_OPS__TMP" && mv -f -- "$SPEC_OPS__TMP" "$target"; then
    return 0
  fi
  rm -f -- "$SPEC_OPS__TMP"
  return 1
}

# ---------------------------------------------------------------------------
# Telemetry (schema v1).

# jq definitions shared by every telemetry writer. Expects $command, $specId,
# $sessionId and $timestamp as jq variables.
SPEC_OPS_JQ_TELEMETRY_DEFS='
  def lines: split("\n") | map(select(length > 0));
  def envelope($stage; $paths; $tail):
    {schemaVersion: 1, command: $command, specId: $specId, sessionId: $sessionId, timestamp: $timestamp}
    + $stage + {artifacts: ($paths | map({path: .}))} + $tail;
  def hal_tail($on; $status; $failed; $captures):
    if $on == "1" then
      {hal: {summary: ({status: $status}
        + (if ($failed | length) > 0 then {failed_checks: $failed} else {} end)
        + (if ($captures | length) > 0 then {artifacts: $captures} else {} end))}}
    else {} end;'

# spec_ops_write_telemetry STAGE_FILTER TAIL_FILTER [jq args...]
# Writes envelope + STAGE_FILTER + {artifacts: SPEC_OPS_ARTIFACTS} + TAIL_FILTER.
spec_ops_write_telemetry() {
  local stage_filter=$1 tail_filter=$2 now artifacts="" a
  shift 2
  for a in ${SPEC_OPS_ARTIFACTS[@]+"${SPEC_OPS_ARTIFACTS[@]}"}; do
    artifacts+="$a"$'\n'
  done
  spec_ops_now now '%Y-%m-%dT%H:%M:%SZ'
  if ! spec_ops_write_cmd "$SPEC_OPS_TELEMETRY" jq -n \
    --arg command "$SPEC_OPS_COMMAND" \
    --arg specId "$SPEC_OPS_SPEC_ID" \
    --arg sessionId "$SPEC_OPS_SESSION" \
    --arg timestamp "$now" \
    --arg artifacts "$artifacts" \
    "$@" \
    "$SPEC_OPS_JQ_TELEMETRY_DEFS envelope(($stage_filter); (\$artifacts | lines); ($tail_filter))"; then
    spec_ops_log ERROR "could not write telemetry $SPEC_OPS_TELEMETRY"
    return 1
  fi
  spec_ops_log INFO "telemetry written: $SPEC_OPS_TELEMETRY"
}

# ---------------------------------------------------------------------------
# HAL smoke.

# Builds the four tool-call args, one compact JSON document per line, in the
# order of SPEC_OPS_HAL_CHECKS. The key is never in here: hal-mcp substitutes
# {secrets.kavedarr.api_key} from HAL_SECRET_KAVEDARR_API_KEY.
SPEC_OPS_JQ_HAL_ARGS='
  {"X-Api-Key": "{secrets.kavedarr.api_key}", "apikey": "{secrets.kavedarr.api_key}"} as $auth
  | ({"Content-Type": "application/json"} + $auth) as $json_auth
  | {url: ($base + "/health")},
    {url: ($base + "/api/v3/movie"), headers: $auth, query: {page: 1, limit: 50}},
    {url: ($base + "/api/v3/indexer/test"), headers: $json_auth, body: ({} | tojson)},
    {url: ($base + "/graphql"), headers: $json_auth, body: ({query: "query { __typename }"} | tojson)}'

SPEC_OPS_TELEMETRY_MARK=': __spec_ops_telemetry__'

# Judges the four call results in one jq start. Inputs: $o0..$o3 (call_tool
# stdout), $e0..$e3 (its stderr), $rc0..$rc3 (exit codes), the capture paths
# $cap0..$cap3, plus what the telemetry needs. Output: the telemetry document
# that holds if every capture of a passed check gets written (pretty JSON, so
# no line of it starts with ":"), the line SPEC_OPS_TELEMETRY_MARK, then
# @sh-quoted shell assignments.
SPEC_OPS_JQ_HAL_JUDGE='
  def ws: . == " " or . == "\n" or . == "\t" or . == "\r";
  def trim: until(. == "" or (.[0:1] | ws | not); .[1:]) | until(. == "" or (.[-1:] | ws | not); .[:-1]);
  def redact: ($ENV.SPEC_OPS_REDACT_VALUE // "") as $k
    | if $k == "" then . else split($k) | join("[REDACTED]") end;
  def parse: try {v: fromjson} catch null;
  def digits3: length == 3 and (explode | all(. >= 48 and . <= 57));
  # The GraphQL rule (graphql_ping). The ping proves that the GraphQL endpoint is up
  # and answering GraphQL, not that the query is authorised. A 2xx body passes when it
  # is a GraphQL response: a JSON object with "data" (an object or null) and/or a
  # non-empty "errors" array of objects with a string "message" ("errors": null or []
  # count as no errors). So a 200 {"data":null,"errors":[{"message":"Introspection
  # requires admin authentication","extensions":{"code":"FORBIDDEN"}}]}, which is how
  # production answered on every healthy day, passes. The body fails when it is not
  # an object, has neither "data" nor errors, has "data" of another type, or has
  # malformed "errors". A non-2xx status fails whatever the body (see judge).
  def graphql_error: type == "object" and ((.message | type) == "string");
  def graphql_problem:
    if type != "object" then "GraphQL response is not an object"
    elif .errors != null and ((.errors | type) != "array" or (.errors | all(graphql_error) | not)) then
      "GraphQL errors are malformed"
    elif has("data") and .data != null and (.data | type) != "object" then
      "GraphQL data is neither an object nor null"
    elif (has("data") | not) and ((.errors // []) | length) == 0 then
      "neither data nor errors: not a GraphQL response"
    else "" end;
  def judge($check; $rc; $out; $err; $capture_path):
    {health: [503, "Health endpoint"], list_movies: [500, "Movie list endpoint"],
     indexer_test: [500, "Indexer test endpoint"], graphql_ping: [401, "GraphQL endpoint"]}[$check] as $fb
    | ($out | parse) as $doc
    | (if $doc != null and ($doc.v | type) == "object" then $doc.v else null end) as $r
    | (if $r == null then null
       else ($r.content | if type == "array" then ((.[0].text)? // null) else null end) end) as $text
    | (if ($text | type) == "string" then ($text | redact) else "" end) as $t
    | ($t | split("\n") | .[0] // "") as $line
    | (if ($line | startswith("Status: ")) and ($line[8:11] | digits3)
          and ($line[11:12] == "" or $line[11:12] == " ")
       then $line[8:11] else "" end) as $code
    | ($t | split("Body:\n")) as $parts
    | (if ($parts | length) > 1 then ($parts[1:] | join("Body:\n")) else "" end | trim) as $body
    | ($body == "" or $body == "(Empty response)") as $blank
    | (if $blank then null else ($body | parse) end) as $bj
    | (if $blank then "empty body"
       elif $bj == null then "body is not valid JSON"
       elif $bj.v == null then "body is JSON null"
       elif $check == "graphql_ping" then ($bj.v | graphql_problem)
       else "" end) as $body_problem
    | (if $rc != "0" then "call_tool exited with status \($rc)"
       elif $doc == null then "call_tool output is not JSON"
       elif $r == null then "call_tool output is not a JSON object"
       elif $r.isError == true then "tool error: " + (if $line == "" then "(no text)" else $line end)
       elif ($text | type) != "string" then "call_tool result has no text content"
       elif $code == "" then "no HTTP status line"
       elif ($code | startswith("2") | not) then
         "HTTP \($code)" + (if $body_problem == "" then "" else ", " + $body_problem end)
       else $body_problem end) as $reason
    | {check: $check,
       verdict: (if $reason == "" then "passed" else "failed" end),
       reason: (if $reason == "" then "ok" else $reason end),
       http: (if $code == "" then "-" else $code end),
       fallback: (if $blank then 1 else 0 end),
       path: $capture_path,
       capture: (if $blank then ({status: $fb[0], note: "\($fb[1]) returned no body"} | tojson) else $body end),
       stderr: ($err | redact | split("\n") | map(select(length > 0) | "    | " + .) | join("\n"))};
  ($names | split(" ")) as $checks
  | [$o0, $o1, $o2, $o3] as $outs | [$e0, $e1, $e2, $e3] as $errs
  | [$rc0, $rc1, $rc2, $rc3] as $rcs | [$cap0, $cap1, $cap2, $cap3] as $caps
  | [range(0; 4) as $i | judge($checks[$i]; $rcs[$i]; $outs[$i]; $errs[$i]; $caps[$i])] as $res
  | ($res | map(select(.verdict == "failed") | .check)) as $failed
  | ($res | map(select(.verdict == "passed") | .path)) as $passed_paths
  | (if ($failed | length) > 0 then "failed" else "passed" end) as $status
  | envelope({scenarios: [{name: $scenario, status: $status}]};
      [$log] + $passed_paths; hal_tail($hal_on; $status; $failed; $passed_paths)),
    $mark,
    (range(0; 4) as $i | $res[$i]
      | @sh "hal_verdict[\($i)]=\(.verdict) hal_reason[\($i)]=\(.reason) hal_http[\($i)]=\(.http) hal_fallback[\($i)]=\(.fallback) hal_capture[\($i)]=\(.capture) hal_stderr[\($i)]=\(.stderr)")'

# spec_ops_hal_smoke: sets SPEC_OPS_HAL_STATUS (passed|failed|skipped),
# SPEC_OPS_HAL_FAILED (check names), SPEC_OPS_HAL_CAPTURES (captures of passed
# checks, written and non-empty) and SPEC_OPS_HAL_TELEMETRY (ready telemetry
# text from the judge, or empty when it must be rebuilt).
# Needs SPEC_OPS_SCENARIO and SPEC_OPS_HAL_ON (for that ready telemetry).
spec_ops_hal_smoke() {
  SPEC_OPS_HAL_STATUS=skipped
  SPEC_OPS_HAL_FAILED=()
  SPEC_OPS_HAL_CAPTURES=()
  SPEC_OPS_HAL_TELEMETRY=""
  if [[ ${SPEC_OPS_HAL_SKIP:-0} == 1 ]]; then
    spec_ops_log INFO "HAL smoke skipped (SPEC_OPS_HAL_SKIP=1)"
    return 0
  fi

  local base=${SPEC_OPS_HAL_BASE_URL:-$SPEC_OPS_DEFAULT_HAL_URL}
  base=${base%/}
  local secret_env=${SPEC_OPS_HAL_SECRET_ENV:-$SPEC_OPS_DEFAULT_SECRET_ENV} key="" name_re='^[A-Za-z_][A-Za-z0-9_]*$'
  if [[ $secret_env =~ $name_re ]]; then
    key=${!secret_env:-}
  else
    spec_ops_log ERROR "SPEC_OPS_HAL_SECRET_ENV is not a valid variable name"
  fi
  local check i
  if [[ -z $key ]]; then
    spec_ops_log ERROR "HAL smoke failed: API key missing (variable $secret_env is empty or unset); no request made"
    for check in "${SPEC_OPS_HAL_CHECKS[@]}"; do
      spec_ops_log INFO "HAL check=$check verdict=failed http=- reason=\"API key missing\""
      SPEC_OPS_HAL_FAILED+=("$check")
    done
    SPEC_OPS_HAL_STATUS=failed
    return 0
  fi

  local hal_dir
  if [[ -n ${SPEC_OPS_HAL_EVIDENCE_DIR:-} ]]; then
    hal_dir=$(spec_ops_abs "$SPEC_OPS_HAL_EVIDENCE_DIR")
    mkdir -p -- "$hal_dir"
  else
    hal_dir=$SPEC_OPS_EVIDENCE_DIR
  fi
  [[ -f $SPEC_OPS_MANIFEST_ABS ]] || spec_ops_log WARN "Cargo manifest not found: $SPEC_OPS_MANIFEST_ABS"

  local stamp
  spec_ops_now stamp '%Y%m%d-%H%M%SZ'
  spec_ops_log INFO "HAL smoke start base=$base manifest=$SPEC_OPS_MANIFEST captures=$hal_dir/$stamp-hal-*.json"

  local args_text line
  local -a call_args=()
  if ! args_text=$(jq -nc --arg base "$base" "$SPEC_OPS_JQ_HAL_ARGS"); then
    spec_ops_log ERROR "HAL smoke failed: could not build the request args with jq"
    SPEC_OPS_HAL_FAILED=("${SPEC_OPS_HAL_CHECKS[@]}")
    SPEC_OPS_HAL_STATUS=failed
    return 0
  fi
  while IFS= read -r line; do
    call_args+=("$line")
  done <<<"$args_text"

  local work
  work=$(mktemp -d "${TMPDIR:-/tmp}/spec-ops-hal.XXXXXX")
  SPEC_OPS__WORK=$work
  trap 'rm -rf -- "$SPEC_OPS__WORK"' EXIT

  local -a rcs=() tools=(http-get http-get http-post http-post)
  local rc
  for i in 0 1 2 3; do
    check=${SPEC_OPS_HAL_CHECKS[i]}
    spec_ops_log INFO "HAL check=$check calling ${tools[i]}"
    cargo run --manifest-path "$SPEC_OPS_MANIFEST" --quiet -p codex-mcp-client --bin call_tool -- \
      --tool "${tools[i]}" --args "${call_args[i]}" \
      --env "HAL_SECRET_KAVEDARR_API_KEY=$key" -- npx -y hal-mcp \
      </dev/null >"$work/out$i" 2>"$work/err$i" && rc=0 || rc=$?
    rcs[i]=$rc
  done

  local judged="" now prefix="$hal_dir/$stamp-hal-" found=0
  local -a hal_verdict=() hal_reason=() hal_http=() hal_capture=() hal_fallback=() hal_stderr=()
  spec_ops_now now '%Y-%m-%dT%H:%M:%SZ'
  if ! SPEC_OPS_REDACT_VALUE=$key jq -nr \
    --arg names "${SPEC_OPS_HAL_CHECKS[*]}" \
    --rawfile o0 "$work/out0" --rawfile o1 "$work/out1" --rawfile o2 "$work/out2" --rawfile o3 "$work/out3" \
    --rawfile e0 "$work/err0" --rawfile e1 "$work/err1" --rawfile e2 "$work/err2" --rawfile e3 "$work/err3" \
    --arg rc0 "${rcs[0]}" --arg rc1 "${rcs[1]}" --arg rc2 "${rcs[2]}" --arg rc3 "${rcs[3]}" \
    --arg cap0 "${prefix}${SPEC_OPS_HAL_CHECKS[0]}.json" --arg cap1 "${prefix}${SPEC_OPS_HAL_CHECKS[1]}.json" \
    --arg cap2 "${prefix}${SPEC_OPS_HAL_CHECKS[2]}.json" --arg cap3 "${prefix}${SPEC_OPS_HAL_CHECKS[3]}.json" \
    --arg mark "$SPEC_OPS_TELEMETRY_MARK" \
    --arg command "$SPEC_OPS_COMMAND" --arg specId "$SPEC_OPS_SPEC_ID" \
    --arg sessionId "$SPEC_OPS_SESSION" --arg timestamp "$now" --arg log "$SPEC_OPS_LOG" \
    --arg scenario "${SPEC_OPS_SCENARIO:-}" --arg hal_on "${SPEC_OPS_HAL_ON:-0}" \
    "$SPEC_OPS_JQ_TELEMETRY_DEFS $SPEC_OPS_JQ_HAL_JUDGE" >"$work/judged"; then
    spec_ops_log ERROR "HAL smoke failed: could not judge the results with jq"
    SPEC_OPS_HAL_FAILED=("${SPEC_OPS_HAL_CHECKS[@]}")
    SPEC_OPS_HAL_STATUS=failed
    return 0
  fi
  # Telemetry lines up to the first mark line (pretty JSON cannot contain it),
  # then the assignments. Read from a file: pattern cuts on a long string are slow.
  {
    while IFS= read -r line; do
      if [[ $line == "$SPEC_OPS_TELEMETRY_MARK" ]]; then
        found=1
        break
      fi
      SPEC_OPS_HAL_TELEMETRY+=$line$'\n'
    done
    if ((found == 1)); then
      judged=$(cat)
    fi
  } <"$work/judged"
  if ((found == 1)); then
    eval "$judged"
  else
    SPEC_OPS_HAL_TELEMETRY=""
    spec_ops_log ERROR "HAL smoke: unexpected output from the jq judge"
  fi

  local capture verdict reason
  for i in 0 1 2 3; do
    check=${SPEC_OPS_HAL_CHECKS[i]}
    verdict=${hal_verdict[i]:-failed}
    reason=${hal_reason[i]:-no result}
    capture="${prefix}$check.json"
    if [[ -n ${hal_stderr[i]:-} ]]; then
      printf '%s\n' "${hal_stderr[i]}" >>"$SPEC_OPS_LOG"
    fi
    if ! spec_ops_write_string "$capture" "${hal_capture[i]:-}"; then
      spec_ops_log WARN "could not write capture $capture"
    fi
    if [[ $verdict == passed ]] && ! [[ -f $capture && -s $capture ]]; then
      verdict=failed
      reason="capture not written"
      SPEC_OPS_HAL_TELEMETRY=""
    fi
    if [[ $verdict == passed ]]; then
      SPEC_OPS_HAL_CAPTURES+=("$capture")
    else
      SPEC_OPS_HAL_FAILED+=("$check")
    fi
    [[ ${hal_fallback[i]:-0} == 0 ]] || capture="$capture (fallback)"
    spec_ops_log INFO "HAL check=$check verdict=$verdict http=${hal_http[i]:--} exit=${rcs[i]} reason=\"$reason\" capture=$capture"
  done

  if ((${#SPEC_OPS_HAL_FAILED[@]} > 0)); then
    SPEC_OPS_HAL_STATUS=failed
    spec_ops_log ERROR "HAL smoke failed: ${SPEC_OPS_HAL_FAILED[*]}"
  else
    SPEC_OPS_HAL_STATUS=passed
    spec_ops_log INFO "HAL smoke passed"
  fi
}

# spec_ops_smoke_stage STAGE COMMAND SCENARIO: the whole validate/audit flow.
# Returns 1 when the HAL smoke failed.
spec_ops_smoke_stage() {
  spec_ops_init "$1" "$2"
  SPEC_OPS_SCENARIO=$3
  SPEC_OPS_HAL_ON=0
  [[ ${SPEC_OPS_TELEMETRY_HAL:-0} != 1 ]] || SPEC_OPS_HAL_ON=1
  spec_ops_add_artifact "$SPEC_OPS_LOG"
  spec_ops_hal_smoke
  local c failed="" captures=""
  for c in ${SPEC_OPS_HAL_CAPTURES[@]+"${SPEC_OPS_HAL_CAPTURES[@]}"}; do
    spec_ops_add_artifact "$c"
    captures+="$c"$'\n'
  done
  for c in ${SPEC_OPS_HAL_FAILED[@]+"${SPEC_OPS_HAL_FAILED[@]}"}; do
    failed+="$c"$'\n'
  done
  if [[ -n $SPEC_OPS_HAL_TELEMETRY ]]; then
    # Built by the judge from the same verdicts; saves a jq start.
    if ! spec_ops_write_string "$SPEC_OPS_TELEMETRY" "$SPEC_OPS_HAL_TELEMETRY"; then
      spec_ops_log ERROR "could not write telemetry $SPEC_OPS_TELEMETRY"
      return 1
    fi
    spec_ops_log INFO "telemetry written: $SPEC_OPS_TELEMETRY"
  else
    spec_ops_write_telemetry \
      '{scenarios: [{name: $scenario, status: $status}]}' \
      'hal_tail($hal_on; $status; ($failed | lines); ($captures | lines))' \
      --arg scenario "$SPEC_OPS_SCENARIO" --arg status "$SPEC_OPS_HAL_STATUS" \
      --arg failed "$failed" --arg captures "$captures" --arg hal_on "$SPEC_OPS_HAL_ON" || return 1
  fi
  printf '%s %s: %s telemetry=%s\n' "$SPEC_OPS_STAGE" "$SPEC_OPS_SPEC_ID" "$SPEC_OPS_HAL_STATUS" "$SPEC_OPS_TELEMETRY"
  [[ $SPEC_OPS_HAL_STATUS != failed ]]
}
