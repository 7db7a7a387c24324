// The load figures side by side, and the targets measured against them.
// A target whose inputs were not measured (a skipped route, connection count or
// target) is met: null, never false, so a narrowed run does not read as a failure.
import { ROUTES, type Route, type RouteKey } from './http-targets.ts';
import type { LoadResult } from './load.ts';

export const MOCK_HAL = 'mock-hal';
export const BARE = 'bare node:http';
export const BARE_YOGA = 'bare Yoga';
export const WIREMOCK = 'WireMock';

/** The connection count the load targets are set at. */
export const TARGET_CONNECTIONS = 64;

export interface ComparisonRow {
  route: string;
  connections: number;
  mockHal: number | null;
  bare: number | null;
  bareYoga: number | null;
  wiremock: number | null;
  /** mock-hal's requests/s divided by the other target's. */
  toBare: number | null;
  toBareYoga: number | null;
  toWiremock: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  wiremockP99Ms: number | null;
}

export interface Goal {
  label: string;
  value: number | null;
  unit: '×' | 'ms' | 'MB';
  wanted: string;
  met: boolean | null;
}

export interface Measured {
  comparison: ComparisonRow[];
  startupMs: number | null;
  memoryGrowthMb: number | null;
  hermeticCallMs: number | null;
  matrixMs: number | null;
}

function ratio(a: number | undefined, b: number | undefined): number | null {
  return a === undefined || b === undefined || b === 0 ? null : Math.round((a / b) * 100) / 100;
}

export function compare(loads: LoadResult[], routes: Route[], connectionCounts: number[]): ComparisonRow[] {
  const find = (target: string, route: string, connections: number) =>
    loads.find((row) => row.target === target && row.route === route && row.connections === connections);
  return routes.flatMap((route) =>
    connectionCounts.map((connections) => {
      const own = find(MOCK_HAL, route.name, connections);
      const bare = find(BARE, route.name, connections);
      const yoga = find(BARE_YOGA, route.name, connections);
      const wm = find(WIREMOCK, route.name, connections);
      return {
        route: route.name,
        connections,
        mockHal: own?.requestsPerSecond ?? null,
        bare: bare?.requestsPerSecond ?? null,
        bareYoga: yoga?.requestsPerSecond ?? null,
        wiremock: wm?.requestsPerSecond ?? null,
        toBare: ratio(own?.requestsPerSecond, bare?.requestsPerSecond),
        toBareYoga: ratio(own?.requestsPerSecond, yoga?.requestsPerSecond),
        toWiremock: ratio(own?.requestsPerSecond, wm?.requestsPerSecond),
        p50Ms: own?.p50Ms ?? null,
        p99Ms: own?.p99Ms ?? null,
        wiremockP99Ms: wm?.p99Ms ?? null,
      };
    }),
  );
}

function atLeast(label: string, value: number | null, wanted: number, unit: Goal['unit']): Goal {
  const shown = unit === '×' ? `${wanted.toFixed(1)}×` : `${wanted} ${unit}`;
  return { label, value, unit, wanted: `>= ${shown}`, met: value === null ? null : value >= wanted };
}

function atMost(label: string, value: number | null, wanted: number, unit: Goal['unit']): Goal {
  return { label, value, unit, wanted: `<= ${wanted} ${unit}`, met: value === null ? null : value <= wanted };
}

export function goals(measured: Measured): Record<string, Goal> {
  const at = (key: RouteKey) => {
    const name = ROUTES.find((route) => route.key === key)?.name;
    return measured.comparison.find((row) => row.route === name && row.connections === TARGET_CONNECTIONS);
  };
  const graphql = at('graphql');
  const health = at('health');
  const movie = at('movie');
  const c = `${TARGET_CONNECTIONS} conns`;
  const wmP99 = graphql?.wiremockP99Ms ?? null;
  const ownP99 = graphql?.p99Ms ?? null;
  return {
    graphqlToWiremock: atLeast(`/graphql vs WireMock, ${c}`, graphql?.toWiremock ?? null, 1, '×'),
    graphqlToBareYoga: atLeast(`/graphql vs bare Yoga, ${c}`, graphql?.toBareYoga ?? null, 0.8, '×'),
    graphqlP99: {
      label: `/graphql p99 vs WireMock's, ${c}`,
      value: ownP99,
      unit: 'ms',
      wanted: wmP99 === null ? "<= WireMock's p99" : `<= ${wmP99} ms (WireMock's p99)`,
      met: ownP99 === null || wmP99 === null ? null : ownP99 <= wmP99,
    },
    healthToWiremock: atLeast(`/health vs WireMock, ${c}`, health?.toWiremock ?? null, 1.5, '×'),
    healthToBare: atLeast(`/health vs bare node:http, ${c}`, health?.toBare ?? null, 0.6, '×'),
    movieToWiremock: atLeast(`/api/v3/movie vs WireMock, ${c}`, movie?.toWiremock ?? null, 1.5, '×'),
    movieToBare: atLeast(`/api/v3/movie vs bare node:http, ${c}`, movie?.toBare ?? null, 0.6, '×'),
    startup: atMost('start-up to the ready line, median of 10', measured.startupMs, 250, 'ms'),
    memoryGrowth: atMost('memory growth after 200k requests', measured.memoryGrowthMb, 50, 'MB'),
    hermeticCall: atMost('one hermetic HAL call, median', measured.hermeticCallMs, 250, 'ms'),
    matrix: atMost('reference matrix', measured.matrixMs, 30_000, 'ms'),
  };
}
