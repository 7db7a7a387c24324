// The HTML report renderer and bundle loader, without a browser.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvidenceError } from '../../../harness/evidence/evidence.ts';
import {
  diffTelemetry,
  escapeHtml,
  type HtmlReportInput,
  type HtmlRun,
  loadHtmlReportInput,
  relativeHref,
  renderHtmlReport,
  renderJsonWithDiff,
  sortedCheckRows,
  writeHtmlReport,
} from '../../../harness/reports/html/index.ts';
import type { CheckResult } from '../../../harness/run/types.ts';

const check = (
  id: CheckResult['id'],
  status: CheckResult['status'],
  message = `${id} ${status}`,
  detail: CheckResult['detail'] = { reason: status, expected: null, seen: null },
): CheckResult => ({
  id,
  status,
  ok: status === 'passed' ? true : status === 'failed' ? false : null,
  message,
  detail,
});

function run(scenario: string, overrides: Partial<HtmlRun> = {}): HtmlRun {
  return {
    scenario,
    flow: 'validate',
    exitCode: 0,
    durationMs: 1200,
    dir: `${scenario}/validate`,
    checks: [check('exit-code', 'passed')],
    reportedStatus: 'passed',
    expectedStatus: 'passed',
    telemetry: null,
    telemetryHref: null,
    journal: [],
    files: [],
    ...overrides,
  };
}

function input(runs: HtmlRun[], overrides: Partial<HtmlReportInput> = {}): HtmlReportInput {
  return {
    ok: runs.every((r) => r.checks.every((c) => c.status !== 'failed')),
    specId: 'SPEC-KIT-018',
    pairId: '20261124T000000Z-abcdef',
    notes: [],
    runs,
    pairs: [],
    bundleFiles: [],
    problems: [],
    generatedAt: '2026-11-24T00:00:00Z',
    ...overrides,
  };
}

const telemetry = (value: unknown) => ({ text: JSON.stringify(value), value, truncated: false });

