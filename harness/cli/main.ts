#!/usr/bin/env node
// The guardrail-harness command: turns on Node's compile cache before the heavy modules
// load, and makes stopping the harness stop every guardrail it started, not just itself.
import module from 'node:module';

module.enableCompileCache?.();
const [{ harnessMain }, { killAllGuardrails }, { removeAllScratch }, { exitOnStopSignal }] = await Promise.all([
  import('./commands.ts'),
  import('../run/guardrail-process.ts'),
  import('../run/runner.ts'),
  import('../../common/cli/index.ts'),
]);
exitOnStopSignal(() => {
  killAllGuardrails('SIGKILL');
  // The runs' repository copies go too; what is already in the bundle stays, complete.
  removeAllScratch();
});
process.exitCode = await harnessMain(process.argv.slice(2));
