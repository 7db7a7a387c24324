// call_tool's command line and error reports, as the Rust binary has them: the flag
// loop, whole-second timeouts read as Rust's u64 parse reads them, anyhow's
// `Error:` / `Caused by:` format, and io::Error's wording for a failed launch.
import { constants as osConstants } from 'node:os';
import { getSystemErrorMessage } from 'node:util';

/**
 * The test kit's own setting, which the Rust binary does not have: whole seconds
 * that replace the 30 s default when `--timeout` is absent. The harness sets it to
 * shorten scenarios that hang. It is an environment variable, not a flag.
 */
export const CALL_TOOL_TIMEOUT_ENV = 'GUARDRAIL_HARNESS_CALL_TOOL_TIMEOUT';
export const DEFAULT_TIMEOUT_SECONDS = 30;

/** The only exit code besides 0: usage errors included, as `fn main() -> anyhow::Result<()>` has it. */
export const EXIT_FAILURE = 1;

/** anyhow contexts, the first line of every error report. */
export const ARGUMENTS_CONTEXT = 'failed to parse arguments';
export const LAUNCH_CONTEXT = 'failed to launch MCP server';
export const INITIALIZE_CONTEXT = 'failed to initialize MCP session';
export const CALL_CONTEXT = 'tool call failed';

/** What every usage error lists. */
export const FLAGS_SUMMARY = '--tool NAME --args JSON --timeout SECS --env KEY=VALUE -- SERVER...';

export interface CallToolIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
}

export interface CallToolOptions {
  /** Where the SAFE_ENV_VARS and `GUARDRAIL_HARNESS_CALL_TOOL_TIMEOUT` are read from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Aborting stops the call and the server; call_tool then exits 1 without a message, as a killed process would. */
  signal?: AbortSignal;
}

export type TimeoutSource = 'flag' | 'env' | 'default';

export interface CallToolRequest {
  tool: string;
  /** Any JSON value; `{}` when --args is absent. */
  args: unknown;
  serverEnv: Record<string, string>;
  timeoutSeconds: number;
  timeoutSource: TimeoutSource;
  command: string;
  commandArgs: string[];
}

/** An error as anyhow reports it: the outermost context, then its causes, outermost first. */
export class CallToolError extends Error {
  readonly context: string;
  readonly causes: readonly string[];
  constructor(context: string, causes: readonly string[] = []) {
    super([context, ...causes].join(': '));
    this.name = 'CallToolError';
    this.context = context;
    this.causes = causes;
  }
}

/**
 * anyhow's Debug format, as Rust prints the error `main` returned:
 *
 *     Error: <context>
 *
 *     Caused by:
 *         <cause>
 *
 * With several causes each is numbered (`    0: a`, `    1: b`). Lines after the
 * first of a message are indented to line up (4 spaces, or 7 when numbered).
 */
export function formatAnyhowError(context: string, causes: readonly string[] = []): string {
  let out = `Error: ${context}`;
  if (causes.length > 0) {
    out += '\n\nCaused by:';
    const numbered = causes.length > 1;
    causes.forEach((cause, n) => {
      const [first, ...rest] = cause.split('\n');
      out += `\n${numbered ? `${String(n).padStart(5)}: ` : '    '}${first}`;
      for (const line of rest) out += `\n${numbered ? '       ' : '    '}${line}`;
    });
  }
  return `${out}\n`;
}

function usageError(...causes: string[]): CallToolError {
  return new CallToolError(ARGUMENTS_CONTEXT, causes);
}

const U64_MAX = 18_446_744_073_709_551_615n;

/** Rust's `str::parse::<u64>()`: the number, or the message of its ParseIntError. */
export function parseU64(raw: string): number | { error: string } {
  if (raw === '') return { error: 'cannot parse integer from empty string' };
  const digits = raw.startsWith('+') ? raw.slice(1) : raw;
  if (!/^[0-9]+$/.test(digits)) return { error: 'invalid digit found in string' };
  if (BigInt(digits) > U64_MAX) return { error: 'number too large to fit in target type' };
  return Number(digits);
}

