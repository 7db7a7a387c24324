// Stop signals, in process: process.emit calls the handlers as a real signal would,
// and the exit is a stub, so the test runner lives on.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { exitOnStopSignal, STOP_SIGNALS, waitForStopSignal } from '../../../common/cli/index.ts';

// The runner's own handlers stay out of the way while a test emits signals.
let saved: Map<string, ReturnType<typeof process.rawListeners>>;
beforeEach(() => {
  saved = new Map(STOP_SIGNALS.map((signal) => [signal, process.rawListeners(signal)]));
  for (const signal of STOP_SIGNALS) process.removeAllListeners(signal);
});
afterEach(() => {
  for (const signal of STOP_SIGNALS) {
    process.removeAllListeners(signal);
    for (const listener of saved.get(signal) ?? []) process.on(signal, listener as () => void);
  }
});

describe('exitOnStopSignal', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('on %s runs the cleanup once and exits %i', (signal, code) => {
    const cleanup = vi.fn();
    const exit = vi.fn();
    exitOnStopSignal(cleanup, exit);
    expect(cleanup).not.toHaveBeenCalled();
    process.emit(signal);
    process.emit('SIGINT');
    process.emit('SIGTERM');
    expect(cleanup).toHaveBeenCalledTimes(1);
    expect(exit.mock.calls).toEqual([[code]]);
    expect(STOP_SIGNALS.map((name) => process.listenerCount(name))).toEqual([0, 0]);
  });

  it('still exits when the cleanup throws', () => {
    const exit = vi.fn();
    exitOnStopSignal(() => {
      throw new Error('cleanup failed');
    }, exit);
    expect(() => process.emit('SIGTERM')).toThrow('cleanup failed');
    expect(exit.mock.calls).toEqual([[143]]);
  });

  it('does nothing once uninstalled', () => {
    const cleanup = vi.fn();
    const exit = vi.fn();
    exitOnStopSignal(cleanup, exit)();
    expect(STOP_SIGNALS.map((name) => process.listenerCount(name))).toEqual([0, 0]);
    process.emit('SIGINT');
    expect(cleanup).not.toHaveBeenCalled();
    expect(exit).not.toHaveBeenCalled();
  });
});

describe('waitForStopSignal', () => {
  it('listens as soon as it is called, resolves with the first signal and stops listening', async () => {
    const stopped = waitForStopSignal();
    expect(STOP_SIGNALS.map((name) => process.listenerCount(name))).toEqual([1, 1]);
    process.emit('SIGTERM');
    process.emit('SIGINT');
    await expect(stopped).resolves.toBe('SIGTERM');
    expect(STOP_SIGNALS.map((name) => process.listenerCount(name))).toEqual([0, 0]);
  });
});
