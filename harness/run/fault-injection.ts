// Fault injection that reaches inside the guardrail scripts without editing them.
//
// bash reads the file named by BASH_ENV before it runs any non-interactive script, in the
// script's own shell: $0 is already the script's path and "$@" its arguments. So one file,
// handed to the scripts as BASH_ENV, can change what one named script does (exit with
// another status, write nothing, see other arguments or variables) while every script
// stays byte for byte as the repository has it. The scripts start each other with
// `bash script.sh` (or through their #! line), and each of those bash processes reads the
// file again; $(…) subshells do not.
//
// The file also records, as JSON Lines, every guardrail script it saw start (path,
// arguments, working folder, SPEC_OPS_CARGO_MANIFEST) and what the fault did, so a probe
// can tell a fault that fired from one that never reached its script (for example a plan
// that sources the baseline audit instead of starting it).
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { removeScratch, scratchDir } from './scratch.ts';
import type { EnvSetting } from './types.ts';

export const BASELINE_AUDIT_SCRIPT = 'baseline_audit.sh';
export const PLAN_SCRIPT = 'spec_ops_plan.sh';
/** The status the baseline-exit fault makes the audit exit with (not 1, the audit's own "failed"). */
export const INJECTED_EXIT_STATUS = 3;
/** The file the dirty-tree fault adds (staged, then changed again) at the repository root. */
export const DIRTY_FILE = 'guardrail-harness-dirty-tree.txt';

export type FaultRequest =
  /** baseline_audit.sh runs as usual with SPEC_OPS_BASELINE_FORCE_FAIL unset (so its report says passed), then exits with `status`. */
  | { name: 'baseline-exit-after-pass'; status?: number }
  /** baseline_audit.sh exits 0 before its first line: no report, no output. */
  | { name: 'baseline-no-output' }
  /** baseline_audit.sh creates its --output file empty and exits 0 before its first line. */
  | { name: 'baseline-empty-report' }
  /** plan starts on a dirty tree: a new file at the repository root, staged and then changed again. */
  | { name: 'dirty-tree' }
  /** These variables are unset in every bash the scripts start, as if the caller had never set them. */
  | { name: 'unset-env'; names: string[] }
  /** plan sees these arguments after its own, as if the caller had passed them. */
  | { name: 'plan-args'; args: string[] };
export type FaultName = FaultRequest['name'];

/** One line of the fault log. */
export interface FaultEvent {
  fault: FaultName;
  /** start: a guardrail script began (after the fault changed its arguments); armed: the fault acted; exit: the audit ended. */
  event: 'start' | 'armed' | 'exit';
  /** $0: the script's path as it was started. */
  script: string;
  argv: string[];
  cwd: string;
  pid: number;
  /** SPEC_OPS_CARGO_MANIFEST as the script sees it (after the fault); null when unset. */
  manifestEnv: string | null;
  /** armed: what the fault did; exit: the status the script itself ended with. */
  detail: string;
}

export interface PreparedFault {
  fault: FaultRequest;
  /** One sentence: what the fault does. */
  description: string;
  dir: string;
  /** The BASH_ENV file. */
  bashEnvFile: string;
  logFile: string;
  /** Add these to the scripts' environment (runHarness's `env`, after the user's own settings). */
  env: EnvSetting[];
  /** What the log holds so far. */
  events: () => FaultEvent[];
  remove: () => Promise<void>;
}

export interface PrepareFaultOptions {
  /** A BASH_ENV the scripts would otherwise have read (the user's): the fault file reads it first. */
  chainBashEnv?: string;
}

