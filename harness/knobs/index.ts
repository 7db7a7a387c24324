// Knob probing: one row per documented variable of the scripts' environment, and plan's
// --manifest-path and an empty baseline output, each probed on copies of the repository
// and judged holds, broken or not-testable. The parts live in harness/knobs/: model.ts
// (the rows and probes), judges.ts, detect.ts (running the probes) and render.ts.

export { detectKnobs } from './detect.ts';
export {
  FAILING_BASELINE_SCENARIO,
  KNOB_DOC,
  KNOB_IDS,
  KNOB_PROBE_NAMES,
  type KnobEvidence,
  type KnobId,
  type KnobProbeName,
  type KnobRow,
  type KnobState,
  type KnobsOptions,
  type KnobsResult,
  PROBES_OF_KNOB,
} from './model.ts';
export { buildKnobsJson, renderKnobs } from './render.ts';
