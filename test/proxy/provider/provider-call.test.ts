// The provider client against small misbehaving servers over real HTTP: timeouts, refused connections,
// dropped connections, 5xx, 429 and garbage, and which of them are retried for GET and for POST.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createProviderClient } from '../../../proxy/provider/provider-client.js';
import {
  answer,
  clientFor,
  closedPort,
  fakeTime,
  isCleanMessage,
  isValidlySigned,
  MINIMAL_CLIENT,
  providerFailure,
  startScriptedServer,
  type ScriptedServer,
} from './helpers.js';

const USER = { result_type: 'user', user: { id: 5, email: 'someone@example.com', properties: [], created_at: 1_700_000_000 } };
const OK_USER = answer.json(200, { success: true, data: USER });
const EMAIL = 'someone@example.com';

describe('provider calls against misbehaving servers', () => {
  const servers: ScriptedServer[] = [];
  async function serve(...scripts: Parameters<typeof startScriptedServer>[0]): Promise<ScriptedServer> {
    const server = await startScriptedServer(scripts);
    servers.push(server);
    return server;
  }
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it('a GET that gets no answer times out (504), retried with backoff, each attempt signed afresh', async () => {
    const server = await serve(answer.hang());
    const time = fakeTime();
    const provider = clientFor(server.url, { timeoutMs: 100, retries: 2, now: time.now, sleep: time.sleep });
    const error = await providerFailure(provider.getUser(5));
    assert.equal(error.kind, 'timeout');
    assert.equal(error.httpStatus, 504);
    assert.equal(error.attempts, 3);
    assert.equal(error.maybeProcessed, true);
    assert.equal(server.requests.length, 3);
    // Full jitter with random() = 0.5: half of 250 ms, then half of 500 ms.
    assert.deepEqual(time.waits, [125, 250]);
    assert.ok(server.requests.every((r) => isValidlySigned(r, MINIMAL_CLIENT.apiSecret)));
    const timestamps = server.requests.map((r) => Number(r.params['request_timestamp']));
    assert.ok(timestamps[0]! < timestamps[1]! && timestamps[1]! < timestamps[2]!, `timestamps ${timestamps.join(', ')}`);
    assert.ok(isCleanMessage(error, MINIMAL_CLIENT.apiSecret, server.requests));
  });

  it('a POST that times out is not sent again', async () => {
    const server = await serve(answer.hang());
    const provider = clientFor(server.url, { timeoutMs: 100, retries: 2 });
    const error = await providerFailure(provider.createUser(EMAIL));
    assert.equal(error.kind, 'timeout');
    assert.equal(error.httpStatus, 504);
    assert.equal(error.attempts, 1);
    assert.equal(error.maybeProcessed, true);
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0]?.params['email'], EMAIL);
    assert.ok(isCleanMessage(error, MINIMAL_CLIENT.apiSecret, server.requests, EMAIL));
  });

  it('a provider that is down gives 503 unreachable, after retries, and says nothing was sent', async () => {
    const port = await closedPort();
    const provider = clientFor(`http://127.0.0.1:${port}`, { retries: 2 });
    const error = await providerFailure(provider.getUser(5));
    assert.equal(error.kind, 'unreachable');
    assert.equal(error.httpStatus, 503);
    assert.equal(error.causeCode, 'ECONNREFUSED');
    assert.equal(error.attempts, 3);
    assert.equal(error.maybeProcessed, false);
    assert.equal(error.message, 'Provider GET /api/v2/users/5: could not connect (ECONNREFUSED) (3 attempts)');
  });

  it('a POST whose connection was refused is retried, and lands once the provider is back', async () => {
    const port = await closedPort();
    const received: string[] = [];
    const revived = createServer((req, res) => {
      req.on('data', (chunk: Buffer) => received.push(chunk.toString()));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ success: true, data: USER }));
      });
    });
    try {
      // The provider comes back during the first backoff wait.
      const sleep = (): Promise<void> => new Promise((resolve) => revived.listen(port, '127.0.0.1', () => resolve()));
      const provider = clientFor(`http://127.0.0.1:${port}`, { retries: 2, sleep });
      const user = await provider.createUser(EMAIL);
      assert.equal(user.id, 5);
      assert.equal(received.length, 1);
    } finally {
      revived.closeAllConnections();
      await new Promise((resolve) => revived.close(resolve));
    }
  });

  it('a POST whose connection drops after sending is not retried, and may have been processed', async () => {
    const server = await serve(answer.drop(), OK_USER);
    const provider = clientFor(server.url, { retries: 2 });
    const error = await providerFailure(provider.createUser(EMAIL));
    assert.equal(error.kind, 'unreachable');
    assert.equal(error.httpStatus, 503);
    assert.equal(error.maybeProcessed, true);
    assert.equal(error.attempts, 1);
    assert.equal(server.requests.length, 1);
  });

  it('a GET whose connection drops is retried', async () => {
    const server = await serve(answer.drop(), OK_USER);
    const provider = clientFor(server.url, { retries: 2 });
    assert.equal((await provider.getUser(5)).id, 5);
    assert.equal(server.requests.length, 2);
  });

  it('a GET answered 500 then 200 succeeds on the retry, signed again with a later timestamp', async () => {
    const server = await serve(answer.json(500, { success: false, err: { internal_id: 'swr', msg: 'Something went wrong.', code: 'INTERNAL_SERVER_ERROR' } }), OK_USER);
    const time = fakeTime();
    const provider = clientFor(server.url, { retries: 2, now: time.now, sleep: time.sleep });
    assert.deepEqual(await provider.getUser(5), USER.user);
    assert.equal(server.requests.length, 2);
    assert.ok(server.requests.every((r) => isValidlySigned(r, MINIMAL_CLIENT.apiSecret)));
    assert.ok(Number(server.requests[1]?.params['request_timestamp']) > Number(server.requests[0]?.params['request_timestamp']));
    assert.notEqual(server.requests[0]?.params['signature'], server.requests[1]?.params['signature']);
  });

  it('a 5xx that lasts gives 502 server_error with the provider fields, after every retry', async () => {
    const server = await serve(answer.text(502, '<html><body>Bad Gateway</body></html>'));
    const provider = clientFor(server.url, { retries: 2 });
    const error = await providerFailure(provider.getUser(5));
    assert.equal(error.kind, 'server_error');
    assert.equal(error.httpStatus, 502);
    assert.equal(error.providerStatus, 502);
    assert.equal(error.attempts, 3);
    assert.equal(server.requests.length, 3);
  });

  it('a POST answered 500 is not retried: the provider may have stored it first', async () => {
    const server = await serve(answer.json(500, { success: false, err: { internal_id: 'swr', msg: 'Something went wrong.', code: 'INTERNAL_SERVER_ERROR' } }), OK_USER);
    const provider = clientFor(server.url, { retries: 2 });
    const error = await providerFailure(provider.createUser(EMAIL));
    assert.equal(error.kind, 'server_error');
    assert.equal(error.internalId, 'swr');
    assert.equal(error.maybeProcessed, true);
    assert.equal(server.requests.length, 1);
  });

  it('a 429 is retried for a GET; when it lasts it is a rejection the caller maps', async () => {
    const limited = await serve(answer.text(429, 'Too Many Requests', 'text/plain'), OK_USER);
    assert.equal((await clientFor(limited.url).getUser(5)).id, 5);
    assert.equal(limited.requests.length, 2);

    const always = await serve(answer.text(429, 'Too Many Requests', 'text/plain'));
    const error = await providerFailure(clientFor(always.url, { retries: 1 }).getUser(5));
    assert.equal(error.kind, 'rejected');
    assert.equal(error.httpStatus, 429);
    assert.equal(error.code, 'TOO_MANY_REQUESTS');
    assert.equal(always.requests.length, 2);
  });

  it('a garbage body is a 502 bad_response, not retried', async () => {
    const server = await serve(answer.text(200, '<html>maintenance</html>'), OK_USER);
    const error = await providerFailure(clientFor(server.url).getUser(5));
    assert.equal(error.kind, 'bad_response');
    assert.equal(error.httpStatus, 502);
    assert.equal(error.providerStatus, 200);
    assert.equal(error.attempts, 1);
    assert.equal(server.requests.length, 1);
  });

  it('a success of the wrong shape is a bad_response', async () => {
    const server = await serve(answer.json(200, { success: true, data: { result_type: 'users', users: [] } }));
    const error = await providerFailure(clientFor(server.url).getUser(5));
    assert.equal(error.kind, 'bad_response');
    assert.equal(error.httpStatus, 502);
  });

  it('a 4xx that is not the provider envelope is a bad_response where nothing happened', async () => {
    const server = await serve(answer.text(404, '<html>Not Found</html>'));
    const error = await providerFailure(clientFor(server.url).createUser(EMAIL));
    assert.equal(error.kind, 'bad_response');
    assert.equal(error.httpStatus, 502);
    assert.equal(error.maybeProcessed, false);
  });

  it('a redirect is not followed (it would be sent unsigned for its new path)', async () => {
    const target = await serve(OK_USER);
    const server = await serve((res) => {
      res.writeHead(307, { location: `${target.url}/api/v2/users/5` });
      res.end();
    });
    const error = await providerFailure(clientFor(server.url).getUser(5));
    assert.equal(error.kind, 'bad_response');
    assert.equal(target.requests.length, 0);
  });

  it('sends GET params in the query and POST params as a form body', async () => {
    const server = await serve(OK_USER);
    const provider = clientFor(server.url);
    await provider.createUser(EMAIL);
    await provider.call('GET', '/api/v2/users', { filters: { email: 'a b' }, limit: 2 }, { retry: 'never' });
    const [post, get] = server.requests;
    assert.equal(post?.rawTarget, '/api/v2/users');
    assert.equal(post?.params['email'], EMAIL);
    assert.match(get?.rawTarget ?? '', /^\/api\/v2\/users\?api_key=minimalkey&filters%5Bemail%5D=a\+b&limit=2&request_timestamp=\d+&signature=[0-9a-f]{64}$/);
    assert.equal(get?.body, '');
    assert.ok(server.requests.every((r) => isValidlySigned(r, MINIMAL_CLIENT.apiSecret)));
  });

  it('refuses a base URL with a path, query or credentials', () => {
    for (const baseUrl of ['https://kyc.example.com/api', 'https://kyc.example.com/?a=1', 'https://u:p@kyc.example.com', 'ftp://kyc.example.com', 'not a url']) {
      assert.throws(() => createProviderClient({ baseUrl, ...MINIMAL_CLIENT }), TypeError, baseUrl);
    }
    assert.doesNotThrow(() => createProviderClient({ baseUrl: 'https://kyc.example.com/', ...MINIMAL_CLIENT }));
  });
});
