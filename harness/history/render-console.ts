// What history and bisect print: the commits × gaps table and each gap's changes; the
// commits a bisection examined and what it found, with the evidence of the verdict.
import { relative } from 'node:path';
import { evidenceLines, GAP_IDS, type GapVerdict } from '../gaps/index.ts';
import { shorten } from '../gaps/render.ts';
import { formatTable } from '../reports/index.ts';
import type { CommitInfo } from './git.ts';
import type { BisectResult, BisectStep, HistoryResult, HistoryRow, ProbeCounts, TreeVerdicts } from './model.ts';

const SUBJECT_WIDTH = 40;

/** Where a row's verdicts came from, in a word or two. */
export function rowSource(row: Pick<HistoryRow, 'verdicts' | 'sameTreeAs'>, shortOf: (sha: string) => string): string {
  if (row.sameTreeAs !== null) return `as ${shortOf(row.sameTreeAs)}`;
  return SOURCE_WORDS[row.verdicts.source];
}

const SOURCE_WORDS: Record<TreeVerdicts['source'], string> = { probed: 'probed', cache: 'cache', 'no-scripts': 'no scripts', error: 'error' };

const day = (commit: CommitInfo) => commit.date.slice(0, 10);

/** The progress line printed as each tree is examined. */
export function examinedLine(commit: CommitInfo, verdicts: TreeVerdicts, ms: number): string {
  const present = verdicts.gaps.filter((gap) => gap.state === 'present').map((gap) => gap.id);
  const untestable = verdicts.gaps.filter((gap) => gap.state === 'not-testable').length;
  const what =
    verdicts.problem ?? `${present.length === 0 ? 'no gap present' : `present: ${present.join(', ')}`}${untestable > 0 ? `; ${untestable} not testable` : ''}`;
  return `${SOURCE_WORDS[verdicts.source].padEnd(10)}  ${commit.short}  ${`${(ms / 1000).toFixed(1)} s`.padStart(7)}  ${shorten(commit.subject, SUBJECT_WIDTH)}: ${what}`;
}

function countsLine(counts: ProbeCounts, cacheDir: string | null): string {
  const cache = cacheDir === null ? 'no cache' : `cache ${cacheDir}`;
  return `Probes: ${counts.probes}; ${counts.cacheHits} tree${counts.cacheHits === 1 ? '' : 's'} from the cache, ${counts.reused} commit${counts.reused === 1 ? '' : 's'} reusing a tree examined in this run (${cache})`;
}

export function renderHistory(result: HistoryResult): string {
  const shortOf = (sha: string) => result.rows.find((row) => row.commit.sha === sha)?.commit.short ?? sha.slice(0, 7);
  const table = formatTable(
    ['COMMIT', 'DATE', 'SUBJECT', 'VERDICTS', ...GAP_IDS],
    result.rows.map((row) => [
      row.commit.short,
      day(row.commit),
      shorten(row.commit.subject, SUBJECT_WIDTH),
      rowSource(row, shortOf),
      ...row.verdicts.gaps.map((gap) => gap.state),
    ]),
  );
  const lines = [table, '', 'Changes, each against the row before:'];
  const unchanged: string[] = [];
  for (const gap of GAP_IDS) {
    const changes = result.changes.filter((change) => change.gap === gap);
    if (changes.length === 0) {
      unchanged.push(gap);
      continue;
    }
    lines.push(`  ${gap}`);
    for (const change of changes) {
      const row = result.rows.find((candidate) => candidate.commit.sha === change.sha) as HistoryRow;
      lines.push(`    ${row.commit.short}  ${`${change.from} → ${change.to}`.padEnd(26)}  ${shorten(row.commit.subject, SUBJECT_WIDTH)}`);
    }
  }
  if (unchanged.length > 0) lines.push(`  no change: ${unchanged.join(', ')}`);
  const problems = result.rows.filter((row) => row.sameTreeAs === null && row.verdicts.problem !== null);
  if (problems.length > 0) {
    lines.push('', 'Not probed:');
    for (const row of problems) lines.push(`  ${row.commit.short}  ${row.verdicts.problem}`);
  }
  const trees = new Set(result.rows.map((row) => row.verdicts.tree)).size;
  const newest = result.rows.at(-1) as HistoryRow;
  const present = newest.verdicts.gaps.filter((gap) => gap.state === 'present').map((gap) => gap.id);
  lines.push(
    '',
    `${result.rows.length} of ${result.firstParentCommits} commits on the first-parent line of ${result.range} touched ${result.paths.join(', ')}: ${trees} distinct guardrail tree${trees === 1 ? '' : 's'}.`,
    countsLine(result, result.cacheDir),
    `Newest (${newest.commit.short}): ${present.length === 0 ? 'NO GAP PRESENT' : `GAPS PRESENT: ${present.join(', ')}`}`,
  );
  return `${lines.join('\n')}\n`;
}

