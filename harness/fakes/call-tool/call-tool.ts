// A TypeScript `call_tool`: the MCP client the guardrail scripts reach through
// `cargo run ... --bin call_tool -- ...`. It behaves as the Rust binary in the Codex
// workspace does (docs: guardrail-interfaces.md, "How one call travels"), so the
// hermetic transport needs no Rust:
//
// - flags read by a hand-written loop: --tool NAME, --args JSON, --timeout SECS,
//   --env KEY=VALUE (repeatable), then `--` and the server command; no --flag=value,
//   no --help;
// - every failure exits 1 and prints anyhow's `Error: ...` / `Caused by:` report,
//   nothing redacted (the raw --args text included);
// - --args is any JSON value, sent as the tool's arguments as it is;
// - the timeout (whole seconds, default 30) applies to initialize and to the tool
//   call separately; a server that dies mid-call is not noticed before it expires;
// - a JSON-RPC error answer exits 1, any CallToolResult (isError too) is printed as
//   pretty JSON and exits 0.
//
// The JSON-RPC exchange is written out here rather than done with the SDK's Client,
// because the Client would differ from the Rust one where it matters: it fails
// pending requests when the server's stdout closes, sends notifications/cancelled on
// a timeout, answers server requests, and refuses unknown protocol versions.
//
// The server is spawned before the SDK's schemas are imported, so it starts up while
// this process loads them; the cargo shim can import this module without paying for it.
import { constants as osConstants } from 'node:os';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import {
  CALL_CONTEXT,
  CALL_TOOL_TIMEOUT_ENV,
  CallToolError,
  type CallToolIo,
  type CallToolOptions,
  type CallToolRequest,
  DEFAULT_TIMEOUT_SECONDS,
  EXIT_FAILURE,
  formatAnyhowError,
  INITIALIZE_CONTEXT,
  LAUNCH_CONTEXT,
  osErrorMessage,
  parseCommandLine,
} from './call-tool-args.ts';
import { ServerProcessTransport, safeEnvironment } from './server-process.ts';

/** The MCP revision the Rust client's mcp-types speak. */
export const PROTOCOL_VERSION = '2025-06-18';
export const CLIENT_INFO = { name: 'call_tool', version: '0.1.0' } as const;

const MAX_TIMER_MS = 2 ** 31 - 1;

type Reply = { result: unknown } | { error: { code?: unknown; message?: unknown } };
type Outcome = Reply | 'timeout' | 'aborted';

/** Resolves 'timeout' after `seconds` (0: at once, before any answer can arrive), in steps Node's timers can hold. */
function expiry(seconds: number): { expired: Promise<'timeout'>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;
  const expired = new Promise<'timeout'>((resolve) => {
    if (seconds === 0) {
      resolve('timeout');
      return;
    }
    let remaining = seconds * 1000;
    const arm = (): void => {
      const step = Math.min(remaining, MAX_TIMER_MS);
      remaining -= step;
      timer = setTimeout(() => (remaining > 0 && !cancelled ? arm() : resolve('timeout')), step);
    };
    arm();
  });
  return {
    expired,
    cancel: () => {
      cancelled = true;
      clearTimeout(timer);
    },
  };
}

/**
 * JSON-RPC over the server's stdio as the Rust client does it: requests wait for
 * their answer or their timeout, nothing else. The server's stdout closing is not
 * an answer, server requests and notifications are ignored, and a timed-out
 * request is simply forgotten (no notifications/cancelled).
 */
class Connection {
  private nextId = 0;
  private readonly pending = new Map<number, (reply: Reply) => void>();
  private readonly transport: ServerProcessTransport;

  constructor(transport: ServerProcessTransport) {
    this.transport = transport;
    transport.onmessage = (message) => this.receive(message);
    transport.onerror = () => {};
    transport.onclose = () => {};
  }

  private receive(message: JSONRPCMessage): void {
    const m = message as { id?: unknown; method?: unknown; result?: unknown; error?: unknown };
    if (typeof m.id !== 'number' || m.method !== undefined) return;
    const answer = this.pending.get(m.id);
    if (answer === undefined) return;
    if ('result' in m) answer({ result: m.result });
    else if (typeof m.error === 'object' && m.error !== null) answer({ error: m.error as { code?: unknown; message?: unknown } });
    else return;
    this.pending.delete(m.id);
  }

  notify(method: string): void {
    void this.transport.send({ jsonrpc: '2.0', method } as JSONRPCMessage);
  }

