// `guardrail-harness check-telemetry PATH...`: judge telemetry files against schema v1
// without running anything, e.g. on a real evidence folder or a downloaded bundle.
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BUNDLE_TELEMETRY_NAME, MANIFEST_NAME } from './evidence.ts';
import { checkTelemetryFile, stageOfFile, type ValidateOptions } from './telemetry-schema.ts';
import { FLOWS, STAGE_OF_FLOW, type Flow } from './types.ts';

export interface CheckTelemetryIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export const CHECK_TELEMETRY_USAGE = `Usage: guardrail-harness check-telemetry [--hal | --no-hal] PATH...

Checks guardrail telemetry files against telemetry schema v1.

Each PATH is a telemetry file or a folder. Folders are searched recursively for
  <stage>_<sessionId>.json   (as the guardrails write them, e.g. spec-validate_2025-09-29T16:34:21Z-229132461.json)
  ${BUNDLE_TELEMETRY_NAME}             (the copy in a harness evidence bundle; the manifest.json beside it
                             says which flow it belongs to)
  *.telemetry.json
A folder without any of these counts as a problem.

Options:
  --hal      the runs set SPEC_OPS_TELEMETRY_HAL=1: validate/audit files must carry hal.summary
  --no-hal   the runs left it unset: validate/audit files must not carry hal.summary
             (default: hal.summary is checked when present; in a bundle the manifest decides)
  -h, --help show this help

Prints one line per problem, "<path>: <problem>", then "N files checked, M problems".
Exit status: 0 no problems, 1 problems found, 2 usage error.
`;

// Folders that never hold telemetry and can be huge.
const SKIP_DIRS = new Set(['.git', 'node_modules']);

export function isTelemetryFileName(name: string): boolean {
  return name === BUNDLE_TELEMETRY_NAME || name.endsWith('.telemetry.json') || stageOfFile(name) !== null;
}

async function findTelemetryFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    // Symlinked folders are not followed, so a link loop cannot make the walk endless.
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) found.push(...(await findTelemetryFiles(path)));
    } else if ((entry.isFile() || entry.isSymbolicLink()) && isTelemetryFileName(entry.name)) {
      found.push(path);
    }
  }
  return found;
}

/** What a bundle's manifest.json says about the telemetry beside it. */
async function bundleOptions(telemetryPath: string): Promise<ValidateOptions> {
  if (basename(telemetryPath) !== BUNDLE_TELEMETRY_NAME) return {};
  try {
    const manifest = JSON.parse(await readFile(join(dirname(telemetryPath), MANIFEST_NAME), 'utf8')) as unknown;
    if (manifest === null || typeof manifest !== 'object') return {};
    const { flow, telemetryHal } = manifest as { flow?: unknown; telemetryHal?: unknown };
    const opts: ValidateOptions = {};
    if (typeof flow === 'string' && (FLOWS as readonly string[]).includes(flow)) {
      opts.expectedCommand = STAGE_OF_FLOW[flow as Flow].command;
    }
    if (typeof telemetryHal === 'boolean') opts.telemetryHal = telemetryHal;
    return opts;
  } catch {
    // No manifest (not a bundle, or an interrupted run): judge the file on its own.
    return {};
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export async function checkTelemetryMain(args: string[], io: CheckTelemetryIo): Promise<number> {
  const paths: string[] = [];
  let telemetryHal: boolean | undefined;
  let optionsDone = false;
  for (const arg of args) {
    if (!optionsDone && arg.startsWith('-') && arg !== '-') {
      if (arg === '--') optionsDone = true;
      else if (arg === '-h' || arg === '--help') {
        io.stdout(CHECK_TELEMETRY_USAGE);
        return 0;
      } else if (arg === '--hal') telemetryHal = true;
      else if (arg === '--no-hal') telemetryHal = false;
      else {
        io.stderr(`check-telemetry: unknown option ${arg}; see --help\n`);
        return 2;
      }
    } else {
      paths.push(arg);
    }
  }
  if (paths.length === 0) {
    io.stderr('check-telemetry: no PATH given; name one or more telemetry files or folders (see --help)\n');
    return 2;
  }

  const kinds = new Map<string, 'file' | 'dir'>();
  const missing: string[] = [];
  for (const path of paths) {
    try {
      const info = await stat(path);
      kinds.set(path, info.isDirectory() ? 'dir' : 'file');
    } catch {
      missing.push(path);
    }
  }
  if (missing.length > 0) {
    for (const path of missing) {
      io.stderr(`check-telemetry: ${path}: no such file or folder; give a telemetry file or a folder holding them\n`);
    }
    return 2;
  }

  let filesChecked = 0;
  let problemCount = 0;
  const report = (where: string, problem: string): void => {
    problemCount++;
    // One line per problem, even when a parser's message quotes text with line breaks in it.
    const oneLine = (text: string) => text.replace(/\r\n|\r|\n/g, '\\n');
    io.stdout(`${oneLine(where)}: ${oneLine(problem)}\n`);
  };

  for (const path of paths) {
    let files: string[];
    if (kinds.get(path) === 'dir') {
      try {
        files = await findTelemetryFiles(path);
      } catch (error) {
        report(path, `could not search the folder (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
        continue;
      }
      if (files.length === 0) {
        report(
          path,
          `no telemetry files found (looked for <stage>_<sessionId>.json, ${BUNDLE_TELEMETRY_NAME} and *.telemetry.json); point at the folder the guardrail wrote its evidence into`,
        );
        continue;
      }
    } else {
      files = [path];
    }
    for (const file of files) {
      filesChecked++;
      const opts = await bundleOptions(file);
      if (telemetryHal !== undefined) opts.telemetryHal = telemetryHal;
      const result = await checkTelemetryFile(file, opts);
      for (const problem of result.problems) report(file, problem);
    }
  }
  io.stdout(`${plural(filesChecked, 'file')} checked, ${plural(problemCount, 'problem')}\n`);
  return problemCount === 0 ? 0 : 1;
}

if (import.meta.main) {
  process.exitCode = await checkTelemetryMain(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
  });
}