/**
 * Reads call_tool's command line (the words after `call_tool`) as the Rust binary's
 * loop does; `env` supplies only GUARDRAIL_HARNESS_CALL_TOOL_TIMEOUT. Throws a
 * CallToolError with the context `failed to parse arguments`.
 */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CallToolRequest {
  if (argv.length === 0) throw usageError(`no arguments given (flags: ${FLAGS_SUMMARY})`);
  let tool: string | undefined;
  let args: unknown = {};
  let timeoutSeconds: number | undefined;
  const serverEnv: Record<string, string> = {};
  let server: string[] | undefined;
  for (let i = 0; i < argv.length && server === undefined; i++) {
    const arg = argv[i]!;
    const flagValue = (what: string): string => {
      if (i + 1 >= argv.length) throw usageError(`${arg} needs a value: ${arg} ${what}`);
      return argv[++i]!;
    };
    switch (arg) {
      case '--tool':
        tool = flagValue('NAME');
        break;
      case '--args': {
        const raw = flagValue('JSON');
        try {
          args = JSON.parse(raw);
        } catch (error) {
          // Echoed as given, as the Rust binary does: a key pasted here ends up on stderr.
          throw usageError(`failed to parse --args JSON: ${raw}`, (error as Error).message);
        }
        break;
      }
      case '--timeout': {
        const raw = flagValue('SECS');
        const parsed = parseU64(raw);
        if (typeof parsed !== 'number') {
          throw usageError(`invalid --timeout '${raw}': ${parsed.error}; give whole seconds, e.g. --timeout 30 (0 times out at once)`);
        }
        timeoutSeconds = parsed;
        break;
      }
      case '--env': {
        const pair = flagValue('KEY=VALUE');
        const eq = pair.indexOf('=');
        if (eq === -1) throw usageError(`--env needs KEY=VALUE, got '${pair}'`);
        serverEnv[pair.slice(0, eq)] = pair.slice(eq + 1);
        break;
      }
      case '--':
        server = argv.slice(i + 1);
        break;
      default:
        throw usageError(`unknown argument '${arg}' (flags: ${FLAGS_SUMMARY})`);
    }
  }
  if (tool === undefined) throw usageError(`--tool NAME is missing: name the tool to call, e.g. --tool http-get (flags: ${FLAGS_SUMMARY})`);
  if (server === undefined || server.length === 0) {
    throw usageError('no server command: put it after --, e.g. -- npx -y hal-mcp');
  }

  let timeoutSource: TimeoutSource = 'flag';
  if (timeoutSeconds === undefined) {
    const fromEnv = env[CALL_TOOL_TIMEOUT_ENV];
    if (fromEnv !== undefined && fromEnv !== '') {
      const parsed = parseU64(fromEnv);
      if (typeof parsed !== 'number') {
        throw usageError(
          `invalid ${CALL_TOOL_TIMEOUT_ENV} '${fromEnv}': ${parsed.error}; ` +
            'this test kit setting replaces the 30 s default timeout: set whole seconds, e.g. 3, or unset it',
        );
      }
      timeoutSeconds = parsed;
      timeoutSource = 'env';
    } else {
      timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
      timeoutSource = 'default';
    }
  }
  return { tool, args, serverEnv, timeoutSeconds, timeoutSource, command: server[0]!, commandArgs: server.slice(1) };
}

/** Rust's strerror wording for the errors a spawn meets (libuv's differs: "no such file or directory"). */
const OS_MESSAGES: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENOEXEC: 'Exec format error',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  E2BIG: 'Argument list too long',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  ETXTBSY: 'Text file busy',
  EMFILE: 'Too many open files',
  ENFILE: 'Too many open files in system',
  EAGAIN: 'Resource temporarily unavailable',
  ENOMEM: 'Cannot allocate memory',
};

/** A spawn failure as Rust's io::Error displays it: `No such file or directory (os error 2)`. */
export function osErrorMessage(error: unknown, command: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const errno = code === undefined ? undefined : (osConstants.errno as Record<string, number>)[code];
  if (code !== undefined && errno !== undefined) {
    const text = OS_MESSAGES[code] ?? getSystemErrorMessage(-errno).replace(/^./, (c) => c.toUpperCase());
    return `${text} (os error ${errno})`;
  }
  // Node refuses an empty command name before trying; execvp would fail with ENOENT.
  if (command === '') return `${OS_MESSAGES.ENOENT} (os error ${osConstants.errno.ENOENT})`;
  return error instanceof Error ? error.message : String(error);
}
