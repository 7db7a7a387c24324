// The healthy answers' bodies, shaped like the real Kavedarr service's: health's
// uptime, the movie pages, the indexer test, and the default error body.
import { describe, expect, it } from 'vitest';
import { errorBody, healthBody, healthJson, indexerTestBody, MAX_PAGE_SIZE, MOVIES, moviePage, moviePageJson } from '../../../mock-hal/answers/bodies.ts';

describe('healthBody', () => {
  it('reports healthy, the time asked about, and whole seconds since the start', () => {
    const started = Date.parse('2025-09-29T16:00:00.000Z');
    const body = healthBody(started, new Date('2025-09-29T16:01:01.999Z'));
    expect(body).toMatchObject({ status: 'healthy', service: 'radarr-mvp', version: '1.0.0', timestamp: '2025-09-29T16:01:01.999Z', uptime: 61 });
    expect(healthBody(started, new Date(started)).uptime).toBe(0);
    expect(healthBody(started, new Date(started + 999)).uptime).toBe(0);
  });

  it('every capability enabled and every configuration item ready, each with a reason', () => {
    const body = healthBody(0, new Date(0));
    for (const group of [body.capabilities, body.configuration]) {
      expect(Object.keys(group).length).toBeGreaterThan(0);
      for (const item of Object.values(group) as { enabled?: boolean; ready?: boolean; reason: string }[]) {
        expect(item.enabled ?? item.ready).toBe(true);
        expect(item.reason).not.toBe('');
      }
    }
    expect(Object.keys(body.capabilities)).toEqual(['core', 'discovery', 'download', 'learning']);
  });

  it('a fresh body per call: changing one does not change the next', () => {
    const first = healthBody(0, new Date(0));
    first.capabilities.core.enabled = false;
    expect(healthBody(0, new Date(0)).capabilities.core.enabled).toBe(true);
  });
});

describe('moviePage', () => {
  it('pages through the three movies, with the total always the whole count', () => {
    expect(moviePage(1, 50)).toEqual({ page: 1, pageSize: 50, records: [...MOVIES], totalCount: 3 });
    expect(moviePage(1, 2).records.map((movie) => movie.id)).toEqual([1, 2]);
    expect(moviePage(2, 2)).toEqual({ page: 2, pageSize: 2, records: [MOVIES[2]], totalCount: 3 });
    expect(moviePage(3, 1).records.map((movie) => movie.title)).toEqual(['The Passion of Joan of Arc']);
  });

  it('a page past the end is empty, not an error', () => {
    expect(moviePage(4, 1)).toEqual({ page: 4, pageSize: 1, records: [], totalCount: 3 });
    expect(moviePage(1_000_000, MAX_PAGE_SIZE).records).toEqual([]);
  });

  it('the movies have distinct ids and the fields a guardrail reads', () => {
    expect(new Set(MOVIES.map((movie) => movie.id)).size).toBe(MOVIES.length);
    for (const movie of MOVIES) expect(Object.keys(movie).sort()).toEqual(['hasFile', 'id', 'monitored', 'title', 'tmdbId', 'year']);
  });
});

describe('indexerTestBody and errorBody', () => {
  it('the indexer test reports one connected indexer', () => {
    expect(indexerTestBody()).toMatchObject({ connected: true, status: 'success', indexerCount: 1 });
    expect(indexerTestBody().indexers).toHaveLength(1);
  });

  it.each([
    [500, 'Service Unavailable'],
    [599, 'Service Unavailable'],
    [499, 'Request failed'],
    [404, 'Request failed'],
  ])('errorBody(%i) says %s and names the status', (status, error) => {
    expect(errorBody(status)).toEqual({ status, error, message: `mock-hal answered ${status}` });
  });
});

describe('the serialised answers', () => {
  it('healthJson is JSON.stringify(healthBody) at any moment', () => {
    for (const [started, now] of [
      [0, 0],
      [1_000, 61_999],
      [Date.parse('2025-09-29T16:00:00Z'), Date.parse('2026-12-01T23:59:59.999Z')],
    ] as const) {
      expect(healthJson(started, new Date(now))).toBe(JSON.stringify(healthBody(started, new Date(now))));
    }
  });

  it('moviePageJson is JSON.stringify(moviePage) for every page, asked once or again', () => {
    for (const [page, pageSize] of [
      [1, 50],
      [1, 2],
      [2, 2],
      [3, 1],
      [9, 500],
      [1, 2],
    ] as const) {
      expect(moviePageJson(page, pageSize)).toBe(JSON.stringify(moviePage(page, pageSize)));
    }
  });

  it('moviePageJson stays right past its cache size', () => {
    for (let pageSize = 1; pageSize <= 100; pageSize += 1) {
      expect(JSON.parse(moviePageJson(1, pageSize))).toEqual(moviePage(1, pageSize));
    }
    expect(JSON.parse(moviePageJson(2, 1))).toEqual(moviePage(2, 1));
  });
});
