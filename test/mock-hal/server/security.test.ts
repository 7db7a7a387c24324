// Security: scenario names cannot climb out of their folder, the control API
// refuses non-loopback clients unless they carry the token, the API key never
// reaches the journal wherever a client puts it, and nothing user-supplied can
// reach a shell.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_NAMES, SMOKE_ROUTES } from '../../../common/hal-contract/routes.ts';
import { ScenarioError } from '../../../mock-hal/scenario/scenario-model.ts';
import { resolveScenario } from '../../../mock-hal/scenario/scenario-store.ts';
import { createMockHalApp } from '../../../mock-hal/server/app.ts';
import { type MockHal, startMockHal } from '../../../mock-hal/server/server.ts';
import { runs, SEED } from '../../support/fuzz-config.ts';
import { ROOT } from '../../support/mcp.ts';

const RUNS = { names: runs(300), tokens: runs(100), journal: runs(200) } as const;

// --- scenario names ----------------------------------------------------------------------

describe('scenario names cannot escape their folder', () => {
  // base/scenarios/inside.json is reachable by name; base/outside.json and base/secret/x.json must not be.
  const base = mkdtempSync(join(tmpdir(), 'names-'));
  const folder = join(base, 'scenarios');
  const doc = (name: string) => JSON.stringify({ name, description: name, endpoints: {}, expect: { status: 'passed' } });
  mkdirSync(folder);
  mkdirSync(join(base, 'secret'));
  writeFileSync(join(folder, 'inside.json'), doc('inside'));
  writeFileSync(join(base, 'outside.json'), doc('outside'));
  writeFileSync(join(base, 'secret', 'x.json'), doc('x'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const { app, engine } = createMockHalApp({
    scenario: resolveScenario('inside', folder),
    resolveScenario: (ref) => resolveScenario(ref, folder),
    faultsFor: () => ({ clientGone: () => new Promise<void>(() => undefined), reset: () => new Response(null, { status: 500 }) }),
  });

  const part = fc.constantFrom(
    '..',
    '.',
    '/',
    '\\',
    '%2e%2e',
    '%2f',
    '..%2f',
    '%00',
    'outside',
    'secret',
    'x',
    'inside',
    '.json',
    base,
    folder,
    '~',
    'C:',
    '\u2025',
    '．．',
    '\n',
  );
  const name = fc.oneof(
    fc.array(part, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('')),
    fc.string({ maxLength: 20 }),
  );

  it(`PUT {"name"} reaches only files in the folder (${RUNS.names} cases, seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(name, async (candidate) => {
        engine.activate(resolveScenario('inside', folder));
        const response = await app.request('/__mock/scenario', { method: 'PUT', body: JSON.stringify({ name: candidate }) });
        expect([200, 400, 404]).toContain(response.status);
        expect(engine.active().scenario.name).toBe('inside');
        if (response.status !== 200) {
          const answer = (await response.json()) as { message: string };
          expect(answer.message).not.toContain('"name": "outside"');
        }
      }),
      { seed: SEED, numRuns: RUNS.names },
    );
  });

  it('names are looked up in the folder only; a name that is not a name is refused before any file is touched', () => {
    for (const bad of ['..', '...', '.hidden', 'Inside', 'in side', 'a\u0000b', 'x'.repeat(65), '\u2025outside', '']) {
      expect(() => resolveScenario(bad, folder), bad).toThrow(ScenarioError);
    }
    expect(resolveScenario('inside', folder).name).toBe('inside');
    // A path is a path on the command line, where the user owns the machine; the control API refuses them (above).
    expect(resolveScenario(join(base, 'outside.json'), folder).name).toBe('outside');
  });
});

// --- the control API's access rules ----------------------------------------------------------

function nonLoopbackAddress(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return undefined;
}

describe('the control API: loopback only by default, the token everywhere when set', () => {
  const TOKEN = 'ctl_token_8d1e55b2';
  const faults = () => ({ clientGone: () => new Promise<void>(() => undefined), reset: () => new Response(null, { status: 500 }) });
  const appWith = (token: string | undefined, local: boolean) =>
    createMockHalApp({
      scenario: resolveScenario('healthy'),
      resolveScenario: (ref) => resolveScenario(ref),
      control: { token, isLocal: () => local },
      faultsFor: faults,
    }).app;

  it('a remote client without a token gets 403 on every control route but /ready; a local one is served', async () => {
    const remote = appWith(undefined, false);
    const local = appWith(undefined, true);
    for (const [method, path] of [
      ['GET', '/__mock/scenario'],
      ['PUT', '/__mock/scenario'],
      ['GET', '/__mock/requests'],
      ['DELETE', '/__mock/requests'],
    ] as const) {
      const body = method === 'PUT' ? '{"name":"degraded"}' : undefined;
      expect((await remote.request(path, { method, body })).status, `${method} ${path}`).toBe(403);
      expect((await local.request(path, { method, body })).status, `${method} ${path}`).toBe(200);
    }
    expect((await remote.request('/__mock/ready')).status).toBe(200);
  });

  it(`with a token, only the exact token opens it, local or not (${RUNS.tokens} cases, seed ${SEED})`, async () => {
    const apps = [appWith(TOKEN, false), appWith(TOKEN, true)];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 30 }),
          fc.constantFrom(TOKEN.slice(0, -1), `${TOKEN} `, TOKEN.toUpperCase(), `${TOKEN}x`, '', 'Bearer', TOKEN.slice(1)),
        ),
        fc.constantFrom('authorization-bearer', 'authorization-raw', 'x-mock-control-token', 'both'),
        async (given, how) => {
          const headers: Record<string, string> = {};
          const value = given.replace(/[\r\n\0]/g, '');
          if (how === 'authorization-bearer' || how === 'both') headers.authorization = `Bearer ${value}`;
          if (how === 'authorization-raw') headers.authorization = value;
          if (how === 'x-mock-control-token' || how === 'both') headers['x-mock-control-token'] = value;
          for (const app of apps) {
            const status = (await app.request('/__mock/scenario', { headers })).status;
            // Header values reach the app trimmed, as HTTP says they are.
            expect(status).toBe(value.trim() === TOKEN && how !== 'authorization-raw' ? 200 : 401);
          }
        },
      ),
      { seed: SEED, numRuns: RUNS.tokens },
    );
    for (const app of apps) expect((await app.request('/__mock/scenario', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  const address = nonLoopbackAddress();
  it.runIf(address !== undefined)(`over a real socket on a non-loopback address (${address ?? 'none here'})`, async () => {
    const open = await startMockHal({ host: address });
    const guarded = await startMockHal({ host: address, controlToken: TOKEN });
    const loopback = await startMockHal({ host: '127.0.0.1' });
    try {
      expect((await fetch(`${open.url}/__mock/scenario`)).status).toBe(403);
      expect((await fetch(`${open.url}/__mock/scenario`, { method: 'PUT', body: '{"name":"degraded"}' })).status).toBe(403);
      expect(open.scenario().name).toBe('healthy');
      expect((await fetch(`${open.url}/health`)).status).toBe(200);
      expect((await fetch(`${guarded.url}/__mock/scenario`)).status).toBe(401);
      expect((await fetch(`${guarded.url}/__mock/scenario`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
      expect((await fetch(`${loopback.url}/__mock/scenario`)).status).toBe(200);
    } finally {
      await Promise.all([open.close(), guarded.close(), loopback.close()]);
    }
  });
});

// --- the journal never holds the key -----------------------------------------------------------

describe('the API key and secrets never reach the journal', () => {
  const KEY = 'kvd_journal_secret_6b1f0a';
  const SECRET = 'hal-secret-value-93e1';
  let mock: MockHal;
  beforeAll(async () => {
    mock = await startMockHal({ apiKey: KEY, secrets: [SECRET] });
  });
  afterAll(() => mock.close());

  const where = fc.constantFrom(
    'x-api-key',
    'apikey',
    'authorization',
    'cookie',
    'custom-header',
    'header-name',
    'path',
    'query-value',
    'query-name',
    'body',
    'graphql-query',
    'graphql-broken',
    'json-broken',
  );
  const route = fc.constantFrom(...CHECK_NAMES.map((check) => SMOKE_ROUTES[check].path), '/nope');

  it(`wherever a client puts the key or a secret, the journal shows [REDACTED] (${RUNS.journal} cases, seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(where, { minLength: 1, maxLength: 4 }),
        route,
        fc.constantFrom(KEY, SECRET),
        fc.string({ maxLength: 6 }).map((text) => text.replace(/[^a-z]/g, '')),
        async (places, path, secret, noise) => {
          await mock.clearRequests();
          const headers: Record<string, string> = {};
          let url = `${mock.url}${path}`;
          const query: string[] = [];
          let body: string | undefined;
          for (const place of places) {
            switch (place) {
              case 'x-api-key':
              case 'apikey':
              case 'cookie':
                headers[place] = `${noise}${secret}`;
                break;
              case 'authorization':
                headers.authorization = `Bearer ${secret}`;
                break;
              case 'custom-header':
                headers['x-note'] = `${noise} ${secret} ${noise}`;
                break;
              case 'header-name':
                headers[`x-${secret}`] = '1';
                break;
              case 'path':
                url += `/${noise}${secret}`;
                break;
              case 'query-value':
                query.push(`q=${noise}${secret}`);
                break;
              case 'query-name':
                query.push(`${secret}=1`);
                break;
              case 'body':
                body = JSON.stringify({ note: `${noise}${secret}` });
                break;
              case 'graphql-query':
                body = JSON.stringify({ query: `query { __typename } # ${secret}` });
                break;
              case 'graphql-broken':
                body = JSON.stringify({ query: `query { ${secret} ( }` });
                break;
              case 'json-broken':
                body = `${secret}`;
                break;
            }
          }
          if (query.length > 0) url += `?${query.join('&')}`;
          await fetch(url, { method: body === undefined ? 'GET' : 'POST', headers, body }).then((response) => response.arrayBuffer());
          const journal = JSON.stringify(await mock.requests());
          expect(journal).not.toContain(KEY);
          expect(journal).not.toContain(SECRET);
          expect(journal).toContain('[REDACTED]');
        },
      ),
      { seed: SEED, numRuns: RUNS.journal },
    );
  });
});

