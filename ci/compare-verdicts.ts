// Compares the verdicts of two harness runs of the same matrix (report.json files): the
// same exit code, telemetry status and check outcomes for every scenario × flow. CI runs
// the reference matrix with the kit's HAL server and with the real hal-mcp, and this
// proves the guardrails cannot tell the two apart.
// Usage: node ci/compare-verdicts.ts BUILTIN_REPORT.json REAL_REPORT.json
import { readFileSync } from 'node:fs';
import { type Io, type Program, parseCommandLine, processIo, runCommand, UsageError } from '../common/cli/index.ts';

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

const HELP = `Usage: node ci/compare-verdicts.ts BUILTIN_REPORT.json REAL_REPORT.json

Compares the report.json of a harness run with the kit's HAL server to the one of the same
matrix with the real hal-mcp: the exit code, telemetry status and check outcomes of every run.
Exit status: 0 the same verdicts, 1 some differ, 2 the reports could not be compared.
`;

const COMPARE_VERDICTS: Program = {
  name: 'compare-verdicts',
  invocation: 'node ci/compare-verdicts.ts',
  // Whatever stops the comparison, even a report of an unexpected shape, is exit 2 and
  // never 1: CI must not read a broken report as "the verdicts differ".
  couldNotRun: (error) => (error instanceof Error ? error.message : String(error)),
};

export function compareVerdictsMain(argv: string[], io: Io = processIo): Promise<number> {
  return runCommand(COMPARE_VERDICTS, undefined, compare, argv, io);
}

function compare(argv: string[], io: Io): number {
  const { positionals } = parseCommandLine(argv, { help: HELP, allowPositionals: true });
  const [builtinFile, realFile] = positionals;
  if (builtinFile === undefined || realFile === undefined || positionals.length > 2) {
    throw new UsageError(`give two report.json files, the built-in HAL server's run first, then the real hal-mcp's; got ${positionals.length}`);
  }
  const builtin = verdicts(builtinFile);
  const real = verdicts(realFile);
  const differences: string[] = [];
  for (const key of new Set([...builtin.keys(), ...real.keys()])) {
    if (builtin.get(key) !== real.get(key)) {
      differences.push(`${key}\n  built-in: ${builtin.get(key) ?? '(not run)'}\n  real:     ${real.get(key) ?? '(not run)'}`);
    }
  }
  if (differences.length > 0) {
    io.stdout(`The verdicts differ between the built-in HAL server and the real hal-mcp:\n${differences.join('\n')}\n`);
    return 1;
  }
  io.stdout(`Same verdicts with the built-in HAL server and the real hal-mcp: ${builtin.size} runs.\n`);
  return 0;
}

if (import.meta.main) {
  process.exitCode = await compareVerdictsMain(process.argv.slice(2));
}
