// Stages the mock HAL app for the FROM-scratch image: mock-hal/, scenarios/, a minimal
// package.json and only the installed packages the server needs at run time (found by
// walking dependencies from the roots below the way Node resolves them; no registry).
//
// Usage: node ci/stage-app.ts DEST_APP_DIR
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** What mock-hal/cli/main.ts serve imports, directly or through the app. */
const RUNTIME_ROOTS = ['hono', '@hono/node-server', 'graphql', 'graphql-yoga', 'zod'] as const;

interface Manifest {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** Node's lookup: DIR/node_modules/NAME, then each parent's, up to the project root. */
function locate(name: string, fromDir: string): string | null {
  let dir = fromDir;
  for (;;) {
    if (basename(dir) !== 'node_modules') {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
    }
    if (dir === ROOT || dirname(dir) === dir) return null;
    dir = dirname(dir);
  }
}

/** Package folders (absolute) the roots need, each once. */
function runtimePackages(roots: readonly string[] = RUNTIME_ROOTS): string[] {
  const found = new Set<string>();
  const queue: Array<{ name: string; from: string; optional: boolean; requiredBy: string }> = roots.map((name) => ({
    name,
    from: ROOT,
    optional: false,
    requiredBy: 'mock-hal',
  }));
  while (queue.length > 0) {
    const { name, from, optional, requiredBy } = queue.shift() as (typeof queue)[number];
    const dir = locate(name, from);
    if (dir === null) {
      if (optional) continue;
      throw new Error(`${name} (needed by ${requiredBy}) is not installed under ${ROOT}/node_modules; run npm ci first`);
    }
    if (found.has(dir)) continue;
    found.add(dir);
    const manifest = readManifest(dir);
    const label = `${manifest.name ?? name}@${manifest.version ?? '?'}`;
    for (const dep of Object.keys(manifest.dependencies ?? {})) queue.push({ name: dep, from: dir, optional: false, requiredBy: label });
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) queue.push({ name: dep, from: dir, optional: true, requiredBy: label });
    // Peers are the installer's job; take them when present (graphql-yoga's graphql is one).
    for (const dep of Object.keys(manifest.peerDependencies ?? {})) queue.push({ name: dep, from: dir, optional: true, requiredBy: label });
  }
  return [...found].sort();
}

function stage(dest: string): void {
  mkdirSync(dest, { recursive: true });
  cpSync(join(ROOT, 'mock-hal'), join(dest, 'mock-hal'), { recursive: true });
  cpSync(join(ROOT, 'common'), join(dest, 'common'), { recursive: true });
  cpSync(join(ROOT, 'scenarios'), join(dest, 'scenarios'), { recursive: true });
  const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  const manifest = { name: own.name, version: own.version, license: own.license, private: true, type: 'module' };
  writeFileSync(join(dest, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  const packages = runtimePackages();
  for (const dir of packages) {
    const target = join(dest, relative(ROOT, dir));
    // A package's own node_modules holds other packages, staged (or not) on their own.
    cpSync(dir, target, {
      recursive: true,
      filter: (source) => !(basename(source) === 'node_modules' && dirname(source) === dir),
    });
  }
  process.stdout.write(`stage-app: mock-hal with ${packages.length} runtime packages (${RUNTIME_ROOTS.join(', ')} and their dependencies)\n`);
}

const dest = process.argv[2];
if (dest === undefined || dest === '') {
  process.stderr.write('usage: node ci/stage-app.ts DEST_APP_DIR\n');
  process.exit(2);
}
stage(resolve(dest));
