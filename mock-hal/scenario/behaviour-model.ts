// What one endpoint does for one request: the behaviours a scenario may name, as a zod
// schema (the JSON Schema is generated from it) and as the type the answering code reads.
import { z } from 'zod';

// Web-standard Response cannot carry 1xx statuses, so neither can a scenario.
const httpStatus = z.int().min(200).max(599);
// Names and values a Web-standard Headers object accepts, checked up front so a
// bad header is a scenario error rather than a failure mid-request.
export const headerValue = z.string().regex(/^[\t\x20-\x7e\x80-\xff]*$/, 'header values are printable Latin-1 text with no CR, LF or NUL');
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

/** The longest wait a delay (or its jitter) may add: ten minutes outlasts any client's timeout. */
export const MAX_DELAY_MS = 600_000;
/** Sequences longer than this are a recording gone wrong, not a scenario. */
export const MAX_SEQUENCE_STEPS = 10_000;

const seed = z
  .int()
  .min(0)
  .max(2 ** 32 - 1)
  .describe('Seeds the draws: the same seed gives the same answers in the same order (default 0).');

export type Behaviour =
  | { type: 'ok' }
  | { type: 'forward' }
  | { type: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { type: 'empty'; status?: number; contentType?: string }
  | { type: 'malformed'; variant: 'truncated-json' | 'html' | 'wrong-content-type'; status?: number }
  | { type: 'delay'; ms: number; jitter?: number; seed?: number; then: Behaviour }
  | { type: 'hang' }
  | { type: 'reset' }
  | { type: 'graphql-errors'; errors: { message: string; extensions?: Record<string, unknown> }[]; status?: number }
  | { type: 'raw'; status: number; headers?: Record<string, string>; body: string }
  | { type: 'flaky'; rate: number; seed?: number; fail: Behaviour; otherwise?: Behaviour }
  | { type: 'sequence'; steps: Behaviour[]; then?: Behaviour };

/** The behaviours that decide per request, so the same scenario can answer one request well and the next badly. */
export type ChoiceBehaviour = Extract<Behaviour, { type: 'flaky' | 'sequence' }> | (Extract<Behaviour, { type: 'delay' }> & { jitter: number });

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
        ms: z.int().min(0).max(MAX_DELAY_MS),
        jitter: z.int().min(0).max(MAX_DELAY_MS).optional().describe('Add a seeded draw of 0 to this many milliseconds to each wait.'),
        seed: seed.optional(),
        then: behaviourSchema,
      })
      .describe('Wait this many milliseconds (plus up to `jitter`), then behave as `then`.'),
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
    z
      .strictObject({ type: z.literal('forward') })
      .describe('mock-hal proxy only: pass the request to the real API and send back its answer. What a proxy does for an endpoint the scenario leaves out.'),
    z
      .strictObject({
        type: z.literal('flaky'),
        rate: z.number().min(0).max(1).describe('The share of requests that get `fail`, from 0 to 1.'),
        seed: seed.optional(),
        fail: behaviourSchema,
        otherwise: behaviourSchema.optional().describe("What the other requests get (default: the healthy answer, or the real API's under mock-hal proxy)."),
      })
      .describe('Per request, a seeded draw picks `fail` for about `rate` of the requests and `otherwise` for the rest.'),
    z
      .strictObject({
        type: z.literal('sequence'),
        steps: z.array(behaviourSchema).min(1).max(MAX_SEQUENCE_STEPS),
        then: behaviourSchema.optional().describe('What every request after the last step gets; without it the steps start over.'),
      })
      .describe('The n-th request to this endpoint gets the n-th step: [ok, ok, reset] resets every third request.'),
  ]),
);

/** Calls `visit` on a behaviour and every behaviour nested in it. */
function walk(behaviour: Behaviour, visit: (node: Behaviour) => boolean): boolean {
  if (visit(behaviour)) return true;
  switch (behaviour.type) {
    case 'delay':
      return walk(behaviour.then, visit);
    case 'flaky':
      return walk(behaviour.fail, visit) || (behaviour.otherwise !== undefined && walk(behaviour.otherwise, visit));
    case 'sequence':
      return behaviour.steps.some((step) => walk(step, visit)) || (behaviour.then !== undefined && walk(behaviour.then, visit));
    default:
      return false;
  }
}

/** True when the answer can differ from one request to the next, so a scenario's `expect` cannot say what a run saw. */
export function hasChoice(behaviour: Behaviour): boolean {
  return walk(behaviour, (node) => node.type === 'flaky' || node.type === 'sequence' || (node.type === 'delay' && (node.jitter ?? 0) > 0));
}

/** True when some answer comes from the real API behind mock-hal proxy. */
export function usesForward(behaviour: Behaviour): boolean {
  return walk(behaviour, (node) => node.type === 'forward');
}
