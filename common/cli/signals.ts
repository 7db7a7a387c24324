// SIGINT and SIGTERM, the two ways a user stops a command. Two uses: a command that
// must not leave anything behind when stopped mid-way (exitOnStopSignal), and a server
// that runs until stopped and then shuts down cleanly (waitForStopSignal).

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** 128 + the signal number, as a shell reports a process the signal killed. */
export const STOP_SIGNAL_EXIT_CODES: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * On the first SIGINT or SIGTERM, runs `cleanup` once and exits 130 or 143. The cleanup
 * must be synchronous: the process exits right after it, whatever it threw.
 * Returns a function that removes the handlers again.
 */
export function exitOnStopSignal(cleanup: () => void, exit: (code: number) => void = (code) => process.exit(code)): () => void {
  const uninstall = (): void => {
    for (const signal of STOP_SIGNALS) process.off(signal, handlers[signal]);
  };
  const stop = (signal: StopSignal): void => {
    // A second signal while exiting is not a second request to clean up.
    uninstall();
    try {
      cleanup();
    } finally {
      exit(STOP_SIGNAL_EXIT_CODES[signal]);
    }
  };
  const handlers: Record<StopSignal, () => void> = { SIGINT: () => stop('SIGINT'), SIGTERM: () => stop('SIGTERM') };
  for (const signal of STOP_SIGNALS) process.on(signal, handlers[signal]);
  return uninstall;
}

/**
 * Resolves with the first SIGINT or SIGTERM. The handlers are in place when this returns,
 * so call it before announcing readiness: a signal sent the moment a ready line appears
 * then stops the server cleanly instead of killing it.
 */
export function waitForStopSignal(): Promise<StopSignal> {
  return new Promise((resolve) => {
    const handlers = STOP_SIGNALS.map((signal) => [signal, () => stop(signal)] as const);
    const stop = (signal: StopSignal): void => {
      for (const [name, handler] of handlers) process.off(name, handler);
      resolve(signal);
    };
    for (const [signal, handler] of handlers) process.on(signal, handler);
  });
}

/**
 * npx and `npm run` do not pass SIGTERM on to the command they started (npm/cli#6684), so a
 * command killed through its launcher would live on, serving or running guardrails. Under
 * npm (which marks its children with npm_execpath), this watches for the launcher going
 * away (the parent changes when this process is re-parented) and then raises SIGTERM on
 * this process: the command stops exactly as it does when signalled. A command started
 * without npm, or one whose launcher is kept alive on purpose (nohup, setsid), is left alone.
 * Returns a function that stops watching.
 */
export function stopWhenLauncherDies(env: NodeJS.ProcessEnv = process.env, intervalMs = 100): () => void {
  if (env.npm_execpath === undefined) return () => undefined;
  const launcher = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === launcher) return;
    clearInterval(timer);
    process.kill(process.pid, 'SIGTERM');
  }, intervalMs);
  // Watching must not keep a finished command alive.
  timer.unref();
  return () => clearInterval(timer);
}
