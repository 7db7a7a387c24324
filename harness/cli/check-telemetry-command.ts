// `guardrail-harness check-telemetry`: its options, help and output. The verdict on
// each file is harness/telemetry/check-telemetry.ts's. commands.ts dispatches to it.
import { stat } from 'node:fs/promises';
import { type Io, parseCommandLine, UsageError } from '../../common/cli/index.ts';
import { BUNDLE_TELEMETRY_NAME } from '../evidence/bundle-names.ts';
import { findTelemetryFiles, type JudgeOptions, judgeTelemetryFile } from '../telemetry/check-telemetry.ts';

export const CHECK_TELEMETRY_HELP = `Usage: guardrail-harness check-telemetry [--strict] [--outcome] [--repo DIR] [--no-evidence] [--hal | --no-hal] PATH...

Checks guardrail telemetry files the way the Spec Kit (the reader behind /spec-auto)
checks them: its schema validation, and its evidence validation (every listed artifact
exists on disk; validate is exempt). A file the Spec Kit accepts is never a problem.

Each PATH is a telemetry file or a folder. Folders are searched recursively for
  <stage>_<sessionId>.json   (as the guardrails write them, e.g. spec-validate_2025-09-29T16:34:21Z-229132461.json)
  ${BUNDLE_TELEMETRY_NAME}             (the copy in a harness evidence bundle; the manifest.json beside it
                             says which flow it belongs to and where the run's files went)
  *.telemetry.json
A folder without any of these counts as a problem. The stage of a file comes from the
bundle manifest, else its name, else its own "command".

Options:
  --strict       also apply the kit's stricter rules (the documented schema v1: value sets,
                 absolute paths, session id and time formats, the name agreeing with the
                 content, and in a bundle the manifest's SPEC_OPS_TELEMETRY_HAL)
  --outcome      also print, per file, what the Spec Kit would do: "advance" or "halt",
                 with its reason (does not change the exit status)
  --repo DIR     relative artifact paths resolve from DIR (default: the folder above the
                 file that holds docs/SPEC-OPS-004-integrated-coder-hooks; in a bundle, the
                 run's repository; otherwise the current folder)
  --no-evidence  skip the evidence validation (telemetry copied off the machine that wrote it)
  --hal          the runs set SPEC_OPS_TELEMETRY_HAL=1: validate/audit files must carry hal.summary
  --no-hal       the runs left it unset: validate/audit files must not carry hal.summary
  -h, --help     show this help

Prints one line per problem, "<path>: <rule set>: <problem>", where the rule set is
  spec-kit   the Spec Kit's own schema or evidence validation
  strict     the kit's stricter rules (--strict only)
  hal-flag   SPEC_OPS_TELEMETRY_HAL (--hal, --no-hal, or a bundle manifest under --strict)
(a file that cannot be read as JSON is named without a rule set), with --outcome a line
"<path>: advance: <reason>" or "<path>: halt: <reason>", and then
"N files checked, M problems" (with --outcome also ", A advance, H halt").
Exit status: 0 no problems, 1 problems found, 2 usage error.
`;

const OPTIONS = {
  strict: { type: 'boolean' },
  outcome: { type: 'boolean' },
  repo: { type: 'string' },
  'no-evidence': { type: 'boolean' },
  hal: { type: 'boolean' },
  'no-hal': { type: 'boolean' },
} as const;

interface CheckTelemetryArgs {
  paths: string[];
  judge: JudgeOptions;
  outcome: boolean;
}

