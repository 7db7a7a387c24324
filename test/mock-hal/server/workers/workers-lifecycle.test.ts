// How a `mock-hal serve --workers N` starts, stops and fails: bad values, signals, a
// worker or the primary dying, a busy port; and --workers 1 as the one process it was.
import { request } from 'node:http';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { childPids, isAlive } from '../../../support/process-table.ts';
import { connectionOwner, READY_LINE, runCli, type Served, send, serveCli, stopServed, waitFor } from './workers-process.ts';

async function serveTwo(...more: string[]): Promise<{ served: Served; workers: number[] }> {
  const served = await serveCli(['--port', '0', '--workers', '2', '--api-key', 'K', ...more]);
  return { served, workers: childPids(served.pid) };
}

describe('mock-hal serve --workers: usage', () => {
  it.each(['0', 'x', '-1', '1.5', '257', ''])('--workers %j exits 2 naming the flag, the value and what is allowed', async (value) => {
    const result = await runCli(['serve', '--port', '0', `--workers=${value}`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`mock-hal: --workers must be a whole number from 1 to 256, or auto (one per CPU`);
    expect(result.stderr).toContain(`got "${value}"`);
    expect(result.stderr).toMatch(/Run mock-hal serve --help for usage\./);
    expect(result.stdout).toBe('');
  });

  it('describes --workers in the help', async () => {
    const result = await runCli(['serve', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/--workers N\|auto +processes serving the port \(default 1\)/);
  });
});

describe('mock-hal serve --workers: processes', () => {
  it('--workers 1 is the single process it always was: no child process', async () => {
    const served = await serveCli(['--port', '0', '--workers', '1', '--scenario', 'degraded']);
    try {
      expect(served.line).toMatch(READY_LINE);
      expect(childPids(served.pid)).toEqual([]);
      expect((await send(`${served.url}/health`)).status).toBe(503);
    } finally {
      expect(await stopServed(served)).toEqual({ code: 0, signal: null });
    }
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('%s to the primary: the workers close, it exits 0, nothing is left behind', async (signal) => {
    const { served, workers } = await serveTwo('--scenario', 'degraded');
    expect(workers).toHaveLength(2);
    expect(served.line).toMatch(/\(scenario: degraded\)$/);
    expect((await send(`${served.url}/health`)).status).toBe(503);
    served.child.kill(signal);
    expect(await served.exited).toEqual({ code: 0, signal: null });
    for (const pid of workers) await waitFor(`worker ${pid} to exit`, () => !isAlive(pid));
    expect(served.stderr()).toBe('');
    await expect(send(`${served.url}/health`)).rejects.toThrow();
  });

  it('a worker that dies: the primary says so on stderr, stops the other and exits 1', async () => {
    const { served, workers } = await serveTwo();
    const [victim, other] = workers as [number, number];
    process.kill(victim, 'SIGKILL');
    expect(await served.exited).toEqual({ code: 1, signal: null });
    expect(served.stderr()).toMatch(new RegExp(`^mock-hal: worker \\d+ \\(pid ${victim}\\) exited unexpectedly \\(killed by SIGKILL\\); stopping`));
    await waitFor(`worker ${other} to exit`, () => !isAlive(other));
  });

  it('a primary that dies: its workers exit on their own', async () => {
    const { served, workers } = await serveTwo();
    served.child.kill('SIGKILL');
    await served.exited;
    for (const pid of workers) await waitFor(`worker ${pid} to exit`, () => !isAlive(pid));
  });

  it('a busy port: exit 2 with the usual message, and no worker left', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await runCli(['serve', '--port', String(port), '--workers', '2']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^mock-hal: cannot listen \(EADDRINUSE\): .*pick another --port or --host\n$/);
      expect(result.stdout).toBe('');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('a stop while requests hang still exits 0, the hanging connections closed', async () => {
    const { served, workers } = await serveTwo('--scenario', 'timeout');
    // scenarios/timeout.json: list_movies hangs until the client gives up.
    const ports: number[] = [];
    const hanging = Array.from(
      { length: 4 },
      () =>
        new Promise<Error>((resolve) => {
          const outgoing = request(`${served.url}/api/v3/movie`, { headers: { 'x-api-key': 'K' }, agent: false }, () => resolve(new Error('answered')));
          outgoing.on('socket', (socket) => socket.once('connect', () => ports.push(socket.localPort as number)));
          outgoing.on('error', resolve);
          outgoing.end();
        }),
    );
    // Held by the workers (not just queued in the primary) before the stop.
    await waitFor(
      'the hanging connections to reach the workers',
      () => ports.length === 4 && ports.every((port) => connectionOwner(workers, served.port, port)),
    );
    served.child.kill('SIGTERM');
    expect(await served.exited).toEqual({ code: 0, signal: null });
    expect((await Promise.all(hanging)).map((error) => error.message)).toEqual(Array(4).fill('socket hang up'));
    for (const pid of workers) await waitFor(`worker ${pid} to exit`, () => !isAlive(pid));
  });
});
