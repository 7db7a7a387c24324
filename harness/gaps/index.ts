// Gap detection: runs the scenarios and flows that probe each known guardrail gap
// (interfaces doc, section 4) and says, per gap, whether the repository still has it.
// The parts live in harness/gaps/: model.ts (the gaps, probes and verdicts), probe-runs.ts
// (reading a probe run's evidence), the judges (judge-baseline.ts, judges-smoke.ts,
// judges-body.ts), fault-probe.ts (a probe with a BASH_ENV fault), detect.ts (running the
// probes) and render.ts (console and JSON output).

export { availableFlows, detectGaps } from './detect.ts';
export {
  BASELINE_FAULT_SCENARIO,
  ERROR_BODIES_SCENARIO,
  GAP_IDS,
  type GapEvidence,
  type GapId,
  type GapState,
  type GapsOptions,
  type GapsResult,
  type GapVerdict,
  type ProbeName,
} from './model.ts';
export { buildGapsJson, evidenceLines, renderGaps } from './render.ts';
