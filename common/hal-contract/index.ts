// The HAL contract: what the guardrails, the mock, the recorder and the harness must
// agree on. Each rule lives in exactly one file below.

export {
  bodyProblem,
  CHECK_OUTCOME_RULE,
  checkFailure,
  graphqlResponseProblem,
  isSuccessStatus,
  journalAnswer,
  type SmokeAnswer,
} from './check-outcome.ts';
export { REDACTED, redact, redactor, secretsToHide } from './redact.ts';
export { CHECK_NAMES, type CheckName, checkAtPath, checkOfRequest, describeSmokeRoutes, isCheckName, SMOKE_ROUTES, type SmokeRoute } from './routes.ts';
export { isScenarioName, looksLikeScenarioPath, SCENARIO_NAME_MAX_LENGTH, SCENARIO_NAME_PATTERN, SCENARIO_NAME_RULE } from './scenario-name.ts';
export {
  API_KEY_HEADERS,
  apiKeyHeaders,
  GRAPHQL_PING_BODY,
  GRAPHQL_PING_QUERY,
  LIST_MOVIES_HAL_QUERY,
  type SmokeRequest,
  smokeRequest,
} from './smoke-requests.ts';
