// The API being recorded: its --target base URL, and the smoke requests aimed at it.

import type { CheckName } from '../../common/hal-contract/routes.ts';
import { smokeRequest } from '../../common/hal-contract/smoke-requests.ts';
import { RecordError } from './recorded-answer.ts';

/**
 * Checks a --target URL: http or https, no credentials, query or fragment. The
 * smoke paths are appended to it as the guardrails do (`$base + "/health"`).
 */
export function parseTarget(target: string): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new RecordError(`--target ${JSON.stringify(target)} is not a URL; give the API's base URL, like http://127.0.0.1:7878`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RecordError(`--target must be an http:// or https:// URL, got ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new RecordError('--target must not carry a user name or password; pass the API key with --api-key');
  }
  if (url.search !== '' || url.hash !== '') {
    throw new RecordError('--target is a base URL: leave out the query (?...) and fragment (#...)');
  }
  return url;
}

/** `path` under the target's base URL, as the guardrails join them; also where the target is, shown without credentials. */
export function joinTarget(target: URL, path: string): string {
  return `${target.origin}${target.pathname.replace(/\/+$/, '')}${path}`;
}

/** The smoke request for one check, as the guardrails send it through HAL. */
export function smokeRequestInit(check: CheckName, target: URL, apiKey: string | undefined): { url: string; init: RequestInit } {
  const request = smokeRequest(check, apiKey ?? null);
  const init: RequestInit = { method: request.method };
  if (Object.keys(request.headers).length > 0) init.headers = request.headers;
  if (request.body !== undefined) init.body = request.body;
  return { url: joinTarget(target, request.path), init };
}