describe('escaping', () => {
  it('escapes markup, quotes, control characters and lone surrogates', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(escapeHtml('red \u001b[31m')).toBe('red \\u001b[31m');
    expect(escapeHtml('bad \uD800 pair \uD83D\uDE00')).toBe('bad \uFFFD pair \uD83D\uDE00');
  });

  it('lets no telemetry, journal, check or file text become markup', () => {
    const evil = '</pre><script>alert(1)</script><img src=x onerror=alert(2)>';
    const page = renderHtmlReport(
      input(
        [
          run(evil, {
            flow: 'validate',
            dir: 'evil/validate',
            phase: `"><b>${evil}`,
            checks: [check('telemetry-status', 'failed', evil)],
            reportedStatus: evil,
            telemetry: telemetry({ [evil]: evil, nested: [evil, { k: evil }] }),
            telemetryHref: `evil/validate/${encodeURIComponent(evil)}`,
            journal: [{ time: evil, method: evil, path: evil, check: evil, status: null, fault: evil, durationMs: 1 }],
            files: [{ path: `evil/validate/${evil}`, href: `evil/validate/"${evil}`, bytes: 3 }],
          }),
          run('broken', { telemetry: { text: evil, truncated: false } }),
        ],
        { notes: [evil], specId: evil, pairId: evil },
      ),
    );
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<b>');
    expect(page).not.toContain('</pre><script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // The page's own single script is the only one.
    expect(page.match(/<script>/g)).toHaveLength(1);
    // Every attribute value is quoted and holds no raw quote from the data.
    expect(page).not.toMatch(/href="[^"]*<[^"]*"/);
  });

  it('loads nothing from the network', () => {
    const page = renderHtmlReport(input([run('healthy')]));
    expect(page).toContain(`Content-Security-Policy" content="default-src 'none'`);
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(page).not.toMatch(/@import|url\(/);
  });
});

describe('checks table', () => {
  it('lists failures first, then passes, then not-applicable, keeping run order within each', () => {
    const runs = [
      run('healthy', { checks: [check('exit-code', 'passed'), check('baseline', 'not-applicable'), check('artifacts', 'failed')] }),
      run('degraded', { checks: [check('exit-code', 'failed'), check('secret-leak', 'passed')] }),
    ];
    const rows = sortedCheckRows(runs).map((row) => `${row.run.scenario}:${row.check.id}:${row.check.status}`);
    expect(rows).toEqual([
      'healthy:artifacts:failed',
      'degraded:exit-code:failed',
      'healthy:exit-code:passed',
      'degraded:secret-leak:passed',
      'healthy:baseline:not-applicable',
    ]);
    const page = renderHtmlReport(input(runs));
    const table = page.slice(page.indexOf('<table id="checks">'));
    const statuses = [...table.matchAll(/<tr class="check ([a-z-]+)"/g)].map((m) => m[1]);
    expect(statuses).toEqual(['failed', 'failed', 'passed', 'passed', 'not-applicable']);
    expect(page).toContain('FAILED');
    expect(page).toMatch(/2 failed checks in 2 runs/);
  });
});

describe('check detail', () => {
  const cells = (page: string, id: string) => {
    const row =
      page
        .slice(page.indexOf('<table id="checks">'))
        .split('</tr>')
        .find((tr) => tr.includes(`<code>${id}</code>`)) ?? '';
    return {
      row,
      reason: /<td class="reason">(.*?)<\/td>/.exec(row)?.[1],
      expected: /<td class="expected">(.*?)<\/td>/.exec(row)?.[1],
      seen: /<td class="seen">(.*?)<\/td>/.exec(row)?.[1],
    };
  };

  it('shows reason, expected and seen from the data, not from the message', () => {
    // The message says the opposite of the detail: the page must follow the detail.
    const exit = check('exit-code', 'failed', 'expected exit 7, got 9', { reason: 'wrong-exit', expected: 0, seen: '1' });
    const page = renderHtmlReport(input([run('degraded', { checks: [exit] })]));
    const { row, reason, expected, seen } = cells(page, 'exit-code');
    expect(row).toContain('data-reason="wrong-exit"');
    expect(reason).toBe('<code>wrong-exit</code>');
    expect(expected).toBe('<code class="val">0</code>');
    // A string "1" stays distinguishable from the number 1.
    expect(seen).toBe('<code class="val">&quot;1&quot;</code>');
    expect(page).toContain('<th>reason</th><th>expected</th><th>seen</th>');
  });

  it('marks null values as nothing to compare and says when a check has no detail at all', () => {
    const old = { id: 'baseline', status: 'passed', ok: true, message: 'ok' } as const;
    const page = renderHtmlReport(
      input([run('healthy', { checks: [check('artifacts', 'not-applicable', 'n/a', { reason: 'no-telemetry', expected: null, seen: null }), old] })]),
    );
    const na = cells(page, 'artifacts');
    expect(na.reason).toBe('<code>no-telemetry</code>');
    expect(na.expected).toBe('<span class="muted">—</span>');
    expect(na.seen).toBe('<span class="muted">—</span>');
    const none = cells(page, 'baseline');
    expect(none.row).not.toContain('data-reason');
    expect(none.row).toContain('no detail');
    expect(none.expected).toBeUndefined();
  });

  it('escapes detail values and cuts long ones', () => {
    const evil = '<script>alert(1)</script>';
    const long = 'x'.repeat(1000);
    const page = renderHtmlReport(input([run('evil', { checks: [check('secret-leak', 'failed', 'm', { reason: evil, expected: { evil }, seen: long })] })]));
    expect(page).not.toContain('<script>alert');
    const { reason, expected, seen } = cells(page, 'secret-leak');
    expect(reason).toBe('<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>');
    expect(expected).toContain('&lt;script&gt;');
    expect(seen?.length).toBeLessThan(400);
    expect(seen).toContain('…');
  });
});

describe('telemetry diff', () => {
  const healthy = {
    schemaVersion: 1,
    sessionId: '2026-11-24T17:05:53Z-111',
    artifacts: [{ path: '/tmp/guardrail-run-AAAA/a.log' }, { path: '/tmp/guardrail-run-AAAA/b.json' }],
    hal: { summary: { status: 'passed', failed_checks: [] } },
  };
  const degraded = {
    schemaVersion: 1,
    sessionId: '2026-11-24T17:05:54Z-222',
    artifacts: [{ path: '/tmp/guardrail-run-BBBB/a.log' }],
    hal: { summary: { status: 'failed', failed_checks: ['health'] } },
  };

  it('tells real differences from times, ids and run folders', () => {
    const diff = diffTelemetry([healthy, degraded]);
    expect(diff.get('["schemaVersion"]')).toBe('same');
    expect(diff.get('["sessionId"]')).toBe('volatile');
    expect(diff.get('["artifacts",0,"path"]')).toBe('volatile');
    expect(diff.get('["artifacts",1,"path"]')).toBe('differs');
    expect(diff.get('["hal","summary","status"]')).toBe('differs');
    expect(diff.get('["hal","summary","failed_checks"]')).toBe('differs');
    expect(diff.get('["hal","summary","failed_checks",0]')).toBe('differs');
  });

  it('highlights the differing lines on both sides', () => {
    const diff = diffTelemetry([healthy, degraded]);
    const left = renderJsonWithDiff(healthy, diff);
    const right = renderJsonWithDiff(degraded, diff);
    expect(left).toContain('<span class="ln differs">      <span class="k">&quot;status&quot;</span>: <span class="s">&quot;passed&quot;</span>,</span>');
    expect(right).toContain('<span class="ln differs">      <span class="k">&quot;status&quot;</span>: <span class="s">&quot;failed&quot;</span>,</span>');
    expect(left).toContain('<span class="ln volatile">  <span class="k">&quot;sessionId&quot;</span>');
    expect(left).toContain('<span class="ln">  <span class="k">&quot;schemaVersion&quot;</span>: <span class="n">1</span>,</span>');
    // The text is the document, pretty-printed as JSON.stringify does it.
    const text = (html: string) =>
      html
        .replace(/<\/span>(?=<span class="ln)/g, '\n')
        .replace(/<[^>]+>/g, '')
        .replace(/&quot;/g, '"');
    expect(text(right)).toBe(JSON.stringify(degraded, null, 2));
    const page = renderHtmlReport(
      input([
        run('healthy', { telemetry: telemetry(healthy) }),
        run('degraded', { telemetry: telemetry(degraded), reportedStatus: 'failed', expectedStatus: 'failed' }),
      ]),
    );
    expect(page).toMatch(/4 differing fields/);
    expect(page.match(/class="column[ "]/g)).toHaveLength(2);
  });
});

describe('loading a bundle', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'html-report-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a moved bundle, links every file relatively and ignores paths that leave it', async () => {
    const bundle = join(dir, 'moved', 'SPEC-KIT-018', 'pair-1');
    const runDir = join(bundle, 'healthy', 'validate');
    await mkdir(runDir, { recursive: true });
    await writeFile(join(runDir, 'telemetry.json'), JSON.stringify({ hal: { summary: { status: 'passed' } } }));
    await writeFile(
      join(runDir, 'journal.json'),
      JSON.stringify([{ time: '2026-11-24T00:00:00.000Z', method: 'GET', path: '/health', check: 'health', status: 200, durationMs: 2 }]),
    );
    await writeFile(join(runDir, 'manifest.json'), JSON.stringify({ telemetry: 'telemetry.json', reportedStatus: 'passed', expect: { status: 'passed' } }));
    await writeFile(join(runDir, 'odd name #1%.log'), 'x');
    await writeFile(
      join(bundle, 'report.json'),
      JSON.stringify({
        ok: true,
        specId: 'SPEC-KIT-018',
        pairId: 'pair-1',
        // Written on another machine: the absolute paths no longer exist.
        bundleDir: '/ci/work/evidence/SPEC-KIT-018/pair-1',
        notes: [],
        runs: [
          {
            scenario: 'healthy',
            flow: 'validate',
            exitCode: 0,
            durationMs: 5,
            evidenceDir: '/ci/work/evidence/SPEC-KIT-018/pair-1/healthy/validate',
            checks: [{ id: 'exit-code', status: 'passed', ok: true, message: 'ok' }],
          },
          { scenario: 'sneaky', flow: 'audit', exitCode: 0, durationMs: 5, evidenceDir: '/etc', checks: [] },
        ],
      }),
    );
    await writeFile(join(bundle, 'pair.json'), JSON.stringify({ flows: { audit: { runs: [{ scenario: 'sneaky', evidenceDir: '../../../../etc' }] } } }));

    const loaded = await loadHtmlReportInput(bundle);
    const [healthy, sneaky] = loaded.runs;
    expect(healthy?.dir).toBe('healthy/validate');
    expect(healthy?.reportedStatus).toBe('passed');
    expect(healthy?.telemetry?.value).toEqual({ hal: { summary: { status: 'passed' } } });
    expect(healthy?.journal).toHaveLength(1);
    expect(healthy?.files.map((f) => f.href)).toEqual([
      'healthy/validate/journal.json',
      'healthy/validate/manifest.json',
      'healthy/validate/odd%20name%20%231%25.log',
      'healthy/validate/telemetry.json',
    ]);
    expect(sneaky?.dir).toBe('');
    expect(sneaky?.files).toEqual([]);
    expect(loaded.bundleFiles.map((f) => f.path)).toEqual(['pair.json', 'report.json']);
    // The run folder lacks the shim log and the outputs, and the sneaky run's folder leaves the bundle.
    expect(loaded.problems.map((p) => p.kind).sort()).toEqual(['missing', 'missing', 'missing', 'outside-bundle', 'wrong-shape']);

    const written = await writeHtmlReport(bundle);
    expect(written).toBe(join(bundle, 'index.html'));
    const page = await readFile(written, 'utf8');
    expect(page).toContain('href="healthy/validate/telemetry.json"');
    expect(page).toContain('<h2 id="problems">Bundle problems</h2>');
    expect(page).toMatch(/<li data-kind="outside-bundle"><code>\/etc<\/code>: the folder of run sneaky \(audit\) is not inside the bundle/);
    // A second report elsewhere links back into the bundle, and the first is not listed as evidence.
    const elsewhere = await writeHtmlReport(bundle, join(dir, 'out', 'report.html'));
    const other = await readFile(elsewhere, 'utf8');
    expect(other).toContain('href="../moved/SPEC-KIT-018/pair-1/healthy/validate/telemetry.json"');
    expect(other).toContain('index.html');
  });

  it("keeps each check's detail, and reads a report from before checks had one", async () => {
    const bundle = join(dir, 'detail', 'SPEC-KIT-018', 'pair-2');
    await mkdir(bundle, { recursive: true });
    const detail = { reason: 'wrong-status', expected: 'passed', seen: 'failed' };
    await writeFile(
      join(bundle, 'report.json'),
      JSON.stringify({
        ok: false,
        specId: 'SPEC-KIT-018',
        pairId: 'pair-2',
        runs: [
          {
            scenario: 'healthy',
            flow: 'validate',
            exitCode: 1,
            durationMs: 5,
            evidenceDir: '',
            checks: [
              { id: 'telemetry-status', status: 'failed', ok: false, message: 'words', detail },
              { id: 'exit-code', status: 'passed', ok: true, message: 'old' },
            ],
          },
        ],
      }),
    );
    const loaded = await loadHtmlReportInput(bundle);
    expect(loaded.runs[0]?.checks.map((c) => c.detail)).toEqual([detail, undefined]);
    const page = renderHtmlReport(loaded);
    expect(page).toContain('data-reason="wrong-status"');
    expect(page).toContain('<td class="seen"><code class="val">&quot;failed&quot;</code></td>');
  });

  it('says what to give it when the folder is not a bundle', async () => {
    await expect(writeHtmlReport(join(dir, 'missing'))).rejects.toThrow(EvidenceError);
    await expect(writeHtmlReport(dir)).rejects.toThrow(/has no report.json; give the pair folder/);
  });

  it('makes relative links from any folder', () => {
    expect(relativeHref('/a/b', '/a/b/c d/e.json')).toBe('c%20d/e.json');
    expect(relativeHref('/a/x', '/a/b/f.json')).toBe('../b/f.json');
  });
});