// --- no shell ----------------------------------------------------------------------------------

describe('nothing user-supplied reaches a shell', () => {
  function sources(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'reference-guardrails' ? [] : sources(path);
      return path.endsWith('.ts') ? [path] : [];
    });
  }
  const files = [...sources(join(ROOT, 'mock-hal')), ...sources(join(ROOT, 'harness'))];

  it(`processes are spawned with argument arrays: no shell option, no exec, no "sh -c" (${files.length} files)`, () => {
    expect(files.length).toBeGreaterThan(20);
    const findings: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const rules: [RegExp, string][] = [
        [/\bshell\s*:\s*(true|['"`])/, 'spawns through a shell'],
        [/import\s*\{[^}]*\bexec(Sync)?\b[^}]*\}\s*from\s*['"](node:)?child_process['"]/, 'imports exec/execSync (a command string through a shell)'],
        [/child_process['"]\)?\.exec(Sync)?\(/, 'calls child_process.exec'],
        [/\[\s*['"]-c['"]/, 'passes "-c" to a shell'],
        [/\beval\(|new Function\(/, 'evaluates code'],
      ];
      for (const [pattern, what] of rules) if (pattern.test(text)) findings.push(`${relative(ROOT, file)}: ${what}`);
    }
    expect(findings).toEqual([]);
  });
});
