// Runs the conformance cases against one MCP server command and writes down everything
// the outside world can see of each call: the answer (result, JSON-RPC error, or tool
// list) and every request that reached the mock. Each case gets a fresh mock-hal, so a
// request is never attributed to the wrong call; each profile gets its own server process.
import { createServer } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CallToolResultSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { SMOKE_ROUTES } from '../../common/hal-contract/routes.ts';
import { type MockHal, startMockHal } from '../../mock-hal/index.ts';
import { CONFORMANCE_KEY, type ConformanceCase, MOCK_TOKEN, PROFILES, type ProfileName, REFUSED_TOKEN } from './cases.ts';

export interface SeenRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

export type Answer = { result: unknown } | { rpcError: { code: number; message: string } } | { tools: Array<{ name: string; inputSchema: unknown }> };

export interface Observation {
  id: string;
  answer: Answer;
  requests: SeenRequest[];
}

/** What call_tool passes on to a server of its own environment (interfaces doc, section 2). */
const INHERITED = ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'USER', 'LANG', 'LC_ALL', 'TERM', 'TMPDIR', 'TZ'];

function baseEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED) if (process.env[name] !== undefined) env[name] = process.env[name]!;
  return env;
}

/** A port that refuses connections: bound, read, released. */
function refusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls a condition that some I/O will make true; gives up loudly rather than hanging a run. */
async function until(condition: () => boolean | Promise<boolean>, what: string, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`conformance: gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function fillTokens(value: unknown, tokens: Record<string, string>): unknown {
  if (typeof value === 'string') {
    let out = value;
    for (const [token, replacement] of Object.entries(tokens)) out = out.replaceAll(token, replacement);
    return out;
  }
  if (Array.isArray(value)) return value.map((item) => fillTokens(item, tokens));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillTokens(item, tokens)]));
  }
  return value;
}

/**
 * Masks only what changes from run to run: the ports, the `date` header, and the
 * health body's timestamp and uptime.
 */
function normalise<T>(value: T, mock: MockHal, refused: number, healthAnswer: boolean): T {
  let text = JSON.stringify(value);
  text = text.replaceAll(mock.url, MOCK_TOKEN).replaceAll(`127.0.0.1:${mock.port}`, '{mock-host}');
  text = text.replaceAll(`http://127.0.0.1:${refused}`, REFUSED_TOKEN);
  text = text.replace(/(\\ndate: )[^\\]*/g, '$1<masked>');
  if (healthAnswer) {
    text = text.replace(/(\\"timestamp\\": \\")[^\\]*/g, '$1<masked>').replace(/(\\"uptime\\": )\d+/g, '$1\\"<masked>\\"');
  }
  return JSON.parse(text) as T;
}

async function connect(command: readonly string[], profile: ProfileName): Promise<Client> {
  const transport = new StdioClientTransport({
    command: command[0]!,
    args: command.slice(1),
    env: { ...baseEnvironment(), ...PROFILES[profile] },
    // call_tool discards the server's stderr too: warnings are not part of what a caller sees.
    stderr: 'ignore',
  });
  const client = new Client({ name: 'guardrail-conformance', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

async function answer(client: Client, testCase: ConformanceCase, args: unknown): Promise<Answer> {
  if (testCase.kind === 'list-tools') {
    const { tools } = await client.listTools();
    return { tools: tools.map(({ name, inputSchema }) => ({ name, inputSchema })) };
  }
  try {
    // A raw request, so that arguments which are not an object go out as they are.
    const result = await client.request(
      { method: 'tools/call', params: { name: testCase.tool!, arguments: args as Record<string, unknown> } },
      CallToolResultSchema,
      { timeout: 120_000 },
    );
    return { result };
  } catch (error) {
    if (error instanceof McpError) return { rpcError: { code: error.code, message: error.message } };
    throw error;
  }
}

async function observeCase(client: Client, testCase: ConformanceCase): Promise<Observation> {
  const mock = await startMockHal({ scenario: testCase.scenario ?? 'healthy', apiKey: CONFORMANCE_KEY, revealSecrets: true });
  try {
    if (testCase.phase !== undefined) {
      await mock.setScenario(testCase.scenario as string, { phase: testCase.phase, hold: true });
    }
    const refused = await refusedPort();
    const args = fillTokens(testCase.args, { [MOCK_TOKEN]: mock.url, [REFUSED_TOKEN]: `http://127.0.0.1:${refused}` });
    const pending = answer(client, testCase, args);
    if (testCase.hangs) {
      // Neither server gives up on its own: once the request is held, closing the
      // mock's sockets ends it the same way for both.
      await until(() => mock.pendingRequests() > 0, `${testCase.id}: the request to reach the mock`);
      await mock.close();
      await until(() => mock.pendingRequests() === 0, `${testCase.id}: the held request to end`);
    }
    const seen = await pending;
    await until(() => mock.pendingRequests() === 0, `${testCase.id}: the mock to finish answering`);
    // A held request is journaled once its socket has closed, a moment after the close.
    if (testCase.hangs) await until(async () => (await mock.requests()).length > 0, `${testCase.id}: the journal entry`);
    const requests = (await mock.requests()).map(({ method, path, query, headers, body }) => ({ method, path, query, headers, body }));
    const healthAnswer = requests.some((request) => request.path === SMOKE_ROUTES.health.path);
    return normalise({ id: testCase.id, answer: seen, requests }, mock, refused, healthAnswer);
  } finally {
    await mock.close();
  }
}

/** Observes every case against `command` (argv of an MCP server on stdio). */
export async function observeServer(command: readonly string[], cases: readonly ConformanceCase[]): Promise<Observation[]> {
  const byProfile = new Map<ProfileName, ConformanceCase[]>();
  for (const testCase of cases) byProfile.set(testCase.profile, [...(byProfile.get(testCase.profile) ?? []), testCase]);
  const observations = new Map<string, Observation>();
  for (const [profile, group] of byProfile) {
    const client = await connect(command, profile);
    try {
      for (const testCase of group) observations.set(testCase.id, await observeCase(client, testCase));
    } finally {
      await client.close();
    }
  }
  return cases.map((testCase) => observations.get(testCase.id)!);
}
