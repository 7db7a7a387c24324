// Healthy answers shaped like the real Kavedarr service's (see the samples in the
// interfaces doc), so a guardrail that inspects fields sees what production sends.

export interface Movie {
  id: number;
  title: string;
  year: number;
  tmdbId: number;
  monitored: boolean;
  hasFile: boolean;
}

export const MOVIES: readonly Movie[] = [
  { id: 1, title: 'Metropolis', year: 1927, tmdbId: 19, monitored: true, hasFile: true },
  { id: 2, title: 'Sunrise', year: 1927, tmdbId: 631, monitored: true, hasFile: false },
  { id: 3, title: 'The Passion of Joan of Arc', year: 1928, tmdbId: 780, monitored: false, hasFile: true },
];

/** `uptime` counts whole seconds since `startedAt`: when this mock started, so that a fresh mock answers alike every time. */
export function healthBody(startedAt: number, now = new Date()) {
  return {
    status: 'healthy',
    service: 'radarr-mvp',
    version: '1.0.0',
    timestamp: now.toISOString(),
    uptime: Math.floor((now.getTime() - startedAt) / 1000),
    capabilities: {
      core: { enabled: true, reason: 'All core services operational' },
      discovery: { enabled: true, reason: 'Indexers connected' },
      download: { enabled: true, reason: 'Download client connected' },
      learning: { enabled: true, reason: 'Reputation service enabled' },
    },
    configuration: {
      cors: { ready: true, reason: 'CORS configured for known origins' },
      introspection: { ready: true, reason: 'Available in development' },
      rate_limits: { ready: true, reason: 'GraphQL rate limiting active' },
      request_size: { ready: true, reason: 'Size limits configured (1048576 bytes)' },
    },
  };
}

export const MAX_PAGE_SIZE = 500;

export function moviePage(page: number, pageSize: number) {
  const start = (page - 1) * pageSize;
  return {
    page,
    pageSize,
    records: MOVIES.slice(start, start + pageSize),
    totalCount: MOVIES.length,
  };
}

export function indexerTestBody() {
  return {
    connected: true,
    status: 'success',
    message: 'Indexer connection successful',
    indexerCount: 1,
    indexers: [{ id: 1, name: 'StubIndexer', implementation: 'Stub', enabled: true }],
    executionTimeMs: 0,
  };
}

/** Default bodies for `status` behaviours that give none: what a failing service says. */
export function errorBody(status: number) {
  return { status, error: status >= 500 ? 'Service Unavailable' : 'Request failed', message: `mock-hal answered ${status}` };
}

export const HTML_ERROR_PAGE =
  '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>' +
  '<body><h1>502 Bad Gateway</h1><p>The upstream service did not answer.</p></body></html>\n';

// The REST answers as JSON text, built per request from pieces serialised once: only the
// health body's timestamp and uptime change, and a movie page depends on its two numbers.
// Serialising the whole object per request was a tenth of a /health answer's CPU.
const HEALTH_MARK = '"timestamp":"1970-01-01T00:00:00.000Z","uptime":0';
const [HEALTH_HEAD, HEALTH_TAIL] = JSON.stringify(healthBody(0, new Date(0))).split(HEALTH_MARK) as [string, string];

/** JSON.stringify(healthBody(startedAt, now)), without serialising the fixed parts again. */
export function healthJson(startedAt: number, now = new Date()): string {
  return `${HEALTH_HEAD}"timestamp":"${now.toISOString()}","uptime":${Math.floor((now.getTime() - startedAt) / 1000)}${HEALTH_TAIL}`;
}

const MOVIE_PAGE_CACHE_SIZE = 64;
const moviePages = new Map<string, string>();

/** JSON.stringify(moviePage(page, pageSize)), kept for the pages asked for most recently. */
export function moviePageJson(page: number, pageSize: number): string {
  const key = `${page}:${pageSize}`;
  let text = moviePages.get(key);
  if (text === undefined) {
    text = JSON.stringify(moviePage(page, pageSize));
    if (moviePages.size >= MOVIE_PAGE_CACHE_SIZE) moviePages.delete(moviePages.keys().next().value as string);
    moviePages.set(key, text);
  }
  return text;
}
