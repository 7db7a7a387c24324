// Public API of the mock HAL.

// The one rule for a failed smoke check (common/hal-contract), for users judging answers themselves.
export * from '../common/hal-contract/check-outcome.ts';
// Part of the shared HAL contract (common/hal-contract), re-exported so the package's users keep finding them here.
export { CHECK_NAMES, type CheckName } from '../common/hal-contract/routes.ts';
export { createMockHalHandlers, type MockHalHandlers, type MockHalHandlersOptions } from './msw/msw-handlers.ts';
// The one check of a proxy's target URL, for callers that take one on their own command line (guardrail-harness run --mock proxy:URL).
export { parseTarget } from './record/target.ts';
export { type Choice, seededDraw } from './scenario/choices.ts';
export type { Behaviour, Expectation, Phase, Scenario, ScenarioInput } from './scenario/scenario-model.ts';
export { hasChoice, parseScenario, ScenarioError, scenarioJsonSchema, usesForward } from './scenario/scenario-model.ts';
export { DEFAULT_SCENARIOS_DIR, listScenarios, loadScenarioFile, resolveScenario } from './scenario/scenario-store.ts';
export { createMockHalApp, type MockHalAppOptions } from './server/app.ts';
export { DEFAULT_API_KEY } from './server/auth.ts';
export type { JournalEntry } from './server/journal.ts';
export { type MockHal, type MockHalHandle, type StartMockHalOptions, startMockHal, toScenario } from './server/server.ts';
