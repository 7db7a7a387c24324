// `mock-hal scenarios`, `check` and `schema`: the scenario files, listed, validated and
// described. commands.ts dispatches to them.
import { type Io, parseCommandLine, UsageError } from '../../common/cli/index.ts';
import { isTimeline, scenarioJsonSchema } from '../scenario/scenario-model.ts';
import { DEFAULT_SCENARIOS_DIR, listScenarios, loadScenarioFile } from '../scenario/scenario-store.ts';

const SCENARIOS_HELP = 'Usage: mock-hal scenarios [--scenarios-dir DIR]\n\nLists every scenario in the folder with its description and expectation.\n';
const CHECK_HELP = 'Usage: mock-hal check FILE...\n\nValidates scenario files against the scenario model; prints each bad field.\n';
const SCHEMA_HELP = 'Usage: mock-hal schema\n\nPrints the JSON Schema of a scenario file, for editors that validate as you type.\n';

export function scenariosCommand(args: string[], io: Io): number {
  const { values } = parseCommandLine(args, {
    help: SCENARIOS_HELP,
    options: { 'scenarios-dir': { type: 'string', default: DEFAULT_SCENARIOS_DIR } },
  });
  const { scenarios, errors } = listScenarios(values['scenarios-dir']);
  const width = Math.max(0, ...scenarios.map((scenario) => scenario.name.length));
  for (const scenario of scenarios) {
    const expectation = isTimeline(scenario)
      ? `timeline: ${scenario.phases.map((phase) => `${phase.name}=${phase.expect.status}`).join(' → ')}`
      : `expects ${scenario.phases[0]?.expect.status}`;
    io.stdout(`${scenario.name.padEnd(width)}  ${scenario.description} [${expectation}]\n`);
  }
  for (const error of errors) io.stderr(`${error.message}\n`);
  return errors.length > 0 ? 1 : 0;
}

export function checkCommand(args: string[], io: Io): number {
  const { positionals } = parseCommandLine(args, { help: CHECK_HELP, allowPositionals: true });
  if (positionals.length === 0) throw new UsageError('check needs at least one scenario file: mock-hal check scenarios/degraded.json');
  let failures = 0;
  for (const file of positionals) {
    try {
      const scenario = loadScenarioFile(file);
      io.stdout(`${file}: ok (scenario "${scenario.name}", ${scenario.phases.length} phase${scenario.phases.length === 1 ? '' : 's'})\n`);
    } catch (error) {
      failures += 1;
      io.stderr(`${(error as Error).message}\n`);
    }
  }
  return failures > 0 ? 1 : 0;
}

export function schemaCommand(args: string[], io: Io): number {
  parseCommandLine(args, { help: SCHEMA_HELP });
  io.stdout(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
  return 0;
}
