// Small git histories of the reference guardrails for the history and bisect tests: each
// commit is made with a fixed identity and fixed dates, so its sha is the same on every
// machine, and gaps come and go through the variant patches (variant-repo.ts).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REFERENCE_GUARDRAILS_DIR } from '../../harness/run/runner.ts';
import { patchFile } from './variant-repo.ts';

export const VALIDATE = 'scripts/spec_ops_004/commands/spec_ops_validate.sh';
export const AUDIT = 'scripts/spec_ops_004/commands/spec_ops_audit.sh';

/** A scratch repository and a way to add commits to it, each a day after the one before. */
export class HistoryBuilder {
  readonly dir: string;
  private readonly base: string;
  private day = 0;

  constructor(prefix: string) {
    this.base = mkdtempSync(join(tmpdir(), prefix));
    this.dir = join(this.base, 'repo');
    cpSync(REFERENCE_GUARDRAILS_DIR, this.dir, { recursive: true });
    this.git('init', '-q', '-b', 'main');
  }

  git(...args: string[]): string {
    const date = `2026-01-${String(1 + this.day).padStart(2, '0')}T10:00:00+00:00`;
    return execFileSync('git', ['-c', 'user.name=Guardrail Author', '-c', 'user.email=author@example.com', '-c', 'commit.gpgsign=false', ...args], {
      cwd: this.dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      // The user's and the system's git settings must not change a sha.
      env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    }).trim();
  }

  /** Commits what `change` did to the work tree, and returns the new commit's sha. */
  commit(subject: string, change: () => void = () => undefined): string {
    change();
    this.day += 1;
    this.git('add', '-A');
    this.git('commit', '-q', '--no-verify', '-m', subject);
    return this.git('rev-parse', 'HEAD');
  }

  /** Applies (or with reverse, takes back) a variant patch in the work tree. */
  patch(variant: string, reverse = false): void {
    this.git('apply', ...(reverse ? ['-R'] : []), '--whitespace=nowarn', patchFile(variant));
  }

  revert(sha: string): string {
    this.day += 1;
    this.git('revert', '--no-edit', sha);
    return this.git('rev-parse', 'HEAD');
  }

  merge(branch: string, subject: string): string {
    this.day += 1;
    this.git('merge', '-q', '--no-ff', '-m', subject, branch);
    return this.git('rev-parse', 'HEAD');
  }

  append(file: string, text: string): void {
    writeFileSync(join(this.dir, file), `${readFileSync(join(this.dir, file), 'utf8')}${text}`);
  }

  remove(): void {
    rmSync(this.base, { recursive: true, force: true });
  }
}

export interface GapHistory {
  builder: HistoryBuilder;
  /** Every commit by its label. */
  sha: Record<'A' | 'B' | 'X' | 'R' | 'H' | 'I' | 'S1' | 'S2' | 'M' | 'N', string>;
}

/**
 * Ten commits; first-parent line A B X R H I M N, and S1 S2 on the branch M merges:
 *   A   the reference guardrails                                      tree T0
 *   B   README only                                                   (not a guardrail change)
 *   X   graphql_ping args built by hand: graphql-escaping comes in     tree T3
 *   R   git revert X: fixed, the tree is T0 again                      tree T0
 *   H   validate and audit removed: every gap but baseline-exit is not testable   tree Tp
 *   I   they come back                                                tree T0
 *   S1  (branch feature, from I) the args by hand again               tree T3
 *   S2  (branch feature) docs only
 *   M   merge feature: graphql-escaping comes in again, with the merge tree T3
 *   N   git revert of S1 on main: fixed                               tree T0
 */
export function buildGapHistory(): GapHistory {
  const repo = new HistoryBuilder('history-test-');
  const A = repo.commit('Add the guardrails');
  const B = repo.commit('README: how to run the checks', () => repo.append('README.md', '\nRun `guardrail-harness gaps` before a release.\n'));
  const X = repo.commit('Build the graphql_ping args by hand', () => repo.patch('graphql-unescaped'));
  const R = repo.revert(X);
  const H = repo.commit('Drop validate and audit for a rewrite', () => repo.git('rm', '-q', VALIDATE, AUDIT));
  const I = repo.commit('Bring validate and audit back', () => repo.git('checkout', R, '--', VALIDATE, AUDIT));
  repo.git('checkout', '-q', '-b', 'feature');
  const S1 = repo.commit('Build the graphql_ping args by hand again', () => repo.patch('graphql-unescaped'));
  const S2 = repo.commit('docs: how the graphql_ping args are built', () => writeFileSync(join(repo.dir, 'docs/graphql-args.md'), '# graphql_ping args\n'));
  repo.git('checkout', '-q', 'main');
  const M = repo.merge('feature', "Merge branch 'feature'");
  const N = repo.commit('Escape the graphql_ping args again', () => repo.patch('graphql-unescaped', true));
  return { builder: repo, sha: { A, B, X, R, H, I, S1, S2, M, N } };
}
