// Public API of the mock HAL.
export { startMockHal, type MockHal, type MockHalHandle, type StartMockHalOptions } from './server.ts';
export { createMockHalApp, type MockHalAppOptions } from './app.ts';
export { createMockHalHandlers, type MockHalHandlers, type MockHalHandlersOptions } from './msw-handlers.ts';
export { CHECK_NAMES, ScenarioError, parseScenario, scenarioJsonSchema } from './scenario-model.ts';
export type { Behaviour, CheckName, Expectation, Phase, Scenario, ScenarioInput } from './scenario-model.ts';
export { DEFAULT_SCENARIOS_DIR, listScenarios, loadScenarioFile, resolveScenario } from './scenario-store.ts';
export { DEFAULT_API_KEY } from './auth.ts';
export type { JournalEntry } from './journal.ts';
export { CHECK_OUTCOME_RULE, bodyProblem, checkFailure, graphqlResponseProblem, isSuccessStatus, journalAnswer, type SmokeAnswer } from './check-outcome.ts';
