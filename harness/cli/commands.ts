// The guardrail-harness commands: run, check-telemetry, merge, report, gaps, knobs,
// history, bisect, hal-server, call-tool, each in its own module. main.ts runs them.
import { type CommandTable, dispatch, type Io, messageOf, processIo } from '../../common/cli/index.ts';
import { ScenarioError } from '../../mock-hal/index.ts';
import { EvidenceError } from '../evidence/evidence.ts';
import { ExportError } from '../evidence/export-evidence.ts';
import { HistoryError } from '../history/index.ts';
import { MergeError } from '../reports/merge.ts';
import { EnvOptionError } from '../run/run-environment.ts';
import { HarnessSetupError } from '../run/runner.ts';
import { bisectCommand } from './bisect-command.ts';
import { checkTelemetryCommand } from './check-telemetry-command.ts';
import { CommandLineError } from './command-line.ts';
import { gapsCommand } from './gaps-command.ts';
import { callToolCommand, halServerCommand } from './hal-chain-commands.ts';
import { historyCommand } from './history-command.ts';
import { knobsCommand } from './knobs-command.ts';
import { mergeCommand } from './merge-command.ts';
import { reportCommand } from './report-command.ts';
import { runCommand } from './run-command.ts';

export type { Io } from '../../common/cli/index.ts';

const HELP = `guardrail-harness: run the real guardrail scripts against the mock HAL and judge their telemetry

Usage:
  guardrail-harness run [options]              run flows × scenarios, keep evidence, check it
  guardrail-harness check-telemetry PATH...    check telemetry as the Spec Kit reads it (--strict: the kit's own rules)
  guardrail-harness merge REPORT.json...       combine the JSON reports of --shard runs into one
  guardrail-harness report BUNDLE_DIR          write the bundle's self-contained HTML report (index.html)
  guardrail-harness gaps [options]             probe a repository for each known guardrail gap
  guardrail-harness knobs [options]            probe the effect of each documented variable of the scripts' environment
  guardrail-harness history --repo DIR [options]
                                               the gaps of every commit that touched the guardrail scripts, and where each changed
  guardrail-harness bisect --repo DIR --gap ID --good REV --bad REV
                                               the first commit at which a gap is present (about log2(N) probes)
  guardrail-harness hal-server                 serve the kit's HAL MCP server on stdio (a stand-in for npx -y hal-mcp)
  guardrail-harness call-tool --tool NAME [--args JSON] [--timeout SECS] [--env KEY=VALUE]... -- SERVER...
                                               call one MCP tool with the kit's call_tool: the Rust binary's
                                               flags, output and exit codes (0, or 1 for any failure; no --help)
  guardrail-harness <command> --help           help for one command

Exit status: 0 every check holds, 1 some check failed, 2 the harness could not run.
call-tool exits as call_tool does: 0 with the CallToolResult on stdout, 1 with an error on stderr.
Example: guardrail-harness call-tool --tool http-get --args '{"url":"http://127.0.0.1:7878/health"}' -- guardrail-harness hal-server
`;

const HARNESS: CommandTable = {
  name: 'guardrail-harness',
  help: HELP,
  commands: {
    run: runCommand,
    'check-telemetry': checkTelemetryCommand,
    merge: mergeCommand,
    report: reportCommand,
    gaps: gapsCommand,
    knobs: knobsCommand,
    history: historyCommand,
    bisect: bisectCommand,
    'hal-server': halServerCommand,
    'call-tool': callToolCommand,
  },
  couldNotRun: messageOf(
    [HarnessSetupError, ScenarioError, EvidenceError, CommandLineError, MergeError, EnvOptionError, ExportError, HistoryError],
    // Loaded lazily with --mock container, so known by name.
    ['MockHalContainerError'],
  ),
};

export function harnessMain(argv: string[], io: Io = processIo): Promise<number> {
  return dispatch(HARNESS, argv, io);
}
