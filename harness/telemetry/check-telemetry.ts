// `guardrail-harness check-telemetry PATH...`: judge telemetry files without running
// anything, e.g. on a real evidence folder or a downloaded bundle. By default it
// applies exactly the Spec Kit's reader (spec-kit-reader.ts): a file the Spec Kit
// accepts is never a problem. `--strict` adds the kit's stricter rules (telemetry-schema.ts).
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RuleSet } from '../checks/telemetry-schema.ts';
import { BUNDLE_TELEMETRY_NAME } from '../evidence/evidence.ts';
import { readAsSpecKit, specKitOutcome, type SpecKitOutcome } from './spec-kit-reader.ts';
import { bundleInfo, repoRootFor, type RepoRoot } from './telemetry-context.ts';
import { readTelemetryFile } from './telemetry-files.ts';
import { describeValue, issueLine, type TelemetryIssue } from './telemetry-issues.ts';
import { COMMANDS, flowOf, isCommand, stageOfFile } from './telemetry-names.ts';
import { checkParsedTelemetry, halFlagIssue } from './telemetry-schema.ts';
import type { Flow } from '../run/types.ts';

export interface CheckTelemetryIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export const CHECK_TELEMETRY_USAGE = `Usage: guardrail-harness check-telemetry [--strict] [--outcome] [--repo DIR] [--no-evidence] [--hal | --no-hal] PATH...

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

// Folders that never hold telemetry and can be huge.
const SKIP_DIRS = new Set(['.git', 'node_modules']);

export function isTelemetryFileName(name: string): boolean {
  return name === BUNDLE_TELEMETRY_NAME || name.endsWith('.telemetry.json') || stageOfFile(name) !== null;
}

async function findTelemetryFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    // Symlinked folders are not followed, so a link loop cannot make the walk endless.
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) found.push(...(await findTelemetryFiles(path)));
    } else if ((entry.isFile() || entry.isSymbolicLink()) && isTelemetryFileName(entry.name)) {
      found.push(path);
    }
  }
  return found;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One problem with a file, and the rule set it comes from (none: the file could not be read). */
export interface FileProblem {
  ruleSet: RuleSet | null;
  issue: TelemetryIssue | null;
  /** The printed text after "<path>: ". */
  text: string;
}

export interface FileVerdict {
  flow: Flow | null;
  problems: FileProblem[];
  outcome: SpecKitOutcome;
  repoRoot?: RepoRoot;
}

export interface JudgeOptions {
  strict: boolean;
  evidence: boolean;
  /** --hal / --no-hal. */
  telemetryHal?: boolean;
  repo?: string;
  rootCache?: Map<string, string | null>;
}

const ruled = (ruleSet: RuleSet, issue: TelemetryIssue): FileProblem => ({ ruleSet, issue, text: `${ruleSet}: ${issueLine(issue)}` });

/** Everything check-telemetry says about one file. Never throws. */
export async function judgeTelemetryFile(file: string, opts: JudgeOptions): Promise<FileVerdict> {
  const read = await readTelemetryFile(file);
  if (!read.ok) {
    const reason = `the Spec Kit cannot read the file: ${read.problems[0] ?? 'unreadable'}`;
    return {
      flow: null,
      problems: read.problems.map((text) => ({ ruleSet: null, issue: null, text })),
      outcome: { decision: 'halt', reasons: [{ code: 'invalid-telemetry', holds: false, message: reason }], reason },
    };
  }
  const data = read.data;
  const bundle = await bundleInfo(file);
  const command = data !== null && typeof data === 'object' ? (data as Record<string, unknown>)['command'] : undefined;
  const flow = bundle?.flow ?? stageOfFile(file)?.flow ?? (isCommand(command) ? flowOf(command) : null);
  const problems: FileProblem[] = [];
  let outcome: SpecKitOutcome;
  let repoRoot: RepoRoot | undefined;
  if (flow === null) {
    const issue: TelemetryIssue = {
      path: data !== null && typeof data === 'object' && !Array.isArray(data) ? 'command' : '(top level)',
      message:
        data !== null && typeof data === 'object' && !Array.isArray(data)
          ? `expected one of ${COMMANDS.join('|')}, got ${describeValue(command)} (and the file name names no stage), so the Spec Kit reads it as no stage's telemetry`
          : `expected a JSON object, got ${describeValue(data)}`,
    };
    problems.push(ruled('spec-kit', issue));
    const reason = `the Spec Kit reads no stage from this file: ${issueLine(issue)}`;
    outcome = { decision: 'halt', reasons: [{ code: 'invalid-telemetry', holds: false, message: reason }], reason };
  } else {
    repoRoot = await repoRootFor(file, { ...(opts.repo !== undefined ? { flag: opts.repo } : {}), bundle, ...(opts.rootCache ? { cache: opts.rootCache } : {}) });
    const reading = readAsSpecKit(data, flow, { repoRoot: repoRoot.dir, repoRootWhy: repoRoot.why, ...(bundle ? { copies: bundle.copies } : {}) });
    const evidence = opts.evidence ? reading.evidence.issues : [];
    problems.push(...[...reading.schema, ...evidence].map((issue) => ruled('spec-kit', issue)));
    outcome = opts.evidence ? reading.outcome : specKitOutcome(data, flow, reading.schema, { applies: false, issues: [], found: [] });
    if (opts.strict) {
      const covered = new Set(reading.schema.map((issue) => issue.path));
      const strict = checkParsedTelemetry(file, data, bundle?.flow !== undefined ? { expectedCommand: bundle.flow } : {});
      problems.push(...strict.issues.filter((issue) => !covered.has(issue.path)).map((issue) => ruled('strict', issue)));
    }
  }
  const hal = opts.telemetryHal ?? (opts.strict ? bundle?.telemetryHal : undefined);
  if (hal !== undefined && flow !== null) {
    const issue = halFlagIssue(data, flow, hal);
    if (issue) problems.push(ruled('hal-flag', issue));
  }
  return { flow, problems, outcome, ...(repoRoot ? { repoRoot } : {}) };
}

