// Fuzzing call_tool's command line and the HAL MCP server's tools. Bad input must
// give the originals' answers: a usage error (exit 1, anyhow's report, the server
// never started), an unknown tool (the server's error result, exit 0), an error
// result for invalid tool input (isError, the field named); never a stack trace.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callToolMain } from '../../../harness/fakes/call-tool/call-tool.ts';
import { CallToolError, EXIT_FAILURE, parseCommandLine } from '../../../harness/fakes/call-tool/call-tool-args.ts';
import { createHalServer } from '../../../harness/fakes/hal-server/hal-server.ts';
import { type MockHal, startMockHal } from '../../../mock-hal/server/server.ts';
import { runs, SEED } from '../../support/fuzz-config.ts';
import { capture, cleanEnv, closedPort, HAL_SERVER, NODE, runCallTool, tempDir } from '../../support/mcp.ts';
import { STACK_LINE } from '../../support/raw-http.ts';

const RUNS = { argv: runs(300), tools: runs(200), processes: runs(4) } as const;
const TOOLS = ['http-get', 'http-delete', 'http-head', 'http-options', 'http-post', 'http-put', 'http-patch', 'list-secrets'];
const KEY = 'kvd_mcp_fuzz_secret_8c2d';

const scratch = tempDir('mcp-fuzz');
let mock: MockHal;
let refused: number;
beforeAll(async () => {
  mock = await startMockHal({ apiKey: KEY });
  refused = await closedPort();
});
afterAll(async () => {
  await mock.close();
  scratch.remove();
});

// --- call_tool's command line ---------------------------------------------------------

const word = fc.oneof(
  fc.constantFrom('--tool', '--args', '--env', '--timeout', '--tool=', '--args=', '--env=', '--timeout=', '-t', '--verbose', '-', '---', '--'),
  fc.constantFrom(
    'http-get',
    '{}',
    '{"url":1}',
    '[]',
    'null',
    '"x"',
    '{',
    '{"body":"{"query":"q"}"}',
    'A=1',
    '1BAD=x',
    'HAL_SECRET_K=s3cr3t-value',
    '=',
    '0',
    '-1',
    'NaN',
    '1e400',
    'Infinity',
    '',
  ),
  fc.string({ maxLength: 12 }),
  fc.json({ maxDepth: 2 }),
);

describe('call_tool: malformed command lines', () => {
  it(`parse or fail with a usage error; fail = exit 1, anyhow's report, nothing redacted, no server (${RUNS.argv} cases, seed ${SEED})`, async () => {
    let failures = 0;
    let index = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(word, { maxLength: 8 }), async (flags) => {
        const marker = join(scratch.dir, `started-${index++}`);
        const argv = [...flags, '--', NODE, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`];
        let causes: readonly string[];
        try {
          const parsed = parseCommandLine(argv, {});
          expect(typeof parsed.tool).toBe('string');
          return; // A good command line would start the server: not this suite's business.
        } catch (error) {
          if (!(error instanceof CallToolError)) throw new Error(`parseCommandLine threw ${String(error)}`);
          expect(error.context).toBe('failed to parse arguments');
          causes = error.causes;
        }
        failures++;
        const c = capture();
        expect(await callToolMain(argv, c.io, { env: {} })).toBe(EXIT_FAILURE);
        expect(c.out()).toBe('');
        expect(c.err()).toMatch(/^Error: failed to parse arguments\n\nCaused by:\n {4}/);
        // Echoed as given, as the Rust binary does: a secret pasted into a flag shows.
        for (const cause of causes) expect(c.err()).toContain(cause.split('\n')[0]!);
        expect(c.err()).not.toContain('[REDACTED]');
        expect(c.err()).not.toMatch(STACK_LINE);
        expect(existsSync(marker)).toBe(false);
      }),
      { seed: SEED, numRuns: RUNS.argv },
    );
    expect(failures).toBeGreaterThan(RUNS.argv / 3);
  });
});

// --- the HAL server's tools, in process ----------------------------------------------------

describe('HAL server: unknown tools and invalid tool input', () => {
  let client: Client;
  beforeAll(async () => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await createHalServer({ HAL_SECRET_KAVEDARR_API_KEY: KEY }).connect(serverSide);
    client = new Client({ name: 'fuzz', version: '0' });
    await client.connect(clientSide);
  });
  afterAll(() => client.close());

  // URLs that stay on this machine: the mock, a refused port, or things that are not http URLs.
  const url = fc.oneof(
    fc.constantFrom('/health', '/api/v3/movie', '/graphql', '/nope', '/health?x={secrets.kavedarr.api_key}').map((path) => `${mock.url}${path}`),
    fc.constant('').map(() => `http://127.0.0.1:${refused}/health`),
    fc.string({ maxLength: 20 }).filter((text) => !text.includes(':')),
    fc.constantFrom('ftp://127.0.0.1/x', 'file:///etc/passwd', 'data:,hello', 'http://[::1', 'http://127.0.0.1:99999/', 'javascript:alert(1)'),
  );
  const input = fc.record(
    {
      url: fc.oneof({ weight: 4, arbitrary: url }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) }),
      headers: fc.oneof(
        fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
        fc.constant({ 'X-Api-Key': '{secrets.kavedarr.api_key}' }),
        fc.jsonValue({ maxDepth: 2 }),
      ),
      body: fc.oneof(fc.string({ maxLength: 40 }), fc.constant('{"query":"query { __typename }"}'), fc.jsonValue({ maxDepth: 2 })),
      contentType: fc.oneof(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 1 })),
      extra: fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: [] },
  );

  it(`every call answers: an error result naming the problem, or the HTTP answer (${RUNS.tools} cases, seed ${SEED})`, async () => {
    const kinds = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...TOOLS) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }),
        input,
        async (tool, args) => {
          const result = (await client.callTool({ name: tool, arguments: args as Record<string, unknown> })) as {
            content: { type: string; text: string }[];
            isError?: boolean;
          };
          expect(result.content).toHaveLength(1);
          const text = result.content[0]!.text;
          expect(text).not.toMatch(STACK_LINE);
          expect(text).not.toContain(KEY);
          let kind: string;
          if (!TOOLS.includes(tool)) {
            kind = 'unknown tool';
            expect(result.isError).toBe(true);
            // The SDK looks tools up in a plain object: "toString" or "__proto__" come back "disabled", still an error.
            expect(text).toMatch(/^MCP error -32602: Tool .* (not found|disabled)/s);
          } else if (tool === 'list-secrets') {
            kind = 'secrets listed';
            expect(result.isError).toBeUndefined();
            expect(text).toMatch(/^Available secrets \(1 total\):/);
          } else if (result.isError && /Input validation error/.test(text)) {
            kind = 'invalid input';
            expect(text).toMatch(/ at \w+|Invalid arguments/);
          } else if (result.isError) {
            kind = 'request failed';
            expect(text).toMatch(/^Error making (GET|DELETE|HEAD|OPTIONS|POST|PUT|PATCH) request: /);
          } else {
            kind = 'answered';
            expect(text).toMatch(/^Status: \d{3} /);
          }
          kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        },
      ),
      { seed: SEED, numRuns: RUNS.tools },
    );
    expect([...kinds.keys()].sort()).toEqual(['answered', 'invalid input', 'request failed', 'secrets listed', 'unknown tool']);
    // And the server is still fine.
    expect((await client.listTools()).tools.map((tool) => tool.name).sort()).toEqual([...TOOLS].sort());
  });
});

