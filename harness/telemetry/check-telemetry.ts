// What `guardrail-harness check-telemetry PATH...` says about telemetry files, without
// running anything, e.g. on a real evidence folder or a downloaded bundle. By default it
// applies exactly the Spec Kit's reader (spec-kit-reader.ts): a file the Spec Kit
// accepts is never a problem. `--strict` adds the kit's stricter rules (telemetry-schema.ts).
// The command line and the printing are harness/cli/check-telemetry-command.ts.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RuleSet } from '../checks/telemetry-schema.ts';
import { BUNDLE_TELEMETRY_NAME } from '../evidence/bundle-names.ts';
import type { Flow } from '../run/types.ts';
import { readAsSpecKit, type SpecKitOutcome, specKitOutcome } from './spec-kit-reader.ts';
import { bundleInfo, type RepoRoot, repoRootFor } from './telemetry-context.ts';
import { readTelemetryFile } from './telemetry-files.ts';
import { describeValue, issueLine, type TelemetryIssue } from './telemetry-issues.ts';
import { COMMANDS, flowOf, isCommand, stageOfFile } from './telemetry-names.ts';
import { checkParsedTelemetry, halFlagIssue } from './telemetry-schema.ts';

// Folders that never hold telemetry and can be huge.
const SKIP_DIRS = new Set(['.git', 'node_modules']);

export function isTelemetryFileName(name: string): boolean {
  return name === BUNDLE_TELEMETRY_NAME || name.endsWith('.telemetry.json') || stageOfFile(name) !== null;
}

/** The telemetry files under `dir`, each folder's in name order so that the output does not depend on the file system. */
export async function findTelemetryFiles(dir: string): Promise<string[]> {
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
  const command = data !== null && typeof data === 'object' ? (data as Record<string, unknown>).command : undefined;
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
    repoRoot = await repoRootFor(file, {
      ...(opts.repo !== undefined ? { flag: opts.repo } : {}),
      bundle,
      ...(opts.rootCache ? { cache: opts.rootCache } : {}),
    });
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
