// The one scenario model: the server, the msw handlers, the container and the
// harness all read scenarios through this file, and the published JSON Schema
// (scenarios/scenario.schema.json) is generated from it.
import { z } from 'zod';
import { CHECK_NAMES, type CheckName } from '../../common/hal-contract/routes.ts';
import { SCENARIO_NAME_PATTERN, SCENARIO_NAME_RULE } from '../../common/hal-contract/scenario-name.ts';
import { type Behaviour, behaviourSchema } from './behaviour-model.ts';

export { type Behaviour, behaviourSchema, type ChoiceBehaviour, hasChoice, usesForward } from './behaviour-model.ts';

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
