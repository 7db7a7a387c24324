// The report writers on one harness report: report.json, JUnit XML, the Markdown summary
// and the console output, each read back to prove it says what the report says.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildJsonReport,
  escapeXmlAttr,
  escapeXmlText,
  formatProgressLine,
  formatTable,
  mdCode,
  mdText,
  renderConsoleSummary,
  renderJunit,
  renderMarkdown,
  writeJsonReport,
  writeReports,
} from '../../../harness/reports/index.ts';
import { HarnessReportSchema } from '../../../harness/reports/report-schema.ts';
import type { CheckResult, HarnessReport, RunReport } from '../../../harness/run/types.ts';

// --- a tiny XML reader: enough to prove the output is well-formed and to read it back ---

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const XML_CHAR = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const NAME = '[A-Za-z_][A-Za-z0-9_.-]*';

function decodeEntities(raw: string, where: string): string {
  if (/&(?!(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)/.test(raw)) throw new Error(`bare & in ${where}: ${raw}`);
  return raw.replace(/&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g, (_m, ref: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (ref in named) return named[ref] as string;
    const code = ref.startsWith('#x') ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    const ch = String.fromCodePoint(code);
    if (!XML_CHAR.test(ch)) throw new Error(`character reference to a non-XML character in ${where}`);
    return ch;
  });
}

function parseXml(xml: string): XmlElement {
  if (!XML_CHAR.test(xml)) throw new Error('document holds characters XML 1.0 forbids');
  let pos = 0;
  const decl = /^<\?xml[^?]*\?>\s*/.exec(xml);
  if (decl) pos = decl[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  while (pos < xml.length) {
    if (xml.startsWith('</', pos)) {
      const m = new RegExp(`^</(${NAME})\\s*>`).exec(xml.slice(pos));
      if (!m) throw new Error(`bad end tag at ${pos}`);
      const open = stack.pop();
      if (!open || open.name !== m[1]) throw new Error(`</${m[1]}> does not close <${open?.name}>`);
      pos += m[0].length;
    } else if (xml[pos] === '<') {
      const m = new RegExp(`^<(${NAME})((?:\\s+${NAME}\\s*=\\s*"[^"<]*")*)\\s*(/?)>`).exec(xml.slice(pos));
      if (!m) throw new Error(`bad start tag at ${pos}: ${xml.slice(pos, pos + 60)}`);
      const attrs: Record<string, string> = {};
      for (const a of (m[2] ?? '').matchAll(new RegExp(`(${NAME})\\s*=\\s*"([^"]*)"`, 'g'))) {
        const key = a[1] as string;
        if (key in attrs) throw new Error(`duplicate attribute ${key}`);
        // Attribute-value normalisation: literal whitespace becomes a space, references survive.
        attrs[key] = decodeEntities((a[2] as string).replace(/[\t\n\r]/g, ' '), `attribute ${key}`);
      }
      const element: XmlElement = { name: m[1] as string, attrs, children: [], text: '' };
      const parent = stack.at(-1);
      if (parent) parent.children.push(element);
      else if (root) throw new Error('second root element');
      else root = element;
      if (m[3] !== '/') stack.push(element);
      pos += m[0].length;
    } else {
      const next = xml.indexOf('<', pos);
      const raw = xml.slice(pos, next === -1 ? xml.length : next);
      if (raw.includes('>') && raw.includes(']]>')) throw new Error(']]> in text');
      const parent = stack.at(-1);
      if (!parent) {
        if (raw.trim() !== '') throw new Error('text outside the root element');
      } else {
        parent.text += decodeEntities(raw.replace(/\r\n?/g, '\n'), `text of <${parent.name}>`);
      }
      pos = next === -1 ? xml.length : next;
    }
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.at(-1)?.name}>`);
  if (!root) throw new Error('no root element');
  return root;
}

// --- fixtures ---

const NASTY = `expected <status> & "quotes" 'apos'\u0000\u0007\u001b[31m\u000b\uD800 end\r\nline two\ttab`;

const check = (id: CheckResult['id'], status: CheckResult['status'], message: string, reason: string, seen: unknown = null): CheckResult => ({
  id,
  status,
  ok: status === 'passed' ? true : status === 'failed' ? false : null,
  message,
  detail: { reason, expected: status === 'not-applicable' ? { flows: ['plan'] } : 'zero', seen },
});

function run(partial: Partial<RunReport> & Pick<RunReport, 'scenario' | 'flow'>): RunReport {
  return { exitCode: 0, durationMs: 1500, evidenceDir: `/out/S/p/${partial.scenario}/${partial.flow}`, checks: [], ...partial };
}

const REPORT: HarnessReport = {
  ok: false,
  specId: 'SPEC-KIT-018',
  pairId: '20250929T163421Z-abc123',
  bundleDir: '/out/SPEC-KIT-018/20250929T163421Z-abc123',
  notes: ['call_tool timeout shortened to 3 s for the timeout scenario'],
  environment: {
    set: [
      { name: 'SPEC_OPS_HAL_SKIP', value: '0', source: '--env' },
      { name: 'HAL_SECRET_KAVEDARR_API_KEY', value: '[REDACTED]', source: 'ci.env:3' },
    ],
    overridden: [{ name: 'HAL_SECRET_KAVEDARR_API_KEY', runs: ['healthy/validate', 'flap/phase-2-down/audit'] }],
  },
  runs: [
    run({
      scenario: 'healthy',
      flow: 'validate',
      checks: [
        check('exit-code', 'passed', 'exit 0, as expected', 'as-expected', { exitCode: 0, signal: null, timedOut: false }),
        check('telemetry-schema', 'passed', 'valid', 'clean', []),
        check('baseline', 'not-applicable', 'plan only', 'not-plan', { flow: 'validate' }),
      ],
    }),
    run({
      scenario: 'flap',
      phase: 'phase-2-down',
      flow: 'audit',
      exitCode: null,
      durationMs: 61_000,
      checks: [
        check('exit-code', 'failed', NASTY, 'killed', { exitCode: null, signal: 'SIGKILL', timedOut: false }),
        check('telemetry-status', 'failed', 'expected failed | got passed', 'status-mismatch', { 'scenarios[].status': 'passed', note: '<&>' }),
        check('baseline', 'not-applicable', 'plan <only>', 'not-plan', { flow: 'audit' }),
      ],
    }),
  ],
};

const { environment: _environment, ...WITHOUT_ENVIRONMENT } = REPORT;
const PASSING: HarnessReport = { ...WITHOUT_ENVIRONMENT, ok: true, notes: [], runs: [REPORT.runs[0] as RunReport] };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reports-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('JSON report', () => {
  it('has the agreed shape and key order (report-schema.ts), whatever order the report was built in', () => {
    const backwards = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).reverse()) as T;
    const json = buildJsonReport(backwards(REPORT));
    expect(Object.keys(json)).toEqual(['ok', 'specId', 'pairId', 'bundleDir', 'notes', 'environment', 'runs']);
    expect(Object.keys(buildJsonReport(PASSING))).toEqual(['ok', 'specId', 'pairId', 'bundleDir', 'notes', 'runs']);
    expect(Object.keys(json.runs[0] as object)).toEqual(['scenario', 'flow', 'exitCode', 'durationMs', 'evidenceDir', 'checks']);
    const full = buildJsonReport({
      ...PASSING,
      runs: [
        backwards({
          ...run({ phase: 'p', scenario: 's', flow: 'plan' }),
          matrixIndex: 4,
          status: null,
          expectedStatus: 'passed',
          expectedFrom: 'journal',
          expectedFailedChecks: ['graphql_ping'],
        }),
      ],
    });
    expect(Object.keys(full.runs[0] as object)).toEqual([
      'scenario',
      'phase',
      'flow',
      'exitCode',
      'durationMs',
      'evidenceDir',
      'matrixIndex',
      'status',
      'expectedStatus',
      'expectedFrom',
      'expectedFailedChecks',
      'checks',
    ]);
    expect(json.runs[1]).toMatchObject({ scenario: 'flap', phase: 'phase-2-down', flow: 'audit', exitCode: null });
    const reordered = { detail: { seen: 1, expected: 0, reason: 'zero-exit' }, message: NASTY, ok: false, status: 'failed', id: 'exit-code' } as const;
    const written = buildJsonReport({ ...PASSING, runs: [run({ scenario: 's', flow: 'validate', checks: [reordered] })] }).runs[0]?.checks[0];
    expect(Object.keys(written as object)).toEqual(['id', 'status', 'ok', 'message', 'detail']);
    expect(Object.keys(written?.detail as object)).toEqual(['reason', 'expected', 'seen']);
  });

  it('keeps every check detail and the environment: written, read back and parsed, it equals the report', async () => {
    const path = join(dir, 'report.json');
    await writeJsonReport(path, REPORT);
    expect(await readdir(dir)).toEqual(['report.json']);
    const read = JSON.parse(await readFile(path, 'utf8'));
    expect(read).toEqual(REPORT);
    expect(read.runs[1].checks[1].detail).toEqual({ reason: 'status-mismatch', expected: 'zero', seen: { 'scenarios[].status': 'passed', note: '<&>' } });
    expect(read.environment.overridden).toEqual([{ name: 'HAL_SECRET_KAVEDARR_API_KEY', runs: ['healthy/validate', 'flap/phase-2-down/audit'] }]);
    expect(HarnessReportSchema.parse(read)).toEqual(REPORT);
  });

  it('refuses to write a report the schema does not accept, rather than drop or invent fields', () => {
    const bare = { id: 'exit-code', status: 'passed', ok: true, message: 'no detail' } as unknown as CheckResult;
    expect(() => buildJsonReport({ ...PASSING, runs: [run({ scenario: 's', flow: 'validate', checks: [bare] })] })).toThrow(/detail/);
    const contradicting = { ...check('exit-code', 'failed', 'x', 'zero-exit'), ok: true };
    expect(() => buildJsonReport({ ...PASSING, runs: [run({ scenario: 's', flow: 'validate', checks: [contradicting] })] })).toThrow(/ok must be/);
    expect(() => buildJsonReport({ ...PASSING, extra: 1 } as HarnessReport)).toThrow(/extra/);
  });
});

describe('JUnit XML', () => {
  it('escapes markup characters', () => {
    expect(escapeXmlText(`a<b>&"'`)).toBe(`a&lt;b&gt;&amp;"'`);
    expect(escapeXmlAttr(`a<b>&"'\n`)).toBe('a&lt;b&gt;&amp;&quot;&apos;&#10;');
  });

  it('replaces characters XML 1.0 forbids', () => {
    expect(escapeXmlText('a\u0000b\u001bc\uFFFEd\uDC00e')).toBe('a\\u0000b\\u001bc\\ufffed\uFFFDe');
    expect(escapeXmlText('keep\ttab\nnewline 😀')).toBe('keep\ttab\nnewline 😀');
  });

  it('parses, with one suite per run and one case per check', () => {
    const root = parseXml(renderJunit(REPORT));
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ tests: '6', failures: '2', errors: '0', skipped: '2', time: '62.500' });
    expect(root.children.map((s) => s.attrs.name)).toEqual(['SPEC-KIT-018.healthy.validate', 'SPEC-KIT-018.flap/phase-2-down.audit']);
    const [healthy, flap] = root.children as [XmlElement, XmlElement];
    expect(healthy.attrs).toMatchObject({ tests: '3', failures: '0', skipped: '1', time: '1.500' });
    expect(flap.attrs).toMatchObject({ tests: '3', failures: '2', skipped: '1', time: '61.000' });
    const cases = flap.children.filter((c) => c.name === 'testcase');
    expect(cases.map((c) => [c.attrs.name, c.attrs.classname])).toEqual([
      ['exit-code', 'SPEC-KIT-018.flap/phase-2-down.audit'],
      ['telemetry-status', 'SPEC-KIT-018.flap/phase-2-down.audit'],
      ['baseline', 'SPEC-KIT-018.flap/phase-2-down.audit'],
    ]);
    expect(healthy.children.find((c) => c.attrs.name === 'exit-code')?.attrs.classname).toBe('SPEC-KIT-018.healthy.validate');
    expect(healthy.children.find((c) => c.attrs.name === 'exit-code')?.children).toEqual([]);
  });

  it('carries failure and skip messages through the escaping', () => {
    const flap = parseXml(renderJunit(REPORT)).children[1] as XmlElement;
    const [exitCode, status, baseline] = flap.children.filter((c) => c.name === 'testcase') as XmlElement[];
    const failure = exitCode?.children[0] as XmlElement;
    expect(failure.name).toBe('failure');
    const readable = NASTY.replace('\u0000', '\\u0000')
      .replace('\u0007', '\\u0007')
      .replace('\u001b', '\\u001b')
      .replace('\u000b', '\\u000b')
      .replace('\uD800', '\uFFFD');
    // The body keeps the full text, line breaks included, then the detail as values.
    expect(failure.text).toBe(`${readable}\n\nreason: killed\nexpected: "zero"\nseen: {"exitCode":null,"signal":"SIGKILL","timedOut":false}`);
    // CI tools group failures by type: the reason code.
    expect(failure.attrs.type).toBe('killed');
    expect(status?.children[0]?.attrs.type).toBe('status-mismatch');
    expect(status?.children[0]?.text).toMatch(/\nseen: \{"scenarios\[\]\.status":"passed","note":"<&>"\}$/);
    // The attribute is the one-line form.
    expect(failure.attrs.message).toBe(readable.replace(/[\t\n\r ]+/g, ' '));
    expect(status?.children[0]?.attrs.message).toBe('expected failed | got passed');
    expect(baseline?.children[0]).toMatchObject({ name: 'skipped', attrs: { message: 'not applicable: plan <only>' } });
  });

  it('lists suite properties', () => {
    const flap = parseXml(renderJunit(REPORT)).children[1] as XmlElement;
    const props = flap.children.find((c) => c.name === 'properties')?.children ?? [];
    expect(Object.fromEntries(props.map((p) => [p.attrs.name, p.attrs.value]))).toEqual({
      scenario: 'flap',
      phase: 'phase-2-down',
      flow: 'audit',
      exitCode: 'none',
      evidenceDir: '/out/S/p/flap/audit',
    });
  });

  it('the test parser rejects what a real parser rejects', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow();
    expect(() => parseXml('<a x="1 & 2"/>')).toThrow(/bare &/);
    expect(() => parseXml('<a>\u0001</a>')).toThrow(/forbids/);
    expect(() => parseXml('<a x="<"/>')).toThrow();
    expect(() => parseXml('<a>')).toThrow(/unclosed/);
  });
});

