// For hermetic.test.ts: the smoke's call line run by bash with the shims on PATH, as a
// guardrail script runs it, the key placeholders hal-mcp substitutes, and the shim log.
import { readFileSync } from 'node:fs';
import type { HermeticShims } from '../../../../harness/fakes/shims/hermetic.ts';
import type { ShimCall } from '../../../../harness/run/types.ts';
import { API_KEY, cleanEnv, type RunResult, run } from '../../../support/mcp.ts';

export const SECRET_VAR = 'HAL_SECRET_KAVEDARR_API_KEY';
// hal-mcp's placeholder for HAL_SECRET_KAVEDARR_API_KEY: namespace `kavedarr`, name `api_key`.
export const keyHeaders = { 'X-Api-Key': '{secrets.kavedarr.api_key}', apikey: '{secrets.kavedarr.api_key}' };

/** The shim log's JSON lines, parsed; a torn line throws. */
export function readLog(file: string): ShimCall[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as ShimCall);
}

/** The smoke's call line, as in the interface notes, run by bash with the shims on PATH. */
export function smokeCall(
  shims: HermeticShims,
  opts: { cwd: string; cargoFlags: string[]; tool: string; args: Record<string, unknown>; env?: Record<string, string> },
): Promise<RunResult> {
  const script = 'cargo "$@"';
  const argv = [
    'run',
    ...opts.cargoFlags,
    '--bin',
    'call_tool',
    '--',
    '--tool',
    opts.tool,
    '--args',
    JSON.stringify(opts.args),
    '--env',
    `${SECRET_VAR}=${API_KEY}`,
    '--',
    'npx',
    '-y',
    'hal-mcp',
  ];
  return run('/bin/bash', ['-c', script, 'bash', ...argv], {
    cwd: opts.cwd,
    env: cleanEnv({ ...shims.env, [SECRET_VAR]: API_KEY, ...opts.env }),
  });
}
