// The BASH_ENV fault module on its own: each fault acts on the one script it names, before
// that script's first line, without the script being changed; every other script runs as
// written; and the log says what started and what the fault did. Tiny scripts stand in for
// the guardrails here; knobs.test.ts and gaps.test.ts run the real ones.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DIRTY_FILE,
  type FaultRequest,
  faultScript,
  INJECTED_EXIT_STATUS,
  type PreparedFault,
  prepareFault,
  shellQuote,
} from '../../../harness/run/fault-injection.ts';

const scratch = mkdtempSync(join(tmpdir(), 'fault-injection-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let serial = 0;
/** A folder holding a tiny scripts/spec_ops_004 tree: a plan that runs an audit the way the reference does. */
function tree(audit: string, plan?: string): string {
  serial += 1;
  const root = join(scratch, `tree-${serial}`);
  mkdirSync(join(root, 'scripts/spec_ops_004/commands'), { recursive: true });
  writeFileSync(join(root, 'scripts/spec_ops_004/baseline_audit.sh'), `set -euo pipefail\n${audit}\n`);
  writeFileSync(
    join(root, 'scripts/spec_ops_004/commands/spec_ops_plan.sh'),
    plan ??
      `set -euo pipefail
here=\${BASH_SOURCE[0]%/*}
bash "$here/../baseline_audit.sh" SPEC-1 --output "$PWD/report.md" "$@" && rc=0 || rc=$?
printf 'plan args: %s\\nrc=%s\\n' "$*" "$rc"
exit "$rc"
`,
  );
  return root;
}

function run(
  root: string,
  fault: PreparedFault | null,
  env: Record<string, string> = {},
  script = 'scripts/spec_ops_004/commands/spec_ops_plan.sh',
  args: string[] = [],
) {
  const result = spawnSync('bash', [join(root, script), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...(fault ? { BASH_ENV: fault.bashEnvFile } : {}), ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const faults: PreparedFault[] = [];
async function fault(request: FaultRequest, chain?: string): Promise<PreparedFault> {
  const prepared = await prepareFault(request, chain ? { chainBashEnv: chain } : {});
  faults.push(prepared);
  return prepared;
}
afterAll(async () => {
  for (const prepared of faults) await prepared.remove();
});

const PASSING_AUDIT = `[[ \${SPEC_OPS_BASELINE_FORCE_FAIL:-0} == 1 ]] && status=failed || status=passed
out=""; while (($#)); do [[ $1 == --output ]] && out=$2; shift; done
printf -- '- Status: %s\\n' "$status" >"$out"
[[ $status == passed ]]`;

describe('fault baseline-exit-after-pass', () => {
  it('lets the audit write its passing report (drill variable unset), then makes it exit 3; a correct plan sees 3', async () => {
    const root = tree(PASSING_AUDIT);
    const prepared = await fault({ name: 'baseline-exit-after-pass' });
    const result = run(root, prepared, { SPEC_OPS_BASELINE_FORCE_FAIL: '1' });
    expect(readFileSync(join(root, 'report.md'), 'utf8')).toBe('- Status: passed\n');
    expect(result.stdout).toContain(`rc=${INJECTED_EXIT_STATUS}`);
    expect(result.code).toBe(INJECTED_EXIT_STATUS);
    const events = prepared.events();
    expect(events.map((event) => [event.event, event.script.split('/').pop()])).toEqual([
      ['start', 'spec_ops_plan.sh'],
      ['armed', 'baseline_audit.sh'],
      ['start', 'baseline_audit.sh'],
      ['exit', 'baseline_audit.sh'],
    ]);
    // The audit's own status was 0: only the injected exit status says it failed.
    expect(events.at(-1)?.detail).toBe('0');
    expect(events[2]?.argv).toEqual(['SPEC-1', '--output', join(root, 'report.md')]);
  });

  it('is invisible to a plan that captures the status as `if ! cmd; then rc=$?`', async () => {
    const root = tree(
      PASSING_AUDIT,
      `set -euo pipefail
rc=0
if ! bash "\${BASH_SOURCE[0]%/*}/../baseline_audit.sh" SPEC-1 --output "$PWD/report.md"; then
  rc=$?
fi
echo "rc=$rc"
`,
    );
    const result = run(root, await fault({ name: 'baseline-exit-after-pass' }));
    expect(result.stdout).toBe('rc=0\n');
    expect(result.code).toBe(0);
  });

  it("keeps the script's own EXIT trap (run first, even when it calls exit) and other traps", async () => {
    const root = tree(`trap 'echo own-exit-trap rc=$?; exit 0' EXIT
trap 'echo term' TERM
trap -p TERM
true`);
    const result = run(root, await fault({ name: 'baseline-exit-after-pass', status: 7 }), {}, 'scripts/spec_ops_004/baseline_audit.sh');
    expect(result.stdout).toBe("trap -- 'echo term' SIGTERM\nown-exit-trap rc=0\n");
    expect(result.code).toBe(7);
  });
});

describe('faults that take the baseline output away', () => {
  it('baseline-no-output: the audit exits 0 before its first line, writing nothing', async () => {
    const root = tree(`${PASSING_AUDIT}\necho audit ran`);
    const prepared = await fault({ name: 'baseline-no-output' });
    const result = run(root, prepared);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('audit ran');
    expect(existsSync(join(root, 'report.md'))).toBe(false);
    expect(prepared.events().find((event) => event.event === 'armed')?.detail).toBe('exited 0 before the script ran');
  });

  it('baseline-empty-report: the audit leaves its --output (either spelling) empty and exits 0', async () => {
    const root = tree(`echo audit ran; exit 1`);
    const prepared = await fault({ name: 'baseline-empty-report' });
    const result = run(root, prepared);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('audit ran');
    expect(statSync(join(root, 'report.md')).size).toBe(0);
    const eq = join(root, 'nested/eq.md');
    expect(run(root, prepared, {}, 'scripts/spec_ops_004/baseline_audit.sh', [`--output=${eq}`]).code).toBe(0);
    expect(statSync(eq).size).toBe(0);
  });
});

describe('faults for the knobs', () => {
  it('dirty-tree: plan starts with a new file at the root, staged and changed again', async () => {
    const root = tree('true', 'git status --porcelain\n');
    for (const args of [
      ['init', '-q'],
      ['add', '-A'],
      ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'clean'],
    ]) {
      expect(spawnSync('git', args, { cwd: root }).status).toBe(0);
    }
    const prepared = await fault({ name: 'dirty-tree' });
    expect(run(root, prepared).stdout).toBe(`AM ${DIRTY_FILE}\n`);
    expect(prepared.events()[0]?.detail).toBe(`AM ${DIRTY_FILE}`);
  });

  it('unset-env: the variable is gone in every bash, as if never set', async () => {
    const root = tree(
      'echo "audit sees ${SPEC_OPS_CARGO_MANIFEST-unset}"',
      'echo "plan sees ${SPEC_OPS_CARGO_MANIFEST-unset}"; bash "${BASH_SOURCE[0]%/*}/../baseline_audit.sh"\n',
    );
    const prepared = await fault({ name: 'unset-env', names: ['SPEC_OPS_CARGO_MANIFEST'] });
    expect(run(root, prepared, { SPEC_OPS_CARGO_MANIFEST: 'x/Cargo.toml' }).stdout).toBe('plan sees unset\naudit sees unset\n');
    expect(
      prepared
        .events()
        .filter((event) => event.event === 'start')
        .map((event) => event.manifestEnv),
    ).toEqual([null, null]);
    expect(() => faultScript({ name: 'unset-env', names: ['NOT A NAME'] }, '/dev/null')).toThrow(/not a shell variable name/);
  });

  it('plan-args: plan sees the arguments after its own, quoted exactly (what it hands on is up to plan)', async () => {
    const root = tree('echo "audit args: $*"');
    const odd = '/tmp/it\'s a "path"/$HOME/Cargo.toml';
    const prepared = await fault({ name: 'plan-args', args: ['--manifest-path', odd] });
    const result = run(root, prepared, {}, 'scripts/spec_ops_004/commands/spec_ops_plan.sh', ['--mine']);
    expect(result.stdout).toContain(`plan args: --mine --manifest-path ${odd}\n`);
    expect(result.stdout).toContain(`audit args: SPEC-1 --output ${join(root, 'report.md')} --mine --manifest-path ${odd}\n`);
    const start = prepared.events().find((event) => event.event === 'start');
    expect(start?.argv).toEqual(['--mine', '--manifest-path', odd]);
  });

  it('reads the BASH_ENV the scripts would otherwise have read first, and leaves other scripts alone', async () => {
    const user = join(scratch, 'user-env.sh');
    writeFileSync(user, 'USER_HOOK=loaded\n');
    const root = tree('echo "audit: ${USER_HOOK-missing}"; exit 4');
    const prepared = await fault({ name: 'baseline-no-output' }, user);
    const other = join(root, 'other.sh');
    writeFileSync(other, 'echo "other: ${USER_HOOK-missing}"; exit 5\n');
    expect(run(root, prepared, {}, 'other.sh')).toMatchObject({ code: 5, stdout: 'other: loaded\n' });
    expect(prepared.events()).toEqual([]);
  });
});

describe('shellQuote', () => {
  it('gives a bash word for any text', () => {
    for (const text of ['', 'plain', "it's", '$(rm -rf /)', 'a\nb', '"\\']) {
      const result = spawnSync('bash', ['-c', `printf %s ${shellQuote(text)}`], { encoding: 'utf8' });
      expect(result.stdout).toBe(text);
    }
  });
});