describe('Markdown summary', () => {
  const md = renderMarkdown(REPORT);

  it('opens with the verdict', () => {
    expect(md.split('\n')[0]).toBe('# ❌ Guardrail harness failed: SPEC-KIT-018');
    expect(renderMarkdown(PASSING).split('\n')[0]).toBe('# ✅ Guardrail harness passed: SPEC-KIT-018');
    expect(md).toContain('Pair `20250929T163421Z-abc123`: 2 runs, 2 failed checks in 1 run.');
  });

  it('has a run × check table', () => {
    const lines = md.split('\n');
    const header = lines.findIndex((l) => l.startsWith('| run |'));
    expect(lines[header]).toBe('| run | flow | exit | time | exit-code | telemetry-schema | telemetry-status | baseline |');
    expect(lines[header + 2]).toBe('| healthy | validate | 0 | 1.5 s | ✅ | ✅ | — | — |');
    expect(lines[header + 3]).toBe('| flap/phase-2-down | audit | none | 1 min 1 s | ❌ | — | ❌ | — |');
    // Every row has as many cells as the header.
    const cells = (l: string) => l.replace(/\\\|/g, '').split('|').length;
    for (const row of lines.slice(header, header + 4)) expect(cells(row)).toBe(cells(lines[header] as string));
  });

  it('lists failed checks with escaped messages', () => {
    expect(md).toContain('## Failed checks');
    expect(md).toContain('- **flap/phase-2-down · audit** `telemetry-status` (`status-mismatch`): expected failed \\| got passed');
    const exitLine = md.split('\n').find((l) => l.includes('`exit-code` (`killed`):')) as string;
    // Source `\\u001b` renders as the text \u001b.
    expect(exitLine).toContain('expected \\<status\\> \\& "quotes" \'apos\'\\\\u0000\\\\u0007\\\\u001b\\[31m\\\\u000b\uFFFD end line two');
    expect(exitLine).not.toMatch(/[\u0000-\u0008\u001b]/);
    expect(renderMarkdown(PASSING)).toMatch(/## Failed checks\n\nNone\./);
  });

  it('gives the notes and where the evidence is', () => {
    expect(md).toContain('## Notes\n\n- call\\_tool timeout shortened to 3 s for the timeout scenario');
    expect(md).toContain('Bundle: `/out/SPEC-KIT-018/20250929T163421Z-abc123`');
    expect(md).toContain('- flap/phase-2-down · audit: `/out/S/p/flap/audit`');
    expect(renderMarkdown(PASSING)).not.toContain('## Notes');
  });

  it('escape helpers', () => {
    expect(mdText('a|b*c_d\nE<f>')).toBe('a\\|b\\*c\\_d E\\<f\\>');
    // A span that ends in a backtick needs padding, or the fence would swallow it.
    expect(mdCode('has `tick`')).toBe('`` has `tick` ``');
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('`edge')).toBe('`` `edge ``');
  });
});

