// Shared by the spec-kit-reader-*.test.ts files: the smallest telemetry file of each stage
// the Spec Kit accepts, a way to break one field of it, and a temporary repository for
// the relative artifact those files list.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Flow } from '../../../harness/run/types.ts';
import { specKitSchemaIssues } from '../../../harness/telemetry/spec-kit-reader.ts';

const ENVELOPE = { specId: 'SPEC-KIT-018', sessionId: 'S1', timestamp: 'T1' };

/** A temporary repository holding docs/run.log, the artifact `minimal` lists; the caller removes it. */
export function makeRepo(): string {
  const repo = mkdtempSync(join(tmpdir(), 'spec-kit-reader-'));
  mkdirSync(join(repo, 'docs'), { recursive: true });
  writeFileSync(join(repo, 'docs', 'run.log'), 'log\n');
  return repo;
}

/** The smallest file of each stage the Spec Kit accepts, with a relative artifact that exists. */
export function minimal(flow: Flow): Record<string, any> {
  const artifacts = ['docs/run.log'];
  switch (flow) {
    case 'plan':
      return { ...ENVELOPE, command: 'spec-ops-plan', artifacts, baseline: { mode: 'm', artifact: 'a', status: 'passed' }, hooks: { 'session.start': 'ok' } };
    case 'tasks':
      return { ...ENVELOPE, command: 'spec-ops-tasks', artifacts, tool: { status: 'ok' } };
    case 'implement':
      return { ...ENVELOPE, command: 'spec-ops-implement', artifacts, lock_status: 'locked', hook_status: 'ok' };
    case 'validate':
      return { ...ENVELOPE, command: 'spec-ops-validate', scenarios: [{ name: 'n', status: 'passed' }] };
    case 'audit':
      return { ...ENVELOPE, command: 'spec-ops-audit', artifacts, scenarios: [{ name: 'n', status: 'passed' }] };
    case 'unlock':
      return { ...ENVELOPE, command: 'spec-ops-unlock', artifacts, unlock_status: 'unlocked' };
  }
}

export function edit(flow: Flow, change: (data: Record<string, any>) => void): Record<string, any> {
  const data = minimal(flow);
  change(data);
  return data;
}

/** The code and path of each schema issue. */
export const codes = (data: unknown, flow: Flow) => specKitSchemaIssues(data, flow).map((issue) => [issue.code, issue.path]);
