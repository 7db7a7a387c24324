// The names of telemetry: commands, stages and flows accepted interchangeably, and
// the stage a file name belongs to. (The common file names are in telemetry-files.test.ts.)
import { describe, expect, it } from 'vitest';
import { FLOWS, STAGE_OF_FLOW } from '../../../harness/run/types.ts';
import { COMMANDS, flowOf, HAL_COMMANDS, isCommand, normalizeCommand, STAGES, stageOfFile } from '../../../harness/telemetry/telemetry-names.ts';

describe('commands, stages and flows', () => {
  it('agree with the run model, flow by flow', () => {
    expect(FLOWS.map((flow) => STAGE_OF_FLOW[flow].command)).toEqual([...COMMANDS]);
    expect(FLOWS.map((flow) => STAGE_OF_FLOW[flow].stage)).toEqual([...STAGES]);
  });

  it.each(FLOWS.map((flow) => [flow, STAGE_OF_FLOW[flow].stage, STAGE_OF_FLOW[flow].command] as const))(
    '%s, %s and %s all name the same command and flow',
    (flow, stage, command) => {
      for (const name of [flow, stage, command]) {
        expect(normalizeCommand(name)).toBe(command);
        expect(flowOf(name)).toBe(flow);
      }
    },
  );

  it.each(['', 'spec-ops', 'Validate', 'spec-ops-validate ', 'spec_ops_validate', 'spec-ops-deploy', 'spec-validate.json', 'constructor', '__proto__'])(
    '%j is none of them',
    (name) => {
      expect(normalizeCommand(name)).toBeNull();
      expect(flowOf(name)).toBeNull();
    },
  );

  it('isCommand takes only the command spelling, and only strings', () => {
    expect(isCommand('spec-ops-audit')).toBe(true);
    expect(isCommand('spec-audit')).toBe(false);
    expect(isCommand('audit')).toBe(false);
    expect(isCommand(['spec-ops-audit'])).toBe(false);
    expect(isCommand(undefined)).toBe(false);
  });

  it('only validate and audit carry the HAL smoke', () => {
    expect([...HAL_COMMANDS]).toEqual(['spec-ops-validate', 'spec-ops-audit']);
  });
});

describe('stageOfFile edge cases', () => {
  it('accepts colons and hyphens mixed, and up to nanosecond fractions', () => {
    expect(stageOfFile('spec-implement_2025-09-29T16:34-21Z-7.json')).toEqual({
      stage: 'spec-implement',
      command: 'spec-ops-implement',
      flow: 'implement',
      sessionId: '2025-09-29T16:34-21Z-7',
    });
    expect(stageOfFile('spec-audit_2025-09-29T16:34:21.123456789Z-1.json')?.sessionId).toBe('2025-09-29T16:34:21.123456789Z-1');
  });

  it.each([
    'spec-audit_2025-09-29T16:34:21.1234567890Z-1.json', // ten fraction digits
    'spec-audit_2025-09-29T16:34:21Z.json', // no counter
    'spec-audit_2025-09-29T16:34:21Z-.json',
    'spec-audit_2025-09-29 16:34:21Z-1.json',
    'Spec-Audit_2025-09-29T16:34:21Z-1.json',
    'spec-audit_2025-09-29T16:34:21Z-1.JSON',
    'spec-audit_2025-09-29T16:34:21Z-1.json.bak',
    'x-spec-audit_2025-09-29T16:34:21Z-1.json',
    'spec-audit_2025-9-29T16:34:21Z-1.json',
  ])('%s is not a telemetry file name', (name) => {
    expect(stageOfFile(name)).toBeNull();
  });

  it('reads only the last path segment', () => {
    expect(stageOfFile('/spec-plan_2025-09-29T16:23:09Z-1.json/spec-audit_2025-09-29T16:34:21Z-2.json')?.stage).toBe('spec-audit');
    expect(stageOfFile('/evidence/spec-plan_2025-09-29T16:23:09Z-1.json/notes.txt')).toBeNull();
  });
});
