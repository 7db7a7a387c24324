// The HAL MCP server, driven by call_tool over stdio against the mock API.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { startMockHal, type MockHal } from '../../mock-hal/server.ts';
import type { ScenarioInput } from '../../mock-hal/scenario-model.ts';
import { secretVariableName, substituteSecrets, redact, secretValues } from '../../harness/mcp/secrets.ts';
import { API_KEY, HAL_SERVER, NODE, bodyOf, cleanEnv, closedPort, parseResult, runCallTool, type ToolResult } from './helpers.ts';

const KEY_ENV = `HAL_SECRET_KAVEDARR_API_KEY=${API_KEY}`;

async function hal(tool: string, args: Record<string, unknown>): Promise<{ code: number | null; stdout: string; result: ToolResult; text: string }> {
  const run = await runCallTool(['--tool', tool, '--args', JSON.stringify(args), '--env', KEY_ENV, '--', NODE, HAL_SERVER], cleanEnv());
  expect(run.stderr).toBe('');
  const result = parseResult(run.stdout);
  return { code: run.code, stdout: run.stdout, result, text: result.content[0]?.text ?? '' };
}

const keyHeaders = { 'X-Api-Key': '{secrets.HAL_SECRET_KAVEDARR_API_KEY}', apikey: '{secrets.HAL_SECRET_KAVEDARR_API_KEY}' };

describe('secret helpers', () => {
  it('maps placeholder names to HAL_SECRET_ variables', () => {
    expect(secretVariableName('kavedarr_api_key')).toBe('HAL_SECRET_KAVEDARR_API_KEY');
    expect(secretVariableName('HAL_SECRET_KAVEDARR_API_KEY')).toBe('HAL_SECRET_KAVEDARR_API_KEY');
  });

  it('substitutes known placeholders and leaves unknown ones', () => {
    const env = { HAL_SECRET_A: 'alpha' };
    expect(substituteSecrets('x={secrets.a}&y={secrets.HAL_SECRET_A}&z={secrets.b}', env)).toBe('x=alpha&y=alpha&z={secrets.b}');
  });

  it('redacts every secret value, longest first', () => {
    const secrets = secretValues({ HAL_SECRET_SHORT: 'abc', HAL_SECRET_LONG: 'abcdef', OTHER: 'zzz' });
    expect(secrets).toEqual(['abcdef', 'abc']);
    expect(redact('abcdef abc zzz', secrets)).toBe('[REDACTED] [REDACTED] zzz');
  });
});

