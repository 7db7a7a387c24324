// The HTML report in a real browser: Debian's Chromium, driven by playwright-core,
// opening the page from file:// with no network. The bundle comes from a real
// harness run (`run --html`) with a scenario whose expectation is deliberately
// wrong, so the report must show a failing check. A screenshot is kept in
// test/output/html-report.png.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
// The flags that work on this machine kind (no sandbox as root, no background network).
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const HARNESS = fileURLToPath(new URL('../../../harness/cli/main.ts', import.meta.url));
const SCENARIO = fileURLToPath(new URL('./fixtures/wrong-expectation.json', import.meta.url));
const OUTPUT = fileURLToPath(new URL('../../output/', import.meta.url));
const SCREENSHOT = join(OUTPUT, 'html-report.png');

const hasChromium = existsSync(CHROMIUM);
const underCi = process.env.CI === 'true';

/** Skips locally without Chromium; under CI=true a missing browser is a failure. */
function needChromium(ctx: TestContext): void {
  if (hasChromium) return;
  if (underCi) throw new Error(`${CHROMIUM} is missing under CI=true; .ci/run installs it (apt-get install -y chromium)`);
  ctx.skip(`${CHROMIUM} is absent: install Debian's chromium package (apt-get install -y chromium) to run the browser test`);
}

function runHarness(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [HARNESS, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

async function filesUnder(root: string, dir = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(root, dir), { withFileTypes: true })) {
    const rel = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await filesUnder(root, rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

let work: string;
let bundle: string;
let context: BrowserContext | undefined;
let page: Page;
const requested: string[] = [];

beforeAll(async () => {
  if (!hasChromium) return;
  work = await mkdtemp(join(tmpdir(), 'html-browser-'));
  const result = await runHarness([
    'run',
    '--flows',
    'validate',
    '--scenarios',
    `healthy,${SCENARIO}`,
    '--out',
    join(work, 'evidence'),
    '--concurrency',
    '2',
    '--html',
  ]);
  // The wrong expectation makes a check fail: exit 1, not 2.
  expect(result.code, result.stderr).toBe(1);
  const pairs = await readdir(join(work, 'evidence', 'SPEC-KIT-018'));
  expect(pairs).toHaveLength(1);
  bundle = join(work, 'evidence', 'SPEC-KIT-018', pairs[0] as string);
  expect(result.stdout).toContain(`${relative(process.cwd(), join(bundle, 'index.html'))}`);

  context = await chromium.launchPersistentContext(join(work, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
  });
  page = await context.newPage();
  page.on('request', (request) => requested.push(request.url()));
  await page.goto(pathToFileURL(join(bundle, 'index.html')).href);
}, 240_000);

afterAll(async () => {
  await context?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the HTML report in headless Chromium', () => {
  it('loads from file:// with no other request, and says the run failed', async (ctx) => {
    needChromium(ctx);
    expect(page.url()).toMatch(/^file:\/\/.*\/index\.html$/);
    expect(requested.every((url) => url.startsWith('file://'))).toBe(true);
    await expect(page.title()).resolves.toBe('Guardrail harness failed: SPEC-KIT-018');
    expect(await page.locator('h1').innerText()).toMatch(/SPEC-KIT-018 guardrail evidence\s+FAILED/);
  });

  it('shows the pair side by side with the differing fields highlighted', async (ctx) => {
    needChromium(ctx);
    const columns = page.locator('section.pair[data-flow="validate"] .column');
    await expect(columns.count()).resolves.toBe(2);
    expect(await columns.nth(0).getAttribute('data-run')).toBe('healthy');
    expect(await columns.nth(1).getAttribute('data-run')).toBe('wrong-expectation');
    const left = await columns.nth(0).boundingBox();
    const right = await columns.nth(1).boundingBox();
    // Side by side: same row, the second to the right of the first.
    expect(left && right && Math.abs(left.y - right.y) < 2 && right.x > left.x + left.width - 1).toBe(true);
    const changed = columns.nth(1).locator('.ln.differs', { hasText: '"status": "failed"' });
    expect(await changed.first().isVisible()).toBe(true);
    const marked = await changed.first().evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(marked).not.toBe('rgba(0, 0, 0, 0)');
  });

  it('lists the failing check first, visibly', async (ctx) => {
    needChromium(ctx);
    const first = page.locator('#checks tbody tr').first();
    expect(await first.getAttribute('data-status')).toBe('failed');
    expect(await first.isVisible()).toBe(true);
    expect(await first.innerText()).toMatch(/failed\s+wrong-expectation\s+validate\s+telemetry-status/);
    // The check's reason code comes from its structured detail, shown in its own cell.
    const reason = await first.getAttribute('data-reason');
    expect(reason).toMatch(/^[a-z][a-z0-9-]*$/);
    expect(await first.locator('td.reason').innerText()).toBe(reason);
    await mkdir(OUTPUT, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
    // The filter hides everything but failures.
    await page.locator('#only-failed').check();
    expect(await page.locator('#checks tr.check.passed').first().isVisible()).toBe(false);
    expect(await first.isVisible()).toBe(true);
    await page.locator('#only-failed').uncheck();
  });

  it('has a timeline of every HAL request with status and latency', async (ctx) => {
    needChromium(ctx);
    const rows = page.locator('table.timeline tbody tr');
    await expect(rows.count()).resolves.toBe(8);
    expect(await rows.nth(4).innerText()).toMatch(/health\s+GET \/health\s+503\s+[\d.]+ ms/);
  });

  it('links every evidence file, relatively, and the links resolve', async (ctx) => {
    needChromium(ctx);
    const hrefs = await page.locator('a[href]').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
    const fileLinks = hrefs.filter((href) => !href.startsWith('#'));
    expect(fileLinks.every((href) => !/^[a-z]+:/i.test(href) && !href.startsWith('/'))).toBe(true);
    const targets = new Set(
      fileLinks.map((href) =>
        relative(bundle, fileURLToPath(new URL(href, page.url())))
          .split('\\')
          .join('/'),
      ),
    );
    const files = (await filesUnder(bundle)).filter((file) => file !== 'index.html');
    expect([...files].sort()).toEqual([...targets].filter((t) => files.includes(t)).sort());
    for (const target of targets) expect(existsSync(join(bundle, target)), target).toBe(true);
    // Following one works from file:// too.
    const response = await page.goto(new URL(fileLinks.find((href) => href.endsWith('telemetry.json')) as string, page.url()).href);
    expect(await response?.text()).toMatch(/"schemaVersion": 1/);
    await page.goBack();
  });
});
