// The four HAL smoke requests as the guardrail scripts send them (interfaces doc,
// section 2), for tests that talk to the mock over a socket or through msw.
import type { CheckName } from '../../mock-hal/scenario/scenario-model.ts';

export function smokeRequest(check: CheckName, baseUrl: string, apiKey: string | null, init: RequestInit = {}): Request {
  const auth: Record<string, string> = apiKey === null ? {} : { 'X-Api-Key': apiKey, apikey: apiKey };
  const json = { 'Content-Type': 'application/json' };
  switch (check) {
    case 'health':
      return new Request(`${baseUrl}/health`, init);
    case 'list_movies':
      return new Request(`${baseUrl}/api/v3/movie`, { headers: auth, ...init });
    case 'indexer_test':
      return new Request(`${baseUrl}/api/v3/indexer/test`, { method: 'POST', headers: { ...json, ...auth }, body: '{}', ...init });
    case 'graphql_ping':
      return new Request(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { ...json, ...auth },
        body: JSON.stringify({ query: 'query { __typename }' }),
        ...init,
      });
  }
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
