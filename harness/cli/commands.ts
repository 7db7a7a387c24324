// The guardrail-harness commands: run, check-telemetry, merge, report, gaps, knobs, hal-server, call-tool. cli.ts runs them.
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { isParseArgsError } from '../../common/cli/parse-args-error.ts';
import { ScenarioError } from '../../mock-hal/index.ts';
import { checkTelemetryMain } from '../telemetry/check-telemetry.ts';
import { MergeError, mergeMain } from '../reports/merge.ts';
import { EvidenceError, writeFileAtomic } from '../evidence/evidence.ts';
import { buildGapsJson, detectGaps, renderGaps } from '../gaps/index.ts';
import { knobsCommand } from './knobs-command.ts';
import { formatProgressLine, renderConsoleSummary, writeJsonReport, writeJunitReport, writeMarkdownReport, writeReports } from '../reports/index.ts';
import { writeHtmlReport } from '../reports/html.ts';
import { DEFAULT_MANIFEST, DEFAULT_SPEC_ID, HarnessSetupError, REFERENCE_GUARDRAILS, runHarness, type MockFactory } from '../run/runner.ts';
import { EnvOptionError, collectUserEnv } from '../run/run-environment.ts';
import { ExportError, assertExportableRepo, exportEvidence } from '../evidence/export-evidence.ts';
import { CommandLineError, splitCommandLine } from './command-line.ts';
import { FLOWS, type Flow } from '../run/types.ts';
import { PROBE_COMMAND_OPTIONS, UsageError } from './options.ts';
import { callToolCommand, halServerCommand } from './hal-chain-commands.ts';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

const HELP = `guardrail-harness: run the real guardrail scripts against the mock HAL and judge their telemetry

Usage:
  guardrail-harness run [options]              run flows × scenarios, keep evidence, check it
  guardrail-harness check-telemetry PATH...    check telemetry as the Spec Kit reads it (--strict: the kit's own rules)
  guardrail-harness merge REPORT.json...       combine the JSON reports of --shard runs into one
  guardrail-harness report BUNDLE_DIR          write the bundle's self-contained HTML report (index.html)
  guardrail-harness gaps [options]             probe a repository for each known guardrail gap
  guardrail-harness knobs [options]            probe the effect of each documented variable of the scripts' environment
  guardrail-harness hal-server                 serve the kit's HAL MCP server on stdio (a stand-in for npx -y hal-mcp)
  guardrail-harness call-tool --tool NAME [--args JSON] [--timeout SECS] [--env KEY=VALUE]... -- SERVER...
                                               call one MCP tool with the kit's call_tool: the Rust binary's
                                               flags, output and exit codes (0, or 1 for any failure; no --help)
  guardrail-harness <command> --help           help for one command

Exit status: 0 every check holds, 1 some check failed, 2 the harness could not run.
call-tool exits as call_tool does: 0 with the CallToolResult on stdout, 1 with an error on stderr.
Example: guardrail-harness call-tool --tool http-get --args '{"url":"http://127.0.0.1:7878/health"}' -- guardrail-harness hal-server
`;

const GAPS_HELP = `Usage: guardrail-harness gaps [options]

Runs the flows and scenarios that probe each known gap and prints one row per gap:
present, closed, or not-testable (with why), and the evidence that decided it.
Gaps: baseline-exit, hal-failure-propagation, artifact-on-failure, manifest-path,
graphql-escaping, status-by-body, hal-summary-flag, secret-leak.
Probes: validate, audit and plan under healthy, offline and error-bodies (503/401/500 with JSON
bodies; plan gets a failing baseline there), validate under healthy with SPEC_OPS_TELEMETRY_HAL=0,
and plan whose baseline audit writes a passing report and then exits 3 (a fault injected through
BASH_ENV; the scripts are never edited), so a plan that does not follow the audit's exit status shows.

  --repo DIR             guardrail repository (default: the bundled reference guardrails); never modified
  --spec ID              spec id passed to the scripts (default ${DEFAULT_SPEC_ID})
  --out DIR              evidence bundles go to DIR/<SPEC-ID>/<pair-id>-gaps[-hal-off|-baseline-fault|-root-manifest]/
                         (default ./evidence-bundles)
  --report-json FILE     also write { ok, gaps: [{ id, state, reason, evidence }], bundles } here
  --concurrency N        parallel runs per probe (default: the number of cores)
  --env KEY=VALUE        set a variable for the scripts, after the harness's own (repeatable; the last one wins)
  --env-file FILE        KEY=VALUE lines, # comments and blank lines ignored, "quotes" around a whole value removed,
                         nothing else interpreted (repeatable; files first, then --env)

Exit status: 0 no testable gap is present, 1 some gap is present, 2 the probes could not run.
See also: guardrail-harness knobs, for the environment variables the scripts read.
`;

