// The differential suite's calls: the same MCP traffic is sent to the real hal-mcp and to
// the kit's HAL server, each against its own fresh mock-hal, and everything either one
// shows the outside world is compared. Every behaviour of every bundled scenario is
// reached through the smoke request the guardrails send for it; the rest probe the
// secret, URL, method and body rules one at a time.

import { CHECK_NAMES, type CheckName, SMOKE_ROUTES } from '../../common/hal-contract/routes.ts';
import { apiKeyHeaders, LIST_MOVIES_HAL_QUERY, smokeRequest } from '../../common/hal-contract/smoke-requests.ts';
import type { Behaviour, ScenarioInput } from '../../mock-hal/index.ts';
import { listScenarios } from '../../mock-hal/index.ts';

/** Tokens the runner replaces in a case's arguments: the mock's origin and a port nothing listens on. */
export const MOCK_TOKEN = '{mock}';
export const REFUSED_TOKEN = '{refused}';

/** The key every profile's kavedarr secret holds; the mock accepts it. */
export const CONFORMANCE_KEY = 'kvd_conformance_0123456789';

/**
 * Server environments (beyond PATH and HOME, which call_tool passes on too). Each
 * profile gets one server process per side.
 */
export const PROFILES = {
  /** What the guardrail scripts pass: `--env HAL_SECRET_KAVEDARR_API_KEY=<key>`. */
  kavedarr: { HAL_SECRET_KAVEDARR_API_KEY: CONFORMANCE_KEY },
  none: {},
  /** Plain, namespaced and restricted secrets side by side. */
  mixed: {
    HAL_SECRET_TOKEN: 'plain_token_value_77',
    HAL_SECRET_KAVEDARR_API_KEY: CONFORMANCE_KEY,
    HAL_SECRET_PARTNER_TOKEN: 'partner_token_value_88',
    'HAL_SECRET_AZURE-STORAGE_ACCESS_KEY': 'azure_storage_value_99',
    HAL_SECRET_PARTNER_USER_NAME: 'partner_user_value_66',
    HAL_ALLOW_KAVEDARR: `http://127.0.0.1:*/api/*, http://127.0.0.1:*${SMOKE_ROUTES.graphql_ping.path}`,
    HAL_ALLOW_PARTNER: 'https://partner.invalid/*',
    // A list with no pattern in it: the namespace may be sent nowhere.
    'HAL_ALLOW_AZURE-STORAGE': ' , ',
  },
  whitelist: { HAL_SECRET_KAVEDARR_API_KEY: CONFORMANCE_KEY, HAL_WHITELIST_URLS: `http://127.0.0.1:*${SMOKE_ROUTES.health.path}` },
  blacklist: { HAL_SECRET_KAVEDARR_API_KEY: CONFORMANCE_KEY, HAL_BLACKLIST_URLS: `*/api/v3/*,*${SMOKE_ROUTES.graphql_ping.path}` },
  'both-lists': {
    HAL_SECRET_KAVEDARR_API_KEY: CONFORMANCE_KEY,
    HAL_WHITELIST_URLS: `*${SMOKE_ROUTES.list_movies.path}`,
    HAL_BLACKLIST_URLS: `*${SMOKE_ROUTES.list_movies.path}`,
  },
} satisfies Record<string, Record<string, string>>;

export type ProfileName = keyof typeof PROFILES;

export interface ConformanceCase {
  id: string;
  what: string;
  profile: ProfileName;
  /** `tools/list` compares the tool names and input schemas; everything else is a tool call. */
  kind: 'call' | 'list-tools';
  tool?: string;
  args?: unknown;
  /** The mock's scenario: a bundled name or a scenario document. Default healthy. */
  scenario?: string | ScenarioInput;
  /** A phase of a timeline scenario, held for the call. */
  phase?: number;
  /** The endpoint never answers: the runner closes the mock once the request has arrived. */
  hangs?: boolean;
}