describe('HAL server over stdio', () => {
  let mock: MockHal;

  beforeAll(async () => {
    mock = await startMockHal({ scenario: 'healthy', apiKey: API_KEY });
  });
  afterAll(async () => {
    await mock?.close();
  });

  it('identifies as hal-mcp and offers the seven HTTP tools', async () => {
    const client = new Client({ name: 'test', version: '0' });
    await client.connect(new StdioClientTransport({ command: NODE, args: [HAL_SERVER], stderr: 'pipe' }));
    try {
      expect(client.getServerVersion()?.name).toBe('hal-mcp');
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(
        ['http-delete', 'http-get', 'http-head', 'http-options', 'http-patch', 'http-post', 'http-put'],
      );
      const post = tools.find((t) => t.name === 'http-post')!;
      expect(post.inputSchema.required).toEqual(['url']);
      expect(Object.keys(post.inputSchema.properties ?? {}).sort()).toEqual(['body', 'contentType', 'headers', 'url']);
      const invalid = await client.callTool({ name: 'http-get', arguments: { url: 42 } });
      expect(invalid.isError).toBe(true);
      expect(JSON.stringify(invalid.content)).toMatch(/Input validation error/);
    } finally {
      await client.close();
    }
  });

  it('every tool sends its own method; only POST, PUT and PATCH carry a body and a content type', async () => {
    const seen: Array<{ method: string; body: string; type: string | undefined; key: string | undefined }> = [];
    const echo = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (c: string) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', body, type: req.headers['content-type'], key: req.headers['x-key']?.toString() });
        res.writeHead(200, { 'content-type': 'text/plain' }).end(req.method === 'HEAD' ? undefined : `${req.method} ok`);
      });
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/thing`;
    const client = new Client({ name: 'test', version: '0' });
    await client.connect(
      new StdioClientTransport({ command: NODE, args: [HAL_SERVER], env: { HAL_SECRET_K: 'k-value' }, stderr: 'pipe' }),
    );
    try {
      const texts: string[] = [];
      for (const tool of ['http-get', 'http-head', 'http-options', 'http-delete']) {
        const r = await client.callTool({ name: tool, arguments: { url, headers: { 'X-Key': '{secrets.k}' } } });
        texts.push((r.content as Array<{ text: string }>)[0]!.text);
      }
      for (const tool of ['http-post', 'http-put', 'http-patch']) {
        const r = await client.callTool({ name: tool, arguments: { url, body: 'v={secrets.k}', contentType: 'text/x-test' } });
        texts.push((r.content as Array<{ text: string }>)[0]!.text);
      }
      expect(seen).toEqual([
        { method: 'GET', body: '', type: undefined, key: 'k-value' },
        { method: 'HEAD', body: '', type: undefined, key: 'k-value' },
        { method: 'OPTIONS', body: '', type: undefined, key: 'k-value' },
        { method: 'DELETE', body: '', type: undefined, key: 'k-value' },
        { method: 'POST', body: 'v=k-value', type: 'text/x-test', key: undefined },
        { method: 'PUT', body: 'v=k-value', type: 'text/x-test', key: undefined },
        { method: 'PATCH', body: 'v=k-value', type: 'text/x-test', key: undefined },
      ]);
      expect(texts.map(bodyOf)).toEqual(['GET ok', '', 'OPTIONS ok', 'DELETE ok', 'POST ok', 'PUT ok', 'PATCH ok']);
    } finally {
      await client.close();
      await new Promise<void>((resolve) => echo.close(() => resolve()));
    }
  });

  it('GET /health: status line, headers, and the JSON body re-printed with 2-space indent', async () => {
    const { code, result, text } = await hal('http-get', { url: `${mock.url}/health` });
    expect(code).toBe(0);
    expect(result.isError).toBeUndefined();
    expect(result.content).toHaveLength(1);
    expect(text).toMatch(/^Status: 200 OK\n\nHeaders:\n(?:[a-z0-9-]+: .*\n)+\nBody:\n/);
    expect(text).toMatch(/\ncontent-type: application\/json/);
    const body = bodyOf(text);
    const parsed = JSON.parse(body) as { status: string };
    expect(parsed.status).toBe('healthy');
    expect(body).toBe(JSON.stringify(parsed, null, 2));
  });

  it('GET with secret headers: the real key reaches the API, the output never shows it', async () => {
    await mock.clearRequests();
    const { code, stdout, text } = await hal('http-get', {
      url: `${mock.url}/api/v3/movie`,
      headers: { ...keyHeaders, 'X-Trace': 'key={secrets.kavedarr_api_key}', 'X-Unknown': '{secrets.not_set}' },
      query: { page: 1, limit: 50 }, // the smoke sends it; http-get ignores it
    });
    expect(code).toBe(0);
    expect(text).toMatch(/^Status: 200 OK/);
    expect(stdout).not.toContain(API_KEY);
    const [entry] = await mock.requests();
    expect(entry?.check).toBe('list_movies');
    expect(entry?.status).toBe(200); // a wrong or missing key gets 401
    // The mock redacts its own key wherever it appears, so [REDACTED] here means the key arrived.
    expect(entry?.headers['x-trace']).toBe('key=[REDACTED]');
    expect(entry?.headers['x-unknown']).toBe('{secrets.not_set}');
  });

  it('POST with a secret in the body and a JSON-string body, as the GraphQL smoke sends it', async () => {
    await mock.clearRequests();
    const { code, stdout, text } = await hal('http-post', {
      url: `${mock.url}/graphql`,
      headers: { 'Content-Type': 'application/json', ...keyHeaders },
      body: JSON.stringify({ query: 'query { __typename }', variables: { note: '{secrets.kavedarr_api_key}' } }),
    });
    expect(code).toBe(0);
    expect(JSON.parse(bodyOf(text))).toEqual({ data: { __typename: 'Query' } });
    expect(stdout).not.toContain(API_KEY);
    const [entry] = await mock.requests();
    expect(entry?.method).toBe('POST');
    expect(entry?.status).toBe(200);
    expect(entry?.graphql?.parseable).toBe(true);
    expect(JSON.parse(entry?.body ?? '')).toMatchObject({ variables: { note: '[REDACTED]' } });
  });

  it('POST without a Content-Type header sends the contentType default', async () => {
    await mock.clearRequests();
    const { code } = await hal('http-post', { url: `${mock.url}/api/v3/indexer/test`, headers: keyHeaders, body: '{}' });
    expect(code).toBe(0);
    const [entry] = await mock.requests();
    expect(entry?.headers['content-type']).toBe('application/json');
    expect(entry?.bodyIsJson).toBe(true);
  });

  describe('result text for odd answers', () => {
    const odd: ScenarioInput = {
      name: 'odd-bodies',
      description: 'one odd answer per endpoint',
      endpoints: {
        health: { type: 'empty', contentType: 'application/json' },
        list_movies: { type: 'malformed', variant: 'truncated-json' },
        indexer_test: { type: 'malformed', variant: 'wrong-content-type' },
        graphql_ping: {
          type: 'raw',
          status: 503,
          headers: { 'content-type': 'application/problem+json' },
          body: JSON.stringify({ echoed: API_KEY, n: [1] }),
        },
      },
      expect: { status: 'failed' },
    };
    beforeAll(() => mock.setScenario(odd));
    afterAll(() => mock.setScenario('healthy'));

    it('an empty body under a JSON content type is "(Empty response)"', async () => {
      const { text } = await hal('http-get', { url: `${mock.url}/health` });
      expect(bodyOf(text)).toBe('(Empty response)');
    });

    it('a JSON content type with a body that does not parse is "(Unable to parse response)"', async () => {
      const { text } = await hal('http-get', { url: `${mock.url}/api/v3/movie`, headers: keyHeaders });
      expect(bodyOf(text)).toBe('(Unable to parse response)');
    });

    it('another content type gives the raw text, JSON or not', async () => {
      const { text } = await hal('http-post', { url: `${mock.url}/api/v3/indexer/test`, headers: keyHeaders, body: '{}' });
      expect(text).toMatch(/\ncontent-type: text\/plain/);
      const body = bodyOf(text);
      expect(body).not.toContain('\n'); // not re-printed
      expect(JSON.parse(body)).toMatchObject({ status: 'ok' });
    });

    it('a +json type is re-printed, keeps its status line, and secrets in the answer are redacted', async () => {
      const { code, stdout, text, result } = await hal('http-post', {
        url: `${mock.url}/graphql`,
        headers: keyHeaders,
        body: '{"query":"query { __typename }"}',
      });
      expect(code).toBe(0);
      expect(result.isError).toBeUndefined();
      expect(text).toMatch(/^Status: 503 Service Unavailable\n/);
      expect(bodyOf(text)).toBe(JSON.stringify({ echoed: '[REDACTED]', n: [1] }, null, 2));
      expect(stdout).not.toContain(API_KEY);
    });
  });

  describe('network failures', () => {
    beforeAll(() => mock.setScenario('offline'));
    afterAll(() => mock.setScenario('healthy'));

    it('a reset connection is an error result: isError and "Error making GET request"', async () => {
      const { code, result, text } = await hal('http-get', { url: `${mock.url}/health` });
      expect(code).toBe(0);
      expect(result.isError).toBe(true);
      expect(text).toMatch(/^Error making GET request: \S/);
      expect(text).not.toContain('Body:');
    });

    it('a refused connection names the method and never shows a secret from the URL', async () => {
      const port = await closedPort();
      const { result, text, stdout } = await hal('http-delete', { url: `http://127.0.0.1:${port}/x?k={secrets.kavedarr_api_key}` });
      expect(result.isError).toBe(true);
      expect(text).toMatch(/^Error making DELETE request: /);
      expect(stdout).not.toContain(API_KEY);
    });
  });
});