function stepLine(step: BisectStep): string {
  const source = step.reused ? 'reused' : SOURCE_WORDS[step.verdicts.source];
  const skipped = step.role === 'step' && step.verdict.state === 'not-testable' ? ' (skipped)' : '';
  return `  ${step.role.padEnd(4)}  ${step.commit.short}  ${day(step.commit)}  ${step.verdict.state.padEnd(12)}  ${`${source}${skipped}`.padEnd(17)}  ${shorten(step.commit.subject, SUBJECT_WIDTH)}`;
}

function verdictLines(verdict: GapVerdict, verdicts: TreeVerdicts): string[] {
  const bundles = verdicts.bundles.map((bundle) => relative(process.cwd(), bundle) || '.');
  return [`  why: ${verdict.reason}`, '  evidence:', ...evidenceLines(verdict, '    '), ...(bundles.length > 0 ? [`  bundles: ${bundles.join(', ')}`] : [])];
}

export function renderBisect(result: BisectResult): string {
  const at = (commit: CommitInfo) => result.steps.find((step) => step.commit.sha === commit.sha) as BisectStep;
  const good = at(result.good);
  const bad = at(result.bad);
  const lines = [
    `bisect ${result.gap}: good ${result.good.short} ${good.verdict.state}, bad ${result.bad.short} ${bad.verdict.state}; ` +
      `${result.searched} commit${result.searched === 1 ? '' : 's'} after good on bad's first-parent line touched ${result.paths.join(', ')}`,
    'Examined, in order:',
    ...result.steps.map(stepLine),
    '',
  ];
  switch (result.outcome) {
    case 'found': {
      const commit = result.commit as CommitInfo;
      const step = at(commit);
      lines.push(`First commit with ${result.gap} present: ${commit.sha} ${day(commit)} ${commit.subject}`);
      if (commit.parents.length > 1) {
        lines.push(
          `  It is a merge: the gap came in from its other parent${commit.parents.length > 2 ? 's' : ''} (${commit.parents.slice(1).join(', ')}); bisect that branch to find the commit on it.`,
        );
      }
      lines.push(...verdictLines(step.verdict, step.verdicts));
      break;
    }
    case 'good-has-gap':
      lines.push(
        `--good ${result.good.short} already has ${result.gap} present; give a good commit where it is closed.`,
        ...verdictLines(good.verdict, good.verdicts),
      );
      break;
    case 'bad-lacks-gap':
      lines.push(
        `--bad ${result.bad.short} does not have ${result.gap} present (it is ${bad.verdict.state}); give a bad commit where it is present.`,
        `  why: ${bad.verdict.reason}`,
      );
      break;
    case 'untestable': {
      const which = good.verdict.state === 'not-testable' ? good : bad;
      lines.push(
        `${result.gap} is not testable at --${which.role} ${which.commit.short}: ${which.verdict.reason}`,
        `Give a --${which.role} commit where the gap can be tested.`,
      );
      break;
    }
    case 'ambiguous':
      lines.push(`Commits where ${result.gap} is not testable stand next to the change, so it came in at one of these (oldest first):`);
      for (const commit of result.candidates) {
        const step = result.steps.find((seen) => seen.role === 'step' && seen.commit.sha === commit.sha);
        const state = step ? step.verdict.state : 'present';
        lines.push(
          `  ${commit.short}  ${day(commit)}  ${state.padEnd(12)}  ${shorten(commit.subject, SUBJECT_WIDTH)}${step && state === 'not-testable' ? `: ${step.verdict.reason}` : ''}`,
        );
      }
      break;
  }
  lines.push('', countsLine(result, result.cacheDir));
  return `${lines.join('\n')}\n`;
}
