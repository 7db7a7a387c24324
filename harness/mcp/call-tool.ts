// A TypeScript `call_tool`: the MCP client the guardrail scripts reach through
// `cargo run ... --bin call_tool -- ...`. Same flags, output and exit behaviour as
// the Rust binary in the Codex workspace, so the hermetic transport needs no Rust.
//
// The SDK is imported only once the arguments are known to be good: usage errors
// answer fast, and the cargo shim can import this module without paying for it.
import { redact, secretValues, SECRET_ENV_PREFIX } from './secrets.ts';
import { ServerProcessTransport, safeEnvironment } from './server-process.ts';

/** Seconds; replaces the 30 s default when set and `--timeout` is absent. */
export const CALL_TOOL_TIMEOUT_ENV = 'GUARDRAIL_HARNESS_CALL_TOOL_TIMEOUT';
export const DEFAULT_TIMEOUT_SECONDS = 30;

/** Exit codes: 2 for a bad command line (as clap does), 1 for anything that failed at run time. */
export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 1;

export interface CallToolIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
}

export interface CallToolOptions {
  /** Where `GUARDRAIL_HARNESS_CALL_TOOL_TIMEOUT` is read from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Aborting stops the call and the server, like a timeout. */
  signal?: AbortSignal;
}

export interface CallToolRequest {
  tool: string;
  args: Record<string, unknown>;
  serverEnv: Record<string, string>;
  timeoutSeconds: number;
  command: string;
  commandArgs: string[];
}

export type ParsedCommandLine = { kind: 'help' } | { kind: 'call'; request: CallToolRequest };

export const USAGE = `Usage: call_tool --tool NAME [--args JSON] [--env KEY=VALUE]... [--timeout SECONDS] -- SERVER_COMMAND [SERVER_ARGS]...

Starts SERVER_COMMAND as an MCP server over stdio, calls tool NAME with the JSON
object --args (default {}), prints the CallToolResult as JSON and exits 0.

Options:
  --tool NAME          tool to call (required)
  --args JSON          tool arguments, a JSON object (default {})
  --env KEY=VALUE      extra environment variable for the server (repeatable)
  --timeout SECONDS    give up after this long (default ${DEFAULT_TIMEOUT_SECONDS}, or $${CALL_TOOL_TIMEOUT_ENV})
  -h, --help           show this help
`;

export class UsageError extends Error {}

const ENV_PAIR = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

function parseSeconds(raw: string, source: string): number {
  const seconds = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`${source} must be a positive number of seconds, got '${raw}'`);
  }
  return seconds;
}

function parseArgsJson(raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new UsageError(
      `--args is not valid JSON (${(error as Error).message}); pass one JSON object, with strings inside it escaped`,
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw new UsageError(`--args must be a JSON object, got ${kind}`);
  }
  return value as Record<string, unknown>;
}