describe('console output', () => {
  it('aligns the summary table', () => {
    const text = renderConsoleSummary(REPORT);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^RESULT {2}RUN {16}FLOW {6}EXIT {7}TIME {2}PASS {2}FAIL {2}N\/A {2}FAILED CHECKS$/);
    const flowColumn = (lines[0] as string).indexOf('FLOW');
    expect((lines[2] as string).indexOf('validate')).toBe(flowColumn);
    expect((lines[3] as string).indexOf('audit')).toBe(flowColumn);
    expect(lines[2]).toMatch(/^ok {6}healthy/);
    expect(lines[3]).toMatch(/^FAIL {4}flap\/phase-2-down .* exit-code, telemetry-status$/);
    expect(text).toContain('FAILED: SPEC-KIT-018, 2 runs, 1 failed\n');
    expect(text).toContain('note: call_tool timeout shortened to 3 s for the timeout scenario\n');
    // Where the evidence went is the caller's to say (run prints it relative to the cwd).
    expect(text).not.toContain('/out/SPEC-KIT-018');
  });

  it('right-aligns numeric columns', () => {
    expect(
      formatTable(
        ['N', 'NAME'],
        [
          ['1', 'a'],
          ['100', 'bb'],
        ],
        [0],
      ),
    ).toBe('  N  NAME\n---  ----\n  1  a\n100  bb');
  });

  it('formats the live progress line', () => {
    expect(formatProgressLine(REPORT.runs[0] as RunReport)).toBe('ok    healthy validate  exit 0  1.5 s  2 passed, 0 failed, 1 n/a');
    expect(formatProgressLine(REPORT.runs[1] as RunReport)).toBe(
      'FAIL  flap/phase-2-down audit  exit none  1 min 1 s  0 passed, 2 failed, 1 n/a: exit-code (killed), telemetry-status (status-mismatch)',
    );
  });
});

describe('writeReports', () => {
  it('writes all three files and nothing else', async () => {
    const paths = await writeReports(REPORT, dir);
    expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'report.json', 'summary.md']);
    expect(parseXml(await readFile(paths.junit, 'utf8')).name).toBe('testsuites');
    expect(await readFile(paths.markdown, 'utf8')).toBe(renderMarkdown(REPORT));
    expect(JSON.parse(await readFile(paths.json, 'utf8'))).toMatchObject({ ok: false, specId: 'SPEC-KIT-018' });
  });
});
