// The bins' own Node check (package.json has no "engines", see node-version.ts).
import { describe, expect, it } from 'vitest';
import { MINIMUM_NODE, oldNodeRefusal } from '../../../common/cli/node-version.ts';

describe('oldNodeRefusal', () => {
  it.each(['22.18.0', '22.18.1', '22.19.0', '23.0.0', '24.21.0', '100.0.0'])('accepts Node %s', (version) => {
    expect(oldNodeRefusal('mock-hal', version)).toBeNull();
  });

  it.each(['22.17.9', '22.9.0', '20.20.2', '18.0.0', '9.99.99'])('refuses Node %s, naming it, the minimum and what to do', (version) => {
    expect(oldNodeRefusal('guardrail-harness', version, '/usr/bin/node')).toBe(
      `guardrail-harness: needs Node ${MINIMUM_NODE} or newer, and this is Node ${version} (/usr/bin/node).\n` +
        'Put a newer node first on PATH, or add one to the project (npm install --save-dev node@24): npx then runs guardrail-harness on it.\n',
    );
  });

  it('is new enough on the Node running these tests', () => {
    expect(oldNodeRefusal('mock-hal')).toBeNull();
  });
});
