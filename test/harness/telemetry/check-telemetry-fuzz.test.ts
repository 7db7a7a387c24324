// Fuzzing check-telemetry: truncated, mistyped, huge, deeply nested and binary
// files. Every run prints one "<path>: <problem>" line per problem and a count,
// exits 1 when there is a problem (0 otherwise), and never shows a stack trace.
// And the other way round: any file the Spec Kit accepts, however odd its values,
// is never a problem by default, and --outcome gives the Spec Kit's decision.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTelemetryCommand as checkTelemetryMain } from '../../../harness/cli/check-telemetry-command.ts';
import { FLOWS, type Flow, STAGE_OF_FLOW } from '../../../harness/run/types.ts';
import { MAX_TELEMETRY_BYTES } from '../../../harness/telemetry/telemetry-schema.ts';
import { runs, SEED } from '../../support/fuzz-config.ts';
import { NODE, ROOT, run, tempDir } from '../../support/mcp.ts';
import { STACK_LINE } from '../../support/raw-http.ts';

const RUNS = { files: runs(200), accepted: runs(150), strict: runs(60) } as const;
const FIXTURES = join(ROOT, 'test', 'fixtures', 'telemetry');
const samples = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.json'))
  .map((name) => ({ name, text: readFileSync(join(FIXTURES, name), 'utf8') }));
const scratch = tempDir('check-telemetry-fuzz');
afterAll(() => scratch.remove());

type Damage =
  | { kind: 'truncate'; at: number }
  | { kind: 'retype'; pick: number; value: unknown }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'splice'; at: number; bytes: Uint8Array }
  | { kind: 'deep'; depth: number; where: 'top' | 'field' }
  | { kind: 'huge'; size: number }
  | { kind: 'empty' };

const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({
    kind: fc.constant('retype' as const),
    pick: fc.nat(),
    value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(null, '', 0, -1, [], {}, 'passed', 'spec-ops-validate', '2025-13-45T99:99:99Z')),
  }),
  fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 400 }) }),
  fc.record({
    kind: fc.constant('splice' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    bytes: fc.constantFrom(Uint8Array.from([0xff, 0xfe]), Uint8Array.from([0xc3, 0x28]), Uint8Array.from([0]), Uint8Array.from([0xef, 0xbb, 0xbf])),
  }),
  fc.record({ kind: fc.constant('deep' as const), depth: fc.integer({ min: 50, max: 300_000 }), where: fc.constantFrom('top' as const, 'field' as const) }),
  fc.record({ kind: fc.constant('huge' as const), size: fc.constantFrom(2 * 1024 * 1024, MAX_TELEMETRY_BYTES + 1) }),
  fc.constant({ kind: 'empty' as const }),
);

function leaves(value: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (at.length > 0) out.push(at);
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) leaves(child, [...at, Array.isArray(value) ? Number(key) : key], out);
  }
  return out;
}

function damaged(text: string, how: Damage): Buffer {
  switch (how.kind) {
    case 'truncate':
      return Buffer.from(text).subarray(0, Math.floor(how.at * text.length));
    case 'retype': {
      const data = JSON.parse(text) as Record<string, unknown>;
      const all = leaves(data);
      const path = all[how.pick % all.length]!;
      const parent = path.slice(0, -1).reduce<any>((node, part) => node[part], data);
      parent[path[path.length - 1]!] = structuredClone(how.value);
      return Buffer.from(JSON.stringify(data));
    }
    case 'bytes':
      return Buffer.from(how.bytes);
    case 'splice': {
      const bytes = Buffer.from(text);
      const at = Math.floor(how.at * bytes.length);
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(how.bytes), bytes.subarray(at)]);
    }
    case 'deep': {
      const nested = `${'['.repeat(how.depth)}${']'.repeat(how.depth)}`;
      return Buffer.from(
        how.where === 'top'
          ? nested
          : text.replace(/"artifacts"\s*:/, `"artifacts": ${nested}, "was":`).replace(/"scenarios"\s*:/, `"scenarios": ${nested}, "was2":`),
      );
    }
    case 'huge': {
      // Valid JSON, padded out: under the limit it is judged, over it refused.
      const data = JSON.parse(text) as Record<string, unknown>;
      const padded = JSON.stringify({ ...data, padding: '' });
      return Buffer.from(padded.replace('"padding":""', `"padding":"${'p'.repeat(Math.max(0, how.size - padded.length))}"`));
    }
    case 'empty':
      return Buffer.alloc(0);
  }
}

