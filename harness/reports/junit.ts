// JUnit XML, the format CI test tabs understand: a suite per run, a test case per check.
import { writeFileAtomic } from '../../common/atomic-files.ts';
import type { HarnessReport, RunReport } from '../run/types.ts';
import { countChecks, detailJson, runLabel } from './common.ts';

// Everything outside XML 1.0's Char production. Lone surrogates match here too under /u.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Makes text representable in XML 1.0: a forbidden control character becomes a visible
 * `\uXXXX` (an ANSI escape in a guardrail message stays recognisable), a lone surrogate U+FFFD.
 */
export function toXmlChars(text: string): string {
  return text.replace(NOT_XML_CHAR, (ch) => {
    const code = ch.codePointAt(0) ?? 0;
    return code >= 0xd800 && code <= 0xdfff ? '\uFFFD' : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

export function escapeXmlText(text: string): string {
  return (
    toXmlChars(text)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      // A raw CR would be normalised to LF by any parser.
      .replace(/\r/g, '&#13;')
  );
}

export function escapeXmlAttr(text: string): string {
  return (
    escapeXmlText(text)
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      // Attribute-value normalisation turns raw whitespace into spaces; references survive it.
      .replace(/\n/g, '&#10;')
      .replace(/\t/g, '&#9;')
  );
}

/** CI UIs show the message attribute on one line; the full text is in the element body. */
const MAX_ATTR_CHARS = 1000;

function shortAttr(text: string): string {
  // Only XML whitespace is folded; other control characters get the same visible escape as in the body.
  const flat = text.replace(/[\t\n\r ]+/g, ' ').trim();
  return flat.length > MAX_ATTR_CHARS ? `${flat.slice(0, MAX_ATTR_CHARS - 3)}...` : flat;
}

function seconds(ms: number): string {
  return Number.isFinite(ms) && ms > 0 ? (ms / 1000).toFixed(3) : '0.000';
}

function attrs(pairs: Record<string, string | number>): string {
  return Object.entries(pairs)
    .map(([name, value]) => ` ${name}="${escapeXmlAttr(String(value))}"`)
    .join('');
}

function renderSuite(specId: string, run: RunReport): string {
  const counts = countChecks(run.checks);
  const label = runLabel(run);
  const classname = `${specId}.${label}.${run.flow}`;
  const lines: string[] = [];
  lines.push(
    `  <testsuite${attrs({
      name: `${specId}.${label}.${run.flow}`,
      tests: run.checks.length,
      failures: counts.failed,
      errors: 0,
      skipped: counts.notApplicable,
      time: seconds(run.durationMs),
    })}>`,
  );
  lines.push('    <properties>');
  lines.push(`      <property${attrs({ name: 'scenario', value: run.scenario })}/>`);
  if (run.phase !== undefined) lines.push(`      <property${attrs({ name: 'phase', value: run.phase })}/>`);
  lines.push(`      <property${attrs({ name: 'flow', value: run.flow })}/>`);
  lines.push(`      <property${attrs({ name: 'exitCode', value: run.exitCode === null ? 'none' : run.exitCode })}/>`);
  lines.push(`      <property${attrs({ name: 'evidenceDir', value: run.evidenceDir })}/>`);
  lines.push('    </properties>');
  for (const check of run.checks) {
    const open = `    <testcase${attrs({ name: check.id, classname, time: '0' })}`;
    if (check.status === 'failed') {
      // CI tools group failures by type: the reason code groups them by what went wrong.
      const body = [
        check.message,
        '',
        `reason: ${check.detail.reason}`,
        `expected: ${detailJson(check.detail.expected)}`,
        `seen: ${detailJson(check.detail.seen)}`,
      ].join('\n');
      lines.push(`${open}>`);
      lines.push(`      <failure${attrs({ message: shortAttr(check.message), type: check.detail.reason })}>${escapeXmlText(body)}</failure>`);
      lines.push('    </testcase>');
    } else if (check.status === 'not-applicable') {
      lines.push(`${open}>`);
      lines.push(`      <skipped${attrs({ message: shortAttr(`not applicable: ${check.message}`) })}/>`);
      lines.push('    </testcase>');
    } else {
      lines.push(`${open}/>`);
    }
  }
  lines.push('  </testsuite>');
  return lines.join('\n');
}

export function renderJunit(report: HarnessReport): string {
  const totals = { tests: 0, failures: 0, skipped: 0, ms: 0 };
  for (const run of report.runs) {
    const counts = countChecks(run.checks);
    totals.tests += run.checks.length;
    totals.failures += counts.failed;
    totals.skipped += counts.notApplicable;
    totals.ms += Number.isFinite(run.durationMs) ? run.durationMs : 0;
  }
  const head = `<testsuites${attrs({
    name: `guardrail-harness ${report.specId}`,
    tests: totals.tests,
    failures: totals.failures,
    errors: 0,
    skipped: totals.skipped,
    time: seconds(totals.ms),
  })}>`;
  const suites = report.runs.map((run) => renderSuite(report.specId, run));
  return ['<?xml version="1.0" encoding="UTF-8"?>', head, ...suites, '</testsuites>', ''].join('\n');
}

export async function writeJunitReport(path: string, report: HarnessReport): Promise<void> {
  await writeFileAtomic(path, renderJunit(report));
}
