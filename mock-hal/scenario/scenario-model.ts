// The one scenario model: the server, the msw handlers, the container and the
// harness all read scenarios through this file, and the published JSON Schema
// (scenarios/scenario.schema.json) is generated from it.
import { z } from 'zod';
import { CHECK_NAMES, type CheckName } from '../../common/hal-contract/routes.ts';
import { SCENARIO_NAME_PATTERN, SCENARIO_NAME_RULE } from '../../common/hal-contract/scenario-name.ts';

// Web-standard Response cannot carry 1xx statuses, so neither can a scenario.
const httpStatus = z.int().min(200).max(599);
// Names and values a Web-standard Headers object accepts, checked up front so a
// bad header is a scenario error rather than a failure mid-request.
const headerValue = z.string().regex(/^[\t\x20-\x7e\x80-\xff]*$/, 'header values are printable Latin-1 text with no CR, LF or NUL');
// The server frames each answer itself; a scenario's own length or encoding would break the HTTP stream.
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer']);
const headerMap = z
  .record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'header names are HTTP tokens (letters, digits, - and a few symbols)'), headerValue)
  .superRefine((headers, ctx) => {
    for (const name of Object.keys(headers)) {
      if (FRAMING_HEADERS.has(name.toLowerCase())) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'leave out Content-Length, Transfer-Encoding, Connection and other framing headers; the mock sets them',
        });
      }
    }
  });

export type Behaviour =
  | { type: 'ok' }
  | { type: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { type: 'empty'; status?: number; contentType?: string }
  | { type: 'malformed'; variant: 'truncated-json' | 'html' | 'wrong-content-type'; status?: number }
  | { type: 'delay'; ms: number; then: Behaviour }
  | { type: 'hang' }
  | { type: 'reset' }
  | { type: 'graphql-errors'; errors: { message: string; extensions?: Record<string, unknown> }[]; status?: number }
  | { type: 'raw'; status: number; headers?: Record<string, string>; body: string };

export const behaviourSchema: z.ZodType<Behaviour> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('ok') }).describe('Answer like the healthy real service.'),
    z
      .strictObject({
        type: z.literal('status'),
        status: httpStatus,
        body: z.unknown().optional(),
        headers: headerMap.optional(),
      })
      .describe('Answer with this HTTP status and JSON body.'),
    z
      .strictObject({
        type: z.literal('empty'),
        status: httpStatus.optional(),
        contentType: headerValue.optional(),
      })
      .describe('Answer with no body (status defaults to 200, no content-type unless given).'),
    z
      .strictObject({
        type: z.literal('malformed'),
        variant: z.enum(['truncated-json', 'html', 'wrong-content-type']),
        status: httpStatus.optional(),
      })
      .describe('Answer with a broken body: cut JSON, an HTML error page, or a non-JSON content type.'),
    z
      .strictObject({
        type: z.literal('delay'),
        ms: z.int().min(0).max(600_000),
        then: behaviourSchema,
      })
      .describe('Wait this many milliseconds, then behave as `then`.'),
    z.strictObject({ type: z.literal('hang') }).describe('Never answer; the socket is freed when the client leaves.'),
    z.strictObject({ type: z.literal('reset') }).describe('Destroy the connection without an answer.'),
    z
      .strictObject({
        type: z.literal('graphql-errors'),
        errors: z
          .array(
            z.strictObject({
              message: z.string(),
              extensions: z.record(z.string(), z.unknown()).optional(),
            }),
          )
          .min(1),
        status: httpStatus.optional(),
      })
      .describe('GraphQL only: {"data":null,"errors":[...]} with this status (default 200).'),
    z
      .strictObject({
        type: z.literal('raw'),
        status: httpStatus,
        headers: headerMap.optional(),
        body: z.string(),
      })
      .describe('Answer with exactly this status, headers and body text (used by recordings).'),
  ]),
);

export const endpointsSchema = z
  .strictObject(
    Object.fromEntries(CHECK_NAMES.map((name) => [name, behaviourSchema.optional()])) as {
      [K in CheckName]: z.ZodOptional<typeof behaviourSchema>;
    },
  )
  .describe('A behaviour per endpoint, keyed by the smoke check that calls it; a missing endpoint answers "ok".');