// --- the real processes, a few cases ---------------------------------------------------------

describe('call_tool and the HAL server as processes', () => {
  const server = ['--', NODE, HAL_SERVER];

  it(`an unknown tool: the server's error result is printed, exit 0 as the original, no stack trace (${RUNS.processes} cases, seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[a-z][a-z0-9_-]{0,15}$/).filter((name) => !TOOLS.includes(name)),
        async (tool) => {
          const run = await runCallTool(['--tool', tool, ...server], cleanEnv());
          expect(run.stderr).not.toMatch(STACK_LINE);
          expect(run.code).toBe(0);
          const result = JSON.parse(run.stdout) as { isError?: boolean; content: { text: string }[] };
          expect(result.isError).toBe(true);
          expect(result.content[0]!.text).toContain(tool);
        },
      ),
      { seed: SEED, numRuns: RUNS.processes },
    );
  });

  it(`invalid tool input: the error result is printed, exit 0 as the original, no stack trace (${RUNS.processes} cases, seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...TOOLS),
        fc.constantFrom<Record<string, unknown>>(
          {},
          { url: 5 },
          { url: null },
          { url: ['x'] },
          { url: 'http://127.0.0.1:1/', headers: 'x' },
          { url: 'http://127.0.0.1:1/', headers: { a: 1 } },
        ),
        async (tool, args) => {
          const run = await runCallTool(['--tool', tool, '--args', JSON.stringify(args), ...server], cleanEnv());
          expect(run.stderr).not.toMatch(STACK_LINE);
          expect(run.code).toBe(0);
          const result = JSON.parse(run.stdout) as { isError?: boolean; content: { text: string }[] };
          expect(result.isError).toBe(true);
          expect(result.content[0]!.text).toMatch(/Input validation error|Error making/);
        },
      ),
      { seed: SEED, numRuns: RUNS.processes },
    );
  });

  it("malformed --args, --env, --timeout and flags through the real binary: exit 1, anyhow's report, no stack trace", async () => {
    for (const argv of [
      ['--tool', 'http-get', '--args', '{"body":"{"query":"query { __typename }"}"}'],
      ['--tool', 'http-get', '--args', '\uffff\u0001'],
      ['--tool', 'http-get', '--env', `HAL_SECRET_X`],
      ['--tool', 'http-get', '--timeout', '-3'],
      ['--bogus'],
    ]) {
      const run = await runCallTool([...argv, ...server], cleanEnv());
      expect(run.code, argv.join(' ')).toBe(1);
      expect(run.stderr).toMatch(/^Error: failed to parse arguments\n\nCaused by:\n {4}.+\n/);
      expect(run.stderr).not.toMatch(STACK_LINE);
    }
  });
});