async function check(args: string[]) {
  let out = '';
  let err = '';
  const code = await checkTelemetryMain(args, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

describe('check-telemetry on damaged files', () => {
  it(`a line per problem, a count, exit 1 on problems, never a stack trace (${RUNS.files} cases, seed ${SEED})`, async () => {
    let index = 0;
    let withProblems = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...samples), fc.array(damage, { minLength: 1, maxLength: 2 }), async (sample, damages) => {
        let bytes: Buffer = Buffer.from(sample.text);
        for (const how of damages) {
          let text: string;
          try {
            text = bytes.toString('utf8');
            JSON.parse(text);
          } catch {
            // Already broken: structural damage needs JSON, so break it further by bytes.
            text = sample.text;
          }
          bytes = how.kind === 'retype' || how.kind === 'huge' || how.kind === 'deep' ? damaged(text, how) : damaged(bytes.toString('latin1'), how);
          if (how.kind === 'bytes' || how.kind === 'empty' || how.kind === 'deep') break;
        }
        // Half keep the stage name (judged by it), half use the generic bundle-style name.
        const file = join(scratch.dir, index % 2 === 0 ? `${index}-${sample.name}` : `case-${index}.telemetry.json`);
        index++;
        writeFileSync(file, bytes);
        const result = await check([file]);
        expect(result.err).toBe('');
        expect(result.out).not.toMatch(STACK_LINE);
        const lines = result.out.split('\n').filter((line) => line !== '');
        const summary = lines.pop()!;
        const counts = /^1 file checked, (\d+) problems?$/.exec(summary);
        expect(counts, summary).not.toBeNull();
        expect(Number(counts![1]), result.out).toBe(lines.length);
        for (const line of lines) {
          expect(line.startsWith(`${file}: `), line).toBe(true);
          expect(line.length).toBeLessThan(2_000);
        }
        expect(result.code).toBe(lines.length > 0 ? 1 : 0);
        if (lines.length > 0) withProblems++;
      }),
      { seed: SEED, numRuns: RUNS.files },
    );
    expect(withProblems).toBeGreaterThan(RUNS.files / 2);
  });

  it('the real command on a folder of the worst files: lines, a count, exit 1, no stack trace', async () => {
    const folder = tempDir('check-telemetry-worst');
    try {
      const deep = `${'['.repeat(400_000)}${']'.repeat(400_000)}`;
      writeFileSync(join(folder.dir, 'deep.telemetry.json'), deep);
      writeFileSync(join(folder.dir, 'deep-field.telemetry.json'), `{"command":"spec-ops-validate","scenarios":${deep}}`);
      writeFileSync(join(folder.dir, 'deep-object.telemetry.json'), `{"errors":${'{"a":'.repeat(300_000)}1${'}'.repeat(300_000)}}`);
      writeFileSync(join(folder.dir, 'binary.telemetry.json'), Buffer.from([0xff, 0xd8, 0xff, 0, 1, 2, 3]));
      writeFileSync(join(folder.dir, 'latin1.telemetry.json'), Buffer.from('{"command":"caf\xe9"}', 'latin1'));
      writeFileSync(join(folder.dir, 'huge.telemetry.json'), Buffer.alloc(MAX_TELEMETRY_BYTES + 10, ' '));
      writeFileSync(join(folder.dir, 'cut.telemetry.json'), samples[0]!.text.slice(0, 100));
      const result = await run(NODE, [join(ROOT, 'harness', 'cli', 'main.ts'), 'check-telemetry', folder.dir]);
      expect(result.stderr).toBe('');
      expect(result.stdout).not.toMatch(STACK_LINE);
      expect(result.code).toBe(1);
      const lines = result.stdout.trim().split('\n');
      expect(lines.pop()).toMatch(/^7 files checked, \d+ problems$/);
      for (const name of ['deep', 'deep-field', 'deep-object', 'binary', 'latin1', 'huge', 'cut']) {
        expect(
          lines.some((line) => line.startsWith(join(folder.dir, `${name}.telemetry.json: `))),
          name,
        ).toBe(true);
      }
    } finally {
      folder.remove();
    }
  });
});

