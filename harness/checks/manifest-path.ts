// manifest-path: every cargo call of the hermetic run names the configured workspace with
// --manifest-path (without it cargo looks upwards from the working folder, gap 4).
import { resolve } from 'node:path';
import { z } from 'zod';
import type { CheckResult, RunRecord } from '../run/types.ts';
import { type CheckResultOf, result } from './result.ts';
import { isSmoke, observedStatus, readTelemetry, type TelemetryView } from './run-view.ts';

export type ManifestPathReason =
  /** The native transport runs the real cargo; there is no shim log to read. */
  | 'native-transport'
  /** The smoke reported skipped and ran no cargo (hal-reached judges whether that was meant). */
  | 'smoke-skipped'
  /** A flow without HAL calls ran no cargo. */
  | 'no-cargo-calls'
  /** The HAL smoke ran no cargo at all. */
  | 'smoke-without-cargo'
  /** The first wrong call had no --manifest-path. */
  | 'missing-flag'
  /** The first wrong call named another manifest. */
  | 'other-manifest'
  | 'configured';

export const ManifestCallSchema = z.object({
  /** The first three arguments, to tell the calls apart ("run --quiet -p"). */
  command: z.string(),
  /** --manifest-path as given; null when the call had none. */
  manifest: z.string().nullable(),
  /** Whether it resolves to the configured manifest. */
  matches: z.boolean(),
});
export type ManifestCall = z.infer<typeof ManifestCallSchema>;

export const ManifestPathSeenSchema = z.object({ transport: z.enum(['hermetic', 'native']), calls: z.array(ManifestCallSchema) });
export type ManifestPathSeen = z.infer<typeof ManifestPathSeenSchema>;

/** The cargo calls a manifest-path result saw; [] for any other result (or one of another shape). */
export function manifestCallsOf(check: CheckResult | undefined): ManifestCall[] {
  if (check?.id !== 'manifest-path') return [];
  const seen = ManifestPathSeenSchema.safeParse(check.detail.seen);
  return seen.success ? seen.data.calls : [];
}

/** The wrong calls in words, each wording once: "cargo run … ran without --manifest-path". */
export function describeWrongCalls(calls: readonly ManifestCall[], configured: string): string {
  const lines = calls
    .filter((call) => !call.matches)
    .map((call) =>
      call.manifest === null
        ? `cargo ${call.command} … ran without --manifest-path`
        : `cargo ran with --manifest-path ${call.manifest}, expected ${configured}`,
    );
  return [...new Set(lines)].join('; ');
}

/** The --manifest-path a cargo argv names (before any `--`); null when it names none. */
export function manifestOf(argv: readonly string[]): string | null {
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] as string;
    if (arg === '--') return null;
    if (arg === '--manifest-path') return argv[index + 1] ?? '';
    if (arg.startsWith('--manifest-path=')) return arg.slice('--manifest-path='.length);
  }
  return null;
}

/** `expected` is the configured manifest as given and resolved; `seen` every cargo call with the manifest it named. */
export function checkManifestPath(run: RunRecord, transport: 'hermetic' | 'native', view?: TelemetryView): CheckResultOf<ManifestPathReason> {
  const id = 'manifest-path';
  const configured = resolve(run.repoDir, run.manifest);
  const expected = { manifest: run.manifest, resolved: configured };
  if (transport === 'native') {
    return result(id, 'not-applicable', 'the native transport runs the real cargo; there is no shim log to read', {
      reason: 'native-transport',
      expected,
      seen: { transport, calls: [] },
    });
  }
  const calls: ManifestCall[] = run.shimCalls
    .filter((call) => call.shim === 'cargo')
    .map((call) => {
      const manifest = manifestOf(call.argv);
      return { command: call.argv.slice(0, 3).join(' '), manifest, matches: manifest !== null && resolve(call.cwd, manifest) === configured };
    });
  const seen: ManifestPathSeen = { transport, calls };
  if (calls.length === 0) {
    if (isSmoke(run) && observedStatus(run, view ?? readTelemetry(run)) === 'skipped') {
      return result(id, 'not-applicable', `${run.flow} reported its HAL smoke skipped and made no cargo calls`, { reason: 'smoke-skipped', expected, seen });
    }
    return isSmoke(run)
      ? result(id, 'failed', 'expected cargo calls for the HAL smoke, saw none', { reason: 'smoke-without-cargo', expected, seen })
      : result(id, 'not-applicable', `${run.flow} made no cargo calls`, { reason: 'no-cargo-calls', expected, seen });
  }
  const wrong = calls.find((call) => !call.matches);
  if (!wrong) return result(id, 'passed', `all ${calls.length} cargo calls passed --manifest-path ${run.manifest}`, { reason: 'configured', expected, seen });
  return result(id, 'failed', describeWrongCalls(calls, run.manifest), { reason: wrong.manifest === null ? 'missing-flag' : 'other-manifest', expected, seen });
}
