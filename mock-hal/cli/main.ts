#!/usr/bin/env -S node --max-semi-space-size=4
// The mock-hal command. Two start-up settings live here, before anything heavy loads:
// - Node's compile cache, so the second start-up onwards skips compiling (and type
//   stripping) every module: about a third of the time to ready (bench/README.md);
// - via the shebang, a small young generation (--max-semi-space-size=4, in MB), which
//   keeps a busy mock's memory flat: by default V8 grows the heap by ~150 MB under load
//   for no gain in throughput. Pass the flag yourself when running `node mock-hal/cli.ts`.
import module from 'node:module';
import { oldNodeRefusal } from '../../common/cli/node-version.ts';

const refusal = oldNodeRefusal('mock-hal');
if (refusal !== null) {
  process.stderr.write(refusal);
  process.exit(2);
}
module.enableCompileCache?.();
const [{ mockHalMain }, { stopWhenLauncherDies }] = await Promise.all([import('./commands.ts'), import('../../common/cli/signals.ts')]);
// Launched through npx, a SIGTERM to npx does not reach us: notice npx going away instead.
stopWhenLauncherDies();
process.exitCode = await mockHalMain(process.argv.slice(2));