/** A bash word that stands for `text` exactly. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

export function describeFault(fault: FaultRequest): string {
  switch (fault.name) {
    case 'baseline-exit-after-pass':
      return `${BASELINE_AUDIT_SCRIPT} runs with SPEC_OPS_BASELINE_FORCE_FAIL unset, writes its (passing) report, then exits ${fault.status ?? INJECTED_EXIT_STATUS}`;
    case 'baseline-no-output':
      return `${BASELINE_AUDIT_SCRIPT} exits 0 before its first line: no report and no output`;
    case 'baseline-empty-report':
      return `${BASELINE_AUDIT_SCRIPT} creates its --output report empty and exits 0 before its first line`;
    case 'dirty-tree':
      return `plan starts on a dirty tree: ${DIRTY_FILE} at the repository root, staged and changed again`;
    case 'unset-env':
      return `${fault.names.join(', ')} unset in every bash the scripts start`;
    case 'plan-args':
      return `plan is started with ${fault.args.join(' ')} after its own arguments`;
  }
}

/** What the fault does, in bash, in the script's own shell before its first line. */
function faultBody(fault: FaultRequest): string {
  switch (fault.name) {
    case 'baseline-exit-after-pass': {
      const status = fault.status ?? INJECTED_EXIT_STATUS;
      return `if [[ $__gh_script == ${BASELINE_AUDIT_SCRIPT} ]]; then
  unset SPEC_OPS_BASELINE_FORCE_FAIL
  # The script's own EXIT trap, if it sets one, still runs (first, in a subshell).
  __gh_exit_handler=''
  trap() {
    case \${1-} in -p | -l | '') builtin trap "$@"; return ;; esac
    [[ $1 == -- ]] && shift
    local handler=- sig exit_given=0
    local -a rest=()
    if (($# > 1)); then handler=$1; shift; fi
    for sig in "$@"; do
      case \${sig^^} in EXIT | 0 | SIGEXIT) exit_given=1 ;; *) rest+=("$sig") ;; esac
    done
    if ((exit_given)); then
      if [[ $handler == - ]]; then __gh_exit_handler=''; else __gh_exit_handler=$handler; fi
    fi
    if ((\${#rest[@]} > 0)); then builtin trap -- "$handler" "\${rest[@]}"; fi
    return 0
  }
  __gh_on_exit() {
    local rc=$?
    if [[ -n $__gh_exit_handler ]]; then
      (exit "$rc")
      (eval "$__gh_exit_handler") || true
    fi
    __gh_record exit "$rc"
    exit ${status}
  }
  builtin trap __gh_on_exit EXIT
  __gh_record armed 'SPEC_OPS_BASELINE_FORCE_FAIL unset; exit status replaced by ${status}'
fi`;
    }
    case 'baseline-no-output':
      return `if [[ $__gh_script == ${BASELINE_AUDIT_SCRIPT} ]]; then
  __gh_record armed 'exited 0 before the script ran'
  exit 0
fi`;
    case 'baseline-empty-report':
      return `if [[ $__gh_script == ${BASELINE_AUDIT_SCRIPT} ]]; then
  __gh_out=''
  __gh_prev=''
  for __gh_arg in "$@"; do
    case $__gh_arg in --output=*) __gh_out=\${__gh_arg#--output=} ;; esac
    [[ $__gh_prev == --output ]] && __gh_out=$__gh_arg
    __gh_prev=$__gh_arg
  done
  if [[ -n $__gh_out ]]; then
    mkdir -p -- "$(dirname -- "$__gh_out")" 2>/dev/null
    : >"$__gh_out" && __gh_record armed "wrote an empty report $__gh_out, exited 0"
  else
    __gh_record armed 'no --output argument, so no report was written; exited 0'
  fi
  exit 0
fi`;
    case 'dirty-tree':
      return `if [[ $__gh_script == ${PLAN_SCRIPT} ]]; then
  __gh_root=$(git -C "$(dirname -- "$0")" rev-parse --show-toplevel 2>/dev/null) || __gh_root=$PWD
  printf 'written by guardrail-harness (fault dirty-tree)\\n' >"$__gh_root/${DIRTY_FILE}" &&
    git -C "$__gh_root" add -- ${DIRTY_FILE} >/dev/null 2>&1
  printf 'changed after git add\\n' >>"$__gh_root/${DIRTY_FILE}"
  __gh_record armed "$(cd -- "$__gh_root" && git status --porcelain -- ${DIRTY_FILE} 2>&1)"
fi`;
    case 'unset-env':
      return `unset ${fault.names.join(' ')}
case $__gh_script in spec_ops_*.sh | ${BASELINE_AUDIT_SCRIPT}) __gh_record armed ${shellQuote(`unset ${fault.names.join(' ')}`)} ;; esac`;
    case 'plan-args':
      return `if [[ $__gh_script == ${PLAN_SCRIPT} ]]; then
  set -- "$@" ${fault.args.map(shellQuote).join(' ')}
  __gh_record armed ${shellQuote(`appended ${fault.args.join(' ')}`)}
fi`;
  }
}

