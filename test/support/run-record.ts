// Builds RunRecords from real files in a temp folder, so each check can be shown
// holding and failing on exactly the input it judges.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECK_NAMES, type CheckName, GRAPHQL_PING_QUERY, smokeRequest } from '../../common/hal-contract/index.ts';
import type { RunRecord, ShimCall } from '../../harness/run/types.ts';
import type { JournalEntry } from '../../mock-hal/server/journal.ts';
import { writeCargoWorkspace } from './cargo-workspace.ts';

export const TEST_KEY = 'kvd_checks_test_key_42';
const SESSION = '2026-11-24T10:00:00Z-12345';
const STAMP = '20261124-100000Z';

export interface Workspace {
  repoDir: string;
  evidenceDir: string;
  file(name: string, content: string): string;
}

export function workspace(): Workspace {
  const repoDir = mkdtempSync(join(tmpdir(), 'checks-test-'));
  const evidenceDir = join(repoDir, 'docs/SPEC-OPS-004-integrated-coder-hooks/evidence/commands/SPEC-KIT-018');
  mkdirSync(evidenceDir, { recursive: true });
  writeCargoWorkspace(repoDir);
  return {
    repoDir,
    evidenceDir,
    file(name, content) {
      const path = join(evidenceDir, name);
      writeFileSync(path, content);
      return path;
    },
  };
}

export function journalEntry(check: CheckName, status: number | null, overrides: Partial<JournalEntry> = {}): JournalEntry {
  const { method, path, body = '' } = smokeRequest(check, null);
  return {
    id: CHECK_NAMES.indexOf(check) + 1,
    time: '2026-11-24T10:00:00.000Z',
    method,
    path,
    query: {},
    headers: {},
    body,
    bodyIsJson: body === '' ? null : true,
    ...(check === 'graphql_ping' ? { graphql: { parseable: true, operation: 'query', query: GRAPHQL_PING_QUERY } } : {}),
    check,
    scenario: 'test',
    phase: 'test',
    status,
    durationMs: 1,
    ...(status === null ? { fault: 'reset' as const } : {}),
    ...overrides,
  };
}

export function cargoCall(ws: Workspace, manifestArgs: string[] = ['--manifest-path', 'codex-rs/Cargo.toml']): ShimCall {
  return {
    shim: 'cargo',
    argv: ['run', ...manifestArgs, '--quiet', '-p', 'codex-mcp-client', '--bin', 'call_tool', '--', '--tool', 'http-get'],
    cwd: ws.repoDir,
    exitCode: 0,
    startedAt: '2026-11-24T10:00:00.000Z',
    durationMs: 100,
    action: 'call_tool',
  };
}

/**
 * A validate run as a correct guardrail leaves it: telemetry, log and captures,
 * with `failed` checks failing. Pass overrides to break one thing at a time.
 */
export function smokeRun(
  ws: Workspace,
  options: { failed?: CheckName[]; telemetry?: (t: Record<string, any>) => void; record?: Partial<RunRecord> } = {},
): RunRecord {
  const failed = options.failed ?? [];
  const log = ws.file(`spec-validate_${SESSION}.log`, 'validate: HAL smoke ran\n');
  const captures = CHECK_NAMES.map((check) =>
    ws.file(`${STAMP}-hal-${check}.json`, failed.includes(check) ? `{"status":500,"error":"down"}` : `{"ok":true,"check":"${check}"}`),
  );
  const passedCaptures = captures.filter((_, index) => !failed.includes(CHECK_NAMES[index] as CheckName));
  const status = failed.length === 0 ? 'passed' : 'failed';
  const telemetry: Record<string, any> = {
    schemaVersion: 1,
    command: 'spec-ops-validate',
    specId: 'SPEC-KIT-018',
    sessionId: SESSION,
    timestamp: '2026-11-24T10:00:01Z',
    scenarios: [{ name: 'validate guardrail bootstrap', status }],
    artifacts: [{ path: log }, ...passedCaptures.map((path) => ({ path }))],
    hal: {
      summary: {
        status,
        ...(failed.length > 0 ? { failed_checks: failed } : {}),
        ...(passedCaptures.length > 0 ? { artifacts: passedCaptures } : {}),
      },
    },
  };
  options.telemetry?.(telemetry);
  const telemetryPath = ws.file(`spec-validate_${SESSION}.json`, JSON.stringify(telemetry, null, 2));
  return {
    scenario: failed.length === 0 ? 'healthy' : 'degraded',
    flow: 'validate',
    expect: { status, failedChecks: failed },
    exitCode: failed.length === 0 ? 0 : 1,
    signal: null,
    timedOut: false,
    durationMs: 1000,
    stdout: '',
    stderr: '',
    telemetryPath,
    producedFiles: [telemetryPath, log, ...captures],
    journal: CHECK_NAMES.map((check) => journalEntry(check, failed.includes(check) ? 500 : 200)),
    shimCalls: CHECK_NAMES.map(() => cargoCall(ws)),
    apiKey: TEST_KEY,
    telemetryHal: true,
    manifest: 'codex-rs/Cargo.toml',
    repoDir: ws.repoDir,
    ...options.record,
  };
}

export function planRun(ws: Workspace, options: { baselineStatus: string; exitCode: number; forcedFail: boolean; allowFail?: boolean }): RunRecord {
  const log = ws.file(`spec-plan_${SESSION}.log`, 'plan\n');
  const report = ws.file(`baseline_${SESSION}.md`, `# Baseline Audit\n\n- Status: ${options.baselineStatus}\n`);
  const telemetryPath = ws.file(
    `spec-plan_${SESSION}.json`,
    JSON.stringify({
      schemaVersion: 1,
      command: 'spec-ops-plan',
      specId: 'SPEC-KIT-018',
      sessionId: SESSION,
      timestamp: '2026-11-24T10:00:01Z',
      baseline: { mode: 'no-run', artifact: report, status: options.baselineStatus },
      hooks: { 'session.start': 'ok' },
      artifacts: [{ path: report }, { path: log }],
    }),
  );
  return {
    scenario: options.forcedFail ? 'degraded' : 'healthy',
    flow: 'plan',
    expect: { status: options.forcedFail ? 'failed' : 'passed', failedChecks: [] },
    exitCode: options.exitCode,
    signal: null,
    timedOut: false,
    durationMs: 50,
    stdout: '',
    stderr: '',
    telemetryPath,
    producedFiles: [telemetryPath, log, report],
    journal: [],
    shimCalls: [],
    apiKey: TEST_KEY,
    telemetryHal: true,
    manifest: 'codex-rs/Cargo.toml',
    repoDir: ws.repoDir,
    baseline: { forcedFail: options.forcedFail, allowFail: options.allowFail ?? false },
  };
}
