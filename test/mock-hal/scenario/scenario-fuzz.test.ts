// Fuzzing scenario documents: random ones, and the bundled scenarios with fields
// mutated. parseScenario accepts a document or throws a ScenarioError whose every
// issue names a field; a file's error also names the file; and the control API
// either switches to a valid document or answers 4xx and keeps the scenario it had.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CHECK_NAMES } from '../../../common/hal-contract/routes.ts';
import { smokeRequest } from '../../../common/hal-contract/smoke-requests.ts';
import { parseScenario, type Scenario, ScenarioError } from '../../../mock-hal/scenario/scenario-model.ts';
import { listScenarios, loadScenarioFile, resolveScenario } from '../../../mock-hal/scenario/scenario-store.ts';
import { createMockHalApp } from '../../../mock-hal/server/app.ts';
import { runs, SEED } from '../../support/fuzz-config.ts';

const RUNS = { random: runs(200), mutated: runs(300), files: runs(100), served: runs(150), control: runs(200) } as const;
const TOP_LEVEL = ['$schema', 'name', 'description', 'endpoints', 'expect', 'phases'];
const dir = mkdtempSync(join(tmpdir(), 'scenario-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bundled = listScenarios().scenarios.map((scenario) => {
  // The documents as written on disk, so mutations start from real files.
  const { source, ...parsed } = scenario;
  return { name: parsed.name, document: JSON.parse(JSON.stringify(documentOf(scenario))) as unknown };
});

/** A scenario back in its file form (a steady one without phases). */
function documentOf(scenario: Scenario): Record<string, unknown> {
  if (scenario.phases.length === 1 && scenario.phases[0]!.name === scenario.name) {
    const [phase] = scenario.phases;
    return { name: scenario.name, description: scenario.description, endpoints: phase!.endpoints, expect: phase!.expect };
  }
  return { name: scenario.name, description: scenario.description, phases: scenario.phases };
}

/**
 * Every issue starts with the path of a field (or "(document)"/"(file)"), then says what is
 * wrong; the path starts at a scenario field or at a field the document really has.
 */
function expectIssuesNameFields(error: ScenarioError, data?: unknown): void {
  expect(error.issues.length).toBeGreaterThan(0);
  const own = data !== null && typeof data === 'object' ? Object.keys(data) : [];
  for (const issue of error.issues) {
    const path = issue.slice(0, issue.indexOf(': '));
    expect(issue.indexOf(': '), issue).toBeGreaterThan(0);
    expect(issue.slice(path.length + 2).trim(), issue).not.toBe('');
    if (path === '(document)' || path === '(file)') continue;
    const first = path.startsWith('[') ? path.slice(0, path.indexOf(']') + 1) : path.split(/[.[]/)[0]!;
    expect([...TOP_LEVEL, ...own, ...own.map((key) => `[${key}]`)], issue).toContain(first);
  }
}

/** Parses, and says which way it went; anything but a ScenarioError fails the property. */
function outcome(data: unknown, where?: string): { ok: true; scenario: Scenario } | { ok: false; error: ScenarioError } {
  try {
    return { ok: true, scenario: parseScenario(data, where) };
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw new Error(`parseScenario threw ${String(error)} instead of a ScenarioError`);
    return { ok: false, error };
  }
}

// --- mutations ------------------------------------------------------------------

type Path = (string | number)[];

/** Paths to mutate, breadth first and at most 80 deep (repeated "deepen" mutations stack up). */
function paths(root: unknown): Path[] {
  const out: Path[] = [];
  const queue: { value: unknown; at: Path }[] = [{ value: root, at: [] }];
  for (let next = queue.shift(); next; next = queue.shift()) {
    out.push(next.at);
    const { value, at } = next;
    if (value === null || typeof value !== 'object' || at.length >= 80) continue;
    for (const [key, child] of Object.entries(value)) queue.push({ value: child, at: [...at, Array.isArray(value) ? Number(key) : key] });
  }
  return out;
}

interface Mutation {
  pick: number;
  op: 'replace' | 'delete' | 'add' | 'retype' | 'deepen';
  key: string;
  value: unknown;
}

const interesting = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    'hang',
    'reset',
    'delay',
    'status',
    'raw',
    '../x',
    '/etc/passwd',
    '',
    -1,
    0,
    99,
    600,
    1.5,
    1e308,
    null,
    true,
    [],
    {},
    { type: 'delay', ms: 1, then: { type: 'ok' } },
    { type: 'status', status: 700 },
    { type: 'raw', status: 200, body: 1 },
    { type: 'status', status: 503, headers: { 'bad name': 'x' } },
    { type: 'status', status: 503, headers: { ok: 'line\r\nbreak' } },
    { type: 'empty', contentType: 'text/plain\r\nx-injected: 1' },
    { type: 'empty', contentType: 'caf\u00e9/\u2603' },
    { type: 'raw', status: 200, headers: { 'content-length': '1' }, body: 'too long' },
    { type: 'status', status: 204, body: { a: 1 } },
    { type: 'raw', status: 200, headers: { 'transfer-encoding': 'chunked' }, body: 'x' },
    { type: 'status', status: 101 },
  ),
);

