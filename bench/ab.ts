// npm run bench:ab -- --base REF: mock-hal from REF (the base) against mock-hal from
// this checkout, uncommitted changes included (the new side), to measure one change.
// The full bench compares the mock with other servers; this compares it with itself,
// in one run and alternating, because two separate runs differ by more than most
// changes do on a shared machine.
//
// The base is a detached git worktree in a temp folder, sharing this checkout's
// node_modules through a symlink; it is removed at the end, on error and on Ctrl-C.
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ROUTES, type Route, selectRoutes, startMockHalTarget, type Target } from './http-targets.ts';
import { measureAll } from './load.ts';

const NEW_ROOT = fileURLToPath(new URL('..', import.meta.url));

const HELP = `Usage: npm run bench:ab -- --base REF [options]

  --base REF           the git ref to compare with (a commit, branch or tag; HEAD for the uncommitted changes)
  --routes LIST        comma list of ${ROUTES.map((route) => route.key).join(',')} (default: all)
  --connections LIST   comma list of connection counts (default 64)
  --seconds N          measured seconds per cell (default 4), after a 1 s warm-up
  --rounds N           rounds per cell, the order flipping each round (default 4)
`;

function usage(message: string): never {
  process.stderr.write(`bench:ab: ${message}\n\n${HELP}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    routes: { type: 'string' },
    connections: { type: 'string', default: '64' },
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '4' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

function positiveInt(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) usage(`${flag} wants a whole number >= 1, got "${text}"`);
  return value;
}

if (values.base === undefined) usage('--base REF is required');
const baseRef = values.base;
const seconds = positiveInt(values.seconds, '--seconds');
const rounds = positiveInt(values.rounds, '--rounds');
const connectionCounts = values.connections.split(',').map((text) => positiveInt(text.trim(), '--connections'));
let routes: Route[];
try {
  routes = selectRoutes(values.routes);
} catch (error) {
  usage((error as Error).message);
}

function git(args: string[]): { ok: boolean; out: string } {
  const result = spawnSync('git', args, { cwd: NEW_ROOT, encoding: 'utf8' });
  return { ok: result.status === 0, out: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}

const resolved = git(['rev-parse', '--verify', '--quiet', `${baseRef}^{commit}`]);
if (!resolved.ok) usage(`"${baseRef}" is not a commit in ${NEW_ROOT}`);
const baseSha = resolved.out.slice(0, 12);

// --- the base worktree, and taking it down whatever happens ------------------------------------

const temp = mkdtempSync(join(tmpdir(), 'mock-hal-ab-'));
const baseRoot = join(temp, 'base');
const link = join(baseRoot, 'node_modules');
const running = new Set<Target>();
let worktreeAdded = false;
let cleaned = false;

/** Synchronous, so the signal handlers and the 'exit' handler can run it to the end. */
function cleanup(): void {
  if (cleaned) return;
  cleaned = true;
  for (const target of running) {
    try {
      process.kill(target.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  try {
    // Unlinked first, so nothing that removes the worktree can follow it into the shared node_modules.
    if (lstatSync(link).isSymbolicLink()) unlinkSync(link);
  } catch {
    // Never made.
  }
  if (worktreeAdded) {
    const removed = git(['worktree', 'remove', '--force', baseRoot]);
    if (!removed.ok) {
      process.stderr.write(`bench:ab: git worktree remove failed (${removed.out}); pruning instead\n`);
      rmSync(baseRoot, { recursive: true, force: true });
      git(['worktree', 'prune']);
    }
  }
  rmSync(temp, { recursive: true, force: true });
}

process.once('exit', cleanup);
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    process.stderr.write(`\nbench:ab: ${signal}, removing the worktree\n`);
    cleanup();
    process.exit(code);
  });
}

// --- the measurement -----------------------------------------------------------------------------

function log(text: string): void {
  process.stderr.write(`${text}\n`);
}

async function start(options: Parameters<typeof startMockHalTarget>[0]): Promise<Target> {
  const target = await startMockHalTarget(options);
  running.add(target);
  return target;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length)));
  return rows.map((row) => row.map((cell, col) => (col < 2 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  ')).join('\n');
}

async function main(): Promise<void> {
  const added = git(['worktree', 'add', '--detach', baseRoot, baseSha]);
  if (!added.ok) throw new Error(`git worktree add failed: ${added.out}`);
  worktreeAdded = true;
  symlinkSync(join(NEW_ROOT, 'node_modules'), link, 'dir');

  log(`new: ${NEW_ROOT} (working tree)\nbase: ${baseRef} at ${baseSha}, in ${baseRoot}`);
  const fresh = await start({ name: 'new' });
  const base = await start({ name: 'base', root: baseRoot });
  const targets = [fresh, base];

  log(`load (${routes.map((route) => route.key).join(',')} at ${connectionCounts.join(',')} connections, ${rounds} rounds of ${seconds} s)…`);
  const results = await measureAll(targets, { routes, connectionCounts, seconds, rounds }, log);
  await Promise.all(targets.map((target) => target.stop()));
  running.clear();

  const rows = routes.flatMap((route) =>
    connectionCounts.map((connections) => {
      const of = (name: string) => results.find((row) => row.target === name && row.route === route.name && row.connections === connections)!;
      const [n, b] = [of('new'), of('base')];
      const ratio = (a: number, c: number) => (c === 0 ? '—' : (a / c).toFixed(2));
      return [
        route.name,
        String(connections),
        String(n.requestsPerSecond),
        String(b.requestsPerSecond),
        ratio(n.requestsPerSecond, b.requestsPerSecond),
        String(n.p50Ms),
        String(b.p50Ms),
        String(n.p99Ms),
        String(b.p99Ms),
        ratio(n.p99Ms, b.p99Ms),
      ];
    }),
  );
  process.stdout.write(
    `\nnew: working tree; base: ${baseRef} (${baseSha.slice(0, 8)}); median of ${rounds} rounds of ${seconds} s, alternating\n\n${table([
      ['route', 'conns', 'new req/s', 'base req/s', 'new/base', 'new p50 ms', 'base p50 ms', 'new p99 ms', 'base p99 ms', 'p99 new/base'],
      ...rows,
    ])}\n`,
  );
  const failing = results.filter((row) => row.errors + row.non2xx > 0);
  for (const row of failing) process.stdout.write(`warning: ${row.target} ${row.route} c=${row.connections}: ${row.errors} errors, ${row.non2xx} non-2xx\n`);
  if (failing.length > 0) process.exitCode = 1;
}

try {
  await main();
} finally {
  cleanup();
}