// --- files the Spec Kit accepts ------------------------------------------------

/** Keys the Spec Kit reads; extra fields are generated under any other name. */
const READ_KEYS = new Set([
  'command',
  'specId',
  'sessionId',
  'timestamp',
  'artifacts',
  'scenarios',
  'hal',
  'summary',
  'status',
  'name',
  'path',
  'failed_checks',
  'baseline',
  'hooks',
  'session.start',
  'tool',
  'lock_status',
  'hook_status',
  'unlock_status',
  'mode',
  'artifact',
  '__proto__',
]);
const extras = fc.dictionary(
  fc.string({ maxLength: 8 }).filter((key) => !READ_KEYS.has(key)),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 3 },
);
const anyText = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('passed', 'skipped', 'failed', 'ok', 'ready', 'locked', 'unlocked', 'unknown', ''));
const scenarioStatus = fc.constantFrom('passed', 'failed', 'skipped');
const nonBlank = fc.string({ minLength: 1, maxLength: 12 }).filter((text) => text.trim() !== '');

function accepted(flow: Flow, logDir: string): fc.Arbitrary<Record<string, unknown>> {
  const artifact = fc.constantFrom('present.log', { path: 'present.log' }, join(logDir, 'present.log'), { path: join(logDir, 'present.log'), sha: 'x' });
  const envelope = fc.record({ specId: anyText, sessionId: anyText, timestamp: anyText, artifacts: fc.array(artifact, { minLength: 1, maxLength: 3 }) });
  const withExtras = <T extends object>(arb: fc.Arbitrary<T>) => fc.tuple(arb, extras).map(([value, more]) => ({ ...more, ...value }));
  const stage: fc.Arbitrary<Record<string, unknown>> = (() => {
    switch (flow) {
      case 'plan':
        return fc.record({
          baseline: withExtras(fc.record({ mode: anyText, artifact: anyText, status: anyText })),
          hooks: withExtras(fc.record({ 'session.start': anyText })),
        });
      case 'tasks':
        return fc.record({ tool: withExtras(fc.record({ status: anyText })) });
      case 'implement':
        return fc.record({ lock_status: anyText, hook_status: anyText });
      case 'unlock':
        return fc.record({ unlock_status: anyText });
      case 'validate':
      case 'audit': {
        const summary = fc.record(
          { status: scenarioStatus, failed_checks: fc.array(nonBlank, { maxLength: 3 }), artifacts: fc.array(nonBlank, { maxLength: 2 }) },
          { requiredKeys: ['status'] },
        );
        return fc.record(
          {
            scenarios: fc.array(withExtras(fc.record({ name: anyText, status: scenarioStatus })), { minLength: 1, maxLength: 3 }),
            hal: withExtras(fc.record({ summary: withExtras(summary) })),
          },
          { requiredKeys: ['scenarios'] },
        );
      }
    }
  })();
  return fc.tuple(envelope, stage, extras, fc.boolean()).map(([env, fields, more, dropArtifacts]) => {
    const data: Record<string, unknown> = { ...more, command: STAGE_OF_FLOW[flow].command, ...env, ...fields };
    // Validate may leave artifacts out; audit too, as far as the schema goes (its evidence then fails: not generated here).
    if (flow === 'validate' && dropArtifacts) delete data.artifacts;
    return data;
  });
}

