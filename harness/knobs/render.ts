// The output of `knobs`: the --report-json document and the console table.
import { SHOWN_EVIDENCE, shorten } from '../gaps/render.ts';
import { formatTable } from '../reports/console.ts';
import type { KnobRow, KnobState, KnobsResult } from './model.ts';

/** The --report-json document: ok, then one row per knob in KNOB_IDS order, then the bundles. */
export function buildKnobsJson(result: KnobsResult): { ok: boolean; knobs: KnobRow[]; bundles: string[] } {
  return {
    ok: result.ok,
    knobs: result.knobs.map(({ id, variable, expected, state, reason, evidence }) => ({ id, variable, expected, state, reason, evidence })),
    bundles: result.probes.map((probe) => probe.report.bundleDir),
  };
}

export function renderKnobs(result: KnobsResult): string {
  const table = formatTable(
    ['KNOB', 'VARIABLE', 'STATE', 'WHY'],
    result.knobs.map((knob) => [knob.id, knob.variable, knob.state, knob.reason]),
  );
  const lines = [table, '', 'Evidence:'];
  for (const knob of result.knobs) {
    lines.push(`  ${knob.id} (${knob.state}): expected ${knob.expected}`);
    if (knob.evidence.length === 0) lines.push('    (none)');
    for (const item of knob.evidence.slice(0, SHOWN_EVIDENCE)) {
      lines.push(`    ${item.scenario}/${item.flow} [${item.probe}]  ${item.check ?? 'evidence'}: ${shorten(item.message)}`);
    }
    if (knob.evidence.length > SHOWN_EVIDENCE) lines.push(`    … and ${knob.evidence.length - SHOWN_EVIDENCE} more like these (all of them in --report-json)`);
  }
  const count = (state: KnobState) => result.knobs.filter((knob) => knob.state === state);
  const broken = count('broken');
  const untestable = count('not-testable');
  lines.push(
    '',
    `${broken.length === 0 ? 'NO KNOB BROKEN' : `KNOBS BROKEN: ${broken.map((knob) => knob.id).join(', ')}`}; ` +
      `${count('holds').length} hold, ${untestable.length} not testable${untestable.length > 0 ? ` (${untestable.map((knob) => knob.id).join(', ')})` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}
