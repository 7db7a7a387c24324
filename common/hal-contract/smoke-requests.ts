// What the guardrails send through HAL for each smoke check (interfaces doc, section 2):
// method, path, headers and body. The recorder sends these to a real API, the
// conformance suite hands them to HAL as tool calls, and the tests send them to the mock.
import { type CheckName, SMOKE_ROUTES } from './routes.ts';

export const GRAPHQL_PING_QUERY = 'query { __typename }';
export const GRAPHQL_PING_BODY = JSON.stringify({ query: GRAPHQL_PING_QUERY });

/** The headers the API key travels in, in the order the scripts write them. */
export const API_KEY_HEADERS: readonly string[] = ['X-Api-Key', 'apikey'];

/**
 * The paging the scripts pass for list_movies in HAL's "query" argument. hal-mcp does
 * not send it, so the API sees a bare GET /api/v3/movie (the harness journals show it);
 * only a tool call carries it.
 */
export const LIST_MOVIES_HAL_QUERY: Readonly<Record<string, number>> = Object.freeze({ page: 1, limit: 50 });

export interface SmokeRequest {
  check: CheckName;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  /** Left out for GET. */
  body?: string;
}

/** The key in every header the scripts send it in; `{}` for no key. */
export function apiKeyHeaders(apiKey: string | null): Record<string, string> {
  return apiKey === null ? {} : Object.fromEntries(API_KEY_HEADERS.map((name) => [name, apiKey]));
}

/** The request for one check; `apiKey` may be a HAL placeholder such as {secrets.kavedarr.api_key}. null sends no key. */
export function smokeRequest(check: CheckName, apiKey: string | null): SmokeRequest {
  const { method, path } = SMOKE_ROUTES[check];
  const auth = apiKeyHeaders(apiKey);
  const json = { 'Content-Type': 'application/json', ...auth };
  switch (check) {
    // health is the one unauthenticated check: the scripts send it no key.
    case 'health':
      return { check, method, path, headers: {} };
    case 'list_movies':
      return { check, method, path, headers: auth };
    case 'indexer_test':
      return { check, method, path, headers: json, body: '{}' };
    case 'graphql_ping':
      return { check, method, path, headers: json, body: GRAPHQL_PING_BODY };
  }
}
