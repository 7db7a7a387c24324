// stopWhenLauncherDies, with real processes: a launcher shell starts a node process that
// watches it; killing only the launcher must stop that process the way SIGTERM does, and
// only when npm started it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive, parentPid } from '../../support/process-table.ts';

const SIGNALS = fileURLToPath(new URL('../../../common/cli/signals.ts', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'launcher-watch-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// The watched process: says its pid once watching, and on SIGTERM writes "stopped" and exits 143.
const WATCHED = `
import { writeFileSync } from 'node:fs';
const { stopWhenLauncherDies } = await import(process.argv[1]);
const [, , out] = process.argv;
process.on('SIGTERM', () => { writeFileSync(out + '.stopped', 'stopped'); process.exit(143); });
stopWhenLauncherDies();
writeFileSync(out + '.pid', String(process.pid));
setInterval(() => undefined, 1000);
`;

/** A bash launcher that runs the watched node process as its child (not exec'd) and waits. */
async function launch(name: string, env: NodeJS.ProcessEnv): Promise<{ launcherPid: number; pid: number; out: string }> {
  const out = join(work, name);
  const launcher = spawn('bash', ['-c', `"${process.execPath}" --input-type=module -e "$WATCHED" "$SIGNALS" "${out}"; :`], {
    env: { ...env, WATCHED, SIGNALS },
    stdio: 'ignore',
  });
  await expect.poll(() => existsSync(`${out}.pid`), { timeout: 60_000 }).toBe(true);
  return { launcherPid: launcher.pid as number, pid: Number(readFileSync(`${out}.pid`, 'utf8')), out };
}

describe('stopWhenLauncherDies', () => {
  it('under npm: the launcher killed, the command stops as on SIGTERM', async () => {
    const { launcherPid, pid, out } = await launch('npm', { PATH: process.env.PATH, npm_execpath: '/usr/lib/npm-cli.js' });
    process.kill(launcherPid, 'SIGKILL');
    await expect.poll(() => isAlive(pid), { timeout: 30_000 }).toBe(false);
    expect(readFileSync(`${out}.stopped`, 'utf8')).toBe('stopped');
  });

  it('without npm (started by hand, nohup, setsid): the command outlives its launcher', async () => {
    const { launcherPid, pid, out } = await launch('plain', { PATH: process.env.PATH });
    process.kill(launcherPid, 'SIGKILL');
    // Re-parented, and still running: give the watch (had there been one) many rounds.
    await expect.poll(() => parentPid(pid)).not.toBe(launcherPid);
    const stillThere = await new Promise<boolean>((resolve) => setTimeout(() => resolve(isAlive(pid)), 1_000));
    expect(stillThere).toBe(true);
    expect(existsSync(`${out}.stopped`)).toBe(false);
    process.kill(pid, 'SIGKILL');
  });
});