/** The whole BASH_ENV file for one fault. */
export function faultScript(fault: FaultRequest, logFile: string, options: PrepareFaultOptions = {}): string {
  for (const name of fault.name === 'unset-env' ? fault.names : []) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`unset-env: ${JSON.stringify(name)} is not a shell variable name`);
  }
  return `# guardrail-harness fault injection: ${fault.name}
# ${describeFault(fault)}.
# bash reads this file (BASH_ENV) before each non-interactive script, in the script's own
# shell ($0 and "$@" are the script's). The scripts themselves are not changed.
${options.chainBashEnv ? `# The BASH_ENV the scripts would otherwise have read:\n. ${shellQuote(options.chainBashEnv)} || true\n` : ''}__gh_fault=${shellQuote(fault.name)}
__gh_log=${shellQuote(logFile)}
__gh_script=\${0##*/}
__gh_argv=("$@")
__gh_record() { # EVENT [DETAIL]: one JSON line in the fault log
  jq -nc --arg fault "$__gh_fault" --arg event "$1" --arg detail "\${2-}" --arg script "$0" --arg cwd "$PWD" \\
    --arg pid "$$" --arg manifest "\${SPEC_OPS_CARGO_MANIFEST-}" --arg manifestSet "\${SPEC_OPS_CARGO_MANIFEST+1}" \\
    '{fault: $fault, event: $event, script: $script, argv: $ARGS.positional, cwd: $cwd, pid: ($pid | tonumber),
      manifestEnv: (if $manifestSet == "1" then $manifest else null end), detail: $detail}' \\
    --args -- "\${__gh_argv[@]}" >>"$__gh_log" 2>/dev/null || true
}
${faultBody(fault)}
__gh_argv=("$@")
case $__gh_script in spec_ops_*.sh | ${BASELINE_AUDIT_SCRIPT}) __gh_record start ;; esac
`;
}

/** Reads a fault log; a line cut short by a killed script is left out. */
export function readFaultLog(logFile: string): FaultEvent[] {
  let text: string;
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as FaultEvent];
      } catch {
        return [];
      }
    });
}

/**
 * Writes the BASH_ENV file for `fault` into a fresh temporary folder and returns the
 * environment to add. The folder is removed with remove() (or when the harness is stopped).
 */
export async function prepareFault(fault: FaultRequest, options: PrepareFaultOptions = {}): Promise<PreparedFault> {
  const dir = await scratchDir(`guardrail-fault-${fault.name}-`);
  const bashEnvFile = join(dir, 'bash-env.sh');
  const logFile = join(dir, 'fault-log.jsonl');
  await writeFile(bashEnvFile, faultScript(fault, logFile, options));
  await writeFile(logFile, '');
  return {
    fault,
    description: describeFault(fault),
    dir,
    bashEnvFile,
    logFile,
    env: [{ name: 'BASH_ENV', value: bashEnvFile, source: `fault ${fault.name}` }],
    events: () => readFaultLog(logFile),
    remove: () => removeScratch(dir),
  };
}

/** The events of one run: those whose script lies in that run's repository copy (its manifest's repoCopy roots). */
export function eventsOfRun(events: readonly FaultEvent[], repoRoots: readonly string[]): FaultEvent[] {
  return events.filter((event) => repoRoots.some((root) => event.script.startsWith(`${root}/`) || event.cwd === root || event.cwd.startsWith(`${root}/`)));
}
