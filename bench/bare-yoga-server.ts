// GraphQL Yoga's ceiling on this machine: the mock's own schema behind a bare
// node:http server, with Yoga's defaults otherwise. mock-hal's /graphql can come
// near this figure but not pass it, so it tells Yoga's cost apart from the mock's.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createYoga } from 'graphql-yoga';
import { createGraphqlSchema } from '../mock-hal/answers/graphql-server.ts';

// logging: false, or Yoga's default logger would write on every request and measure the terminal.
const server = createServer(createYoga({ schema: createGraphqlSchema(Date.now()), logging: false }));
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`bare-yoga listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