/** The Spec Kit's outcome rule, written out again as the test's own oracle. */
function oracle(flow: Flow, data: Record<string, any>): 'advance' | 'halt' {
  switch (flow) {
    case 'plan':
      return ['passed', 'skipped'].includes(data.baseline.status) && data.hooks['session.start'] === 'ok' ? 'advance' : 'halt';
    case 'tasks':
      return data.tool.status === 'ok' ? 'advance' : 'halt';
    case 'implement':
      return data.lock_status === 'locked' && data.hook_status === 'ok' ? 'advance' : 'halt';
    case 'unlock':
      return data.unlock_status === 'unlocked' ? 'advance' : 'halt';
    default:
      return data.scenarios.every((scenario: { status: string }) => scenario.status !== 'failed') ? 'advance' : 'halt';
  }
}

describe('check-telemetry on files the Spec Kit accepts', () => {
  it(`never reports a problem by default, and --outcome matches the Spec Kit's rule (${RUNS.accepted} cases, seed ${SEED})`, async () => {
    writeFileSync(join(scratch.dir, 'present.log'), 'log\n');
    let index = 0;
    const seen = { advance: 0, halt: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FLOWS).chain((flow) => accepted(flow, scratch.dir).map((data) => ({ flow, data }))),
        async ({ flow, data }) => {
          const file = join(
            scratch.dir,
            index % 2 === 0 ? `${STAGE_OF_FLOW[flow].stage}_2025-09-29T16:34:21Z-${index}.json` : `accepted-${index}.telemetry.json`,
          );
          index++;
          writeFileSync(file, JSON.stringify(data));
          const result = await check(['--outcome', '--repo', scratch.dir, file]);
          const decision = oracle(flow, data);
          seen[decision]++;
          expect(result.err).toBe('');
          expect(result.out.split('\n').filter((line) => line !== '')).toEqual([
            expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${decision}: `)),
            `1 file checked, 0 problems, ${decision === 'advance' ? '1 advance, 0 halt' : '0 advance, 1 halt'}`,
          ]);
          expect(result.code).toBe(0);
        },
      ),
      { seed: SEED, numRuns: RUNS.accepted },
    );
    expect(seen.advance).toBeGreaterThan(0);
    expect(seen.halt).toBeGreaterThan(0);
  });

  it(`damaged files under --strict --outcome: labelled problem lines, one decision line, a tally (${RUNS.strict} cases, seed ${SEED})`, async () => {
    let index = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...samples), damage, async (sample, how) => {
        const bytes = how.kind === 'retype' || how.kind === 'huge' || how.kind === 'deep' ? damaged(sample.text, how) : damaged(sample.text, how);
        const file = join(scratch.dir, `strict-${index++}-${sample.name}`);
        writeFileSync(file, bytes);
        const result = await check(['--strict', '--outcome', '--no-evidence', file]);
        expect(result.err).toBe('');
        expect(result.out).not.toMatch(STACK_LINE);
        const lines = result.out.split('\n').filter((line) => line !== '');
        const summary = /^1 file checked, (\d+) problems?, ([01]) advance, ([01]) halt$/.exec(lines.pop()!);
        expect(summary, result.out).not.toBeNull();
        const decision = lines.pop()!;
        expect(decision).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (advance|halt): `));
        expect(Number(summary![2]) + Number(summary![3])).toBe(1);
        expect(Number(summary![1])).toBe(lines.length);
        for (const line of lines) expect(line.startsWith(`${file}: `), line).toBe(true);
        expect(result.code).toBe(lines.length > 0 ? 1 : 0);
      }),
      { seed: SEED, numRuns: RUNS.strict },
    );
  });
});