const PLACEHOLDER = '{secrets.kavedarr.api_key}';
const AUTH = apiKeyHeaders(PLACEHOLDER);
/** The headers of the guardrails' POSTs. */
const JSON_AUTH = smokeRequest('indexer_test', PLACEHOLDER).headers;

const HEALTH = `${MOCK_TOKEN}${SMOKE_ROUTES.health.path}`;
const MOVIES = `${MOCK_TOKEN}${SMOKE_ROUTES.list_movies.path}`;
const INDEXER_TEST = `${MOCK_TOKEN}${SMOKE_ROUTES.indexer_test.path}`;
const GRAPHQL = `${MOCK_TOKEN}${SMOKE_ROUTES.graphql_ping.path}`;

/** The tool call the guardrails make for a smoke check (interfaces doc, section 2). */
export function smokeCall(check: CheckName, apiKey: string = PLACEHOLDER): { tool: string; args: Record<string, unknown> } {
  const request = smokeRequest(check, apiKey);
  const args: Record<string, unknown> = { url: `${MOCK_TOKEN}${request.path}` };
  // The scripts give health no headers argument at all, not an empty one.
  if (Object.keys(request.headers).length > 0) args.headers = request.headers;
  if (check === 'list_movies') args.query = { ...LIST_MOVIES_HAL_QUERY };
  if (request.body !== undefined) args.body = request.body;
  return { tool: request.method === 'GET' ? 'http-get' : 'http-post', args };
}