const REPORT_HELP = `Usage: guardrail-harness report BUNDLE_DIR [--out FILE]

Writes a self-contained HTML report of an evidence bundle (the pair folder,
evidence-bundles/<SPEC-ID>/<pair-id>/): each flow's runs side by side with the
telemetry fields that differ highlighted, a timeline of every run's HAL requests,
the checks with failures first, and links to every evidence file. It needs no
network and opens from file://.

  --out FILE             where to write it (default BUNDLE_DIR/index.html); links stay relative

Example: guardrail-harness report evidence-bundles/SPEC-KIT-018/20261124T170553Z-62bcab
`;

const RUN_HELP = `Usage: guardrail-harness run [options]

  --repo DIR             guardrail repository (default: the bundled reference guardrails)
  --spec ID              spec id passed to the scripts (default ${DEFAULT_SPEC_ID})
  --flows LIST           comma list of ${FLOWS.join(', ')} (default validate,audit)
  --scenarios LIST       comma list of scenario names or .json files, in pair order (default healthy,degraded)
  --scenarios-dir DIR    where scenario names are looked up (default: the bundled scenarios/)
  --transport MODE       hermetic (default): cargo/npx shims route HAL calls to the project's call_tool and
                         HAL MCP server; native: the repository's own cargo, call_tool and hal-mcp
  --mcp-server "CMD"     hermetic: run this MCP server command instead of the built-in HAL server
  --mock KIND            in-process (default): a mock-hal per run on a loopback port; container[:IMAGE]:
                         a mock-hal container per run (default image mock-hal:local; npm run image builds it)
  --out DIR              evidence bundles go to DIR/<SPEC-ID>/<pair-id>/ (default ./evidence-bundles)
  --report-json FILE     also write the JSON report here
  --junit FILE           also write the JUnit XML report here
  --markdown FILE        also write the Markdown summary here
  --html                 also write the HTML report, index.html, into the bundle
  --timeout SECONDS      kill a guardrail run (its whole process group) after this long (default 120)
  --telemetry-hal on|off set SPEC_OPS_TELEMETRY_HAL for the scripts (default on)
  --manifest PATH        SPEC_OPS_CARGO_MANIFEST for the scripts (default ${DEFAULT_MANIFEST})
  --allow-fail           plan: pass --allow-fail, so a failing baseline must still exit 0
  --shard I/N            run only slice I of N of the run matrix (deterministic)
  --concurrency N        parallel runs (default: the number of cores)
  --env KEY=VALUE        set a variable for the scripts, after the harness's own (repeatable; the last one wins)
  --env-file FILE        KEY=VALUE lines, # comments and blank lines ignored, "quotes" around a whole value removed,
                         nothing else interpreted (repeatable; files first, then --env)
                         under --transport hermetic a PATH you set is the one the shims go in front of;
                         the report lists what you set (secrets [REDACTED]) and the harness variables you replaced
  --export-evidence      copy every run's guardrail-written files (telemetry, logs, baseline reports, HAL captures)
                         into --repo's docs/SPEC-OPS-004-integrated-coder-hooks/evidence/commands/<SPEC-ID>/,
                         original names, telemetry paths rewritten; refuses if any name exists there (nothing copied)

The reports (report.json, junit.xml, summary.md) are always written into the bundle too.
Apart from --export-evidence, the repository is never written to: every run works in a copy.
Example: guardrail-harness run --flows validate,audit,plan --scenarios healthy,degraded,timeout
Example: guardrail-harness run --repo ~/code/product --env-file ci.env --env SPEC_OPS_HAL_SKIP=0 --export-evidence
`;


function list(value: string, flag: string): string[] {
  const items = value.split(',').map((item) => item.trim()).filter(Boolean);
  if (items.length === 0) throw new UsageError(`${flag} needs at least one item`);
  return items;
}

function wholeNumber(value: string, flag: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return Number(value);
}

