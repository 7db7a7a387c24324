#!/usr/bin/env node
// The guardrail-harness command: turns on Node's compile cache before the heavy modules
// load, and makes stopping the harness (or its npx launcher) stop every guardrail it
// started, not just itself.
import module from 'node:module';
import { oldNodeRefusal } from '../../common/cli/node-version.ts';

const refusal = oldNodeRefusal('guardrail-harness');
if (refusal !== null) {
  process.stderr.write(refusal);
  process.exit(2);
}
module.enableCompileCache?.();
const [{ harnessMain }, { killAllGuardrails }, { removeAllScratch }, { exitOnStopSignal, stopWhenLauncherDies }] = await Promise.all([
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
// Launched through npx, a SIGTERM to npx does not reach us: notice npx going away instead.
stopWhenLauncherDies();
process.exitCode = await harnessMain(process.argv.slice(2));
