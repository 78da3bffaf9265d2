/**
 * A bare relay in a process of its own, for the status benchmark: every GET is forwarded as it came to
 * `BENCH_RELAY_TARGET` over keep-alive connections (`node:http` only: no Koa, no token check, no signing,
 * no logging) and the answer relayed back. It is the least any proxy written for Node does per request
 * (one HTTP request in, one out), so the benchmark can show the proxy's cost beside that floor.
 * `node test/bench/relay-process.ts` with an IPC channel and `BENCH_RELAY_PORT`; it answers the probe
 * (`process-probe.ts`), sends `{ relay: { url } }` once it listens, and stops on SIGTERM or when the
 * benchmark goes away.
 */
import './process-probe.js';
import { Agent, createServer, request } from 'node:http';

/** What the process sends once it listens. */
export interface RelayReady {
  relay: { url: string };
}

const targetText = process.env['BENCH_RELAY_TARGET'];
const port = Number(process.env['BENCH_RELAY_PORT'] ?? 0);
if (targetText === undefined || process.send === undefined) {
  throw new Error('Started by the benchmarks only: BENCH_RELAY_TARGET and an IPC channel are needed.');
}
const target = new URL(targetText);
const agent = new Agent({ keepAlive: true });

const server = createServer((req, res) => {
  const forwarded = request({ agent, hostname: target.hostname, port: target.port, method: 'GET', path: req.url, headers: { accept: 'application/json' } }, (answer) => {
    const chunks: Buffer[] = [];
    answer.on('data', (chunk: Buffer) => chunks.push(chunk));
    answer.on('end', () => {
      res.writeHead(answer.statusCode ?? 502, { 'content-type': answer.headers['content-type'] ?? 'application/json' });
      res.end(Buffer.concat(chunks));
    });
  });
  forwarded.on('error', () => {
    res.writeHead(502);
    res.end();
  });
  forwarded.end();
});
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : port}`;
  process.send?.({ relay: { url } } satisfies RelayReady);
});

const stop = (): void => {
  agent.destroy();
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('disconnect', stop);
