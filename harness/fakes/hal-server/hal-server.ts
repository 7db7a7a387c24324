// The kit's HAL MCP server: a stand-in for the npm `hal-mcp` 1.0.14 that answers every
// tool call as the real one does (the differential suite in harness/conformance/ proves
// it against the real server), so the guardrail scripts cannot tell the hermetic
// transport from the real chain. Its one difference: no HAL_SWAGGER_FILE tools.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
// zod 3, as hal-mcp uses: the SDK words invalid input from the schema library's own
// messages ("Invalid url at url"), and zod 4 words them differently.
import { z } from 'zod/v3';
import { listSecretsText } from './hal-list-secrets.ts';
import { type HalMethod, performHalRequest, SENDS_BODY } from './hal-request.ts';
import { HalSecrets, type WarningSink } from './hal-secrets.ts';

/** The identity hal-mcp 1.0.14 reports in `initialize`. */
export const HAL_SERVER_NAME = 'hal-mcp';
export const HAL_SERVER_VERSION = '1.0.0';

const PLACEHOLDER_NOTE = 'Placeholders {secrets.<name>} are filled in from HAL_SECRET_ variables.';

const withoutBody = {
  url: z.string().url(),
  headers: z.record(z.string()).optional(),
};
const withBody = {
  url: z.string().url(),
  body: z.string().optional(),
  headers: z.record(z.string()).optional(),
  contentType: z.string().default('application/json'),
};

// In hal-mcp's order, which `tools/list` shows.
const HTTP_TOOLS: ReadonlyArray<[string, HalMethod]> = [
  ['http-get', 'GET'],
  ['http-post', 'POST'],
  ['http-put', 'PUT'],
  ['http-patch', 'PATCH'],
  ['http-delete', 'DELETE'],
  ['http-head', 'HEAD'],
  ['http-options', 'OPTIONS'],
];
const DOCS = `# HAL (HTTP API Layer), as served by the guardrail test kit

Tools: http-get, http-post, http-put, http-patch, http-delete, http-head, http-options, list-secrets.
${PLACEHOLDER_NOTE} A variable HAL_SECRET_<NAMESPACE>_<KEY> gives {secrets.<namespace>.<key>};
HAL_ALLOW_<NAMESPACE>="pattern,..." limits the URLs such a secret may be sent to.
`;

export interface HalServerOptions {
  /** Where warnings go (unknown placeholders, refused secrets); hal-mcp writes them to stderr. */
  warn?: WarningSink;
}

/** Builds the HAL MCP server. Secrets are read from `env` once, as hal-mcp reads them at start-up. */
export function createHalServer(env: NodeJS.ProcessEnv = process.env, options: HalServerOptions = {}): McpServer {
  const warn = options.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
  const secrets = new HalSecrets(env, warn);
  if (secrets.byName.size > 0) {
    warn(`Loaded ${secrets.byName.size} secrets from environment variables`);
    if (secrets.restrictedCount > 0) warn(`${secrets.restrictedCount} secrets have URL restrictions`);
  }
  warn(
    env.HAL_SWAGGER_FILE
      ? 'HAL_SWAGGER_FILE is not supported by the guardrail test kit; serving the built-in tools only'
      : 'No HAL_SWAGGER_FILE specified, using built-in tools only',
  );

  const server = new McpServer({ name: HAL_SERVER_NAME, version: HAL_SERVER_VERSION });
  for (const [name, method] of HTTP_TOOLS) {
    if (SENDS_BODY.has(method)) {
      server.registerTool(
        name,
        {
          title: `HTTP ${method}`,
          description: `Sends an HTTP ${method} request with an optional text body; contentType is the Content-Type unless headers set one. ${PLACEHOLDER_NOTE}`,
          inputSchema: withBody,
        },
        ({ url, body, headers = {}, contentType }) => performHalRequest(method, { url, body, headers: { 'Content-Type': contentType, ...headers } }, secrets),
      );
    } else {
      server.registerTool(
        name,
        { title: `HTTP ${method}`, description: `Sends an HTTP ${method} request. ${PLACEHOLDER_NOTE}`, inputSchema: withoutBody },
        ({ url, headers = {} }) => performHalRequest(method, { url, headers }, secrets),
      );
    }
  }
  server.registerTool(
    'list-secrets',
    { title: 'List secrets', description: 'Lists the secret placeholders and their URL restrictions, never the values.', inputSchema: {} },
    () => ({ content: [{ type: 'text', text: listSecretsText(secrets) }] }),
  );
  // hal-mcp offers a documentation resource too; clients see the same capabilities.
  server.registerResource(
    'api-docs',
    'docs://hal/api',
    { title: 'HAL API Documentation', description: 'The tools and the secret placeholders', mimeType: 'text/markdown' },
    (uri) => ({ contents: [{ uri: uri.href, text: DOCS }] }),
  );
  return server;
}

/**
 * Serves HAL over this process's stdin/stdout and resolves once the client hangs
 * up. Callers should exit then: a request to a hanging API would otherwise keep
 * the process alive after its client has gone.
 */
export async function serveHalOverStdio(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const server = createHalServer(env);
  const hungUp = new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
    // A client that vanished mid-answer shows up as EPIPE on stdout.
    process.stdout.once('error', () => resolve());
  });
  await server.connect(new StdioServerTransport());
  await hungUp;
  await server.close().catch(() => {});
}

if (import.meta.main) {
  await serveHalOverStdio();
  process.exit(0);
}
