/**
 * Authentication (upstream §1.5), envelopes and Content-Types (§2.0), routing (§2.8) and hostile input,
 * over real HTTP, with requests signed by our signer and by an SDK-style client.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { signRequest, toQuery } from '../../../proxy/signer.js';
import { call, CREDS, KEY, raw, sdkCall, sdkQuery, SECRET, startHarness, type Harness } from './helpers.js';

const AUTH_MSG = 'We could not authenticate the request. Please review your credentials and authentication method.';
const authBody = (internalId: string, msg = AUTH_MSG, code = 'UNAUTHORIZED'): string => JSON.stringify({ success: false, err: { internal_id: internalId, msg, code } });

describe('sandbox auth and envelopes', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.stop();
  });

  it('accepts a GET signed by our signer, answering JSON with the X-Robots-Tag', async () => {
    const reply = await call(h.sandbox.url, 'GET', '/api/v2/users');
    assert.equal(reply.status, 200);
    assert.equal(reply.contentType, 'application/json; charset=utf-8');
    assert.equal(reply.json.success, true);
    assert.equal(reply.json.data.result_type, 'users');
  });

  it('accepts GET and chunked POST requests signed the way the JS SDK signs', async () => {
    const created = await sdkCall(h.sandbox.url, 'POST', '/api/v2/users', { email: 'sdk.user+tag@example.com', note: 'a~b c*' });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.json.data.user.email, 'sdk.user+tag@example.com');
    const listed = await sdkCall(h.sandbox.url, 'GET', '/api/v2/users', { limit: 5, filters: { email: 'sdk', is_kyc_submitted: 'false' } });
    assert.equal(listed.status, 200, listed.text);
    assert.equal(listed.json.data.users.length, 1);
  });

  it('D4: keys a, a1, a-b, B: the SDK-style signature is refused, ours accepted', async () => {
    const params = { a: 1, a1: 2, 'a-b': 3, B: 4 };
    const sdk = await sdkCall(h.sandbox.url, 'GET', '/api/v2/users', params);
    assert.equal(sdk.status, 401);
    assert.equal(sdk.text, authBody('a_ar_b_vc_1'));
    // The SDK's order differs from Rails' sorted `k=v` strings.
    assert.match(sdkQuery({ ...params, api_key: 'k', request_timestamp: 1 }), /^a=1&a-b=3&a1=2&api_key=k&B=4/);
    const ours = await call(h.sandbox.url, 'GET', '/api/v2/users', params);
    assert.equal(ours.status, 200, ours.text);
  });

  it('signs the path as received: a trailing slash routes but must be signed', async () => {
    const withSlash = await call(h.sandbox.url, 'GET', '/api/v2/users/');
    assert.equal(withSlash.status, 200);
    const signedWithout = toQuery(signRequest('/api/v2/users', {}, CREDS));
    const mismatch = await raw(h.sandbox.url, 'GET', `/api/v2/users/?${signedWithout}`);
    assert.equal(mismatch.status, 401);
    assert.equal(mismatch.json.err.internal_id, 'a_ar_b_vc_1');
  });

  const now = (): number => Math.floor(Date.now() / 1000);
  const rows: { name: string; target: () => string; status: number; body: string }[] = [
    { name: 'no params at all', target: () => '/api/v2/users', status: 401, body: authBody('a_ar_b_vas_1') },
    { name: 'blank signature', target: () => `/api/v2/users?api_key=${KEY}&request_timestamp=${now()}&signature=+`, status: 401, body: authBody('a_ar_b_vas_1') },
    { name: 'api_key as an array', target: () => `/api/v2/users?api_key[]=x&request_timestamp=${now()}&signature=abc`, status: 401, body: authBody('a_ar_b_vas_1') },
    {
      name: 'timestamp 11 s old (checked before the key)',
      target: () => `/api/v2/users?api_key=nosuchkey&request_timestamp=${now() - 11}&signature=abc`,
      status: 401,
      body: authBody('um_vac_1'),
    },
    { name: 'unknown api_key', target: () => `/api/v2/users?api_key=nosuchkey&request_timestamp=${now()}&signature=abc`, status: 401, body: authBody('a_ar_b_vc_1') },
    { name: 'bad signature', target: () => `/api/v2/users?api_key=${KEY}&request_timestamp=${now()}&signature=abc`, status: 401, body: authBody('a_ar_b_vc_1') },
    {
      name: 'inactive client (before the signature)',
      target: () => `/api/v2/users?api_key=inactivekey&request_timestamp=${now()}&signature=abc`,
      status: 403,
      body: authBody('a_ar_b_vc_2', 'Client is invalid or not active anymore with OST KYC.', 'FORBIDDEN'),
    },
  ];
  for (const row of rows) {
    it(`§1.5: ${row.name} → ${row.status}, text/plain, no error_data`, async () => {
      const reply = await raw(h.sandbox.url, 'GET', row.target());
      assert.equal(reply.status, row.status);
      assert.equal(reply.text, row.body);
      assert.equal(reply.contentType, 'text/plain; charset=utf-8');
    });
  }

  it('§1.5: a web-host client may not POST /users (403 a_ar_b_vc_3) but may GET /users', async () => {
    const creds = { apiKey: 'webhostkey', apiSecret: 'webhostsecret' };
    const post = await call(h.sandbox.url, 'POST', '/api/v2/users', { email: 'w@example.com' }, creds);
    assert.equal(post.status, 403);
    assert.equal(post.text, authBody('a_ar_b_vc_3', 'This action is not allowed.', 'FORBIDDEN'));
    const get = await call(h.sandbox.url, 'GET', '/api/v2/users', {}, creds);
    assert.equal(get.status, 200);
  });

  it('§1.3: the timestamp window is ±10 s inclusive', async () => {
    const edge = await call(h.sandbox.url, 'GET', '/api/v2/users', {}, CREDS, { nowMs: Date.now() - 9000 });
    assert.equal(edge.status, 200);
    const late = await call(h.sandbox.url, 'GET', '/api/v2/users', {}, CREDS, { nowMs: Date.now() + 20000 });
    assert.equal(late.status, 401);
    assert.equal(late.json.err.internal_id, 'um_vac_1');
  });

  it('POST signs only the body: the same params in the query are not signed', async () => {
    const signed = signRequest('/api/v2/users', { email: 'q@example.com' }, CREDS);
    const { api_key, request_timestamp, signature, ...rest } = signed;
    // Auth params in the query, email in the body: the signature covered api_key and timestamp, so it fails.
    const reply = await raw(h.sandbox.url, 'POST', `/api/v2/users?${toQuery({ api_key, request_timestamp, signature })}`, toQuery(rest));
    assert.equal(reply.status, 401);
    assert.equal(reply.json.err.internal_id, 'a_ar_b_vc_1');
    // Signing just the body params while sending the auth params in the query is what the server accepts.
    const bodyOnly = createHmac('sha256', SECRET).update('/api/v2/users?' + toQuery(rest)).digest('hex');
    const ok = await raw(h.sandbox.url, 'POST', `/api/v2/users?${toQuery({ api_key, request_timestamp, signature: bodyOnly })}`, toQuery(rest));
    assert.equal(ok.status, 200, ok.text);
  });

  it('unknown routes and bad ids are 404 ac_1 without auth', async () => {
    const expected = JSON.stringify({ success: false, err: { internal_id: 'ac_1', msg: 'The requested resource could not be located.', code: 'NOT_FOUND' } });
    for (const target of ['/api/v2/nothing', '/api/v2/users/a_b', '/api/v3/users', '/', '/api/v2/users/1/2']) {
      const reply = await raw(h.sandbox.url, 'GET', target);
      assert.equal(reply.status, 404, target);
      assert.equal(reply.text, expected);
      assert.equal(reply.contentType, 'application/json; charset=utf-8');
    }
    const wrongMethod = await raw(h.sandbox.url, 'DELETE', '/api/v2/users');
    assert.equal(wrongMethod.status, 404);
  });

  const hostile: { name: string; send: () => Promise<import('./helpers.js').Reply>; status: number }[] = [
    { name: 'malformed percent-escape in the query', send: () => raw(h.sandbox.url, 'GET', '/api/v2/users?a=%zz'), status: 400 },
    { name: 'malformed percent-escape in the body', send: () => raw(h.sandbox.url, 'POST', '/api/v2/users', 'email=%4'), status: 400 },
    { name: 'percent-encoded invalid UTF-8', send: () => raw(h.sandbox.url, 'GET', '/api/v2/users?a=%ff%fe'), status: 400 },
    { name: 'raw invalid UTF-8 body', send: () => raw(h.sandbox.url, 'POST', '/api/v2/users', Buffer.from([0x65, 0x3d, 0xff, 0xfe])), status: 400 },
    { name: 'oversized body', send: () => raw(h.sandbox.url, 'POST', '/api/v2/users', 'a=' + 'x'.repeat(1024 * 1024 + 10)), status: 413 },
    { name: 'oversized chunked body', send: () => raw(h.sandbox.url, 'POST', '/api/v2/users', 'a=' + 'x'.repeat(1024 * 1024 + 10), { chunked: true }), status: 413 },
    { name: 'deep nesting', send: () => raw(h.sandbox.url, 'GET', '/api/v2/users?a' + '[b]'.repeat(150) + '=1'), status: 400 },
    { name: 'scalar then hash conflict', send: () => raw(h.sandbox.url, 'GET', '/api/v2/users?a=1&a[b]=2'), status: 400 },
    { name: 'huge array (auth still required)', send: () => raw(h.sandbox.url, 'POST', '/api/v2/users', Array.from({ length: 50000 }, (_, i) => `x[]=${i}`).join('&')), status: 401 },
    { name: 'api_key[]=x', send: () => raw(h.sandbox.url, 'POST', '/api/v2/users', 'api_key[]=x&signature=a&request_timestamp=1'), status: 401 },
  ];
  for (const row of hostile) {
    it(`hostile input: ${row.name} → ${row.status} in the envelope`, async () => {
      const reply = await row.send();
      assert.equal(reply.status, row.status);
      assert.equal(reply.json.success, false);
      assert.equal(typeof reply.json.err.internal_id, 'string');
      assert.equal(typeof reply.json.err.code, 'string');
    });
  }

  it('a huge signed array is authenticated and handled', async () => {
    const reply = await call(h.sandbox.url, 'POST', '/api/v2/users', { email: 'huge@example.com', junk: Array.from({ length: 5000 }, (_, i) => String(i)) });
    assert.equal(reply.status, 200, reply.text);
  });

  it('keeps serving after all of that', async () => {
    const reply = await call(h.sandbox.url, 'GET', '/api/v2/users');
    assert.equal(reply.status, 200);
  });
});