interface Args {
  paths: string[];
  judge: JudgeOptions;
  outcome: boolean;
}

function parseArgs(args: string[], io: CheckTelemetryIo): Args | number {
  const parsed: Args = { paths: [], judge: { strict: false, evidence: true }, outcome: false };
  let optionsDone = false;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (optionsDone || !arg.startsWith('-') || arg === '-') {
      parsed.paths.push(arg);
      continue;
    }
    if (arg === '--') optionsDone = true;
    else if (arg === '-h' || arg === '--help') {
      io.stdout(CHECK_TELEMETRY_USAGE);
      return 0;
    } else if (arg === '--hal') parsed.judge.telemetryHal = true;
    else if (arg === '--no-hal') parsed.judge.telemetryHal = false;
    else if (arg === '--strict') parsed.judge.strict = true;
    else if (arg === '--outcome') parsed.outcome = true;
    else if (arg === '--no-evidence') parsed.judge.evidence = false;
    else if (arg === '--repo' || arg.startsWith('--repo=')) {
      const value = arg === '--repo' ? args[++index] : arg.slice('--repo='.length);
      if (value === undefined || value === '') {
        io.stderr('check-telemetry: --repo needs a folder: the repository root relative artifact paths resolve from\n');
        return 2;
      }
      parsed.judge.repo = value;
    } else {
      io.stderr(`check-telemetry: unknown option ${arg}; see --help\n`);
      return 2;
    }
  }
  if (parsed.paths.length === 0) {
    io.stderr('check-telemetry: no PATH given; name one or more telemetry files or folders (see --help)\n');
    return 2;
  }
  return parsed;
}

export async function checkTelemetryMain(args: string[], io: CheckTelemetryIo): Promise<number> {
  const parsed = parseArgs(args, io);
  if (typeof parsed === 'number') return parsed;
  const { paths, judge } = parsed;

  if (judge.repo !== undefined) {
    const isFolder = await stat(judge.repo).then((info) => info.isDirectory(), () => false);
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

if (import.meta.main) {
  process.exitCode = await checkTelemetryMain(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
  });
}
