// The hermetic `npx`: `npx [-y] hal-mcp` serves the TypeScript HAL server over
// this process's stdio (or runs the MCP server command the harness configured);
// every other npx use goes to the real npx.
import { exitCodeForSignal, FORWARDED_SIGNALS, findRealTool, MCP_SERVER_ENV, ORIGINAL_PATH_ENV, runInherited, ShimRecorder } from './shim-common.ts';

export const HAL_PACKAGE = 'hal-mcp';

const NPX_FLAGS = new Set(['-y', '--yes', '-q', '--quiet', '--no-install', '--prefer-offline']);

/** The arguments after `hal-mcp` when argv asks npx for hal-mcp; null otherwise. */
export function parseHalInvocation(argv: readonly string[]): string[] | null {
  let i = 0;
  while (i < argv.length && NPX_FLAGS.has(argv[i]!)) i++;
  if (argv[i] === '--') i++;
  const name = argv[i];
  if (name === undefined) return null;
  if (name !== HAL_PACKAGE && !name.startsWith(`${HAL_PACKAGE}@`)) return null;
  return argv.slice(i + 1);
}

function parseServerCommand(raw: string): string[] | string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return `${MCP_SERVER_ENV} is not JSON; set it to a JSON array such as ["node","server.ts"]`;
  }
  if (!Array.isArray(value) || value.length === 0 || !value.every((w) => typeof w === 'string') || value[0] === '') {
    return `${MCP_SERVER_ENV} must be a non-empty JSON array of strings, such as ["node","server.ts"]`;
  }
  return value as string[];
}

export async function npxShimMain(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const recorder = new ShimRecorder('npx', argv, env);
  const halArgs = parseHalInvocation(argv);
  if (halArgs === null) {
    const real = findRealTool('npx', env);
    if (real === null) {
      process.stderr.write(
        `npx (hermetic transport): only \`npx -y ${HAL_PACKAGE}\` is emulated, and no real npx was found on the ` +
          `original PATH to run \`npx ${recorder.argv.join(' ')}\`. Install Node.js/npm, or use a transport that has it.\n`,
      );
      recorder.finish('refused', 127, 'not hal-mcp and no real npx on the original PATH');
      return 127;
    }
    const code = await runInherited(real, argv);
    recorder.finish('passthrough', code, `ran ${real}`);
    return code;
  }

  const configured = env[MCP_SERVER_ENV];
  if (configured !== undefined && configured !== '') {
    const command = parseServerCommand(configured);
    if (typeof command === 'string') {
      process.stderr.write(`npx (hermetic transport): ${command}\n`);
      recorder.finish('refused', 2, command);
      return 2;
    }
    // On the original PATH: a configured `npx -y hal-mcp` must reach the real npx, not
    // this shim again (which would start itself for ever).
    const original = env[ORIGINAL_PATH_ENV];
    const code = await runInherited(command[0]!, [...command.slice(1), ...halArgs], {
      ...env,
      ...(original !== undefined ? { PATH: original } : {}),
    });
    recorder.finish('mcp-server', code, `ran ${JSON.stringify(command)}`);
    return code;
  }

  // A request to a hanging API keeps the server busy past its client: record the
  // stop when call_tool gives up and signals us, rather than dying unlogged.
  for (const sig of FORWARDED_SIGNALS) {
    process.once(sig, () => {
      recorder.finish('hal-mcp', exitCodeForSignal(sig), `stopped by ${sig}`);
      process.exit(exitCodeForSignal(sig));
    });
  }
  const { serveHalOverStdio } = await import('../hal-server/hal-server.ts');
  await serveHalOverStdio(env);
  recorder.finish('hal-mcp', 0, halArgs.length > 0 ? `ignored arguments: ${halArgs.join(' ')}` : undefined);
  return 0;
}

if (import.meta.main) {
  const code = await npxShimMain(process.argv.slice(2));
  process.exit(code);
}
