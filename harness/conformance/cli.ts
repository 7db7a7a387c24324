// `npm run conformance`: the differential test of the kit's HAL server against the real
// hal-mcp, live. Both servers get the same calls against fresh mocks; every difference in
// what a caller or the API would see is printed. The recorded answers that `npm test`
// compares against are checked too, and `--update` records them anew.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../common/atomic-files.ts';
import { type Io, messageOf, type Program, parseCommandLine, processIo, runCommand, UsageError } from '../../common/cli/index.ts';
import { PACKAGE_ROOT, siblingScript } from '../../common/package-root.ts';
import { CommandLineError, splitCommandLine } from '../cli/command-line.ts';
import { conformanceCases } from './cases.ts';
import { compareObservations, formatDifferences } from './compare.ts';
import { type Observation, observeServer } from './observe.ts';
import { DEFAULT_REAL_HAL_DIR, prepareRealHal, type RealHal, RealHalError } from './real-hal.ts';

export const FIXTURE_PATH = path.join(PACKAGE_ROOT, 'test', 'fixtures', 'conformance', 'hal-mcp-1.0.14.json');
/** The kit's own HAL server, as the hermetic npx shim starts it. */
export const KIT_HAL_COMMAND = [process.execPath, siblingScript(import.meta.url, '../fakes/hal-server/hal-server')];

export interface ConformanceFixture {
  server: string;
  node: string;
  observations: Observation[];
}

const HELP = `Usage: npm run conformance -- [--hal-mcp DIR | --server-command "CMD"] [--update]

Sends the same ${'MCP'} calls to the real hal-mcp and to the kit's HAL server, each against a
fresh mock-hal, and compares every answer and every request that reached the mock.

  --hal-mcp DIR            a built hal-mcp (dist/index.js); installed in a temporary copy
                           when it has no node_modules (default ${path.relative(process.cwd(), DEFAULT_REAL_HAL_DIR)})
  --server-command "CMD"   start the real server with this command instead
  --update                 record the real server's answers as the fixture npm test uses
                           (${path.relative(process.cwd(), FIXTURE_PATH)})

Masked on both sides: ports, the date header, the health body's timestamp and uptime.
Exit status: 0 identical, 1 some difference, 2 could not run.
`;

export function readFixture(file = FIXTURE_PATH): ConformanceFixture {
  return JSON.parse(readFileSync(file, 'utf8')) as ConformanceFixture;
}

async function realServer(values: { 'hal-mcp'?: string; 'server-command'?: string }, log: (line: string) => void): Promise<RealHal> {
  if (values['server-command'] !== undefined) {
    if (values['hal-mcp'] !== undefined) throw new UsageError('give --hal-mcp or --server-command, not both');
    const command = splitCommandLine(values['server-command']);
    if (command.length === 0) throw new UsageError('--server-command needs a command, e.g. "node /opt/hal-mcp/dist/index.js"');
    return { command, dispose: async () => {} };
  }
  return prepareRealHal(path.resolve(values['hal-mcp'] ?? DEFAULT_REAL_HAL_DIR), log);
}

const CONFORMANCE: Program = {
  name: 'conformance',
  invocation: 'npm run conformance --',
  couldNotRun: messageOf([RealHalError, CommandLineError]),
};

export function conformanceMain(argv: string[], io: Io = processIo): Promise<number> {
  return runCommand(CONFORMANCE, undefined, conformance, argv, io);
}

async function conformance(argv: string[], io: Io): Promise<number> {
  const { values } = parseCommandLine(argv, {
    help: HELP,
    options: {
      'hal-mcp': { type: 'string' },
      'server-command': { type: 'string' },
      update: { type: 'boolean', default: false },
    },
  });
  const log = (line: string): void => io.stderr(`${line}\n`);
  const real = await realServer(values, log);
  try {
    const cases = conformanceCases();
    log(`conformance: ${cases.length} cases against the real server (${real.command.join(' ')})…`);
    const theirs = await observeServer(real.command, cases);
    log('conformance: the same cases against the kit’s HAL server…');
    const ours = await observeServer(KIT_HAL_COMMAND, cases);

    let failed = false;
    const live = compareObservations(theirs, ours);
    if (live.length > 0) {
      failed = true;
      io.stdout(`The kit's HAL server differs from the real one in ${live.length} place(s):\n${formatDifferences(live, 'real', 'kit ')}\n`);
    } else {
      io.stdout(`Identical: ${cases.length} cases, every answer and every request that reached the mock.\n`);
    }
    if (values.update) {
      const fixture: ConformanceFixture = { server: 'hal-mcp 1.0.14', node: process.version, observations: theirs };
      await writeFileAtomic(FIXTURE_PATH, `${JSON.stringify(fixture, null, 2)}\n`);
      io.stdout(`Recorded the real server's answers in ${path.relative(process.cwd(), FIXTURE_PATH)}.\n`);
    } else {
      const stale = compareObservations(readFixture().observations, theirs);
      if (stale.length > 0) {
        failed = true;
        io.stdout(
          `The recorded fixture no longer matches the real server in ${stale.length} place(s) ` +
            `(re-record with npm run conformance -- --update):\n${formatDifferences(stale, 'fixture', 'real   ')}\n`,
        );
      }
    }
    return failed ? 1 : 0;
  } finally {
    await real.dispose();
  }
}

if (import.meta.main) {
  process.exitCode = await conformanceMain(process.argv.slice(2));
}