const mutation: fc.Arbitrary<Mutation> = fc.record({
  pick: fc.nat(),
  op: fc.constantFrom('replace', 'replace', 'delete', 'add', 'retype', 'deepen'),
  key: fc.oneof(
    fc.constantFrom('type', 'status', 'ms', 'then', 'body', 'phases', 'durationMs', 'failedChecks', '__proto__', 'constructor'),
    fc.string({ maxLength: 8 }),
  ),
  value: interesting,
});

function mutate(document: unknown, mutations: Mutation[]): unknown {
  let root = structuredClone(document);
  for (const { pick, op, key, value: shared } of mutations) {
    // Constants are shared between cases: never let a mutation reach into one.
    const value = structuredClone(shared);
    const all = paths(root);
    const path = all[pick % all.length]!;
    if (path.length === 0) {
      root = op === 'replace' ? value : root;
      continue;
    }
    const parent = path.slice(0, -1).reduce<any>((node, part) => node[part], root);
    const last = path[path.length - 1]!;
    switch (op) {
      case 'replace':
        parent[last] = value;
        break;
      case 'delete':
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete parent[last];
        break;
      case 'add':
        if (parent[last] !== null && typeof parent[last] === 'object' && !Array.isArray(parent[last])) {
          Object.defineProperty(parent[last], key, { value, enumerable: true, configurable: true, writable: true });
        } else parent[last] = { [key]: value };
        break;
      case 'retype':
        parent[last] =
          typeof parent[last] === 'string'
            ? 1
            : typeof parent[last] === 'number'
              ? String(parent[last])
              : Array.isArray(parent[last])
                ? { ...parent[last] }
                : [parent[last]];
        break;
      case 'deepen': {
        // Wraps the value in a long delay chain: deep documents must be refused, not overflow the stack.
        let wrapped: unknown = parent[last];
        for (let level = 0; level < 60 + (pick % 500); level++) wrapped = { type: 'delay', ms: 0, then: wrapped };
        parent[last] = wrapped;
        break;
      }
    }
  }
  return root;
}

const mutatedDocument = fc
  .tuple(fc.constantFrom(...bundled), fc.array(mutation, { minLength: 1, maxLength: 3 }))
  .map(([{ document }, mutations]) => mutate(document, mutations));

// --- properties -----------------------------------------------------------------------

describe('scenario documents', () => {
  it(`random documents: accepted, or a ScenarioError naming fields (${RUNS.random} cases, seed ${SEED})`, () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue({ maxDepth: 6 }),
          fc.record(
            { name: fc.string(), description: fc.string(), endpoints: fc.jsonValue(), expect: fc.jsonValue(), phases: fc.jsonValue() },
            { requiredKeys: [] },
          ),
          fc.anything({
            maxDepth: 4,
            withNullPrototype: true,
            withMap: true,
            withSet: true,
            withDate: true,
            withBigInt: true,
            withTypedArray: true,
            withSparseArray: true,
          }),
        ),
        (data) => {
          const result = outcome(data);
          if (!result.ok) expectIssuesNameFields(result.error, data);
        },
      ),
      { seed: SEED, numRuns: RUNS.random },
    );
  });

  it(`mutated bundled scenarios: accepted, or a ScenarioError naming fields (${RUNS.mutated} cases, seed ${SEED})`, () => {
    let rejected = 0;
    fc.assert(
      fc.property(mutatedDocument, (data) => {
        const result = outcome(data);
        if (result.ok) {
          expect(result.scenario.phases.length).toBeGreaterThan(0);
          // What was accepted can be served: it serialises for the control API.
          expect(() => JSON.stringify(result.scenario)).not.toThrow();
        } else {
          rejected++;
          expectIssuesNameFields(result.error, data);
        }
      }),
      { seed: SEED, numRuns: RUNS.mutated },
    );
    expect(rejected).toBeGreaterThan(RUNS.mutated / 4);
  });

  it('a document nested past the limit is refused with the path where it got too deep', () => {
    let behaviour: unknown = { type: 'ok' };
    for (let level = 0; level < 100_000; level++) behaviour = { type: 'delay', ms: 0, then: behaviour };
    const result = outcome({ name: 'deep', description: 'd', endpoints: { health: behaviour }, expect: { status: 'passed' } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.issues[0]).toMatch(/^endpoints\.health\.then\.then.*: nested deeper than \d+ levels/);
  });

  it(`scenario files: the error names the file and the field (${RUNS.files} cases, seed ${SEED})`, () => {
    let index = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          mutatedDocument.map((data) => Buffer.from(JSON.stringify(data) ?? 'undefined')),
          fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
          mutatedDocument.chain((data) => {
            const text = JSON.stringify(data) ?? '';
            return fc.nat({ max: Math.max(0, text.length - 1) }).map((cut) => Buffer.from(text.slice(0, cut)));
          }),
        ),
        (bytes) => {
          const file = join(dir, `case-${index++}.json`);
          writeFileSync(file, bytes);
          try {
            loadScenarioFile(file);
          } catch (error) {
            if (!(error instanceof ScenarioError)) throw new Error(`loadScenarioFile threw ${String(error)}`);
            expect(error.message).toContain(file);
            let data: unknown;
            try {
              data = JSON.parse(bytes.toString('utf8'));
            } catch {
              data = undefined;
            }
            expectIssuesNameFields(error, data);
          }
        },
      ),
      { seed: SEED, numRuns: RUNS.files },
    );
  });
});

