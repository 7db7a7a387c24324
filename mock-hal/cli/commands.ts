// The mock-hal commands: serve, proxy, scenarios, check, schema, record, each in its own
// module. main.ts runs them.
import { type CommandTable, dispatch, type Io, messageOf, processIo } from '../../common/cli/index.ts';
import { RecordError } from '../record/record.ts';
import { ScenarioError } from '../scenario/scenario-model.ts';
import { proxyCommand } from './proxy-command.ts';
import { recordCommand } from './record-command.ts';
import { checkCommand, scenariosCommand, schemaCommand } from './scenario-commands.ts';
import { serveCommand } from './serve-command.ts';

export type { Io } from '../../common/cli/index.ts';

const HELP = `mock-hal: a stand-in for the API behind HAL, answering from scenarios

Usage:
  mock-hal serve [options]     run the mock until SIGINT or SIGTERM
  mock-hal proxy --target URL [options]
                               run the mock in front of a real API: the scenario's
                               faults answer, everything else is forwarded
  mock-hal scenarios [--scenarios-dir DIR]
                               list scenarios with a one-line description
  mock-hal check FILE...       validate scenario files; names each bad field
  mock-hal schema              print the scenario JSON Schema
  mock-hal record --target URL --out FILE [options]
                               record a real API's smoke answers into a scenario
  mock-hal <command> --help    help for one command
`;

const knownFailure = messageOf([ScenarioError, RecordError]);

const MOCK_HAL: CommandTable = {
  name: 'mock-hal',
  help: HELP,
  commands: { serve: serveCommand, proxy: proxyCommand, scenarios: scenariosCommand, check: checkCommand, schema: schemaCommand, record: recordCommand },
  couldNotRun: (error) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      return `cannot listen (${code}): ${(error as Error).message}; pick another --port or --host`;
    }
    return knownFailure(error);
  },
};

export function mockHalMain(argv: string[], io: Io = processIo): Promise<number> {
  return dispatch(MOCK_HAL, argv, io);
}