function parseCheckTelemetryArgs(args: string[]): CheckTelemetryArgs {
  const { values, positionals } = parseCommandLine(args, { help: CHECK_TELEMETRY_HELP, allowPositionals: true, options: OPTIONS });
  if (values.repo === '') throw new UsageError('--repo needs a folder: the repository root relative artifact paths resolve from');
  if (positionals.length === 0) throw new UsageError('no PATH given; name one or more telemetry files or folders');
  const judge: JudgeOptions = { strict: values.strict === true, evidence: values['no-evidence'] !== true };
  const hal = halFlag(args, values.hal === true, values['no-hal'] === true);
  if (hal !== undefined) judge.telemetryHal = hal;
  if (values.repo !== undefined) judge.repo = values.repo;
  return { paths: positionals, judge, outcome: values.outcome === true };
}

/**
 * Of --hal and --no-hal the last one wins, so a wrapper that passes one can be overridden
 * by the other. parseArgs keeps no order, so the arguments are read again: after a clean
 * parse, every "--hal" before "--" is the flag, as a value that starts with "-" has to
 * be attached with "=".
 */
function halFlag(args: string[], hal: boolean, noHal: boolean): boolean | undefined {
  if (!hal && !noHal) return undefined;
  const end = args.indexOf('--');
  const options = end === -1 ? args : args.slice(0, end);
  return options.lastIndexOf('--hal') > options.lastIndexOf('--no-hal');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export async function checkTelemetryCommand(args: string[], io: Io): Promise<number> {
  const parsed = parseCheckTelemetryArgs(args);
  const { paths, judge } = parsed;

  if (judge.repo !== undefined) {
    const isFolder = await stat(judge.repo).then(
      (info) => info.isDirectory(),
      () => false,
    );
    if (!isFolder) {
      io.stderr(`check-telemetry: --repo ${judge.repo}: no such folder; give the root of the guardrail repository\n`);
      return 2;
    }
  }
  const kinds = new Map<string, 'file' | 'dir'>();
  const missing: string[] = [];
  for (const path of paths) {
    try {
      const info = await stat(path);
      kinds.set(path, info.isDirectory() ? 'dir' : 'file');
    } catch {
      missing.push(path);
    }
  }
  if (missing.length > 0) {
    for (const path of missing) {
      io.stderr(`check-telemetry: ${path}: no such file or folder; give a telemetry file or a folder holding them\n`);
    }
    return 2;
  }

  let filesChecked = 0;
  let problemCount = 0;
  const decisions = { advance: 0, halt: 0 };
  // One line per problem, even when a parser's message quotes text with line breaks in it.
  const oneLine = (text: string) => text.replace(/\r\n|\r|\n/g, '\\n');
  const report = (where: string, problem: string): void => {
    problemCount++;
    io.stdout(`${oneLine(where)}: ${oneLine(problem)}\n`);
  };
  judge.rootCache = new Map();

  for (const path of paths) {
    let files: string[];
    if (kinds.get(path) === 'dir') {
      try {
        files = await findTelemetryFiles(path);
      } catch (error) {
        report(path, `could not search the folder (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
        continue;
      }
      if (files.length === 0) {
        report(
          path,
          `no telemetry files found (looked for <stage>_<sessionId>.json, ${BUNDLE_TELEMETRY_NAME} and *.telemetry.json); point at the folder the guardrail wrote its evidence into`,
        );
        continue;
      }
    } else {
      files = [path];
    }
    for (const file of files) {
      filesChecked++;
      const verdict = await judgeTelemetryFile(file, judge);
      for (const problem of verdict.problems) report(file, problem.text);
      if (parsed.outcome) {
        decisions[verdict.outcome.decision]++;
        const note = verdict.outcome.halNote !== undefined ? `; ${verdict.outcome.halNote}` : '';
        io.stdout(`${oneLine(file)}: ${verdict.outcome.decision}: ${oneLine(verdict.outcome.reason + note)}\n`);
      }
    }
  }
  const tally = parsed.outcome ? `, ${decisions.advance} advance, ${decisions.halt} halt` : '';
  io.stdout(`${plural(filesChecked, 'file')} checked, ${plural(problemCount, 'problem')}${tally}\n`);
  return problemCount === 0 ? 0 : 1;
}