async function mockFactoryFor(kind: string): Promise<MockFactory | undefined> {
  if (kind === 'in-process') return undefined;
  const match = /^container(?::(.+))?$/.exec(kind);
  if (!match) throw new UsageError(`--mock must be in-process or container[:IMAGE], got "${kind}"`);
  // Loaded only when asked for: testcontainers is heavy and needs a Docker engine.
  const { startMockHalContainer } = await import('../../mock-hal/container/container.ts');
  const image = match[1];
  return (scenario, apiKey) => startMockHalContainer({ scenario, apiKey, ...(image ? { image } : {}) });
}

async function runCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      repo: { type: 'string' },
      spec: { type: 'string', default: DEFAULT_SPEC_ID },
      flows: { type: 'string', default: 'validate,audit' },
      scenarios: { type: 'string', default: 'healthy,degraded' },
      'scenarios-dir': { type: 'string' },
      transport: { type: 'string', default: 'hermetic' },
      'mcp-server': { type: 'string' },
      mock: { type: 'string', default: 'in-process' },
      out: { type: 'string', default: 'evidence-bundles' },
      'report-json': { type: 'string' },
      junit: { type: 'string' },
      markdown: { type: 'string' },
      html: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '120' },
      'telemetry-hal': { type: 'string', default: 'on' },
      manifest: { type: 'string', default: DEFAULT_MANIFEST },
      'allow-fail': { type: 'boolean', default: false },
      shard: { type: 'string' },
      concurrency: { type: 'string' },
      env: { type: 'string', multiple: true, default: [] },
      'env-file': { type: 'string', multiple: true, default: [] },
      'export-evidence': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(RUN_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const flows = list(values.flows, '--flows');
  const unknown = flows.filter((flow) => !(FLOWS as readonly string[]).includes(flow));
  if (unknown.length > 0) throw new UsageError(`--flows: unknown flow ${unknown.join(', ')}; use ${FLOWS.join(', ')}`);
  if (new Set(flows).size !== flows.length) throw new UsageError('--flows lists a flow twice');
  const scenarios = list(values.scenarios, '--scenarios');
  if (new Set(scenarios).size !== scenarios.length) throw new UsageError('--scenarios lists a scenario twice');
  if (values.transport !== 'hermetic' && values.transport !== 'native') {
    throw new UsageError(`--transport must be hermetic or native, got "${values.transport}"`);
  }
  if (values['mcp-server'] !== undefined && values.transport !== 'hermetic') {
    throw new UsageError('--mcp-server only applies to --transport hermetic');
  }
  if (values['telemetry-hal'] !== 'on' && values['telemetry-hal'] !== 'off') {
    throw new UsageError(`--telemetry-hal must be on or off, got "${values['telemetry-hal']}"`);
  }
  let shard: { index: number; total: number } | undefined;
  if (values.shard !== undefined) {
    const match = /^(\d+)\/(\d+)$/.exec(values.shard);
    if (!match || Number(match[1]) < 1 || Number(match[1]) > Number(match[2])) {
      throw new UsageError(`--shard must be I/N with 1 <= I <= N (for example 2/4), got "${values.shard}"`);
    }
    shard = { index: Number(match[1]), total: Number(match[2]) };
  }
  let mcpServer: string[] | undefined;
  if (values['mcp-server'] !== undefined) {
    mcpServer = splitCommandLine(values['mcp-server']);
    if (mcpServer.length === 0) throw new UsageError('--mcp-server needs a command, for example --mcp-server "npx -y hal-mcp"');
  }

  if (values['export-evidence']) {
    if (shard) throw new UsageError('--export-evidence exports a whole pair; run without --shard');
    // Refused before anything runs: the kit's own reference guardrails are never written to.
    assertExportableRepo(values.repo ?? REFERENCE_GUARDRAILS);
  }
  const env = await collectUserEnv(values['env-file'], values.env);

  const mockFactory = await mockFactoryFor(values.mock);
  const report = await runHarness({
    env,
    mockFactory,
    repo: values.repo,
    specId: values.spec,
    flows: flows as Flow[],
    scenarios,
    scenariosDir: values['scenarios-dir'],
    transport: values.transport,
    mcpServer,
    out: values.out,
    timeoutSeconds: wholeNumber(values.timeout, '--timeout', 1, 86_400),
    telemetryHal: values['telemetry-hal'] === 'on',
    manifest: values.manifest,
    baselineAllowFail: values['allow-fail'],
    shard,
    concurrency: values.concurrency === undefined ? undefined : wholeNumber(values.concurrency, '--concurrency', 1, 64),
    onRunDone: (run) => io.stderr(`${formatProgressLine(run)}\n`),
  });

  const written = await writeReports(report);
  if (values['report-json']) await writeJsonReport(values['report-json'], report);
  if (values.junit) await writeJunitReport(values.junit, report);
  if (values.markdown) await writeMarkdownReport(values.markdown, report);
  const html = values.html ? await writeHtmlReport(report.bundleDir) : undefined;
  const shown = (path: string) => relative(process.cwd(), path) || '.';
  io.stdout(`${renderConsoleSummary(report)}\n`);
  io.stdout(`\nEvidence: ${shown(report.bundleDir)}\n`);
  io.stdout(`Reports:  ${[written.json, written.junit, written.markdown, html, values['report-json'], values.junit, values.markdown].filter(Boolean).map((path) => shown(path as string)).join(', ')}\n`);
  if (values['export-evidence']) {
    const exported = await exportEvidence({ repo: values.repo ?? REFERENCE_GUARDRAILS, specId: report.specId, runs: report.runs });
    io.stdout(`Exported: ${exported.files.length} file${exported.files.length === 1 ? '' : 's'} into ${exported.dir}\n`);
    for (const file of exported.files) {
      const rewritten = file.rewrittenPaths === undefined ? '' : ` (telemetry; ${file.rewrittenPaths} path${file.rewrittenPaths === 1 ? '' : 's'} rewritten)`;
      io.stdout(`  ${relative(exported.dir, file.path)}  from ${file.run}${rewritten}${file.warning ? `; note: ${file.warning}` : ''}\n`);
    }
  }
  return report.ok ? 0 : 1;
}

