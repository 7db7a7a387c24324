// Reading telemetry files (bounded, never throwing) and telemetry file names: the
// helpers telemetry-schema.ts was split into (telemetry-files.ts, telemetry-names.ts).
import { mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TELEMETRY_BYTES, parseTelemetryBytes, readTelemetryFile, readTelemetryFileSync } from '../../../harness/telemetry/telemetry-files.ts';
import { stageOfFile } from '../../../harness/telemetry/telemetry-names.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/telemetry/', import.meta.url));
const PLAN = 'spec-plan_2025-09-29T16-23-09Z-1240129600.json';
const AUDIT = 'spec-audit_2025-09-29T12-33-29Z-218285443.json';

describe('stageOfFile', () => {
  it.each([
    ['spec-validate_2025-09-29T16:34:21Z-229132461.json', 'spec-validate', 'spec-ops-validate', 'validate'],
    ['/x/y/spec-plan_2025-09-29T16:23:09Z-1240129600.json', 'spec-plan', 'spec-ops-plan', 'plan'],
    ['spec-unlock_2025-09-29T16-23-09Z-1.json', 'spec-unlock', 'spec-ops-unlock', 'unlock'],
    ['spec-tasks_2025-09-29T16:23:09.123Z-9.json', 'spec-tasks', 'spec-ops-tasks', 'tasks'],
  ])('%s belongs to %s', (name, stage, command, flow) => {
    expect(stageOfFile(name)).toMatchObject({ stage, command, flow });
  });

  it('gives the session id from the name', () => {
    expect(stageOfFile('spec-audit_2025-09-29T12:33:29Z-218285443.json')?.sessionId).toBe('2025-09-29T12:33:29Z-218285443');
  });

  it.each([
    'spec-validate_2025-09-29T16:34:21Z-229132461.log',
    'baseline_2025-09-29T16:23:24Z-2625014190.md',
    '20250929-163421Z-hal-health.json',
    'spec-deploy_2025-09-29T16:34:21Z-1.json',
    'spec-validate.json',
    'telemetry.json',
  ])('%s is not a telemetry file name', (name) => {
    expect(stageOfFile(name)).toBeNull();
  });
});

describe('reading files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'telemetry-read-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function put(name: string, content: string | Uint8Array): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, content);
    return path;
  }

  const readers = [
    ['async', readTelemetryFile],
    ['sync', async (path: string) => readTelemetryFileSync(path)],
  ] as const;

  describe.each(readers)('%s', (_kind, read) => {
    it('reads a good file', async () => {
      const result = await read(join(FIXTURES, AUDIT));
      expect(result.ok).toBe(true);
      expect((result.data as Record<string, unknown>).command).toBe('spec-ops-audit');
    });

    it('reports a missing file', async () => {
      const result = await read(join(dir, 'nope.json'));
      expect(result).toEqual({ ok: false, problems: [expect.stringMatching(/^file not found; check the path/)] });
    });

    it('reports an empty file', async () => {
      const result = await read(await put('empty.json', ''));
      expect(result.problems).toEqual([expect.stringMatching(/^file is empty/)]);
    });

    it('reports whitespace only', async () => {
      expect((await read(await put('blank.json', ' \n\t\n'))).problems[0]).toMatch(/only whitespace/);
    });

    it('reports a truncated file as cut short', async () => {
      const full = await readFile(join(FIXTURES, AUDIT), 'utf8');
      const result = await read(await put('cut.json', full.slice(0, 200)));
      expect(result.ok).toBe(false);
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]).toMatch(/^invalid JSON: the text ends early \(truncated\?/);
    });

    it('reports a syntax error in the middle without calling it truncated', async () => {
      const result = await read(await put('bad.json', '{"command": "spec-ops-audit",, "x": 1}\n'));
      expect(result.problems[0]).toMatch(/^invalid JSON: .*position 29/);
      expect(result.problems[0]).not.toMatch(/ends early/);
    });

    it('reports binary content', async () => {
      const result = await read(await put('bin.json', new Uint8Array([0x7b, 0x00, 0xff, 0x10, 0x7d])));
      expect(result.problems).toEqual(['file contains NUL bytes: binary data, not JSON text']);
      const latin1 = await read(await put('latin1.json', new Uint8Array([0x7b, 0x22, 0xe9, 0x22, 0x7d])));
      expect(latin1.problems[0]).toMatch(/not valid UTF-8/);
    });

    it('refuses a huge file without reading it', async () => {
      const path = join(dir, 'huge.json');
      await writeFile(path, '{}');
      // Sparse, so it costs no disk; its size (not a 5 MiB read) must be what gets reported.
      await truncate(path, 64 * 1024 * 1024);
      const result = await read(path);
      expect(result.ok).toBe(false);
      expect(result.problems).toEqual([expect.stringMatching(/^file is 64\.0 MiB, over the 5\.0 MiB limit for telemetry; refusing to read it/)]);
      await truncate(path, MAX_TELEMETRY_BYTES + 1);
      expect((await read(path)).problems[0]).toMatch(/refusing to read it/);
      await truncate(path, MAX_TELEMETRY_BYTES);
      // At the limit it is read (and then fails as NUL bytes, not as too big).
      expect((await read(path)).problems[0]).toMatch(/NUL bytes/);
    });

    it('reports a folder', async () => {
      const sub = join(dir, 'sub');
      await mkdir(sub, { recursive: true });
      expect((await read(sub)).problems[0]).toMatch(/is a folder, not a file/);
    });

    it('accepts a byte order mark', async () => {
      const body = await readFile(join(FIXTURES, PLAN));
      const result = await read(await put('bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body])));
      expect(result.ok).toBe(true);
    });
  });

  it('parseTelemetryBytes refuses more than the limit too', () => {
    expect(parseTelemetryBytes(new Uint8Array(MAX_TELEMETRY_BYTES + 1)).problems[0]).toMatch(/refusing to read it/);
  });
});
