// Reads a whole bundle: report.json, pair.json, every run folder the report names, and
// the list of files in it. report.json holds absolute paths from the machine that ran,
// so run folders are found relative to the bundle as it is now, and a path that would
// lead out of the bundle is refused rather than followed.
import { type Dirent, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { REPORT_FILE_NAMES } from '../../reports/index.ts';
import { CHECK_STATUSES } from '../../reports/report-schema.ts';
import { PAIR_FILE_NAME } from '../bundle-names.ts';
import { type BundleLimits, type BundleProblem, isRecord, limitsWith, num, readJsonFile, str, strOrNull, wrongShape } from './files.ts';
import { type ReadOptions, type RunFolder, readRunFolder } from './run-folder.ts';

export type ReadCheckStatus = (typeof CHECK_STATUSES)[number];

/** A check's structured verdict; absent in bundles written before checks carried one. */
export interface ReadCheckDetail {
  reason?: string;
  expected?: unknown;
  seen?: unknown;
}

/** A check as report.json holds it. The id stays a string: an older or newer harness may know other checks. */
export interface ReadCheck {
  id: string;
  status: ReadCheckStatus;
  ok: boolean | null;
  message: string;
  detail?: ReadCheckDetail;
}

export interface ReportRun {
  scenario: string;
  phase?: string;
  flow: string;
  exitCode: number | null;
  /** NaN when the report does not say. */
  durationMs: number;
  /** As recorded: usually an absolute path on the machine that ran. */
  evidenceDir: string;
  checks: ReadCheck[];
  status: string | null;
  expectedStatus: string | null;
  /** `scenario` or `journal`; null in a report written before runs said where their expectation came from. */
  expectedFrom: string | null;
  /** validate/audit: the checks expected in failed_checks; null when the report does not say. */
  expectedFailedChecks: string[] | null;
}

export interface BundleReport {
  ok: boolean;
  specId: string;
  pairId: string;
  /** Where the bundle was when the report was written; "" when it does not say. */
  bundleDir: string;
  notes: string[];
  runs: ReportRun[];
}

export interface PairRun {
  scenario: string;
  phase?: string;
  status: string | null;
  expectedStatus: string | null;
  exitCode: number | null;
  evidenceDir: string;
}

export interface PairFlowRead {
  flow: string;
  runs: PairRun[];
  transition: string | null;
  expectedTransition: string | null;
  matched: boolean | null;
}

export interface BundleRun {
  report: ReportRun;
  /** The run's entry in pair.json, when there is one. */
  pair: PairRun | null;
  /** Run folder inside the bundle, "/"-separated ("healthy/validate"); null when it cannot be found inside. */
  dir: string | null;
  /** The folder as read; null when `dir` is. */
  folder: RunFolder | null;
}

export interface BundleFile {
  /** "/"-separated, relative to the bundle. */
  path: string;
  bytes: number;
}

export interface Bundle {
  dir: string;
  /** Null when report.json is missing or is not a harness report; the problem says which. */
  report: BundleReport | null;
  pairFlows: PairFlowRead[];
  runs: BundleRun[];
  /** Every file in the bundle (hidden ones left out), sorted, at most limits.listedFiles. */
  files: BundleFile[];
  /** True when the listing stopped at the limit. */
  filesCut: boolean;
  problems: BundleProblem[];
}

export interface BundleReadOptions extends ReadOptions {
  /** Absolute paths to leave out of `files` (the report being written, say). */
  skip?: readonly string[];
}

const RERUN = 're-run the harness (guardrail-harness run) for a complete bundle';

/** A "/"-separated path inside the bundle, or null when it would leave it. */
export function insideBundle(path: string): string | null {
  if (path === '' || isAbsolute(path)) return null;
  const parts = path.split(/[\\/]+/).filter((part) => part !== '' && part !== '.');
  if (parts.length === 0 || parts.some((part) => part === '..')) return null;
  return parts.join('/');
}

function toDetail(value: unknown): ReadCheckDetail | undefined {
  if (!isRecord(value)) return undefined;
  return {
    ...(typeof value.reason === 'string' ? { reason: value.reason } : {}),
    ...('expected' in value ? { expected: value.expected } : {}),
    ...('seen' in value ? { seen: value.seen } : {}),
  };
}

export function toCheck(value: unknown): ReadCheck | null {
  if (!isRecord(value)) return null;
  const status = CHECK_STATUSES.find((known) => known === value.status);
  if (status === undefined) return null;
  const detail = toDetail(value.detail);
  return {
    id: str(value.id, '?'),
    status,
    ok: status === 'passed' ? true : status === 'failed' ? false : null,
    message: str(value.message),
    ...(detail !== undefined ? { detail } : {}),
  };
}

function toReportRun(value: Record<string, unknown>, path: string, problems: BundleProblem[]): ReportRun {
  const raw = Array.isArray(value.checks) ? value.checks : [];
  const checks = raw.map(toCheck).filter((check): check is ReadCheck => check !== null);
  if (checks.length < raw.length) {
    problems.push(
      wrongShape(
        path,
        `${raw.length - checks.length} checks of run ${str(value.scenario, '?')}/${str(value.flow, '?')} have no known status`,
        'they are left out; regenerate the report with this harness',
      ),
    );
  }
  return {
    scenario: str(value.scenario, '?'),
    ...(typeof value.phase === 'string' ? { phase: value.phase } : {}),
    flow: str(value.flow, '?'),
    exitCode: num(value.exitCode),
    durationMs: num(value.durationMs) ?? Number.NaN,
    evidenceDir: str(value.evidenceDir),
    checks,
    status: strOrNull(value.status),
    expectedStatus: strOrNull(value.expectedStatus),
    expectedFrom: strOrNull(value.expectedFrom),
    expectedFailedChecks: Array.isArray(value.expectedFailedChecks) ? value.expectedFailedChecks.map((check) => String(check)) : null,
  };
}

function readReport(root: string, limits: BundleLimits, problems: BundleProblem[]): BundleReport | null {
  const path = join(root, REPORT_FILE_NAMES.json);
  const read = readJsonFile(path, limits.report, REPORT_FILE_NAMES.json);
  if (read.problem !== null) {
    problems.push(
      read.problem.kind === 'missing'
        ? {
            ...read.problem,
            problem: `${root} has no ${REPORT_FILE_NAMES.json}`,
            fix: 'give the pair folder of an evidence bundle (evidence-bundles/<SPEC-ID>/<pair-id>), written by guardrail-harness run',
          }
        : read.problem,
    );
    return null;
  }
  if (!isRecord(read.value) || !Array.isArray(read.value.runs)) {
    problems.push(wrongShape(path, 'not a harness report (no "runs" list)', RERUN));
    return null;
  }
  const report = read.value;
  const runs = report.runs as unknown[];
  const records = runs.filter(isRecord);
  if (records.length < runs.length) problems.push(wrongShape(path, `${runs.length - records.length} "runs" entries are not objects`, 'they are left out'));
  return {
    ok: report.ok === true,
    specId: str(report.specId, '?'),
    pairId: str(report.pairId, '?'),
    bundleDir: str(report.bundleDir),
    notes: Array.isArray(report.notes) ? report.notes.map((note) => String(note)) : [],
    runs: records.map((run) => toReportRun(run, path, problems)),
  };
}

function readPair(root: string, limits: BundleLimits, problems: BundleProblem[]): PairFlowRead[] {
  const path = join(root, PAIR_FILE_NAME);
  const read = readJsonFile(path, limits.pair, PAIR_FILE_NAME);
  if (read.problem !== null) {
    problems.push(read.problem);
    return [];
  }
  if (!isRecord(read.value) || !isRecord(read.value.flows)) {
    problems.push(wrongShape(path, 'no "flows" object', `transitions are not shown; ${RERUN}`));
    return [];
  }
  return Object.entries(read.value.flows)
    .filter((entry): entry is [string, Record<string, unknown>] => isRecord(entry[1]))
    .map(([flow, value]) => ({
      flow,
      runs: (Array.isArray(value.runs) ? value.runs : []).filter(isRecord).map((run) => ({
        scenario: str(run.scenario, '?'),
        ...(typeof run.phase === 'string' ? { phase: run.phase } : {}),
        status: strOrNull(run.status),
        expectedStatus: strOrNull(run.expectedStatus),
        exitCode: num(run.exitCode),
        evidenceDir: str(run.evidenceDir),
      })),
      transition: strOrNull(value.transition),
      expectedTransition: strOrNull(value.expectedTransition),
      matched: typeof value.matched === 'boolean' ? value.matched : null,
    }));
}

/** Every file under `root`, sorted by name at each level; hidden entries and symlinks left out. */
export function listBundleFiles(
  root: string,
  limit: number,
  skip: ReadonlySet<string> = new Set(),
  problems: BundleProblem[] = [],
): { files: BundleFile[]; cut: boolean } {
  const files: BundleFile[] = [];
  let cut = false;
  const walk = (dir: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(root, ...dir.split('/')), { withFileTypes: true });
    } catch (error) {
      problems.push({
        path: join(root, dir),
        kind: 'unreadable',
        problem: `folder could not be listed (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
        fix: 'check its permissions',
      });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (cut) return;
      if (entry.name.startsWith('.')) continue;
      const rel = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile() && !skip.has(rel)) {
        if (files.length >= limit) {
          cut = true;
          return;
        }
        let bytes = 0;
        try {
          bytes = statSync(join(root, ...rel.split('/'))).size;
        } catch {
          // Gone between listing and stat: still listed, its size unknown.
        }
        files.push({ path: rel, bytes });
      }
    }
  };
  walk('');
  return { files, cut };
}

function locateRun(run: ReportRun, recordedRoot: string, pair: PairRun | null): string | null {
  if (recordedRoot !== '' && isAbsolute(recordedRoot) && isAbsolute(run.evidenceDir)) {
    const dir = insideBundle(relative(recordedRoot, run.evidenceDir));
    if (dir !== null) return dir;
  } else if (run.evidenceDir !== '' && !isAbsolute(run.evidenceDir)) {
    const dir = insideBundle(run.evidenceDir);
    if (dir !== null) return dir;
  }
  return pair === null ? null : insideBundle(pair.evidenceDir);
}

/** Reads a bundle. Never throws: whatever is missing or malformed is listed in `problems`. */
export function readBundle(bundleDir: string, options: BundleReadOptions = {}): Bundle {
  const root = resolve(bundleDir);
  const limits = limitsWith(options.limits);
  const problems: BundleProblem[] = [];
  const report = readReport(root, limits, problems);
  const pairFlows = report === null ? [] : readPair(root, limits, problems);

  const skip = new Set<string>();
  for (const path of options.skip ?? []) {
    const rel = insideBundle(relative(root, resolve(path)).split(sep).join('/'));
    if (rel !== null) skip.add(rel);
  }
  const { files, cut } = listBundleFiles(root, limits.listedFiles, skip, problems);
  if (cut)
    problems.push({
      path: root,
      kind: 'too-large',
      problem: `holds more than ${limits.listedFiles} files; the listing stops there`,
      fix: 'look in the folder itself for the rest',
    });

  const runs: BundleRun[] = (report?.runs ?? []).map((run) => {
    const flow = pairFlows.find((p) => p.flow === run.flow);
    const pair = flow?.runs.find((p) => p.scenario === run.scenario && p.phase === run.phase) ?? null;
    const dir = locateRun(run, report?.bundleDir ?? '', pair);
    if (dir === null) {
      problems.push({
        path: run.evidenceDir === '' ? root : run.evidenceDir,
        kind: 'outside-bundle',
        problem: `the folder of run ${run.scenario}${run.phase !== undefined ? `/${run.phase}` : ''} (${run.flow}) is not inside the bundle`,
        fix: 'its evidence is not shown; keep run folders inside the bundle, as the harness writes them',
      });
      return { report: run, pair, dir: null, folder: null };
    }
    const folder = readRunFolder(join(root, ...dir.split('/')), options);
    problems.push(...folder.problems);
    return { report: run, pair, dir, folder };
  });
  return { dir: root, report, pairFlows, runs, files, filesCut: cut, problems };
}
