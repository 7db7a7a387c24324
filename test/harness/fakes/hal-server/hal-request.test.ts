// One HAL HTTP tool call as hal-mcp 1.0.14 answers it, against a local node:http
// server: secrets filled in and sent, the Content-Type rule, the body as printed
// (pretty JSON only for a content type containing application/json), redaction, errors.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAL_USER_AGENT, type HalMethod, type HalRequest, performHalRequest } from '../../../../harness/fakes/hal-server/hal-request.ts';
import { HalSecrets } from '../../../../harness/fakes/hal-server/hal-secrets.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** Answers per path: `/echo` returns what it received as JSON; `/answer?type=..&body=..` returns that body. */
let server: Server;
let origin: string;
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/answer') {
        const type = url.searchParams.get('type');
        res.writeHead(Number(url.searchParams.get('status') ?? 200), type === null ? {} : { 'content-type': type });
        res.end(url.searchParams.get('body') ?? '');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-echo-key': String(req.headers['x-api-key'] ?? '') });
      res.end(JSON.stringify({ method: req.method, url: req.url, body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const SECRETS = { HAL_SECRET_KAVEDARR_API_KEY: 'kvd_secret_value', HAL_SECRET_TOKEN: 'tok_secret_value', HAL_ALLOW_KAVEDARR: 'http://127.0.0.1:*/*' };

async function call(method: HalMethod, request: Partial<HalRequest> & { url: string }, env: NodeJS.ProcessEnv = SECRETS) {
  seen.length = 0;
  const result = await performHalRequest(method, { headers: {}, ...request }, new HalSecrets(env));
  const item = result.content[0];
  if (item?.type !== 'text') throw new Error('expected one text item');
  return { text: item.text, isError: result.isError === true, sent: seen[0] };
}
const bodyOf = (text: string): string => text.slice(text.indexOf('\nBody:\n') + '\nBody:\n'.length);
const answer = (params: Record<string, string>): string => `${origin}/answer?${new URLSearchParams(params)}`;

describe('the request sent', () => {
  it('fills secrets into the URL, headers and body, and sends hal-mcp’s User-Agent', async () => {
    const { sent, isError } = await call('POST', {
      url: `${origin}/echo?token={secrets.token}`,
      headers: { 'X-Api-Key': '{secrets.KAVEDARR.api_key}' },
      body: '{"key":"{secrets.kavedarr.api_key}"}',
    });
    expect(isError).toBe(false);
    expect(sent?.url).toBe('/echo?token=tok_secret_value');
    expect(sent?.headers['x-api-key']).toBe('kvd_secret_value');
    expect(sent?.headers['user-agent']).toBe(HAL_USER_AGENT);
    expect(sent?.body).toBe('{"key":"kvd_secret_value"}');
  });

  it('POST, PUT and PATCH with a body and no Content-Type send application/json', async () => {
    for (const method of ['POST', 'PUT', 'PATCH'] as const) {
      const { sent } = await call(method, { url: `${origin}/echo`, body: 'plain words' });
      expect(sent?.method).toBe(method);
      expect(sent?.headers['content-type']).toBe('application/json');
    }
  });

  it('a given Content-Type is kept; no body, no Content-Type; an empty body is left to fetch, which calls it text', async () => {
    expect(
      (await call('POST', { url: `${origin}/echo`, body: 'a=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).sent?.headers[
        'content-type'
      ],
    ).toBe('application/x-www-form-urlencoded');
    expect((await call('POST', { url: `${origin}/echo` })).sent?.headers['content-type']).toBeUndefined();
    expect((await call('POST', { url: `${origin}/echo`, body: '' })).sent?.headers['content-type']).toBe('text/plain;charset=UTF-8');
  });

  it('the Content-Type test is case-sensitive, as in hal-mcp: a lower-case content-type gets application/json joined to it', async () => {
    const { sent } = await call('PUT', { url: `${origin}/echo`, body: 'x', headers: { 'content-type': 'text/plain' } });
    expect(sent?.headers['content-type']).toBe('text/plain, application/json');
  });

  it('an unknown placeholder is sent as written', async () => {
    const { sent } = await call('POST', { url: `${origin}/echo`, body: '{secrets.nope}' });
    expect(sent?.body).toBe('{secrets.nope}');
  });
});

describe('the answer printed', () => {
  it('status line, headers, then the body; JSON pretty-printed', async () => {
    const { text } = await call('GET', { url: answer({ type: 'application/json; charset=utf-8', body: '{"a":[1,2]}', status: '201' }) });
    expect(text).toMatch(/^Status: 201 Created\n\nHeaders:\n/);
    expect(text).toContain('\ncontent-type: application/json; charset=utf-8\n');
    expect(bodyOf(text)).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
  });

  it.each([
    ['application/problem+json', '{"a":1}', '{"a":1}'],
    ['Application/JSON', '{"a":1}', '{"a":1}'],
    ['text/plain', '{"a":1}', '{"a":1}'],
    ['application/json', '   ', '(Empty response)'],
    ['application/json', '', '(Empty response)'],
    ['application/json', '{"cut":', '(Unable to parse response)'],
  ])('content type %j with body %j prints %j', async (type, body, printed) => {
    expect(bodyOf((await call('GET', { url: answer({ type, body }) })).text)).toBe(printed);
  });

  it('no content type is read as text', async () => {
    expect(bodyOf((await call('DELETE', { url: answer({ body: 'gone' }) })).text)).toBe('gone');
  });

  it('HEAD prints a fixed line instead of a body', async () => {
    const { text, sent } = await call('HEAD', { url: answer({ type: 'application/json', body: '{}' }) });
    expect(sent?.method).toBe('HEAD');
    expect(bodyOf(text)).toBe('(No body - HEAD request)');
  });

  it('secret values in the answer’s headers and body are [REDACTED]', async () => {
    const { text } = await call('GET', { url: `${origin}/echo?token={secrets.token}`, headers: { 'x-api-key': '{secrets.kavedarr.api_key}' } });
    expect(text).toContain('\nx-echo-key: [REDACTED]\n');
    expect(text).toContain('"url": "/echo?token=[REDACTED]"');
    expect(text).not.toMatch(/kvd_secret_value|tok_secret_value/);
  });

  it('a 5xx answer is still a normal result: the status is in the text', async () => {
    const { text, isError } = await call('GET', { url: answer({ status: '503', body: 'down' }) });
    expect(isError).toBe(false);
    expect(text.startsWith('Status: 503 Service Unavailable\n')).toBe(true);
  });
});

describe('refusals and failures: an error result, nothing sent', () => {
  it('a restricted secret bound for a URL its patterns do not match', async () => {
    const { text, isError, sent } = await call('GET', { url: 'http://elsewhere.invalid/x', headers: { 'x-api-key': '{secrets.kavedarr.api_key}' } });
    expect(isError).toBe(true);
    expect(text).toBe("Error making GET request: Secret 'kavedarr.api_key' is not allowed for URL 'http://elsewhere.invalid/x'");
    expect(sent).toBeUndefined();
  });

  it('a URL outside HAL_WHITELIST_URLS, or on HAL_BLACKLIST_URLS, checked with its secrets filled in', async () => {
    const whitelisted = await call('GET', { url: `${origin}/echo` }, { HAL_WHITELIST_URLS: 'https://only.test/*' });
    expect(whitelisted).toMatchObject({ isError: true, sent: undefined });
    expect(whitelisted.text).toBe(`Error making GET request: URL '${origin}/echo' is not in the whitelist. Allowed patterns: https://only.test/*`);
    const blacklisted = await call('POST', { url: `${origin}/{secrets.path}` }, { HAL_SECRET_PATH: 'private-path-1', HAL_BLACKLIST_URLS: '*/private-*' });
    expect(blacklisted).toMatchObject({ isError: true, sent: undefined });
    expect(blacklisted.text).toBe(`Error making POST request: URL '${origin}/[REDACTED]' is blacklisted. Blocked patterns: */private-*`);
  });

  it('a URL that does not parse, or a server that is not there', async () => {
    expect(await call('GET', { url: 'not a url' })).toMatchObject({ isError: true, text: 'Error making GET request: Invalid URL' });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await call('GET', { url: `http://127.0.0.1:${port}/` })).toMatchObject({ isError: true, text: 'Error making GET request: fetch failed' });
  });
});
