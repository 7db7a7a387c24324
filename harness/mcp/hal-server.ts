// A stand-in for the npm `hal-mcp` server (HAL, the "HTTP API Layer"): the same
// tools, secret substitution, redaction and result text, so the guardrail
// scripts' HAL smoke can run without the network or the npm registry.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { redact, secretValues, substituteSecrets } from './secrets.ts';

export const HAL_SERVER_NAME = 'hal-mcp';
export const HAL_SERVER_VERSION = '0.0.0-testkit';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

interface HalRequest {
  url: string;
  headers?: Record<string, string> | undefined;
  body?: string | undefined;
  contentType?: string | undefined;
}

const headersSchema = z
  .record(z.string(), z.string())
  .optional()
  .describe('Request headers; values may use {secrets.<name>} placeholders');
const urlSchema = z.string().describe('Absolute URL; may use {secrets.<name>} placeholders');

const bodilessShape = { url: urlSchema, headers: headersSchema };
const bodyShape = {
  url: urlSchema,
  body: z.string().optional().describe('Request body as text; may use {secrets.<name>} placeholders'),
  headers: headersSchema,
  contentType: z.string().default('application/json').describe('Content-Type sent when headers do not set one'),
};

function isJsonContentType(contentType: string | null): boolean {
  if (!contentType) return false;
  const media = contentType.split(';')[0]!.trim().toLowerCase();
  return media === 'application/json' || media.endsWith('+json');
}

function formatBody(text: string, contentType: string | null): string {
  if (!isJsonContentType(contentType)) return text;
  if (text.trim() === '') return '(Empty response)';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return '(Unable to parse response)';
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // undici reports every network failure as "fetch failed"; the cause says which one.
  const cause = error.cause;
  if (cause instanceof Error && cause.message && cause.message !== error.message) {
    const code = (cause as { code?: unknown }).code;
    return `${error.message} (${typeof code === 'string' ? `${code}: ` : ''}${cause.message})`;
  }
  return error.message;
}

async function perform(method: Method, input: HalRequest, env: NodeJS.ProcessEnv): Promise<CallToolResult> {
  const secrets = secretValues(env);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers ?? {})) headers[name] = substituteSecrets(value, env);
  const sendsBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
  if (sendsBody && input.contentType && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = input.contentType;
  }
  const init: RequestInit = { method, headers };
  if (sendsBody && input.body !== undefined) init.body = substituteSecrets(input.body, env);
  try {
    const response = await fetch(substituteSecrets(input.url, env), init);
    const bodyText = await response.text();
    const headerLines: string[] = [];
    response.headers.forEach((value, name) => headerLines.push(`${name}: ${value}`));
    const text =
      `Status: ${response.status} ${response.statusText}\n\n` +
      `Headers:\n${headerLines.join('\n')}\n\n` +
      `Body:\n${formatBody(bodyText, response.headers.get('content-type'))}`;
    return { content: [{ type: 'text', text: redact(text, secrets) }] };
  } catch (error) {
    const text = `Error making ${method} request: ${describeError(error)}`;
    return { content: [{ type: 'text', text: redact(text, secrets) }], isError: true };
  }
}

/** Builds the HAL MCP server; `env` supplies the HAL_SECRET_ variables, read on every call. */
export function createHalServer(env: NodeJS.ProcessEnv = process.env): McpServer {
  const server = new McpServer({ name: HAL_SERVER_NAME, version: HAL_SERVER_VERSION });
  const bodiless: Array<[string, Method]> = [
    ['http-get', 'GET'],
    ['http-delete', 'DELETE'],
    ['http-head', 'HEAD'],
    ['http-options', 'OPTIONS'],
  ];
  for (const [name, method] of bodiless) {
    server.registerTool(
      name,
      { description: `Make an HTTP ${method} request`, inputSchema: bodilessShape },
      (args) => perform(method, args, env),
    );
  }
  const withBody: Array<[string, Method]> = [
    ['http-post', 'POST'],
    ['http-put', 'PUT'],
    ['http-patch', 'PATCH'],
  ];
  for (const [name, method] of withBody) {
    server.registerTool(
      name,
      { description: `Make an HTTP ${method} request with an optional text body`, inputSchema: bodyShape },
      (args) => perform(method, args, env),
    );
  }
  return server;
}

/**
 * Serves HAL over this process's stdin/stdout and resolves once the client hangs
 * up. Callers should exit then: a request to a hanging API would otherwise keep
 * the process alive after its client has gone.
 */
export async function serveHalOverStdio(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const server = createHalServer(env);
  const hungUp = new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
    // A client that vanished mid-answer shows up as EPIPE on stdout.
    process.stdout.once('error', () => resolve());
  });
  await server.connect(new StdioServerTransport());
  await hungUp;
  await server.close().catch(() => {});
}

if (import.meta.main) {
  await serveHalOverStdio();
  process.exit(0);
}
