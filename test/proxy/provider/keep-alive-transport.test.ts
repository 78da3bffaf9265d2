// The provider calls' transports over real HTTP on 127.0.0.1: the keep-alive pool (one connection for
// successive calls, bodies sent and read as fetch does, the time limit wherever the attempt is, failures
// by their system error code, the pool closed on demand), and the same outcomes from the fetch adapter.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { createKeepAliveTransport } from '../../../proxy/provider/keep-alive-transport.js';
import { fetchTransport, type ClosableTransport, type ProviderTransport, type TransportOutcome, type TransportRequest } from '../../../proxy/provider/provider-transport.js';
import { closedPort } from './helpers.js';

/** A server whose answer to each request is decided by `handle`, counting connections. */
interface TestServer {
  url: string;
  connections: Socket[];
  bodies: string[];
  handle: (req: IncomingMessage, res: ServerResponse) => void;
  close(): Promise<void>;
}

async function startServer(): Promise<TestServer> {
  const connections: Socket[] = [];
  const bodies: string[] = [];
  const state: TestServer = {
    url: '',
    connections,
    bodies,
    handle: (_req, res) => res.end('{}'),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      state.handle(req, res);
    });
  });
  server.on('connection', (socket: Socket) => connections.push(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

const get = (url: string, timeoutMs = 5000): TransportRequest => ({ method: 'GET', url, headers: { accept: 'application/json' }, timeoutMs });

/** The answer of an outcome (fails the test for a timeout or a failure). */
function answerOf(outcome: TransportOutcome): { status: number; date: string | undefined; text: string } {
  assert.equal(outcome.kind, 'answer', JSON.stringify(outcome));
  return outcome as { status: number; date: string | undefined; text: string };
}

describe('createKeepAliveTransport', () => {
  let server: TestServer;
  let send: ClosableTransport;
  before(async () => {
    server = await startServer();
    send = createKeepAliveTransport(server.url);
  });
  after(async () => {
    send.close();
    await server.close();
  });

  test('successive attempts share one connection, and answer status, Date and text', async () => {
    server.handle = (req, res) => {
      res.writeHead(201, { 'Content-Type': 'application/json; charset=utf-8', Date: 'Tue, 14 Nov 2023 12:00:00 GMT' });
      res.end(JSON.stringify({ success: true, data: { name: 'Zoë', path: req.url } }));
    };
    const before = server.connections.length;
    for (let call = 0; call < 5; call += 1) {
      const answer = answerOf(await send(get(`${server.url}/api/v2/users/${call}?a=1`)));
      assert.equal(answer.status, 201);
      assert.equal(answer.date, 'Tue, 14 Nov 2023 12:00:00 GMT');
      assert.deepEqual(JSON.parse(answer.text), { success: true, data: { name: 'Zoë', path: `/api/v2/users/${call}?a=1` } });
    }
    assert.equal(server.connections.length - before, 1, 'one connection for five attempts');
  });

  test('a POST sends its form body with its length and type', async () => {
    server.handle = (req, res) => res.end(JSON.stringify({ length: req.headers['content-length'], type: req.headers['content-type'] }));
    const body = 'email=z%C3%B6e%40example.com&request_timestamp=1';
    const answer = answerOf(await send({
      method: 'POST',
      url: `${server.url}/api/v2/users`,
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body,
      timeoutMs: 5000,
    }));
    assert.deepEqual(JSON.parse(answer.text), { length: String(Buffer.byteLength(body)), type: 'application/x-www-form-urlencoded' });
    assert.equal(server.bodies.at(-1), body);
  });

  test('a redirect is answered, not followed', async () => {
    server.handle = (_req, res) => {
      res.writeHead(302, { Location: '/elsewhere' });
      res.end();
    };
    const before = server.bodies.length;
    assert.equal(answerOf(await send(get(`${server.url}/api/v2/users/1`))).status, 302);
    assert.equal(server.bodies.length - before, 1);
  });

  test('a compressed answer is decompressed, and a byte-order mark dropped, as Response.text() does', async () => {
    server.handle = (_req, res) => {
      res.writeHead(200, { 'Content-Encoding': 'gzip' });
      res.end(gzipSync(Buffer.from('\uFEFF{"success":true}', 'utf8')));
    };
    assert.equal(answerOf(await send(get(`${server.url}/x`))).text, '{"success":true}');
  });

  test('no answer within the time limit is a timeout', async () => {
    server.handle = () => undefined; // never answers
    assert.deepEqual(await send(get(`${server.url}/hang`, 50)), { kind: 'timeout' });
  });

  test('a body that stops arriving is a timeout too: the limit covers the whole answer', async () => {
    server.handle = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"success":'); // and the rest never comes
    };
    assert.deepEqual(await send(get(`${server.url}/half`, 100)), { kind: 'timeout' });
  });

  test('a connection dropped before the whole answer fails with ECONNRESET', async () => {
    server.handle = (req, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('{"partial":');
      setTimeout(() => req.socket.destroy(), 10);
    };
    assert.deepEqual(await send(get(`${server.url}/drop`)), { kind: 'failed', code: 'ECONNRESET' });
  });

  test('a refused connection fails with ECONNREFUSED', async () => {
    const port = await closedPort();
    const refused = createKeepAliveTransport(`http://127.0.0.1:${port}`);
    assert.deepEqual(await refused(get(`http://127.0.0.1:${port}/x`)), { kind: 'failed', code: 'ECONNREFUSED' });
    refused.close();
  });

  test('only sends to its own origin', async () => {
    const before = server.bodies.length;
    assert.deepEqual(await send(get('http://127.0.0.1:1/x')), { kind: 'failed', code: 'ERR_OUTSIDE_ORIGIN' });
    assert.deepEqual(await send(get(`${server.url}0/x`)), { kind: 'failed', code: 'ERR_OUTSIDE_ORIGIN' }, 'another port sharing the prefix');
    assert.equal(server.bodies.length, before);
    assert.throws(() => createKeepAliveTransport('ftp://example.com'), TypeError);
  });

  test('an idle connection is closed after idleMs, and close() closes the pooled ones', async () => {
    server.handle = (_req, res) => res.end('{}');
    const short = createKeepAliveTransport(server.url, { idleMs: 50 });
    answerOf(await short(get(`${server.url}/a`)));
    const first = server.connections.at(-1);
    assert.ok(first !== undefined);
    if (!first.destroyed) await once(first, 'close', { signal: AbortSignal.timeout(2000) });
    answerOf(await short(get(`${server.url}/b`)));
    const second = server.connections.at(-1);
    assert.ok(second !== undefined && second !== first, 'a new connection after the idle one closed');
    short.close();
    if (!second.destroyed) await once(second, 'close', { signal: AbortSignal.timeout(2000) });
    assert.equal(second.destroyed, true);
  });
});

describe('fetchTransport', () => {
  let server: TestServer;
  const send: ProviderTransport = fetchTransport(fetch);
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  test('answers as the keep-alive transport does', async () => {
    server.handle = (_req, res) => {
      res.writeHead(200, { Date: 'Tue, 14 Nov 2023 12:00:00 GMT' });
      res.end('{"success":true}');
    };
    assert.deepEqual(await send(get(`${server.url}/x`)), { kind: 'answer', status: 200, date: 'Tue, 14 Nov 2023 12:00:00 GMT', text: '{"success":true}' });
    server.handle = (_req, res) => {
      res.writeHead(302, { Location: `${server.url}/elsewhere` });
      res.end();
    };
    assert.equal(answerOf(await send(get(`${server.url}/x`))).status, 302, 'a redirect is not followed');
  });

  test('a timeout and a refused connection are reported alike', async () => {
    server.handle = () => undefined;
    assert.deepEqual(await send(get(`${server.url}/hang`, 50)), { kind: 'timeout' });
    const port = await closedPort();
    assert.deepEqual(await send(get(`http://127.0.0.1:${port}/x`)), { kind: 'failed', code: 'ECONNREFUSED' });
  });
});
