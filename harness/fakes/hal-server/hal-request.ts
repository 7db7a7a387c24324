// One HAL HTTP tool call, answered as hal-mcp 1.0.14 answers it: secrets filled in, the
// request sent with Node's fetch, and the result written as the one text item that the
// guardrail scripts cut at "Body:\n".
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { HalSecrets } from './hal-secrets.ts';

export type HalMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

export const HAL_USER_AGENT = 'HAL-MCP/1.0.0';
export const SENDS_BODY: ReadonlySet<HalMethod> = new Set(['POST', 'PUT', 'PATCH']);

export interface HalRequest {
  url: string;
  headers: Record<string, string>;
  body?: string | undefined;
}

function textResult(text: string, isError = false): CallToolResult {
  return isError ? { content: [{ type: 'text', text }], isError: true } : { content: [{ type: 'text', text }] };
}

/**
 * The body as hal-mcp prints it. "JSON" means a content type that *contains*
 * `application/json`, as written: `application/problem+json` or `Application/JSON`
 * print raw. A JSON body that will not parse gives a fixed text, never the bytes.
 */
async function bodyText(method: HalMethod, response: Response): Promise<string> {
  if (method === 'HEAD') return '(No body - HEAD request)';
  const contentType = response.headers.get('content-type') || 'text/plain';
  try {
    if (!contentType.includes('application/json')) return await response.text();
    const text = await response.text();
    return text.trim() ? JSON.stringify(JSON.parse(text), null, 2) : '(Empty response)';
  } catch {
    // hal-mcp retries as text, which fails on a body already read: the fixed text it is.
    try {
      return await response.text();
    } catch {
      return '(Unable to parse response)';
    }
  }
}

export async function performHalRequest(method: HalMethod, request: HalRequest, secrets: HalSecrets): Promise<CallToolResult> {
  try {
    // The URL's own placeholders are checked against the URL as written; everything
    // else against the URL with its secrets filled in.
    const url = secrets.substitute(request.url, request.url);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name] = secrets.substitute(value, url);
    const body = request.body ? secrets.substitute(request.body, url) : request.body;
    const finalUrl = new URL(url).toString();
    const refusal = secrets.refusal(finalUrl);
    if (refusal !== null) throw new Error(refusal);

    // A plain object, not Headers: `content-type` next to `Content-Type` is sent as both values joined.
    const sent: Record<string, string> = { 'User-Agent': HAL_USER_AGENT, ...headers };
    if (SENDS_BODY.has(method) && body && !('Content-Type' in headers)) sent['Content-Type'] = 'application/json';
    const response = await fetch(finalUrl, { method, headers: sent, body });

    const content = await bodyText(method, response);
    const headerLines = [...response.headers.entries()].map(([name, value]) => `${name}: ${secrets.redact(value)}`);
    return textResult(`Status: ${response.status} ${response.statusText}\n\nHeaders:\n${headerLines.join('\n')}\n\nBody:\n${secrets.redact(content)}`);
  } catch (error) {
    const message = error instanceof Error ? error.message : 'Unknown error';
    return textResult(`Error making ${method} request: ${secrets.redact(message)}`, true);
  }
}
