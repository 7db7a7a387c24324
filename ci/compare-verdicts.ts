// Compares the verdicts of two harness runs of the same matrix (report.json files): the
// same exit code, telemetry status and check outcomes for every scenario × flow. CI runs
// the reference matrix with the kit's HAL server and with the real hal-mcp, and this
// proves the guardrails cannot tell the two apart.
// Usage: node ci/compare-verdicts.ts BUILTIN_REPORT.json REAL_REPORT.json
import { readFileSync } from 'node:fs';

interface RunVerdict {
  scenario: string;
  /** A failure window's phase: its runs share the scenario name. */
  phase?: string;
  flow: string;
  exitCode: number | null;
  status: string | null;
  checks: Array<{ id: string; status: string }>;
}

function verdicts(file: string): Map<string, string> {
  let report: { runs?: RunVerdict[] };
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as { runs?: RunVerdict[] };
  } catch (error) {
    throw new Error(`cannot read the report ${file}: ${(error as Error).message}; pass two report.json files`);
  }
  if (!Array.isArray(report.runs) || report.runs.length === 0) throw new Error(`${file} holds no runs`);
  const out = new Map<string, string>();
  for (const run of report.runs) {
    const checks = run.checks.map((check) => `${check.id}=${check.status}`).join(' ');
    const key = `${run.scenario}${run.phase === undefined ? '' : `/${run.phase}`} ${run.flow}`;
    if (out.has(key)) throw new Error(`${file} has two runs of ${key}; pass the report of one matrix`);
    out.set(key, `exit ${run.exitCode}, status ${run.status}, ${checks}`);
  }
  return out;
}

const [builtinFile, realFile, ...rest] = process.argv.slice(2);
if (builtinFile === undefined || realFile === undefined || rest.length > 0) {
  process.stderr.write('usage: node ci/compare-verdicts.ts BUILTIN_REPORT.json REAL_REPORT.json\n');
  process.exit(2);
}
try {
  const builtin = verdicts(builtinFile);
  const real = verdicts(realFile);
  const differences: string[] = [];
  for (const key of new Set([...builtin.keys(), ...real.keys()])) {
    if (builtin.get(key) !== real.get(key)) {
      differences.push(`${key}\n  built-in: ${builtin.get(key) ?? '(not run)'}\n  real:     ${real.get(key) ?? '(not run)'}`);
    }
  }
  if (differences.length > 0) {
    process.stdout.write(`The verdicts differ between the built-in HAL server and the real hal-mcp:\n${differences.join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write(`Same verdicts with the built-in HAL server and the real hal-mcp: ${builtin.size} runs.\n`);
} catch (error) {
  process.stderr.write(`compare-verdicts: ${(error as Error).message}\n`);
  process.exit(2);
}
