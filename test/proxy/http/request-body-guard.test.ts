// The body guard over a real socket: a declared length past the limit is refused before any byte is read
// (also lengths co-body would misread as 32-bit integers), and a stalled body loses its connection at the
// deadline instead of holding it for good.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import { errorHandler } from '../../../proxy/http/error-handler.js';
import { requestBodyGuard } from '../../../proxy/http/request-body-guard.js';

const LIMIT = 1000;
const DEADLINE_MS = 300;

/** Send raw bytes; resolve with what came back and whether the server closed the socket, within `waitMs`. */
function rawExchange(port: number, head: string, body: string, waitMs: number): Promise<{ answer: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let closed = false;
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('close', () => {
      closed = true;
      clearTimeout(timer);
      resolve({ answer, closed });
    });
    socket.on('error', () => undefined);
    socket.write(`${head}\r\n\r\n${body}`);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ answer, closed });
    }, waitMs);
  });
}

describe('request body guard', () => {
  let server: Server;
  let port: number;
  before(async () => {
    const app = new Koa();
    app.silent = true;
    app.use(errorHandler());
    app.use(requestBodyGuard(LIMIT, DEADLINE_MS));
    app.use(bodyParser({ enableTypes: ['json'], jsonLimit: LIMIT }));
    app.use((ctx) => {
      ctx.body = { received: ctx.request.body };
    });
    server = createServer(app.callback());
    server.requestTimeout = 0;
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
  });
  after(() => server.close());

  const head = (length: string) => `POST /anything HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\nConnection: close`;

  test('a body within the limit goes through', async () => {
    const body = '{"a":1}';
    const { answer } = await rawExchange(port, head(String(body.length)), body, 5000);
    assert.match(answer, /^HTTP\/1\.1 200 /);
    assert.match(answer, /"received":\{"a":1\}/);
  });

  for (const length of [String(LIMIT + 1), String(2 ** 31), String(2 ** 32 + 100), '1000000000000']) {
    test(`a declared length of ${length} bytes is refused with 413 before the body comes`, async () => {
      const { answer } = await rawExchange(port, head(length), '{"a":', 5000);
      assert.match(answer, /^HTTP\/1\.1 413 /);
      assert.match(answer, /"code":"body_too_large"/);
    });
  }

  test('a body that stalls loses its connection at the deadline, not never', async () => {
    // 5 s is a hang guard far above the 300 ms deadline, not a speed assertion.
    const { closed } = await rawExchange(port, head('100'), '{"a":', 5000);
    assert.equal(closed, true, 'the server still held the stalled request after 5 s');
  });

  test('a request without a body is untouched', async () => {
    const { answer } = await rawExchange(port, 'GET /anything HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close', '', 5000);
    assert.match(answer, /^HTTP\/1\.1 200 /);
  });
});
