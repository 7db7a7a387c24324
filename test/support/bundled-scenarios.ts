// The scenarios the kit ships, written out once: tests pin this list against the store,
// so a scenario added or dropped without its tests fails here first.
export const BUNDLED_SCENARIO_NAMES = [
  'healthy',
  'production',
  'degraded',
  'partial',
  'timeout',
  'malformed',
  'offline',
  'unauthorized',
  'graphql-errors',
  'failure-window',
  'failure-window-5xx',
  'flaky',
  'flaky-window',
] as const;
