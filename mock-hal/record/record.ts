// mock-hal record: capture how a real API answers the four HAL smoke checks and write
// it down as a scenario that replays those answers. This file is the record command's
// API; each job lives in its own file:
//   target.ts            the --target URL and the smoke requests aimed at it
//   record-smoke.ts      sending the four smoke requests, once or for several rounds
//   recording-proxy.ts   sitting in front of the API and keeping every answer per endpoint (bounded)
//   recorded-answer.ts   what is kept of an answer, and how it is judged
//   replay-headers.ts    which response headers a recording keeps
//   recorded-scenario.ts answers → scenario (a sequence where they differ), and scenario names
//   scenario-file.ts     writing the scenario file

export { type RecordSmokeOptions, recordCheck, recordSmoke } from './record-smoke.ts';
export { DEFAULT_RECORD_TIMEOUT_MS, failureReason, MAX_ANSWERS_PER_ENDPOINT, RecordError, type RecordedAnswer, sameAnswer } from './recorded-answer.ts';
export { type BuildScenarioOptions, buildRecordedScenario, checkScenarioName, scenarioNameFromFile } from './recorded-scenario.ts';
export { type RecordingProxy, type RecordingProxyOptions, startRecordingProxy } from './recording-proxy.ts';
export { keptHeaders } from './replay-headers.ts';
export { assertWritable, writeScenarioFile } from './scenario-file.ts';
export { parseTarget, smokeRequestInit } from './target.ts';
