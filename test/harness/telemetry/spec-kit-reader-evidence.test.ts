// The Spec Kit's reader (guardrail-interfaces.md §3, "How the Spec Kit consumes
// telemetry"): the evidence rule, that listed artifacts exist, resolved from the repo root.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flow } from '../../../harness/run/types.ts';
import { MAX_LISTED_MISSING, readAsSpecKit, specKitEvidence, specKitSchemaIssues } from '../../../harness/telemetry/spec-kit-reader.ts';
import { edit, makeRepo } from './spec-kit-reader-fixtures.ts';

let repo: string;
beforeAll(() => {
  repo = makeRepo();
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

const read = (data: unknown, flow: Flow) => readAsSpecKit(data, flow, { repoRoot: repo });

describe('evidence validation', () => {
  it('skips validate entirely', () => {
    const data = edit('validate', (d) => (d.artifacts = [{ path: '/no/such/file' }]));
    expect(specKitEvidence(data, 'validate', { repoRoot: repo })).toEqual({ applies: false, issues: [], found: [] });
  });

  it('accepts strings and {path} objects; relative paths resolve from the repo root', () => {
    const data = edit('audit', (d) => (d.artifacts = ['docs/run.log', { path: join(repo, 'docs', 'run.log') }]));
    const result = specKitEvidence(data, 'audit', { repoRoot: repo });
    expect(result.issues).toEqual([]);
    expect(result.found.map((found) => found.at)).toEqual([join(repo, 'docs', 'run.log'), join(repo, 'docs', 'run.log')]);
    // From another root the same relative path is not there.
    const elsewhere = specKitEvidence(data, 'audit', { repoRoot: join(repo, 'docs') });
    expect(elsewhere.issues.map((issue) => [issue.code, issue.path])).toEqual([['artifact-missing', 'artifacts[0]']]);
    expect(elsewhere.issues[0]?.message).toBe(
      `"docs/run.log" does not exist (relative paths resolve from the repo root ${join(repo, 'docs')}: looked for ${join(repo, 'docs', 'docs', 'run.log')})`,
    );
  });

  it('wants every listed artifact to exist, and at least one', () => {
    const some = specKitEvidence(
      edit('plan', (d) => (d.artifacts = ['docs/run.log', '/no/such.log'])),
      'plan',
      { repoRoot: repo },
    );
    expect(some.issues).toEqual([
      { code: 'artifact-missing', path: 'artifacts[1]', message: '"/no/such.log" does not exist', artifact: '/no/such.log', resolved: '/no/such.log' },
    ]);
    const none = specKitEvidence(
      edit('tasks', (d) => (d.artifacts = [{ path: '/no/such.log' }])),
      'tasks',
      { repoRoot: repo },
    );
    expect(none.issues.map((issue) => [issue.code, issue.path])).toEqual([
      ['artifact-missing', 'artifacts[0].path'],
      ['no-evidence', 'artifacts'],
    ]);
  });

  it('wants at least one artifact from audit, whose schema lets it leave them out', () => {
    const data = edit('audit', (d) => delete d.artifacts);
    expect(specKitSchemaIssues(data, 'audit')).toEqual([]);
    const reading = read(data, 'audit');
    expect(reading.evidence.issues).toEqual([
      { code: 'no-evidence', path: 'artifacts', message: 'no artifact is listed; the Spec Kit wants at least one that exists' },
    ]);
    expect(reading.outcome).toMatchObject({
      decision: 'halt',
      reasons: [
        { code: 'missing-evidence', holds: false },
        { code: 'scenarios', holds: true },
      ],
    });
  });

  it('refuses artifacts that are no path', () => {
    const data = edit('unlock', (d) => (d.artifacts = ['docs/run.log', 7, { file: 'x' }, { path: '' }, '  ']));
    expect(specKitEvidence(data, 'unlock', { repoRoot: repo }).issues.map((issue) => [issue.code, issue.path])).toEqual([
      ['artifact-not-a-path', 'artifacts[1]'],
      ['artifact-not-a-path', 'artifacts[2]'],
      ['artifact-not-a-path', 'artifacts[3]'],
      ['artifact-not-a-path', 'artifacts[4]'],
    ]);
  });

  it('counts a copy standing in for a file the run wrote (a harness bundle)', () => {
    const data = edit('plan', (d) => (d.artifacts = ['/gone/repo/docs/plan.log']));
    const copies = new Map([['/gone/repo/docs/plan.log', join(repo, 'docs', 'run.log')]]);
    expect(specKitEvidence(data, 'plan', { repoRoot: repo, copies })).toEqual({
      applies: true,
      issues: [],
      found: [{ artifact: '/gone/repo/docs/plan.log', at: join(repo, 'docs', 'run.log'), viaCopy: true }],
    });
  });

  it(`lists at most ${MAX_LISTED_MISSING} missing artifacts one by one`, () => {
    const data = edit('plan', (d) => (d.artifacts = Array.from({ length: 50 }, (_, i) => `/no/${i}.log`)));
    const issues = specKitEvidence(data, 'plan', { repoRoot: repo }).issues;
    expect(issues).toHaveLength(MAX_LISTED_MISSING + 2);
    expect(issues.at(-2)?.message).toBe(`and ${50 - MAX_LISTED_MISSING} more listed artifacts do not exist`);
    expect(issues.at(-1)?.code).toBe('no-evidence');
  });
});
