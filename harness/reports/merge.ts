// Shards of one run matrix, run in separate CI jobs, become one report, with the
// transition judged across the whole pair again. guardrail-harness merge
// (harness/cli/merge-command.ts) is the command line on top.
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { z } from 'zod';
import { addTransitions } from '../run/runner.ts';
import type { HarnessReport, RunReport, UserEnvironmentReport } from '../run/types.ts';
import { HarnessReportSchema, jsonPath } from './report-schema.ts';

export class MergeError extends Error {}

/** One shard's report.json, or a MergeError that names the file and what is wrong with it. */
export async function readShardReport(path: string): Promise<HarnessReport> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new MergeError(`${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new MergeError(`${path}: not valid JSON (${(error as Error).message}); pass the report.json of each shard`);
  }
  const parsed = HarnessReportSchema.safeParse(data);
  if (!parsed.success) throw new MergeError(shardProblem(path, parsed.error.issues));
  return parsed.data;
}

/** At most this many schema problems are named; the first usually says it all. */
const SHOWN_ISSUES = 3;

/** Names the file, the JSON path of each problem and what to do about it. */
export function shardProblem(path: string, issues: readonly z.core.$ZodIssue[]): string {
  const shown = issues.slice(0, SHOWN_ISSUES).map((issue) => `${jsonPath(issue.path)}: ${issue.message}`);
  const more = issues.length > SHOWN_ISSUES ? `; and ${issues.length - SHOWN_ISSUES} more` : '';
  return (
    `${path} is not a report.json this guardrail-harness can merge (${shown.join('; ')}${more}). ` +
    'Pass the report.json each shard wrote (guardrail-harness run --shard I/N --report-json FILE), written by this same version of ' +
    'guardrail-harness; re-run a shard that an older or newer version wrote.'
  );
}

export function mergeReports(reports: readonly HarnessReport[]): HarnessReport {
  const first = reports[0];
  if (!first) throw new MergeError('nothing to merge: pass at least one report');
  const specs = new Set(reports.map((report) => report.specId));
  if (specs.size > 1) throw new MergeError(`the reports are for different specs (${[...specs].join(', ')}); merge the shards of one run only`);
  const runs: RunReport[] = reports.flatMap((report) => report.runs.map((run) => ({ ...run, checks: [...run.checks] })));
  const seen = new Set<string>();
  for (const run of runs) {
    const key = `${run.scenario}/${run.phase ?? ''}/${run.flow}`;
    if (seen.has(key)) throw new MergeError(`run ${key} appears in two reports; each shard must be merged once`);
    seen.add(key);
  }
  runs.sort((a, b) => (a.matrixIndex ?? 0) - (b.matrixIndex ?? 0));
  addTransitions(runs);
  const environment = mergeEnvironments(reports.flatMap((report) => (report.environment ? [report.environment] : [])));
  return {
    ok: runs.every((run) => run.checks.every((check) => check.ok !== false)),
    specId: first.specId,
    pairId: reports.map((report) => report.pairId).join('+'),
    bundleDir: dirname(first.bundleDir),
    notes: [...new Set(reports.flatMap((report) => report.notes)), `merged ${reports.length} report${reports.length === 1 ? '' : 's'}`],
    ...(environment ? { environment } : {}),
    runs,
  };
}

/**
 * The shards of one run got the same --env settings, so `set` is normally one list many
 * times over: each setting is kept once, in first-seen order. `overridden` lists each
 * variable once with the runs of every shard.
 */
export function mergeEnvironments(environments: readonly UserEnvironmentReport[]): UserEnvironmentReport | undefined {
  if (environments.length === 0) return undefined;
  const set = new Map<string, UserEnvironmentReport['set'][number]>();
  const overridden = new Map<string, Set<string>>();
  for (const environment of environments) {
    for (const setting of environment.set) set.set(JSON.stringify([setting.name, setting.value, setting.source]), setting);
    for (const { name, runs } of environment.overridden) {
      const mine = overridden.get(name) ?? new Set<string>();
      for (const run of runs) mine.add(run);
      overridden.set(name, mine);
    }
  }
  return { set: [...set.values()], overridden: [...overridden].map(([name, runs]) => ({ name, runs: [...runs] })) };
}