/** Parses call_tool's command line; throws UsageError naming the problem. */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ParsedCommandLine {
  let tool: string | undefined;
  let argsJson = '{}';
  let timeoutFlag: string | undefined;
  const serverEnv: Record<string, string> = {};
  let i = 0;
  const valueOf = (flag: string, inline: string | undefined): string => {
    if (inline !== undefined) return inline;
    const next = argv[++i];
    if (next === undefined) throw new UsageError(`${flag} needs a value`);
    return next;
  };
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    switch (flag) {
      case '--tool':
        tool = valueOf(flag, inline);
        break;
      case '--args':
        argsJson = valueOf(flag, inline);
        break;
      case '--timeout':
        timeoutFlag = valueOf(flag, inline);
        break;
      case '--env': {
        const pair = valueOf(flag, inline);
        const match = ENV_PAIR.exec(pair);
        if (!match) {
          // Echo only the name part: the value may be a secret.
          const name = pair.includes('=') ? pair.slice(0, pair.indexOf('=')) : pair;
          throw new UsageError(`--env expects KEY=VALUE with KEY a variable name, got '${name}${pair.includes('=') ? '=…' : ''}'`);
        }
        serverEnv[match[1]!] = match[2]!;
        break;
      }
      default:
        throw new UsageError(`unexpected argument '${arg}'; the server command goes after \`--\``);
    }
  }
  if (tool === undefined || tool === '') throw new UsageError('--tool NAME is required');
  const args = parseArgsJson(argsJson);
  const envTimeout = env[CALL_TOOL_TIMEOUT_ENV];
  const timeoutSeconds =
    timeoutFlag !== undefined
      ? parseSeconds(timeoutFlag, '--timeout')
      : envTimeout !== undefined && envTimeout !== ''
        ? parseSeconds(envTimeout, CALL_TOOL_TIMEOUT_ENV)
        : DEFAULT_TIMEOUT_SECONDS;
  const command = argv.slice(i + 1);
  if (command.length === 0 || command[0] === '') {
    throw new UsageError('no server command: put it after `--`, e.g. `-- npx -y hal-mcp`');
  }
  return {
    kind: 'call',
    request: { tool, args, serverEnv, timeoutSeconds, command: command[0]!, commandArgs: command.slice(1) },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs call_tool with `argv` (the words after `call_tool`) and returns its exit code. */
export async function callToolMain(
  argv: readonly string[],
  io: CallToolIo = process,
  options: CallToolOptions = {},
): Promise<number> {
  const env = options.env ?? process.env;
  const flagSecrets = argv.flatMap((a) => {
    // Any word, not only --env values: a stray HAL_SECRET_X=value is echoed by the usage error.
    const pair = a.startsWith('--env=') ? a.slice(6) : a;
    return pair.startsWith(SECRET_ENV_PREFIX) && pair.includes('=') ? [pair.slice(pair.indexOf('=') + 1)] : [];
  });
  const secrets = secretValues(env, flagSecrets);
  const fail = (message: string, code: number): number => {
    io.stderr.write(`call_tool: ${redact(message, secrets)}\n`);
    return code;
  };

  let parsed: ParsedCommandLine;
  try {
    parsed = parseCommandLine(argv, env);
  } catch (error) {
    if (error instanceof UsageError) return fail(`${error.message}\n\n${USAGE}`, EXIT_USAGE);
    throw error;
  }
  if (parsed.kind === 'help') {
    io.stdout.write(USAGE);
    return 0;
  }
  const request = parsed.request;
  const serverLabel = [request.command, ...request.commandArgs].join(' ');

  // Spawn first: the server starts up while this process loads the SDK.
  const transport = new ServerProcessTransport({
    command: request.command,
    args: request.commandArgs,
    env: { ...safeEnvironment(env), ...request.serverEnv },
  });
  const timeoutMs = request.timeoutSeconds * 1000;
  const deadline = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    deadline.abort(new Error(`timed out after ${request.timeoutSeconds} s`));
  }, timeoutMs);
  const onOuterAbort = (): void => deadline.abort(new Error('cancelled'));
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (options.signal?.aborted) onOuterAbort();
  // The SDK's own per-request limit (60 s by default) must never fire before ours.
  const requestOptions = { signal: deadline.signal, timeout: timeoutMs + 60_000 };

  let started = false;
  let client: { close(): Promise<void> } | undefined;
  try {
    const [{ Client }, { JSONRPCMessageSchema }] = await Promise.all([
      import('@modelcontextprotocol/sdk/client/index.js'),
      import('@modelcontextprotocol/sdk/types.js'),
    ]);
    transport.validate = (value) => JSONRPCMessageSchema.parse(value);
    const mcp = new Client({ name: 'call_tool', version: '0.1.0' });
    client = mcp;
    await mcp.connect(transport, requestOptions);
    started = true;
    const result = await mcp.callTool({ name: request.tool, arguments: request.args }, undefined, requestOptions);
    // SDK servers answer an unknown tool with an error *result*, which must not
    // pass for a tool that ran and failed (exit 0): ask for the tool list then.
    if (result.isError && JSON.stringify(result.content).includes(request.tool)) {
      const { tools } = await mcp.listTools(undefined, requestOptions);
      if (!tools.some((t) => t.name === request.tool)) {
        const offered = tools.map((t) => t.name).join(', ') || 'none';
        return fail(`the server \`${serverLabel}\` has no tool \`${request.tool}\` (it offers: ${offered})`, EXIT_FAILURE);
      }
    }
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (timedOut) {
      return fail(
        `timed out after ${request.timeoutSeconds} s waiting for tool \`${request.tool}\` from \`${serverLabel}\`; ` +
          `the server was stopped. Check the API behind it, or raise --timeout`,
        EXIT_FAILURE,
      );
    }
    if (deadline.signal.aborted) return fail(`cancelled while calling tool \`${request.tool}\`; the server was stopped`, EXIT_FAILURE);
    const spawnError = error as NodeJS.ErrnoException;
    if (!started && spawnError.syscall?.startsWith('spawn')) {
      const why = spawnError.code === 'ENOENT' ? 'was not found' : `could not be run (${spawnError.message})`;
      return fail(`could not start the MCP server: \`${request.command}\` ${why}; check the command after \`--\``, EXIT_FAILURE);
    }
    if (!transport.isRunning) {
      return fail(
        `the MCP server \`${serverLabel}\` exited before answering (${messageOf(error)}); see its output above`,
        EXIT_FAILURE,
      );
    }
    return fail(`calling tool \`${request.tool}\` on \`${serverLabel}\` failed: ${messageOf(error)}`, EXIT_FAILURE);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
    // A server stuck on a hanging request would not notice stdin closing: stop it outright.
    if (deadline.signal.aborted) await transport.kill('SIGTERM', 1000);
    if (client) await client.close().catch(() => {});
    else await transport.close();
  }
}

if (import.meta.main) {
  const code = await callToolMain(process.argv.slice(2));
  process.exit(code);
}
