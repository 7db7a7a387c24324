// Node's ceiling on this machine: node:http answering fixed bytes per route, no
// routing framework, no scenario, no journal. Answers come in BENCH_ANSWERS.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const answers = JSON.parse(process.env.BENCH_ANSWERS ?? '{}') as Record<string, { contentType: string; body: string }>;
const byRoute = new Map(Object.entries(answers).map(([name, answer]) => [name.replace(' ', ''), { type: answer.contentType, body: Buffer.from(answer.body) }]));

const server = createServer((request, response) => {
  const path = (request.url ?? '/').split('?')[0];
  const answer = byRoute.get(`${request.method}${path}`);
  // Drain the request body before answering, as any real server must.
  request.resume();
  request.on('end', () => {
    if (!answer) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': answer.type, 'content-length': answer.body.length }).end(answer.body);
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`bare listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
