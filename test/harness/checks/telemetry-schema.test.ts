// telemetry-schema, holding and failing, on the exact input it judges: the message for
// people, and the detail for tools (reason code, expected and seen as values).
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTelemetry } from '../../../harness/checks/run-view.ts';
import { checkTelemetrySchema } from '../../../harness/checks/telemetry-schema.ts';
import { smokeRun, workspace } from '../../support/run-record.ts';

const view = readTelemetry;

describe('telemetry-schema', () => {
  it('holds for schema v1 with hal.summary as the flag asks', () => {
    const run = smokeRun(workspace());
    expect(checkTelemetrySchema(run, view(run))).toMatchObject({
      ok: true,
      detail: {
        reason: 'clean',
        expected: { file: 'spec-validate_<session>.json', command: 'spec-ops-validate', noProblemsIn: ['spec-kit', 'hal-flag'], halSummary: 'present' },
        seen: [],
      },
    });
  });
  it('fails: missing file, broken JSON, missing field, hal.summary against the flag', () => {
    const missing = smokeRun(workspace(), { record: { telemetryPath: null } });
    expect(checkTelemetrySchema(missing, view(missing))).toMatchObject({
      message: expect.stringMatching(/no telemetry file was written/),
      detail: { reason: 'unreadable', seen: ['no telemetry file was written'] },
    });

    const broken = smokeRun(workspace());
    writeFileSync(broken.telemetryPath as string, '{"command": "spec-ops-val');
    expect(checkTelemetrySchema(broken, view(broken))).toMatchObject({ ok: false, detail: { reason: 'unreadable' } });

    const noScenarios = smokeRun(workspace(), { telemetry: (t) => delete t.scenarios });
    const noScenariosResult = checkTelemetrySchema(noScenarios, view(noScenarios));
    expect(noScenariosResult).toMatchObject({ message: expect.stringMatching(/scenarios/), detail: { reason: 'spec-kit' } });
    expect(noScenariosResult.detail.seen).toContainEqual(expect.objectContaining({ ruleSet: 'spec-kit', path: 'scenarios' }));

    const unasked = smokeRun(workspace(), { record: { telemetryHal: false } });
    expect(checkTelemetrySchema(unasked, view(unasked))).toMatchObject({
      message: expect.stringMatching(/hal/),
      detail: { reason: 'hal-flag', expected: { halSummary: 'absent' } },
    });

    const absent = smokeRun(workspace(), { telemetry: (t) => delete t.hal });
    expect(checkTelemetrySchema(absent, view(absent))).toMatchObject({
      message: expect.stringMatching(/hal/),
      detail: { reason: 'hal-flag', expected: { halSummary: 'present' } },
    });
  });
});