function behaviourCases(): ConformanceCase[] {
  const seen = new Set<string>();
  const cases: ConformanceCase[] = [];
  const { scenarios, errors } = listScenarios();
  if (errors.length > 0) throw errors[0]!;
  for (const scenario of scenarios) {
    scenario.phases.forEach((phase, index) => {
      for (const check of CHECK_NAMES) {
        const behaviour: Behaviour = phase.endpoints[check] ?? { type: 'ok' };
        const key = `${check} ${JSON.stringify(behaviour)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const timeline = scenario.phases.length > 1;
        cases.push({
          id: `scenario/${scenario.name}${timeline ? `/${phase.name}` : ''}/${check}`,
          what: `${check} under ${scenario.name}${timeline ? ` (${phase.name})` : ''}: ${behaviour.type}`,
          profile: 'kavedarr',
          kind: 'call',
          ...smokeCall(check),
          scenario: scenario.name,
          ...(timeline ? { phase: index } : {}),
          ...(behaviour.type === 'hang' ? { hangs: true } : {}),
        });
      }
    });
  }
  return cases;
}

/** A scenario whose health endpoint answers exactly these bytes. */
function rawHealth(name: string, status: number, headers: Record<string, string>, body: string): ScenarioInput {
  return {
    name,
    description: 'conformance probe',
    endpoints: { health: { type: 'raw', status, headers, body } },
    expect: { status: 'passed' },
  };
}

const call = (id: string, what: string, profile: ProfileName, tool: string, args: unknown, extra: Partial<ConformanceCase> = {}): ConformanceCase => ({
  id,
  what,
  profile,
  kind: 'call',
  tool,
  args,
  ...extra,
});

function probeCases(): ConformanceCase[] {
  const movies = MOVIES;
  return [
    { id: 'tools/list', what: 'tool names and input schemas', profile: 'kavedarr', kind: 'list-tools' },
    call('tools/unknown', 'a tool hal-mcp does not have', 'kavedarr', 'http-trace', { url: HEALTH }),
    // Placeholders.
    call('secrets/in-url', 'the key in the query string', 'kavedarr', 'http-get', { url: `${movies}?apikey=${PLACEHOLDER}` }),
    call('secrets/in-body', 'the key in a POST body', 'kavedarr', 'http-post', {
      url: INDEXER_TEST,
      headers: JSON_AUTH,
      body: `{"echo":"${PLACEHOLDER}"}`,
    }),
    call('secrets/any-case', 'placeholder names match ignoring case', 'kavedarr', 'http-get', {
      url: movies,
      headers: { 'X-Api-Key': '{secrets.KAVEDARR.API_KEY}' },
    }),
    call('secrets/underscore-form', 'the un-namespaced form is an unknown placeholder', 'kavedarr', 'http-get', {
      url: movies,
      headers: { 'X-Api-Key': '{secrets.kavedarr_api_key}', apikey: '{secrets.kavedarr_api_key}' },
    }),
    call('secrets/variable-form', "the request profile's {secrets.HAL_SECRET_…} form", 'kavedarr', 'http-get', {
      url: movies,
      headers: { 'X-Api-Key': '{secrets.HAL_SECRET_KAVEDARR_API_KEY}' },
    }),
    call('secrets/none-configured', 'a placeholder with no secrets at all', 'none', 'http-get', { url: movies, headers: AUTH }),
    // Allow-lists.
    call('allow/inside', 'a restricted secret sent where it may go', 'mixed', 'http-get', { url: movies, headers: AUTH }),
    call('allow/outside', 'a restricted secret sent elsewhere', 'mixed', 'http-get', { url: HEALTH, headers: AUTH }),
    call('allow/url-checked-as-written', 'a restricted secret in the URL itself', 'mixed', 'http-get', {
      url: `${movies}?apikey=${PLACEHOLDER}`,
    }),
    call('allow/in-body', 'a restricted secret in a body bound elsewhere', 'mixed', 'http-post', {
      url: HEALTH,
      body: PLACEHOLDER,
    }),
    call('allow/empty-list', 'a namespace whose allow-list is empty', 'mixed', 'http-get', {
      url: movies,
      headers: { 'X-Api-Key': '{secrets.azure.storage.access_key}' },
    }),
    call('allow/plain-anywhere', 'a plain secret goes anywhere', 'mixed', 'http-get', {
      url: HEALTH,
      headers: { Authorization: 'Bearer {secrets.token}' },
    }),
    call('allow/whitelist-in', 'HAL_WHITELIST_URLS lets a listed URL through', 'whitelist', 'http-get', { url: HEALTH }),
    call('allow/whitelist-out', 'HAL_WHITELIST_URLS refuses the rest', 'whitelist', 'http-get', { url: movies, headers: AUTH }),
    call('allow/blacklist', 'HAL_BLACKLIST_URLS refuses a listed URL', 'blacklist', 'http-post', {
      url: GRAPHQL,
      headers: JSON_AUTH,
      body: '{"query":"{ __typename }"}',
    }),
    call('allow/both-lists', 'the whitelist wins over the blacklist', 'both-lists', 'http-get', { url: movies, headers: AUTH }),
    // Input validation.
    call('input/not-a-url', 'a url that is not a URL', 'kavedarr', 'http-get', { url: 'not a url' }),
    call('input/relative-url', 'a relative url', 'kavedarr', 'http-get', { url: '/health' }),
    call('input/key-as-url', 'a key pasted where the url goes', 'kavedarr', 'http-get', { url: 'kvd_x' }),
    call('input/no-url', 'no url at all', 'kavedarr', 'http-post', { body: '{}' }),
    call('input/number-body', 'a body that is not a string', 'kavedarr', 'http-post', { url: HEALTH, body: { query: 'q' } }),
    call('input/header-number', 'a header value that is not a string', 'kavedarr', 'http-get', {
      url: HEALTH,
      headers: { 'X-Api-Key': 42 },
    }),
    call('input/array-args', 'arguments that are not an object', 'kavedarr', 'http-get', [HEALTH]),
    call('input/unknown-scheme', 'a URL fetch cannot speak', 'kavedarr', 'http-get', { url: 'ftp://127.0.0.1/health' }),
    call('network/refused', 'a port nothing listens on', 'kavedarr', 'http-get', { url: `${REFUSED_TOKEN}${SMOKE_ROUTES.health.path}` }),
    // Methods and bodies.
    call('method/head', 'HEAD', 'kavedarr', 'http-head', { url: HEALTH }),
    call('method/options', 'OPTIONS', 'kavedarr', 'http-options', { url: GRAPHQL, headers: AUTH }),
    call('method/delete', 'DELETE', 'kavedarr', 'http-delete', { url: movies, headers: AUTH }),
    call('method/put', 'PUT with a body', 'kavedarr', 'http-put', { url: movies, headers: AUTH, body: '{"title":"x"}' }),
    call('method/patch', 'PATCH with no body', 'kavedarr', 'http-patch', { url: movies, headers: AUTH }),
    call('body/content-type-arg', 'contentType when headers set none', 'kavedarr', 'http-post', {
      url: INDEXER_TEST,
      headers: AUTH,
      body: 'plain words',
      contentType: 'text/plain',
    }),
    call('body/lowercase-content-type', 'a lower-case content-type header beside the default', 'kavedarr', 'http-post', {
      url: INDEXER_TEST,
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: '{}',
    }),
    call('body/empty-string', 'an empty body', 'kavedarr', 'http-post', { url: INDEXER_TEST, headers: JSON_AUTH, body: '' }),
    call('headers/user-agent', 'a caller-set User-Agent', 'kavedarr', 'http-get', {
      url: HEALTH,
      headers: { 'User-Agent': 'guardrail/1', 'user-agent': 'other/2' },
    }),
    // Answers: what counts as JSON, and redaction.
    call(
      'answer/echoed-key',
      'the key echoed in a header and a JSON body',
      'kavedarr',
      'http-get',
      { url: HEALTH },
      {
        scenario: rawHealth('echo-json', 200, { 'content-type': 'application/json', 'x-echo': CONFORMANCE_KEY }, `{"key":"${CONFORMANCE_KEY}"}`),
      },
    ),
    call(
      'answer/echoed-key-text',
      'the key echoed in a plain-text body',
      'mixed',
      'http-get',
      { url: HEALTH },
      {
        scenario: rawHealth('echo-text', 200, { 'content-type': 'text/plain' }, `token=plain_token_value_77 key=${CONFORMANCE_KEY}`),
      },
    ),
    call(
      'answer/problem-json',
      'application/problem+json',
      'kavedarr',
      'http-get',
      { url: HEALTH },
      {
        scenario: rawHealth('problem-json', 422, { 'content-type': 'application/problem+json' }, '{"title":"bad"}'),
      },
    ),
    call(
      'answer/upper-case-json',
      'Application/JSON',
      'kavedarr',
      'http-get',
      { url: HEALTH },
      {
        scenario: rawHealth('upper-json', 200, { 'content-type': 'Application/JSON' }, '{"a":1}'),
      },
    ),
    call(
      'answer/blank-json',
      'whitespace under a JSON type',
      'kavedarr',
      'http-get',
      { url: HEALTH },
      {
        scenario: rawHealth('blank-json', 200, { 'content-type': 'application/json; charset=utf-8' }, ' \n '),
      },
    ),
    call(
      'answer/json-null',
      'the JSON document null',
      'kavedarr',
      'http-get',
      { url: HEALTH },
      {
        scenario: rawHealth('json-null', 200, { 'content-type': 'application/json' }, 'null'),
      },
    ),
    call(
      'answer/teapot',
      'an unusual status and its reason phrase',
      'kavedarr',
      'http-get',
      { url: HEALTH },
      {
        scenario: rawHealth('teapot', 418, {}, 'short and stout'),
      },
    ),
    // list-secrets.
    call('list-secrets/none', 'no secrets', 'none', 'list-secrets', {}),
    call('list-secrets/namespaced', 'the scripts’ one namespaced secret', 'kavedarr', 'list-secrets', {}),
    call('list-secrets/mixed', 'plain, namespaced and restricted secrets', 'mixed', 'list-secrets', {}),
  ];
}

export function conformanceCases(): ConformanceCase[] {
  return [...behaviourCases(), ...probeCases()];
}
