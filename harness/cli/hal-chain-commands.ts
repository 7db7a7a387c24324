// The HAL chain's own commands, `guardrail-harness hal-server` and `guardrail-harness
// call-tool`: the kit's stand-ins for `npx -y hal-mcp` and the Rust call_tool, usable by
// anyone's MCP client or script. commands.ts dispatches to them.
import { type Io, UsageError } from '../../common/cli/index.ts';

export const HAL_SERVER_HELP = `Usage: guardrail-harness hal-server

Serves the kit's HAL MCP server over stdin/stdout until the client hangs up, then
exits 0. It offers hal-mcp's tools (http-get, http-post, ...), with {secrets.*}
placeholders filled from HAL_SECRET_* variables, so any MCP client can start it
where it would start \`npx -y hal-mcp\`. It takes no arguments.
`;

export async function halServerCommand(args: string[], io: Io): Promise<number> {
  if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) {
    io.stdout(HAL_SERVER_HELP);
    return 0;
  }
  if (args.length > 0) {
    throw new UsageError(`hal-server takes no arguments, got "${args.join(' ')}"; it serves MCP on stdio: configure it with HAL_SECRET_* variables`);
  }
  const { serveHalOverStdio } = await import('../fakes/hal-server/hal-server.ts');
  await serveHalOverStdio(process.env);
  // The client has hung up. A request still waiting on a hanging API would keep the
  // process alive (hal-server.ts exits the same way); unref'd, so it never holds it.
  setImmediate(() => process.exit(0)).unref();
  return 0;
}

/**
 * call_tool as the guardrails run it, with its own exit codes (0 or 1, never 2).
 * main.ts stops the process on SIGINT/SIGTERM with process.exit; the server then
 * goes with it (ServerProcessTransport kills its process group on exit).
 */
export async function callToolCommand(args: string[], io: Io): Promise<number> {
  const { callToolMain } = await import('../fakes/call-tool/call-tool.ts');
  return callToolMain(args, { stdout: { write: io.stdout }, stderr: { write: io.stderr } });
}
