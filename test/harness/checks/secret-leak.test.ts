// secret-leak, holding and failing, on the exact input it judges: the message for people,
// and the detail for tools (reason code, expected and seen as values).
import { appendFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSecretLeak } from '../../../harness/checks/secret-leak.ts';
import { smokeRun, TEST_KEY, workspace } from '../../support/run-record.ts';

describe('secret-leak', () => {
  it('holds when the key is nowhere', () => {
    expect(checkSecretLeak(smokeRun(workspace()))).toMatchObject({
      ok: true,
      detail: { reason: 'not-found', expected: { places: [] }, seen: { places: [], scannedFiles: 6 } },
    });
  });
  it('fails: the key in the log, a capture, the telemetry or stderr (gap 8)', () => {
    const ws = workspace();
    const run = smokeRun(ws);
    const log = `${ws.evidenceDir}/spec-validate_2026-11-24T10:00:00Z-12345.log`;
    appendFileSync(log, `calling with key ${TEST_KEY}\n`);
    expect(checkSecretLeak(run)).toMatchObject({
      message: expect.stringMatching(/spec-validate_.*\.log/),
      detail: { reason: 'leaked', seen: { places: [log] } },
    });
    expect(checkSecretLeak({ ...smokeRun(workspace()), stderr: `X-Api-Key: ${TEST_KEY}` })).toMatchObject({
      message: expect.stringMatching(/stderr/),
      detail: { reason: 'leaked', seen: { places: ['stderr'] } },
    });
    const inTelemetry = smokeRun(workspace(), { telemetry: (t) => (t.debug = { key: TEST_KEY }) });
    expect(checkSecretLeak(inTelemetry)).toMatchObject({
      message: expect.stringMatching(/spec-validate_.*\.json/),
      detail: { seen: { places: [inTelemetry.telemetryPath] } },
    });
  });
});