  async request(method: string, params: unknown, timeoutSeconds: number, signal: AbortSignal | undefined): Promise<Outcome> {
    const id = this.nextId++;
    const reply = new Promise<Reply>((resolve) => this.pending.set(id, resolve));
    // Not awaited: the timeout counts while the line waits to be written, as the Rust
    // client's does while its writer task works.
    void this.transport.send({ jsonrpc: '2.0', id, method, params } as JSONRPCMessage);
    const { expired, cancel } = expiry(timeoutSeconds);
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<'aborted'>((resolve) => {
      onAbort = () => resolve('aborted');
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([reply, expired, aborted]);
    } finally {
      cancel();
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      this.pending.delete(id);
    }
  }
}

function describeTimeout(request: CallToolRequest): string {
  if (request.timeoutSeconds === 0)
    return `${request.timeoutSource === 'env' ? `${CALL_TOOL_TIMEOUT_ENV}=0` : '--timeout 0'}, which gives up at the first wait`;
  switch (request.timeoutSource) {
    case 'flag':
      return `--timeout ${request.timeoutSeconds}`;
    case 'env':
      return `${request.timeoutSeconds} s (${CALL_TOOL_TIMEOUT_ENV}, the test kit's setting)`;
    case 'default':
      return `the default ${DEFAULT_TIMEOUT_SECONDS} s (--timeout)`;
  }
}

function jsonRpcError(error: { code?: unknown; message?: unknown }): string {
  return `server returned JSON-RPC error: code = ${String(error.code)}, message = ${String(error.message)}`;
}

function describeIssues(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(result)'}: ${issue.message}`).join('; ');
}

/** Runs call_tool with `argv` (the words after `call_tool`) and returns its exit code, 0 or 1. */
export async function callToolMain(argv: readonly string[], io: CallToolIo = process, options: CallToolOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const fail = (error: CallToolError): number => {
    io.stderr.write(formatAnyhowError(error.context, error.causes));
    return EXIT_FAILURE;
  };

  let request: CallToolRequest;
  try {
    request = parseCommandLine(argv, env);
  } catch (error) {
    if (error instanceof CallToolError) return fail(error);
    throw error;
  }
  if (options.signal?.aborted) return EXIT_FAILURE;

  // Spawn first: the server starts up while this process loads the schemas.
  const transport = new ServerProcessTransport({
    command: request.command,
    args: request.commandArgs,
    env: { ...safeEnvironment(env), ...request.serverEnv },
  });
  const schemas = import('@modelcontextprotocol/sdk/types.js');
  schemas.catch(() => {}); // awaited below unless the launch fails
  let launched = false;
  let forced = false;
  try {
    try {
      await transport.start();
    } catch (error) {
      return fail(new CallToolError(LAUNCH_CONTEXT, [osErrorMessage(error, request.command)]));
    }
    launched = true;
    const { InitializeResultSchema, CallToolResultSchema } = await schemas;
    const rpc = new Connection(transport);

    const init = await rpc.request(
      'initialize',
      { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: CLIENT_INFO },
      request.timeoutSeconds,
      options.signal,
    );
    if (init === 'aborted') {
      forced = true;
      return EXIT_FAILURE;
    }
    if (init === 'timeout') {
      forced = true;
      return fail(
        new CallToolError(`MCP initialize timed out after ${request.timeoutSeconds} s`, [
          `the server did not answer initialize within ${describeTimeout(request)}; it may be slow to start, stuck, ` +
            'not an MCP server, or have exited. Check the command after --, or raise --timeout',
        ]),
      );
    }
    if ('error' in init) return fail(new CallToolError(INITIALIZE_CONTEXT, [jsonRpcError(init.error)]));
    const initialized = InitializeResultSchema.safeParse(init.result);
    if (!initialized.success) {
      return fail(new CallToolError(INITIALIZE_CONTEXT, [`invalid initialize result from the server: ${describeIssues(initialized.error)}`]));
    }
    rpc.notify('notifications/initialized');

    // `arguments` goes out exactly as --args gave it, object or not.
    const call = await rpc.request('tools/call', { name: request.tool, arguments: request.args }, request.timeoutSeconds, options.signal);
    if (call === 'aborted') {
      forced = true;
      return EXIT_FAILURE;
    }
    if (call === 'timeout') {
      forced = true;
      return fail(
        new CallToolError(`tool call timed out after ${request.timeoutSeconds} s`, [
          `the server did not answer tools/call '${request.tool}' within ${describeTimeout(request)}; the API behind it ` +
            'may be hanging, or the server may have exited. Check the API, or raise --timeout',
        ]),
      );
    }
    if ('error' in call) return fail(new CallToolError(CALL_CONTEXT, [jsonRpcError(call.error)]));
    const result = CallToolResultSchema.safeParse(call.result);
    if (!result.success) {
      return fail(new CallToolError(CALL_CONTEXT, [`invalid CallToolResult from the server: ${describeIssues(result.error)}`]));
    }
    io.stdout.write(`${JSON.stringify(result.data, null, 2)}\n`);
    return 0;
  } finally {
    if (launched) {
      // A server stuck on a hanging request would not notice stdin closing: stop it outright.
      if (forced) await transport.kill('SIGTERM', 1000);
      else await transport.close();
    }
  }
}

if (import.meta.main) {
  // Stopped by a signal, still stop the server first (a process.exit elsewhere is
  // covered by the transport's exit hook).
  const stop = new AbortController();
  let stoppedBy: NodeJS.Signals | undefined;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      stoppedBy ??= signal;
      stop.abort();
    });
  }
  const code = await callToolMain(process.argv.slice(2), process, { signal: stop.signal });
  process.exit(stoppedBy ? 128 + (osConstants.signals[stoppedBy] ?? 15) : code);
}
