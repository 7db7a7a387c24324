// The checks: each judges one thing about one run and says, in `message` for people and
// in `detail` (reason code, expected, seen) for tools, what it expected and what it saw.
// One file per check id, each exporting its reason codes; they read only the RunRecord,
// so they test without a guardrail. run-view.ts reads what several of them share.
import type { CheckId, CheckResult, RunRecord } from '../run/types.ts';
import { type ArtifactsReason, checkArtifacts } from './artifacts.ts';
import { type BaselineReason, checkBaseline } from './baseline.ts';
import { checkHalReached, type HalReachedReason } from './check-hal-reached.ts';
import { type SpecKitOutcomeReason, specKitOutcomeCheck } from './checks-spec-kit.ts';
import { checkExitCode, type ExitCodeReason } from './exit-code.ts';
import { checkGraphqlEscaping, type GraphqlEscapingReason } from './graphql-escaping.ts';
import { checkJournalConsistency, type JournalConsistencyReason } from './journal-consistency.ts';
import { checkManifestPath, type ManifestPathReason } from './manifest-path.ts';
import { expectedStatus, observedStatus, readTelemetry } from './run-view.ts';
import { checkSecretLeak, type SecretLeakReason } from './secret-leak.ts';
import { checkTelemetrySchema, type TelemetrySchemaReason } from './telemetry-schema.ts';
import { checkTelemetryStatus, type TelemetryStatusReason } from './telemetry-status.ts';
import type { TransitionReason } from './transition.ts';

export { manifestOf } from './manifest-path.ts';
export { type CheckResultOf, result } from './result.ts';
export { expectedStatus, observedStatus, readTelemetry, type TelemetryView } from './run-view.ts';
export { checkTransition, notApplicableTransition, type TransitionInput } from './transition.ts';
export {
  checkArtifacts,
  checkBaseline,
  checkExitCode,
  checkGraphqlEscaping,
  checkHalReached,
  checkJournalConsistency,
  checkManifestPath,
  checkSecretLeak,
  checkTelemetrySchema,
  checkTelemetryStatus,
  specKitOutcomeCheck,
};

/** The reason codes of each check, so a tool can switch on `detail.reason` with the compiler's help. */
export interface CheckReasons {
  'exit-code': ExitCodeReason;
  'telemetry-schema': TelemetrySchemaReason;
  'telemetry-status': TelemetryStatusReason;
  'spec-kit-outcome': SpecKitOutcomeReason;
  'journal-consistency': JournalConsistencyReason;
  'hal-reached': HalReachedReason;
  artifacts: ArtifactsReason;
  'graphql-escaping': GraphqlEscapingReason;
  'manifest-path': ManifestPathReason;
  'secret-leak': SecretLeakReason;
  transition: TransitionReason;
  baseline: BaselineReason;
}
export type ReasonOf<Id extends CheckId> = CheckReasons[Id];

/** The reason of a check result, typed by its id; null when the list has no such check. */
export function reasonOf<Id extends CheckId>(checks: readonly CheckResult[], id: Id): ReasonOf<Id> | null {
  return (checks.find((check) => check.id === id)?.detail.reason as ReasonOf<Id> | undefined) ?? null;
}

/** Every per-run check, in the fixed order of CHECK_IDS; `transition` is added across runs. */
export function judgeRun(run: RunRecord, transport: 'hermetic' | 'native'): { checks: CheckResult[]; status: ReturnType<typeof observedStatus> } {
  const view = readTelemetry(run);
  const status = observedStatus(run, view);
  return {
    status,
    checks: [
      checkExitCode(run),
      checkTelemetrySchema(run, view),
      checkTelemetryStatus(run, view),
      specKitOutcomeCheck(run, view, expectedStatus(run.flow, run.expect)),
      checkJournalConsistency(run, view),
      checkHalReached(run, status),
      checkArtifacts(run, view),
      checkGraphqlEscaping(run, view),
      checkManifestPath(run, transport, view),
      checkSecretLeak(run),
      checkBaseline(run, view),
    ],
  };
}
