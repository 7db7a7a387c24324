// The four HAL smoke requests as the guardrail scripts send them (the contract's
// smokeRequest), as fetch Requests for tests that talk to the mock over a socket or
// through msw.
import type { CheckName } from '../../common/hal-contract/routes.ts';
import { smokeRequest as contractRequest } from '../../common/hal-contract/smoke-requests.ts';

/** `init` replaces the contract's method, headers or body wholesale where it sets them. */
export function smokeRequest(check: CheckName, baseUrl: string, apiKey: string | null, init: RequestInit = {}): Request {
  const { method, path, headers, body } = contractRequest(check, apiKey);
  return new Request(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }), ...init });
}

/** What a response looked like, with the fields that change per call (times) masked. */
export async function describeResponse(response: Response) {
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: text.replace(/"(timestamp)":"[^"]*"/g, '"$1":"<time>"').replace(/"uptime":\d+/g, '"uptime":0'),
  };
}
