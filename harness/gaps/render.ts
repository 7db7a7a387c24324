// The output of `gaps`: the --report-json document and the console table.

import { formatTable } from '../reports/console.ts';
import { type GapState, type GapsResult, type GapVerdict, PROBE_NOTE } from './model.ts';

/** The --report-json document: ok, then the gaps in GAP_IDS order. */
export function buildGapsJson(result: GapsResult): { ok: boolean; gaps: GapVerdict[]; bundles: string[] } {
  return {
    ok: result.ok,
    gaps: result.gaps.map(({ id, state, reason, evidence }) => ({ id, state, reason, evidence })),
    bundles: result.probes.map((probe) => probe.report.bundleDir),
  };
}

export function shorten(text: string, max = 240): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Evidence lines printed per row; --report-json has them all. */
export const SHOWN_EVIDENCE = 4;

/** A verdict's evidence, one line per fact (the run, then the check and its message), the first SHOWN_EVIDENCE of them. */
export function evidenceLines(gap: GapVerdict, indent: string): string[] {
  const lines: string[] = [];
  if (gap.evidence.length === 0) lines.push(`${indent}(none)`);
  for (const item of gap.evidence.slice(0, SHOWN_EVIDENCE)) {
    const run = `${item.scenario}/${item.flow}${PROBE_NOTE[item.probe]}`;
    lines.push(`${indent}${run}  ${item.check ?? 'evidence'}: ${shorten(item.message)}`);
  }
  if (gap.evidence.length > SHOWN_EVIDENCE) lines.push(`${indent}… and ${gap.evidence.length - SHOWN_EVIDENCE} more like these (all of them in --report-json)`);
  return lines;
}

export function renderGaps(result: GapsResult): string {
  const table = formatTable(
    ['GAP', 'STATE', 'WHY'],
    result.gaps.map((gap) => [gap.id, gap.state, gap.reason]),
  );
  const lines = [table, '', 'Evidence:'];
  for (const gap of result.gaps) {
    lines.push(`  ${gap.id} (${gap.state})`, ...evidenceLines(gap, '    '));
  }
  const count = (state: GapState) => result.gaps.filter((gap) => gap.state === state);
  const present = count('present');
  const untestable = count('not-testable');
  lines.push(
    '',
    `${present.length === 0 ? 'NO GAP PRESENT' : `GAPS PRESENT: ${present.map((gap) => gap.id).join(', ')}`}; ` +
      `${count('closed').length} closed, ${untestable.length} not testable${untestable.length > 0 ? ` (${untestable.map((gap) => gap.id).join(', ')})` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}