export const expectationSchema = z
  .strictObject({
    status: z.enum(['passed', 'failed']),
    failedChecks: z.array(z.enum(CHECK_NAMES)).default([]),
  })
  .describe('What a correct guardrail must report while this scenario (or phase) is active.');

export type Expectation = z.output<typeof expectationSchema>;

const phaseSchema = z.strictObject({
  name: z.string().min(1).optional(),
  durationMs: z.int().min(1).optional().describe('How long the phase lasts; the last phase may omit it and then lasts forever.'),
  endpoints: endpointsSchema.default({}),
  expect: expectationSchema,
});

export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().regex(SCENARIO_NAME_PATTERN, SCENARIO_NAME_RULE),
    description: z.string().min(1),
    endpoints: endpointsSchema.optional(),
    expect: expectationSchema.optional(),
    phases: z.array(phaseSchema).min(1).optional(),
  })
  .superRefine((scenario, ctx) => {
    const steady = scenario.endpoints !== undefined || scenario.expect !== undefined;
    if (steady && scenario.phases) {
      ctx.addIssue({
        code: 'custom',
        path: ['phases'],
        message: 'give either endpoints+expect (a steady scenario) or phases (a timeline), not both',
      });
    }
    if (!steady && !scenario.phases) {
      ctx.addIssue({ code: 'custom', path: ['expect'], message: 'a steady scenario needs "expect" (or use "phases")' });
    }
    if (scenario.endpoints && !scenario.expect) {
      ctx.addIssue({ code: 'custom', path: ['expect'], message: 'a steady scenario needs "expect"' });
    }
    scenario.phases?.forEach((phase, index) => {
      const isLast = index === (scenario.phases?.length ?? 0) - 1;
      if (!isLast && phase.durationMs === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['phases', index, 'durationMs'],
          message: 'every phase but the last needs durationMs',
        });
      }
    });
  });

export type ScenarioInput = z.input<typeof scenarioSchema>;

export interface Phase {
  name: string;
  /** Undefined only for a last phase that lasts forever. */
  durationMs: number | undefined;
  endpoints: Partial<Record<CheckName, Behaviour>>;
  expect: Expectation;
}

/** A validated scenario, normalised so that a steady scenario is a timeline of one endless phase. */
export interface Scenario {
  name: string;
  description: string;
  phases: Phase[];
  source?: string;
}

export class ScenarioError extends Error {
  readonly issues: string[];
  constructor(where: string, issues: string[]) {
    super(`${where}: invalid scenario\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ScenarioError';
    this.issues = issues;
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(document)';
  return path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
    .join('')
    .replace(/^\./, '');
}

/** Deeper documents are refused before validation: the recursive schema and JSON.stringify would overflow the stack. */
export const MAX_SCENARIO_DEPTH = 64;

/** The path of the first value nested deeper than `limit`, found without recursion; null if none. */
function tooDeep(data: unknown, limit: number): PropertyKey[] | null {
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value: data, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (path.length >= limit) return path;
    for (const [key, child] of Object.entries(value)) {
      stack.push({ value: child, path: [...path, Array.isArray(value) ? Number(key) : key] });
    }
  }
  return null;
}

/** Validates unknown data as a scenario; errors name the field and say what to write instead. */
export function parseScenario(data: unknown, where = 'scenario'): Scenario {
  const deep = tooDeep(data, MAX_SCENARIO_DEPTH);
  if (deep) {
    throw new ScenarioError(where, [`${formatPath(deep)}: nested deeper than ${MAX_SCENARIO_DEPTH} levels; flatten it`]);
  }
  const result = scenarioSchema.safeParse(data);
  if (!result.success) {
    throw new ScenarioError(
      where,
      result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`),
    );
  }
  const value = result.data;
  const phases: Phase[] = value.phases
    ? value.phases.map((phase, index) => ({
        name: phase.name ?? `phase-${index + 1}`,
        durationMs: phase.durationMs,
        endpoints: phase.endpoints,
        expect: phase.expect,
      }))
    : [
        {
          name: value.name,
          durationMs: undefined,
          endpoints: value.endpoints ?? {},
          // superRefine guarantees expect for a steady scenario.
          expect: value.expect as Expectation,
        },
      ];
  return { name: value.name, description: value.description, phases };
}

export function isTimeline(scenario: Scenario): boolean {
  return scenario.phases.length > 1;
}

export function scenarioJsonSchema(): unknown {
  return {
    ...z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'mock-hal scenario',
  };
}
