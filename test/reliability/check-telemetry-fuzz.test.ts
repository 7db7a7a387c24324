// Fuzzing check-telemetry: truncated, mistyped, huge, deeply nested and binary
// files. Every run prints one "<path>: <problem>" line per problem and a count,
// exits 1 when there is a problem (0 otherwise), and never shows a stack trace.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTelemetryMain } from '../../harness/check-telemetry.ts';
import { MAX_TELEMETRY_BYTES } from '../../harness/telemetry-schema.ts';
import { NODE, ROOT, run, tempDir } from '../mcp/helpers.ts';
import { SEED, runs } from './config.ts';
import { STACK_LINE } from './raw-http.ts';

const RUNS = { files: runs(200) } as const;
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
  fc.record({ kind: fc.constant('retype' as const), pick: fc.nat(), value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(null, '', 0, -1, [], {}, 'passed', 'spec-ops-validate', '2025-13-45T99:99:99Z')) }),
  fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 400 }) }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.constantFrom(Uint8Array.from([0xff, 0xfe]), Uint8Array.from([0xc3, 0x28]), Uint8Array.from([0]), Uint8Array.from([0xef, 0xbb, 0xbf])) }),
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
      return Buffer.from(how.where === 'top' ? nested : text.replace(/"artifacts"\s*:/, `"artifacts": ${nested}, "was":`).replace(/"scenarios"\s*:/, `"scenarios": ${nested}, "was2":`));
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
      const result = await run(NODE, [join(ROOT, 'harness', 'cli.ts'), 'check-telemetry', folder.dir]);
      expect(result.stderr).toBe('');
      expect(result.stdout).not.toMatch(STACK_LINE);
      expect(result.code).toBe(1);
      const lines = result.stdout.trim().split('\n');
      expect(lines.pop()).toMatch(/^7 files checked, \d+ problems$/);
      for (const name of ['deep', 'deep-field', 'deep-object', 'binary', 'latin1', 'huge', 'cut']) {
        expect(lines.some((line) => line.startsWith(join(folder.dir, `${name}.telemetry.json: `))), name).toBe(true);
      }
    } finally {
      folder.remove();
    }
  });
});
