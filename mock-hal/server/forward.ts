// The `forward` behaviour: mock-hal proxy passes a request to the real API and sends its
// answer back unchanged but for the hop-by-hop headers. Like the API, it answers when the
// API does: a refused or dropped connection reaches the client as a dropped connection.
import { withSentBody } from '../answers/behaviours.ts';
import { fetchErrorText } from '../record/recorded-answer.ts';
import { HOP_BY_HOP_HEADERS } from '../record/replay-headers.ts';
import { joinTarget } from '../record/target.ts';

/** The API behind mock-hal proxy. */
export interface Upstream {
  /** Base URL; request paths are appended to it as the guardrails append theirs. */
  target: URL;
}

export type Forwarded =
  | { kind: 'answer'; response: Response }
  /** No answer: the connection failed, or the client left first (then `error` says so). */
  | { kind: 'no-answer'; error: string; clientLeft: boolean };

export interface ForwardRequest {
  method: string;
  /** Path and query as the client sent them. */
  pathAndQuery: string;
  headers: Headers;
  /** As received: forwarded byte for byte. */
  body: Uint8Array;
  /** The origin the client reached the proxy at: a redirect to the API is pointed back at it. */
  proxyOrigin: string;
  /** Resolves when the client has gone: the upstream request is abandoned then. */
  clientGone: Promise<void>;
}

/**
 * A Location under the API's base URL, pointed at the same place through the proxy, as a
 * reverse proxy does (nginx's proxy_redirect default): a client that follows the redirect
 * stays behind the faults. Relative locations and other hosts are left as they are.
 */
export function throughProxy(location: string, target: URL, proxyOrigin: string): string {
  const base = joinTarget(target, '');
  if (location !== base && !location.startsWith(`${base}/`) && !location.startsWith(`${base}?`)) return location;
  const rest = location.slice(base.length);
  return `${proxyOrigin}${rest.startsWith('/') ? rest : `/${rest}`}`;
}

export async function forwardRequest(upstream: Upstream, request: ForwardRequest): Promise<Forwarded> {
  const headers = new Headers();
  request.headers.forEach((value, name) => {
    // fetch sets Host from the URL and frames the body itself. Node has already answered an
    // Expect: 100-continue (curl sends one for bodies over 1 KiB), and fetch refuses the header.
    if (name !== 'host' && name !== 'expect' && !HOP_BY_HOP_HEADERS.has(name)) headers.append(name, value);
  });
  const abort = new AbortController();
  let clientLeft = false;
  void request.clientGone.then(() => {
    clientLeft = true;
    abort.abort();
  });
  try {
    const response = await fetch(joinTarget(upstream.target, request.pathAndQuery), {
      method: request.method,
      headers,
      body: request.method === 'GET' || request.method === 'HEAD' || request.body.length === 0 ? undefined : new Uint8Array(request.body),
      redirect: 'manual',
      signal: abort.signal,
    });
    const body = new Uint8Array(await response.arrayBuffer());
    const out = new Headers();
    response.headers.forEach((value, name) => {
      // fetch has decoded the body, so its length and encoding are no longer the API's.
      if (!HOP_BY_HOP_HEADERS.has(name) && name !== 'set-cookie') out.append(name, value);
    });
    // Headers.forEach joins several Set-Cookie values with commas, which would break them.
    for (const cookie of response.headers.getSetCookie()) out.append('set-cookie', cookie);
    const location = response.headers.get('location');
    if (location !== null) out.set('location', throughProxy(location, upstream.target, request.proxyOrigin));
    const nullBody = response.status === 204 || response.status === 205 || response.status === 304 || request.method === 'HEAD';
    const answer = new Response(nullBody ? null : body, { status: response.status, statusText: response.statusText, headers: out });
    return { kind: 'answer', response: withSentBody(answer, nullBody ? '' : new TextDecoder().decode(body)) };
  } catch (error) {
    return { kind: 'no-answer', clientLeft, error: clientLeft ? 'the client left before the API answered' : fetchErrorText(error) };
  }
}
