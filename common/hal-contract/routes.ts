// The four HAL smoke checks and the endpoint each one calls. The guardrails, the mock's
// router, `mock-hal record` and the harness must agree on these, so they are written
// down once, here.

export const CHECK_NAMES = ['health', 'list_movies', 'indexer_test', 'graphql_ping'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

export interface SmokeRoute {
  method: 'GET' | 'POST';
  /** Relative to the API's base URL: the guardrails send `$base + path`. */
  path: string;
}

export const SMOKE_ROUTES: Readonly<Record<CheckName, Readonly<SmokeRoute>>> = Object.freeze({
  health: Object.freeze({ method: 'GET', path: '/health' }),
  list_movies: Object.freeze({ method: 'GET', path: '/api/v3/movie' }),
  indexer_test: Object.freeze({ method: 'POST', path: '/api/v3/indexer/test' }),
  graphql_ping: Object.freeze({ method: 'POST', path: '/graphql' }),
});

export function isCheckName(value: unknown): value is CheckName {
  return typeof value === 'string' && (CHECK_NAMES as readonly string[]).includes(value);
}

/** The check whose endpoint is at this path, whatever the method; null for any other path. */
export function checkAtPath(path: string): CheckName | null {
  return CHECK_NAMES.find((check) => SMOKE_ROUTES[check].path === path) ?? null;
}

/** The check a request is for: its path and its method must both match. */
export function checkOfRequest(method: string, path: string): CheckName | null {
  const check = checkAtPath(path);
  return check !== null && SMOKE_ROUTES[check].method === method ? check : null;
}

/** `GET /health, GET /api/v3/movie, ...` in check order, for messages that list the endpoints. */
export function describeSmokeRoutes(): string {
  return CHECK_NAMES.map((check) => `${SMOKE_ROUTES[check].method} ${SMOKE_ROUTES[check].path}`).join(', ');
}
