// guardrail-harness run in this process, as its bin runs it, keeping what it printed: for
// tests of a command's output and exit status that need no separate process.
import { harnessMain, type Io } from '../../harness/cli/commands.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runHarnessCli(args: readonly string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await harnessMain([...args], {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

/** An Io that keeps each write, for tests that call a command's main themselves. */
export function captureIo(): Io & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (text) => out.push(text), stderr: (text) => err.push(text) };
}
