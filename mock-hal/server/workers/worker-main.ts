// The entry file the primary of `mock-hal serve --workers N` forks (node:cluster's exec).
// Like cli/main.ts, it enables Node's compile cache before anything heavy loads; the
// primary passes its own node flags (the small young generation) on to each worker.
import module from 'node:module';

module.enableCompileCache?.();
const { runWorker } = await import('./worker.ts');
runWorker();
