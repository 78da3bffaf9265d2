// The provider calls' transport over real HTTP on 127.0.0.1: one pooled connection for successive calls,
// bodies sent and read as fetch does, aborts wherever the call is, failures shaped as fetch's, and the
// pool closed on demand.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { createKeepAliveFetch, type KeepAliveFetch, type ProviderRequestInit } from '../../../proxy/provider/keep-alive-fetch.js';
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

const get = (signal = new AbortController().signal): ProviderRequestInit => ({ method: 'GET', headers: { accept: 'application/json' }, signal });

/** The rejection of `promise` (fails the test if it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

describe('createKeepAliveFetch', () => {
  let server: TestServer;
  let send: KeepAliveFetch;
  before(async () => {
    server = await startServer();
    send = createKeepAliveFetch(server.url);
  });
  after(async () => {
    send.close();
    await server.close();
  });

  test('successive calls share one connection, and answer status, headers and text', async () => {
    server.handle = (req, res) => {
      res.writeHead(201, { 'Content-Type': 'application/json; charset=utf-8', Date: 'Tue, 14 Nov 2023 12:00:00 GMT', 'X-Seen-Path': req.url ?? '' });
      res.end(JSON.stringify({ success: true, data: { name: 'Zoë' } }));
    };
    const before = server.connections.length;
    for (let call = 0; call < 5; call += 1) {
      const response = await send(`${server.url}/api/v2/users/${call}?a=1`, get());
      assert.equal(response.status, 201);
      assert.equal(response.headers.get('date'), 'Tue, 14 Nov 2023 12:00:00 GMT');
      assert.equal(response.headers.get('X-Seen-Path'), `/api/v2/users/${call}?a=1`);
      assert.equal(response.headers.get('x-absent'), null);
      assert.deepEqual(JSON.parse(await response.text()), { success: true, data: { name: 'Zoë' } });
    }
    assert.equal(server.connections.length - before, 1, 'one connection for five calls');
  });

  test('a POST sends its form body with its length and type', async () => {
    server.handle = (req, res) => res.end(JSON.stringify({ length: req.headers['content-length'], type: req.headers['content-type'] }));
    const body = 'email=z%C3%B6e%40example.com&request_timestamp=1';
    const response = await send(`${server.url}/api/v2/users`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body,
      signal: new AbortController().signal,
    });
    assert.deepEqual(JSON.parse(await response.text()), { length: String(Buffer.byteLength(body)), type: 'application/x-www-form-urlencoded' });
    assert.equal(server.bodies.at(-1), body);
  });

  test('a redirect is answered, not followed', async () => {
    server.handle = (_req, res) => {
      res.writeHead(302, { Location: '/elsewhere' });
      res.end();
    };
    const response = await send(`${server.url}/api/v2/users/1`, get());
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('location'), '/elsewhere');
  });

  test('a compressed answer is decompressed, and a byte-order mark dropped, as Response.text() does', async () => {
    server.handle = (_req, res) => {
      res.writeHead(200, { 'Content-Encoding': 'gzip' });
      res.end(gzipSync(Buffer.from('\uFEFF{"success":true}', 'utf8')));
    };
    assert.equal(await (await send(`${server.url}/x`, get())).text(), '{"success":true}');
  });

  test('aborting while no answer came rejects with the abort reason', async () => {
    server.handle = () => undefined; // never answers
    const controller = new AbortController();
    const pending = send(`${server.url}/hang`, get(controller.signal));
    setTimeout(() => controller.abort(), 20);
    const error = await rejectionOf(pending);
    assert.equal((error as Error).name, 'AbortError');
  });

  test('aborting while the body is arriving rejects too', async () => {
    server.handle = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"success":'); // and the rest never comes
    };
    const controller = new AbortController();
    const pending = send(`${server.url}/half`, get(controller.signal));
    setTimeout(() => controller.abort(), 50);
    assert.equal(((await rejectionOf(pending)) as Error).name, 'AbortError');
  });

  test('an already aborted signal sends nothing', async () => {
    const before = server.bodies.length;
    const controller = new AbortController();
    controller.abort();
    assert.equal(((await rejectionOf(send(`${server.url}/never`, get(controller.signal)))) as Error).name, 'AbortError');
    assert.equal(server.bodies.length, before);
  });

  test('a connection dropped before the whole answer fails as fetch does, with ECONNRESET', async () => {
    server.handle = (req, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('{"partial":');
      setTimeout(() => req.socket.destroy(), 10);
    };
    const error = await rejectionOf(send(`${server.url}/drop`, get()));
    assert.ok(error instanceof TypeError);
    assert.equal((error.cause as { code?: string }).code, 'ECONNRESET');
  });

  test('a refused connection fails as fetch does, with ECONNREFUSED', async () => {
    const port = await closedPort();
    const refused = createKeepAliveFetch(`http://127.0.0.1:${port}`);
    const error = await rejectionOf(refused(`http://127.0.0.1:${port}/x`, get()));
    assert.ok(error instanceof TypeError);
    assert.equal((error.cause as { code?: string }).code, 'ECONNREFUSED');
    refused.close();
  });

  test('only sends to its own origin', async () => {
    assert.ok((await rejectionOf(send('http://127.0.0.1:1/x', get()))) instanceof TypeError);
    assert.ok((await rejectionOf(send(`${server.url}0/x`, get()))) instanceof TypeError, 'another port sharing the prefix');
    assert.throws(() => createKeepAliveFetch('ftp://example.com'), TypeError);
  });

  test('an idle connection is closed after idleMs, and close() closes the pooled ones', async () => {
    server.handle = (_req, res) => res.end('{}');
    const short = createKeepAliveFetch(server.url, { idleMs: 50 });
    await (await short(`${server.url}/a`, get())).text();
    const first = server.connections.at(-1);
    assert.ok(first !== undefined);
    if (!first.destroyed) await once(first, 'close', { signal: AbortSignal.timeout(2000) });
    await (await short(`${server.url}/b`, get())).text();
    const second = server.connections.at(-1);
    assert.ok(second !== undefined && second !== first, 'a new connection after the idle one closed');
    short.close();
    if (!second.destroyed) await once(second, 'close', { signal: AbortSignal.timeout(2000) });
    assert.equal(second.destroyed, true);
  });
});
