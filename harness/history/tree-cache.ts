// The verdicts of guardrail trees already probed, kept on disk so a later history or bisect
// never probes the same tree again. An entry is found by a hash of everything that decides
// a verdict: the object ids of the paths, the kit's version, --spec, --paths and the user's
// --env settings. A secret-looking --env value is never written: only a salted hash of it,
// the salt being a random value kept in the cache folder.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFileAtomic, writeFileNoClobber } from '../../common/atomic-files.ts';
import { KIT_VERSION } from '../../common/package-root.ts';
import { GAP_IDS, type GapVerdict } from '../gaps/index.ts';
import { isSecretSetting } from '../run/run-environment.ts';
import type { EnvSetting } from '../run/types.ts';
import { HistoryError } from './git.ts';

/** Raised when entries change shape, so older ones are simply not found. */
const CACHE_FORMAT = 1;
const SALT_FILE = 'secret-salt';
const GAP_STATES: readonly string[] = ['present', 'closed', 'not-testable'];

/** $XDG_CACHE_HOME/guardrail-harness/history, else ~/.cache/guardrail-harness/history: outside any repository. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'guardrail-harness', 'history');
}

/** What besides the tree decides a verdict; the same for every commit of a run. */
export interface VerdictContext {
  kit: string;
  spec: string;
  paths: string[];
  /** The user's variables as the scripts get them (the last setting of a name); secret-looking values as "hmac-sha256:<hex>". */
  env: Record<string, string>;
}

export interface CachedVerdicts {
  /** The commit whose copy was probed. */
  sha: string;
  probedAt: string;
  gaps: GapVerdict[];
  bundles: string[];
}

interface CacheEntry extends CachedVerdicts {
  format: number;
  context: VerdictContext;
  tree: string;
}

export interface TreeCache {
  readonly dir: string;
  read(tree: string): Promise<CachedVerdicts | null>;
  write(tree: string, verdicts: CachedVerdicts): Promise<void>;
}

/** A hash of the listing of the paths' object ids (git ls-tree): the guardrail tree of a commit. */
export function treeDigest(listing: string): string {
  return createHash('sha256').update(listing).digest('hex');
}

/** The last setting of each name, sorted by name, secret-looking values hashed with `salt`. */
export function verdictContext(specId: string, paths: readonly string[], env: readonly EnvSetting[], salt: string): VerdictContext {
  const last: Record<string, string> = {};
  for (const setting of env) last[setting.name] = setting.value;
  const shown: Record<string, string> = {};
  for (const name of Object.keys(last).sort()) {
    const value = last[name] as string;
    shown[name] = isSecretSetting(name, value, last, []) ? `hmac-sha256:${createHmac('sha256', salt).update(value).digest('hex')}` : value;
  }
  return { kit: KIT_VERSION, spec: specId, paths: [...paths], env: shown };
}

async function readSalt(dir: string): Promise<string> {
  const file = join(dir, SALT_FILE);
  try {
    await writeFileNoClobber(file, `${randomBytes(32).toString('hex')}\n`);
  } catch (error) {
    // Another run made it first; theirs is the salt.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return (await readFile(file, 'utf8')).trim();
}

function isVerdict(value: unknown, index: number): value is GapVerdict {
  const verdict = value as Partial<GapVerdict> | null;
  return (
    typeof verdict === 'object' &&
    verdict !== null &&
    verdict.id === GAP_IDS[index] &&
    GAP_STATES.includes(verdict.state as string) &&
    typeof verdict.reason === 'string' &&
    Array.isArray(verdict.evidence)
  );
}

function usableEntry(value: unknown, tree: string): CacheEntry | null {
  const entry = value as Partial<CacheEntry> | null;
  if (typeof entry !== 'object' || entry === null || entry.format !== CACHE_FORMAT || entry.tree !== tree) return null;
  if (!Array.isArray(entry.gaps) || entry.gaps.length !== GAP_IDS.length || !entry.gaps.every(isVerdict)) return null;
  if (typeof entry.sha !== 'string' || typeof entry.probedAt !== 'string' || !Array.isArray(entry.bundles)) return null;
  return entry as CacheEntry;
}

/** The cache in `dir` (made if missing), for verdicts decided under `context` (built with this cache's salt). */
export async function openTreeCache(dir: string, makeContext: (salt: string) => VerdictContext): Promise<{ cache: TreeCache; context: VerdictContext }> {
  const root = resolve(dir);
  let salt: string;
  try {
    await mkdir(root, { recursive: true, mode: 0o700 });
    salt = await readSalt(root);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new HistoryError(`--cache ${root}: cannot keep a cache there (${code}); give a folder you can write to, or --no-cache`);
  }
  const context = makeContext(salt);
  const entryFile = (tree: string) =>
    join(
      root,
      `${createHash('sha256')
        .update(JSON.stringify({ format: CACHE_FORMAT, context, tree }))
        .digest('hex')}.json`,
    );
  const cache: TreeCache = {
    dir: root,
    async read(tree) {
      let text: string;
      try {
        text = await readFile(entryFile(tree), 'utf8');
      } catch {
        return null;
      }
      try {
        const entry = usableEntry(JSON.parse(text), tree);
        return entry ? { sha: entry.sha, probedAt: entry.probedAt, gaps: entry.gaps, bundles: entry.bundles } : null;
      } catch {
        // A damaged entry is probed again and replaced.
        return null;
      }
    },
    async write(tree, verdicts) {
      const entry: CacheEntry = { format: CACHE_FORMAT, context, tree, ...verdicts };
      await writeFileAtomic(entryFile(tree), `${JSON.stringify(entry, null, 2)}\n`);
    },
  };
  return { cache, context };
}