async function gapsCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: PROBE_COMMAND_OPTIONS,
  });
  if (values.help) {
    io.stdout(GAPS_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const env = await collectUserEnv(values['env-file'], values.env);
  const result = await detectGaps({
    // The user's variables go to every probe's runHarness, before the probe's own (a fault's BASH_ENV).
    ...(env.length > 0 ? { env } : {}),
    repo: values.repo,
    specId: values.spec,
    out: values.out,
    concurrency: values.concurrency === undefined ? undefined : wholeNumber(values.concurrency, '--concurrency', 1, 64),
  });
  for (const probe of result.probes) await writeReports(probe.report);
  if (values['report-json']) await writeFileAtomic(values['report-json'], `${JSON.stringify(buildGapsJson(result), null, 2)}\n`);
  io.stdout(renderGaps(result));
  io.stdout(`\nEvidence: ${result.probes.map((probe) => relative(process.cwd(), probe.report.bundleDir) || '.').join(', ')}\n`);
  return result.ok ? 0 : 1;
}

async function reportCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.stdout(REPORT_HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError('report needs one BUNDLE_DIR, the pair folder: guardrail-harness report evidence-bundles/SPEC-KIT-018/<pair-id>');
  }
  const path = await writeHtmlReport(positionals[0] as string, values.out);
  io.stdout(`Report: ${relative(process.cwd(), path) || path}\n`);
  return 0;
}

export async function harnessMain(argv: string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await runCommand(rest, io);
      case 'check-telemetry':
        return await checkTelemetryMain(rest, io);
      case 'merge':
        return await mergeMain(rest, io);
      case 'report':
        return await reportCommand(rest, io);
      case 'gaps':
        return await gapsCommand(rest, io);
      case 'knobs':
        return await knobsCommand(rest, io);
      case 'hal-server':
        return await halServerCommand(rest, io);
      case 'call-tool':
        return await callToolCommand(rest, io);
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.stdout(HELP);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"; run guardrail-harness --help`);
    }
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof HarnessSetupError ||
      error instanceof ScenarioError ||
      error instanceof EvidenceError ||
      error instanceof CommandLineError ||
      error instanceof MergeError ||
      error instanceof EnvOptionError ||
      error instanceof ExportError ||
      // Loaded lazily with --mock container, so matched by name.
      (error instanceof Error && error.name === 'MockHalContainerError') ||
      isParseArgsError(error)
    ) {
      io.stderr(`guardrail-harness: ${(error as Error).message}\n`);
      if (error instanceof UsageError || isParseArgsError(error)) {
        io.stderr(`Run guardrail-harness ${command ?? ''} --help for usage.\n`);
      }
      return 2;
    }
    throw error;
  }
}
