// One load measurement with autocannon: requests/s and latency percentiles.
import autocannon from 'autocannon';
import type { Route, Target } from './http-targets.ts';

export interface LoadResult {
  target: string;
  route: string;
  connections: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

export async function load(target: Target, route: Route, connections: number, seconds: number): Promise<LoadResult> {
  const result = await autocannon({
    url: `${target.url}${route.path}`,
    method: route.method,
    headers: route.headers,
    ...(route.body ? { body: route.body } : {}),
    connections,
    duration: seconds,
  });
  return {
    target: target.name,
    route: route.name,
    connections,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** Sends exactly `amount` requests, as fast as `connections` allow. */
export async function send(target: Target, route: Route, amount: number, connections = 16): Promise<void> {
  await autocannon({
    url: `${target.url}${route.path}`,
    method: route.method,
    headers: route.headers,
    ...(route.body ? { body: route.body } : {}),
    connections,
    amount,
  });
}
