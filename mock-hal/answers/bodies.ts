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
