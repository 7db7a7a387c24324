// `guardrail-harness run`: its options, help and output. commands.ts dispatches to it.
import { relative } from 'node:path';
import { type Io, parseCommandLine, UsageError } from '../../common/cli/index.ts';
import { assertExportableRepo, exportEvidence } from '../evidence/export-evidence.ts';
import { writeHtmlReport } from '../reports/html/index.ts';
import { formatProgressLine, renderConsoleSummary, writeJsonReport, writeJunitReport, writeMarkdownReport, writeReports } from '../reports/index.ts';
import { collectUserEnv } from '../run/run-environment.ts';
import { DEFAULT_MANIFEST, DEFAULT_SPEC_ID, type MockFactory, proxyTargetProblem, REFERENCE_GUARDRAILS_DIR, runHarness, SECRET_ENV } from '../run/runner.ts';
import { FLOWS, type Flow } from '../run/types.ts';
import { splitCommandLine } from './command-line.ts';
import { commaList, concurrencyOption, wholeNumber } from './options.ts';

export const RUN_HELP = `Usage: guardrail-harness run [options]

  --repo DIR             guardrail repository (default: the bundled reference guardrails)
  --spec ID              spec id passed to the scripts (default ${DEFAULT_SPEC_ID})
  --flows LIST           comma list of ${FLOWS.join(', ')} (default validate,audit)
  --scenarios LIST       comma list of scenario names or .json files, in pair order (default healthy,degraded)
  --scenarios-dir DIR    where scenario names are looked up (default: the bundled scenarios/)
  --transport MODE       hermetic (default): cargo/npx shims route HAL calls to the project's call_tool and
                         HAL MCP server; native: the repository's own cargo, call_tool and hal-mcp
  --mcp-server "CMD"     hermetic: run this MCP server command instead of the built-in HAL server
  --mock KIND            in-process (default): a mock-hal per run on a loopback port; container[:IMAGE]:
                         a mock-hal container per run (default image mock-hal:local; npm run image builds it);
                         proxy:URL: a mock-hal proxy per run in front of the API at URL (a staging API): it answers
                         what each scenario names and forwards the rest; validate and audit are then judged by what
                         the journal shows was answered, not by the scenario's expect; give the API's key with
                         --env ${SECRET_ENV}=KEY (or --env-file)
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

const MOCK_KINDS = 'in-process, container[:IMAGE] or proxy:URL';

/** `--mock proxy:URL`: the API's base URL; undefined for another kind of mock. */
function proxyTargetOf(kind: string): string | undefined {
  if (!kind.startsWith('proxy:')) return undefined;
  const target = kind.slice('proxy:'.length);
  const problem = proxyTargetProblem(target);
  if (problem !== null) throw new UsageError(`--mock proxy:URL: ${problem}`);
  return target;
}

async function mockFactoryFor(kind: string): Promise<MockFactory | undefined> {
  if (kind === 'in-process' || kind.startsWith('proxy:')) return undefined;
  const match = /^container(?::(.+))?$/.exec(kind);
  if (!match) throw new UsageError(`--mock must be ${MOCK_KINDS}, got "${kind}"`);
  // Loaded only when asked for: testcontainers is heavy and needs a Docker engine.
  const { startMockHalContainer } = await import('../../mock-hal/container/container.ts');
  const image = match[1];
  return (scenario, apiKey) => startMockHalContainer({ scenario, apiKey, ...(image ? { image } : {}) });
}

export async function runCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseCommandLine(args, {
    help: RUN_HELP,
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
    },
  });
  const flows = commaList(values.flows, '--flows');
  const unknown = flows.filter((flow) => !(FLOWS as readonly string[]).includes(flow));
  if (unknown.length > 0) throw new UsageError(`--flows: unknown flow ${unknown.join(', ')}; use ${FLOWS.join(', ')}`);
  if (new Set(flows).size !== flows.length) throw new UsageError('--flows lists a flow twice');
  const scenarios = commaList(values.scenarios, '--scenarios');
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

  const proxyTarget = proxyTargetOf(values.mock);

  if (values['export-evidence']) {
    if (shard) throw new UsageError('--export-evidence exports a whole pair; run without --shard');
    // Refused before anything runs: the kit's own reference guardrails are never written to.
    assertExportableRepo(values.repo ?? REFERENCE_GUARDRAILS_DIR);
  }
  const env = await collectUserEnv(values['env-file'], values.env);

  const mockFactory = await mockFactoryFor(values.mock);
  const report = await runHarness({
    env,
    mockFactory,
    ...(proxyTarget === undefined ? {} : { proxyTarget }),
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
    concurrency: concurrencyOption(values.concurrency),
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
  io.stdout(
    `Reports:  ${[written.json, written.junit, written.markdown, html, values['report-json'], values.junit, values.markdown]
      .filter(Boolean)
      .map((path) => shown(path as string))
      .join(', ')}\n`,
  );
  if (values['export-evidence']) {
    const exported = await exportEvidence({ repo: values.repo ?? REFERENCE_GUARDRAILS_DIR, specId: report.specId, runs: report.runs });
    io.stdout(`Exported: ${exported.files.length} file${exported.files.length === 1 ? '' : 's'} into ${exported.dir}\n`);
    for (const file of exported.files) {
      const rewritten = file.rewrittenPaths === undefined ? '' : ` (telemetry; ${file.rewrittenPaths} path${file.rewrittenPaths === 1 ? '' : 's'} rewritten)`;
      io.stdout(`  ${relative(exported.dir, file.path)}  from ${file.run}${rewritten}${file.warning ? `; note: ${file.warning}` : ''}\n`);
    }
  }
  return report.ok ? 0 : 1;
}
