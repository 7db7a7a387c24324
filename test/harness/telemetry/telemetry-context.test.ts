// What check-telemetry knows about a file besides its content: the repository its
// relative artifact paths resolve from (--repo, the bundle manifest, the folder
// holding docs/SPEC-OPS-004-integrated-coder-hooks, or the cwd) and the bundle manifest.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLE_TELEMETRY_NAME, MANIFEST_NAME } from '../../../harness/evidence/bundle-names.ts';
import { bundleInfo, findRepoRoot, GUARDRAIL_DOCS_DIR, repoRootFor, repoRootInPath } from '../../../harness/telemetry/telemetry-context.ts';

const base = mkdtempSync(join(tmpdir(), 'telemetry-context-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const EVIDENCE = join(GUARDRAIL_DOCS_DIR, 'evidence', 'commands', 'SPEC-KIT-018');

let runs = 0;
/** A bundle run folder holding telemetry.json and this manifest (a string is written as is). */
function bundleRun(manifest: unknown): string {
  const dir = join(base, `bundle${runs++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, BUNDLE_TELEMETRY_NAME), '{}');
  if (manifest !== undefined) writeFileSync(join(dir, MANIFEST_NAME), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  return join(dir, BUNDLE_TELEMETRY_NAME);
}

describe('repoRootInPath', () => {
  it.each([
    [`/tmp/run-1/repo/${EVIDENCE}/spec-plan_x.json`, '/tmp/run-1/repo'],
    [`/${EVIDENCE}/spec-plan_x.json`, '/'],
    // The last marker wins: a repository copied inside another repository's evidence.
    [`/a/${EVIDENCE}/copy/${EVIDENCE}/t.json`, `/a/${EVIDENCE}/copy`],
    [`/a/b/../repo/${EVIDENCE}/t.json`, '/a/repo'],
    ['/a/docs/SPEC-OPS-004/t.json', null],
    [`/a/x${GUARDRAIL_DOCS_DIR}/t.json`, null],
    // The marker must be a folder the file lies in, not the file's own name.
    [`/a/${GUARDRAIL_DOCS_DIR}`, null],
  ])('%s -> %s', (path, root) => {
    expect(repoRootInPath(path)).toBe(root);
  });
});

describe('findRepoRoot', () => {
  const repo = join(base, 'repo');
  const deep = join(repo, EVIDENCE);
  mkdirSync(deep, { recursive: true });

  it('finds the nearest folder above the file holding the guardrail docs folder', async () => {
    expect(await findRepoRoot(join(deep, 'spec-plan_x.json'))).toBe(repo);
    expect(await findRepoRoot(join(repo, 'telemetry.json'))).toBe(repo);
    // Nested: the inner repository is nearer.
    const inner = join(repo, 'vendor', 'inner');
    mkdirSync(join(inner, GUARDRAIL_DOCS_DIR), { recursive: true });
    expect(await findRepoRoot(join(inner, 'x', 't.json'))).toBe(inner);
  });

  it('null when no folder up to / holds it (a file named like the folder does not count)', async () => {
    const lone = join(base, 'lone');
    mkdirSync(join(lone, 'docs'), { recursive: true });
    writeFileSync(join(lone, GUARDRAIL_DOCS_DIR), 'a file, not a folder');
    expect(await findRepoRoot(join(lone, 'a', 'b', 't.json'))).toBeNull();
  });

  it('fills the cache for every folder it walked, and trusts the cache', async () => {
    const cache = new Map<string, string | null>();
    expect(await findRepoRoot(join(deep, 't.json'), cache)).toBe(repo);
    expect(cache.get(deep)).toBe(repo);
    expect(cache.get(join(repo, GUARDRAIL_DOCS_DIR))).toBe(repo);
    expect(cache.get(repo)).toBe(repo);
    expect(cache.has(base)).toBe(false);
    // A cached answer is used without looking at the disk again.
    const elsewhere = join(base, 'not-a-repo', 'sub');
    const primed = new Map<string, string | null>([[join(base, 'not-a-repo'), '/from/cache']]);
    expect(await findRepoRoot(join(elsewhere, 't.json'), primed)).toBe('/from/cache');
    expect(primed.get(elsewhere)).toBe('/from/cache');
  });
});

describe('bundleInfo', () => {
  it('is null for a file not named telemetry.json, and for a bundle folder without a readable manifest', async () => {
    const file = bundleRun({ flow: 'validate' });
    expect(await bundleInfo(join(base, 'spec-plan_x.json'))).toBeNull();
    expect(await bundleInfo(bundleRun(undefined))).toBeNull();
    expect(await bundleInfo(bundleRun('{"flow": '))).toBeNull();
    expect(await bundleInfo(bundleRun('null'))).toBeNull();
    expect(await bundleInfo(bundleRun('"a string"'))).toBeNull();
    expect(await bundleInfo(file)).toEqual({ flow: 'validate', copies: new Map() });
  });

  it('keeps only a known flow and a boolean telemetryHal', async () => {
    expect(await bundleInfo(bundleRun({ flow: 'audit', telemetryHal: false }))).toEqual({ flow: 'audit', telemetryHal: false, copies: new Map() });
    expect(await bundleInfo(bundleRun({ flow: 'deploy', telemetryHal: 'yes' }))).toEqual({ copies: new Map() });
    expect(await bundleInfo(bundleRun({ flow: 'spec-ops-audit' }))).toEqual({ copies: new Map() });
  });

  it('maps each original file, by source path and by repoPath under every repoCopy root, to its copy', async () => {
    const file = bundleRun({
      repoCopy: ['/tmp/run-7/repo', '/private/tmp/run-7/repo', '', 5],
      files: [
        { name: 'telemetry.json', source: `/tmp/run-7/repo/${EVIDENCE}/spec-plan_x.json`, repoPath: `${EVIDENCE}/spec-plan_x.json` },
        { name: 'plan.md', source: '/tmp/run-7/repo/docs/../plan.md' },
      ],
    });
    const runDir = join(file, '..');
    const info = await bundleInfo(file);
    expect(info?.originalRepoRoot).toBe('/tmp/run-7/repo');
    expect(info?.copies).toEqual(
      new Map([
        [`/tmp/run-7/repo/${EVIDENCE}/spec-plan_x.json`, join(runDir, 'telemetry.json')],
        [`/private/tmp/run-7/repo/${EVIDENCE}/spec-plan_x.json`, join(runDir, 'telemetry.json')],
        ['/tmp/run-7/repo/plan.md', join(runDir, 'plan.md')],
      ]),
    );
  });

  it('an older manifest without repoCopy: the root is read off the telemetry file’s source path', async () => {
    const info = await bundleInfo(bundleRun({ files: [{ name: 'telemetry.json', source: `/tmp/old/repo/${EVIDENCE}/spec-audit_x.json` }] }));
    expect(info?.originalRepoRoot).toBe('/tmp/old/repo');
    // Another file's path does not give the root.
    const other = await bundleInfo(bundleRun({ files: [{ name: 'out.md', source: `/tmp/old/repo/${EVIDENCE}/out.md` }] }));
    expect(other?.originalRepoRoot).toBeUndefined();
  });

  it('ignores entries whose name is not a plain file name in the run folder, or that lack a source', async () => {
    const info = await bundleInfo(
      bundleRun({
        files: [
          { name: '../escape.json', source: '/a/1' },
          { name: 'sub/x.json', source: '/a/2' },
          { name: '..', source: '/a/3' },
          { name: 'ok.json' },
          { name: 7, source: '/a/4' },
          null,
          'x',
          { name: 'fine.json', source: '/a/5' },
        ],
      }),
    );
    expect([...(info?.copies.keys() ?? [])]).toEqual(['/a/5']);
  });
});

describe('repoRootFor', () => {
  const repo = join(base, 'root-repo');
  const file = join(repo, EVIDENCE, 'spec-plan_x.json');
  mkdirSync(join(repo, EVIDENCE), { recursive: true });

  it('--repo first, resolved, whatever the bundle says', async () => {
    expect(await repoRootFor(file, { flag: 'relative/dir', bundle: { copies: new Map(), originalRepoRoot: '/bundle' } })).toEqual({
      dir: join(process.cwd(), 'relative/dir'),
      source: 'flag',
      why: 'given with --repo',
    });
  });

  it('then the bundle’s repository, then the folder found above the file', async () => {
    expect(await repoRootFor(file, { bundle: { copies: new Map(), originalRepoRoot: '/bundle/repo' } })).toEqual({
      dir: '/bundle/repo',
      source: 'bundle',
      why: "the run's repository, as the bundle manifest records it",
    });
    expect(await repoRootFor(file, { bundle: { copies: new Map() } })).toEqual({
      dir: repo,
      source: 'found',
      why: `the folder above the file that holds ${GUARDRAIL_DOCS_DIR}`,
    });
  });

  it('last the current folder, with the advice to pass --repo', async () => {
    expect(await repoRootFor(join(base, 'nowhere', 't.json'), { bundle: null })).toEqual({
      dir: process.cwd(),
      source: 'cwd',
      why: `the current folder, as no folder above the file holds ${GUARDRAIL_DOCS_DIR}; pass --repo DIR`,
    });
  });
});
