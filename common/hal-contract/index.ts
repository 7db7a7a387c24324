// The HAL contract: what the guardrails, the mock, the recorder and the harness must
// agree on. Each rule lives in exactly one file below.
export { CHECK_NAMES, SMOKE_ROUTES, checkAtPath, checkOfRequest, describeSmokeRoutes, isCheckName, type CheckName, type SmokeRoute } from './routes.ts';
export {
  API_KEY_HEADERS,
  GRAPHQL_PING_BODY,
  GRAPHQL_PING_QUERY,
  LIST_MOVIES_HAL_QUERY,
  apiKeyHeaders,
  smokeRequest,
  type SmokeRequest,
} from './smoke-requests.ts';
export {
  CHECK_OUTCOME_RULE,
  bodyProblem,
  checkFailure,
  graphqlResponseProblem,
  isSuccessStatus,
  journalAnswer,
  type SmokeAnswer,
} from './check-outcome.ts';
export { SCENARIO_NAME_MAX_LENGTH, SCENARIO_NAME_PATTERN, SCENARIO_NAME_RULE, isScenarioName, looksLikeScenarioPath } from './scenario-name.ts';
export { REDACTED, redact, redactor, secretsToHide } from './redact.ts';
