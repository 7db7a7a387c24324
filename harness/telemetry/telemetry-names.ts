// The names of telemetry: the guardrail commands, their stages, and the file names
// the guardrails write (`<stage>_<sessionId>.json`). Shared by the kit's strict
// schema (telemetry-schema.ts) and the Spec Kit's reader (spec-kit-reader.ts).
import { basename } from 'node:path';
import { FLOWS, type Flow, STAGE_OF_FLOW } from '../run/types.ts';

export const COMMANDS = ['spec-ops-plan', 'spec-ops-tasks', 'spec-ops-implement', 'spec-ops-validate', 'spec-ops-audit', 'spec-ops-unlock'] as const;
export type Command = (typeof COMMANDS)[number];

export const STAGES = ['spec-plan', 'spec-tasks', 'spec-implement', 'spec-validate', 'spec-audit', 'spec-unlock'] as const;
export type Stage = (typeof STAGES)[number];

/** Commands whose telemetry carries the HAL smoke (and so may carry hal.summary). */
export const HAL_COMMANDS: readonly Command[] = ['spec-ops-validate', 'spec-ops-audit'];

export function isCommand(value: unknown): value is Command {
  return typeof value === 'string' && (COMMANDS as readonly string[]).includes(value);
}

/** Accepts a command, a stage or a flow name and gives the command; null when it is none of them. */
export function normalizeCommand(name: string): Command | null {
  if (isCommand(name)) return name;
  for (const flow of FLOWS) {
    const info = STAGE_OF_FLOW[flow];
    if (name === flow || name === info.stage) return info.command as Command;
  }
  return null;
}

/** The flow of a command, stage or flow name; null when it is none of them. */
export function flowOf(name: string): Flow | null {
  const command = normalizeCommand(name);
  return command === null ? null : (FLOWS.find((flow) => STAGE_OF_FLOW[flow].command === command) as Flow);
}

export interface StageOfFile {
  stage: Stage;
  command: Command;
  flow: Flow;
  sessionId: string;
}

// Colons may have been replaced by "-" when the file was copied into an evidence
// bundle (safeFileName), so both spellings of the time are accepted.
const TELEMETRY_FILE_NAME = /^(spec-(?:plan|tasks|implement|validate|audit|unlock))_(\d{4}-\d{2}-\d{2}T\d{2}[:-]\d{2}[:-]\d{2}(?:\.\d{1,9})?Z-\d+)\.json$/;

/** The stage a telemetry file name like `spec-validate_2025-09-29T16:34:21Z-229132461.json` belongs to, or null. */
export function stageOfFile(fileName: string): StageOfFile | null {
  const m = TELEMETRY_FILE_NAME.exec(basename(fileName));
  if (!m) return null;
  const stage = m[1] as Stage;
  const flow = FLOWS.find((f) => STAGE_OF_FLOW[f].stage === stage) as Flow;
  return { stage, command: STAGE_OF_FLOW[flow].command as Command, flow, sessionId: m[2] as string };
}