describe('what is accepted can be served', () => {
  const KEY = 'kvd_scenario_fuzz';
  const { app, engine } = createMockHalApp({
    scenario: resolveScenario('healthy'),
    resolveScenario: (ref) => resolveScenario(ref),
    apiKey: KEY,
    // A client that gives up after 20 ms: hangs and long delays end quickly.
    faultsFor: () => ({ clientGone: () => new Promise<void>((resolve) => setTimeout(resolve, 20)), reset: () => new Response(null, { status: 500 }) }),
  });
  const requests = Object.fromEntries(
    CHECK_NAMES.map((check) => {
      const { path, method, body } = smokeRequest(check, KEY);
      return [check, { path, method, body }];
    }),
  );

  it(`every accepted mutation answers each check without the mock failing (${RUNS.served} cases, seed ${SEED})`, async () => {
    let served = 0;
    await fc.assert(
      fc.asyncProperty(mutatedDocument, async (data) => {
        const result = outcome(data);
        if (!result.ok) return;
        served++;
        for (let phase = 0; phase < result.scenario.phases.length; phase++) {
          engine.activate(result.scenario, { phase, hold: true });
          for (const [check, { path, ...init }] of Object.entries(requests)) {
            const response = await app.request(path, { ...init, headers: { 'x-api-key': KEY, 'content-type': 'application/json' } });
            const text = await response.text();
            // onError's answer: the scenario was accepted but the mock cannot serve it.
            expect(text, `${check} in ${JSON.stringify(result.scenario.phases[phase]?.endpoints[check as 'health'])}`).not.toMatch(/mock-hal failed/);
          }
        }
      }),
      { seed: SEED, numRuns: RUNS.served },
    );
    expect(served).toBeGreaterThan(10);
  });
});

describe('the control API and bad documents', () => {
  const { app } = createMockHalApp({
    scenario: resolveScenario('partial'),
    resolveScenario: (ref) => resolveScenario(ref),
    faultsFor: () => ({ clientGone: () => new Promise<void>(() => undefined), reset: () => new Response(null, { status: 500 }) }),
  });
  // The active scenario's definition; its phase clock (remainingMs, a timeline's index) moves on its own.
  const current = async () => {
    const { name, description, scenario } = (await (await app.request('/__mock/scenario')).json()) as Record<string, unknown>;
    return { name, description, scenario };
  };

  it(`PUT of a document: 200 and switched, or 4xx and the active scenario unchanged (${RUNS.control} cases, seed ${SEED})`, async () => {
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          mutatedDocument.map((data) => JSON.stringify(data) ?? ''),
          fc
            .record({ name: fc.oneof(fc.string(), fc.constantFrom('../healthy', '..', '/etc/passwd', 'healthy.json', 'C:\\x', '%2e%2e', 'HEALTHY', 'nope')) })
            .map((data) => JSON.stringify(data)),
          fc.string({ maxLength: 200 }),
        ),
        fc.option(fc.constantFrom('0', '1', '2', '-1', 'x', '99999999999999999999'), { nil: undefined }),
        async (body, phase) => {
          const before = await current();
          const response = await app.request(`/__mock/scenario${phase === undefined ? '' : `?phase=${phase}`}`, { method: 'PUT', body });
          seen.add(response.status);
          const answer = (await response.json()) as { message?: string };
          if (response.status === 200) return;
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
          expect(answer.message).toEqual(expect.any(String));
          expect(await current()).toEqual(before);
        },
      ),
      { seed: SEED, numRuns: RUNS.control },
    );
    expect(seen).toContain(400);
    expect(seen).toContain(200);
  });
});
