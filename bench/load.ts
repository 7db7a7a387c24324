// Load measurements with autocannon: requests/s and latency percentiles, and their medians.
import autocannon from 'autocannon';
import { type Route, serves, type Target } from './http-targets.ts';

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

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The median of several measurements of one cell; errors and non-2xx answers are summed, not averaged away. */
export function medianResult(samples: LoadResult[]): LoadResult {
  const first = samples[0]!;
  return {
    target: first.target,
    route: first.route,
    connections: first.connections,
    requestsPerSecond: Math.round(median(samples.map((sample) => sample.requestsPerSecond))),
    p50Ms: median(samples.map((sample) => sample.p50Ms)),
    p99Ms: median(samples.map((sample) => sample.p99Ms)),
    errors: samples.reduce((sum, sample) => sum + sample.errors, 0),
    non2xx: samples.reduce((sum, sample) => sum + sample.non2xx, 0),
  };
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

/**
 * Loads every target on the `routes` it serves, untimed, before any cell is measured:
 * otherwise whichever cell comes first (the only one in a narrowed run) would catch a
 * target still compiling its hot paths. 2 s per route, or the target's own warmUpSeconds.
 */
export async function warmUp(targets: Target[], routes: Route[], connections: number): Promise<void> {
  for (const target of targets) {
    const served = routes.filter((route) => serves(target, route));
    const total = Math.max(target.warmUpSeconds ?? 0, 2 * served.length);
    for (let second = 0; second < total && served.length > 0; second += 1) await load(target, served[second % served.length]!, connections, 1);
  }
}

/** One cell, the median of `rounds` measurements per target (each after a 1 s warm-up). */
export async function measureCell(targets: Target[], route: Route, connections: number, seconds: number, rounds: number): Promise<LoadResult[]> {
  const serving = targets.filter((target) => serves(target, route));
  const byTarget = new Map<string, LoadResult[]>(serving.map((target) => [target.name, []]));
  for (let round = 0; round < rounds; round += 1) {
    // Alternate the order each round so drift (thermal, other work) hits every target alike.
    const order = round % 2 === 0 ? serving : [...serving].reverse();
    for (const target of order) {
      await load(target, route, connections, 1);
      byTarget.get(target.name)!.push(await load(target, route, connections, seconds));
    }
  }
  return [...byTarget.values()].map(medianResult);
}

export function describe(result: LoadResult): string {
  const failures = result.errors + result.non2xx > 0 ? `  errors ${result.errors}  non-2xx ${result.non2xx}` : '';
  return `  ${result.route.padEnd(18)} c=${String(result.connections).padStart(2)}  ${result.target.padEnd(14)} ${String(result.requestsPerSecond).padStart(7)} req/s  p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms${failures}`;
}

export interface LoadPlan {
  routes: Route[];
  connectionCounts: number[];
  seconds: number;
  rounds: number;
}

/** Every route at every connection count, targets side by side, after one warm-up of them all. */
export async function measureAll(targets: Target[], plan: LoadPlan, log: (line: string) => void): Promise<LoadResult[]> {
  await warmUp(targets, plan.routes, Math.max(...plan.connectionCounts));
  const results: LoadResult[] = [];
  for (const route of plan.routes) {
    for (const connections of plan.connectionCounts) {
      for (const result of await measureCell(targets, route, connections, plan.seconds, plan.rounds)) {
        results.push(result);
        log(describe(result));
      }
    }
  }
  return results;
}
