// The tree cache: where it lives, what its key holds, that a secret --env value never
// reaches the disk, and that an entry is found only under the same tree and context.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KIT_VERSION } from '../../../common/package-root.ts';
import { GAP_IDS, type GapVerdict } from '../../../harness/gaps/index.ts';
import { type CachedVerdicts, defaultCacheDir, openTreeCache, treeDigest, verdictContext } from '../../../harness/history/tree-cache.ts';
import type { EnvSetting } from '../../../harness/run/types.ts';

const scratch = mkdtempSync(join(tmpdir(), 'tree-cache-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const SECRET = 'kvd_do_not_store_me';
const env: EnvSetting[] = [
  { name: 'SPEC_OPS_HAL_SKIP', value: '1', source: 'ci.env:1' },
  { name: 'SPEC_OPS_HAL_SKIP', value: '0', source: '--env' },
  { name: 'HAL_SECRET_KAVEDARR_API_KEY', value: SECRET, source: '--env' },
  { name: 'MY_TOKEN', value: `${SECRET}-2`, source: '--env' },
];
const verdicts: CachedVerdicts = {
  sha: 'a'.repeat(40),
  probedAt: '2026-01-01T00:00:00.000Z',
  gaps: GAP_IDS.map((id): GapVerdict => ({ id, state: id === 'secret-leak' ? 'present' : 'closed', reason: `why ${id}`, evidence: [] })),
  bundles: ['/evidence/bundle-gaps'],
};
const TREE = treeDigest('040000 tree 1234\tscripts/spec_ops_004\n');

describe('the tree cache', () => {
  it('lives under $XDG_CACHE_HOME, else ~/.cache, never in a repository', () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/var/cache/me' })).toBe('/var/cache/me/guardrail-harness/history');
    expect(defaultCacheDir({})).toBe(join(homedir(), '.cache', 'guardrail-harness', 'history'));
    expect(defaultCacheDir({ XDG_CACHE_HOME: '' })).toBe(join(homedir(), '.cache', 'guardrail-harness', 'history'));
  });

  it('keys on the kit version, the spec, the paths and the last setting of each variable, secret-looking values as a salted hash', () => {
    const context = verdictContext('SPEC-KIT-018', ['scripts/spec_ops_004'], env, 'salt-1');
    expect(context).toMatchObject({ kit: KIT_VERSION, spec: 'SPEC-KIT-018', paths: ['scripts/spec_ops_004'] });
    expect(Object.keys(context.env)).toEqual(['HAL_SECRET_KAVEDARR_API_KEY', 'MY_TOKEN', 'SPEC_OPS_HAL_SKIP']);
    expect(context.env.SPEC_OPS_HAL_SKIP).toBe('0');
    expect(context.env.HAL_SECRET_KAVEDARR_API_KEY).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(context.env.MY_TOKEN).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(JSON.stringify(context)).not.toContain(SECRET);
    // The same value under another salt hashes differently: no table of known keys applies.
    expect(verdictContext('SPEC-KIT-018', ['scripts/spec_ops_004'], env, 'salt-2').env.HAL_SECRET_KAVEDARR_API_KEY).not.toBe(
      context.env.HAL_SECRET_KAVEDARR_API_KEY,
    );
  });

  it('finds an entry again under the same tree and context, across openings, and writes no secret', async () => {
    const dir = join(scratch, 'same');
    const make = (salt: string) => verdictContext('SPEC-KIT-018', ['scripts/spec_ops_004'], env, salt);
    const first = await openTreeCache(dir, make);
    expect(await first.cache.read(TREE)).toBeNull();
    await first.cache.write(TREE, verdicts);
    const again = await openTreeCache(dir, make);
    expect(again.context).toEqual(first.context);
    expect(await again.cache.read(TREE)).toEqual(verdicts);
    expect(await again.cache.read(treeDigest('040000 tree 5678\tscripts/spec_ops_004\n'))).toBeNull();
    for (const name of readdirSync(dir)) expect(readFileSync(join(dir, name), 'utf8')).not.toContain(SECRET);
  });

  it('misses under another spec, other paths or other variables', async () => {
    const dir = join(scratch, 'contexts');
    const base = await openTreeCache(dir, (salt) => verdictContext('SPEC-KIT-018', ['scripts/spec_ops_004'], env, salt));
    await base.cache.write(TREE, verdicts);
    const others = [
      verdictContext.bind(null, 'SPEC-KIT-019', ['scripts/spec_ops_004'], env),
      verdictContext.bind(null, 'SPEC-KIT-018', ['scripts/spec_ops_004', 'Cargo.toml'], env),
      verdictContext.bind(
        null,
        'SPEC-KIT-018',
        ['scripts/spec_ops_004'],
        [...env, { name: 'HAL_SECRET_KAVEDARR_API_KEY', value: 'another-key', source: '--env' }],
      ),
      verdictContext.bind(null, 'SPEC-KIT-018', ['scripts/spec_ops_004'], []),
    ];
    for (const context of others) expect(await (await openTreeCache(dir, context)).cache.read(TREE)).toBeNull();
  });

  it('ignores a damaged or foreign entry, and a probe replaces it', async () => {
    const dir = join(scratch, 'damaged');
    const opened = await openTreeCache(dir, (salt) => verdictContext('SPEC-KIT-018', [], [], salt));
    await opened.cache.write(TREE, verdicts);
    const entry = readdirSync(dir).find((name) => name.endsWith('.json')) as string;
    const stored = JSON.parse(readFileSync(join(dir, entry), 'utf8')) as { gaps: GapVerdict[] };
    writeFileSync(join(dir, entry), JSON.stringify({ ...stored, gaps: stored.gaps.slice(1) }));
    expect(await opened.cache.read(TREE)).toBeNull();
    writeFileSync(join(dir, entry), '{ not json');
    expect(await opened.cache.read(TREE)).toBeNull();
    await opened.cache.write(TREE, verdicts);
    expect(await opened.cache.read(TREE)).toEqual(verdicts);
  });
});

describe('a cache folder that cannot be used', () => {
  it('is refused with what to do', async () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'not a folder');
    await expect(openTreeCache(join(file, 'cache'), (salt) => verdictContext('SPEC-KIT-018', [], [], salt))).rejects.toThrow(
      /--cache .*a-file\/cache: cannot keep a cache there \(ENOTDIR\); give a folder you can write to, or --no-cache/,
    );
  });
});
