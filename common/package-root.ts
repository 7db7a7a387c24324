// Where the kit's files are at run time. The sources run from a checkout
// (harness/run/runner.ts) and the build from dist/ (dist/harness/run/runner.js), so data
// that ships beside the code (scenarios/, the reference guardrails) is found from the
// package root, never by counting '..' from a module, and a module that starts another
// one as a script names it with its own extension (.ts in a checkout, .js when built).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'guardrail-testkit';

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) return dir;
      } catch {
        // A broken package.json above us is someone else's; keep climbing.
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package root above ${start}: reinstall the package`);
  }
}

/** The folder holding the kit's package.json, scenarios/ and harness/reference-guardrails/. */
export const PACKAGE_ROOT = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

/** The kit's version, from its package.json. */
export const KIT_VERSION: string = (() => {
  const version = (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: unknown }).version;
  return typeof version === 'string' ? version : 'unknown';
})();

/** The bundled scenario files. */
export const BUNDLED_SCENARIOS_DIR = path.join(PACKAGE_ROOT, 'scenarios');

/** The reference guardrail repository the harness runs when given no --repo. */
export const REFERENCE_GUARDRAILS_DIR = path.join(PACKAGE_ROOT, 'harness', 'reference-guardrails');

/** The path of module `name` beside `importMetaUrl`, with the caller's own extension. */
export function siblingScript(importMetaUrl: string, relativeName: string): string {
  const self = fileURLToPath(importMetaUrl);
  return path.resolve(path.dirname(self), relativeName + path.extname(self));
}
