// The oldest Node the kit runs on. Checked by the bins before anything else loads,
// instead of package.json's "engines": npm prints an EBADENGINE warning for that on every
// npx command, even when the command itself then runs on a newer, pinned Node.
// Written for any Node: on an older one, this is the code that must still run.

export const MINIMUM_NODE = '22.18.0';

function atLeast(version: string, minimum: string): boolean {
  const given = version.split('.').map(Number);
  const wanted = minimum.split('.').map(Number);
  for (let index = 0; index < wanted.length; index += 1) {
    const [a, b] = [given[index] ?? 0, wanted[index] ?? 0];
    if (a !== b) return a > b;
  }
  return true;
}

/** The refusal to print when `version` is too old for `command`, or null when it is new enough. */
export function oldNodeRefusal(command: string, version: string = process.versions.node, execPath: string = process.execPath): string | null {
  if (atLeast(version, MINIMUM_NODE)) return null;
  return (
    `${command}: needs Node ${MINIMUM_NODE} or newer, and this is Node ${version} (${execPath}).\n` +
    `Put a newer node first on PATH, or add one to the project (npm install --save-dev node@24): npx then runs ${command} on it.\n`
  );
}
