/**
 * `POST /users`, `GET /users/{id}`, `GET /users` (upstream §2.1–§2.3) and durability across restarts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { call, createUser, startHarness, type Harness } from './helpers.js';

const INVALID = "At least one parameter is invalid or missing. See 'err.error_data' array for more details.";

describe('sandbox users', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.stop();
  });

  it('creates a user with the §2.1 shape and emits user_register (api)', async () => {
    const before = Math.floor(Date.now() / 1000);
    const reply = await call(h.sandbox.url, 'POST', '/api/v2/users', { email: 'Alice@Example.com' });
    assert.equal(reply.status, 200);
    assert.deepEqual(Object.keys(reply.json.data), ['result_type', 'user']);
    const user = reply.json.data.user;
    assert.deepEqual(Object.keys(user), ['id', 'email', 'properties', 'created_at']);
    assert.equal(user.email, 'Alice@Example.com');
    assert.deepEqual(user.properties, []);
    assert.ok(user.created_at >= before);
    const event = h.events.events.at(-1);
    assert.equal(event?.name, 'user_register');
    assert.equal(event?.source, 'api');
    assert.equal(event?.clientId, 7);
    assert.deepEqual(event?.data, { result_type: 'user', user });
  });

  const createErrors: { name: string; params: Record<string, string | string[]>; status: number; body: unknown }[] = [
    {
      name: 'missing email',
      params: {},
      status: 400,
      body: { internal_id: 'sb_1', msg: 'At least one mandatory parameter is missing. Check documentation for details.', error_data: [{ parameter: 'email', msg: 'Email is a mandatory field. Must contain a valid email address (with @ and .)' }], code: 'BAD_REQUEST' },
    },
    { name: 'blank email', params: { email: '  ' }, status: 400, body: 'sb_1' },
    {
      name: 'invalid email',
      params: { email: '_x@example.com' },
      status: 400,
      body: { internal_id: 'um_u_c_ve_1', msg: INVALID, error_data: [{ parameter: 'email', msg: 'Please provide a valid email address.' }], code: 'BAD_REQUEST' },
    },
    { name: 'TLD too long', params: { email: 'a@b.' + 'c'.repeat(25) }, status: 400, body: 'um_u_c_ve_1' },
    { name: 'email as an array', params: { email: ['a@b.co'] }, status: 400, body: 'um_u_c_ve_1' },
    {
      name: 'duplicate email, other case',
      params: { email: 'alice@example.COM' },
      status: 400,
      body: { internal_id: 'um_u_c_ve_2', msg: INVALID, error_data: [{ parameter: 'email', msg: 'User with this email already exists.' }], code: 'BAD_REQUEST' },
    },
  ];
  for (const row of createErrors) {
    it(`POST /users: ${row.name}`, async () => {
      const reply = await call(h.sandbox.url, 'POST', '/api/v2/users', row.params);
      assert.equal(reply.status, row.status);
      if (typeof row.body === 'string') assert.equal(reply.json.err.internal_id, row.body);
      else assert.equal(reply.text, JSON.stringify({ success: false, err: row.body }));
    });
  }

  it('accepts the regex quirks: a trailing newline (\\Z), + and % in the local part', async () => {
    for (const email of ['nl@example.com\n', 'a+b%c@example.co.uk']) {
      const reply = await call(h.sandbox.url, 'POST', '/api/v2/users', { email });
      assert.equal(reply.status, 200, `${JSON.stringify(email)} ${reply.text}`);
    }
  });

  it('GET /users/{id}: found, another client’s user, not found, invalid id', async () => {
    const id = await createUser(h.sandbox.url, 'getme@example.com');
    const found = await call(h.sandbox.url, 'GET', `/api/v2/users/${id}`);
    assert.equal(found.status, 200);
    assert.equal(found.json.data.user.email, 'getme@example.com');
    const other = await call(h.sandbox.url, 'GET', `/api/v2/users/${id}`, {}, { apiKey: 'minimalkey', apiSecret: 'minimalsecret' });
    assert.equal(other.status, 404);
    assert.equal(other.text, JSON.stringify({ success: false, err: { internal_id: 'um_u_g_favu_2', msg: 'The requested resource could not be located.', code: 'NOT_FOUND' } }));
    const missing = await call(h.sandbox.url, 'GET', '/api/v2/users/0');
    assert.equal(missing.status, 404);
    const invalid = await call(h.sandbox.url, 'GET', '/api/v2/users/abc');
    assert.equal(invalid.status, 400);
    assert.deepEqual(invalid.json.err, { internal_id: 'um_u_g_favu_1', msg: INVALID, error_data: [{ parameter: 'id', msg: 'ID is invalid.' }], code: 'BAD_REQUEST' });
    // Ruby Integer() reads hex.
    const hex = await call(h.sandbox.url, 'GET', `/api/v2/users/0x${id.toString(16)}`);
    assert.equal(hex.status, 200);
  });

  it('GET /users pages by id with meta.total and next_page_payload absent on the last page', async () => {
    for (let i = 0; i < 3; i++) await createUser(h.sandbox.url, `page${i}@list.test`);
    const first = await call(h.sandbox.url, 'GET', '/api/v2/users', { limit: 2, order: 'asc', filters: { email: 'page' } });
    assert.equal(first.status, 200);
    assert.deepEqual(first.json.data.users.map((u: { email: string }) => u.email), ['page0@list.test', 'page1@list.test']);
    assert.deepEqual(first.json.data.meta, { total: 3, next_page_payload: { page_number: 2, filters: { email: 'page' }, order: 'asc', limit: 2 } });
    const last = await call(h.sandbox.url, 'GET', '/api/v2/users', { limit: 2, order: 'asc', page_number: 2, filters: { email: 'page' } });
    assert.deepEqual(last.json.data.users.map((u: { email: string }) => u.email), ['page2@list.test']);
    assert.deepEqual(last.json.data.meta, { total: 3 });
    const desc = await call(h.sandbox.url, 'GET', '/api/v2/users', { filters: { email: 'PAGE' } });
    assert.deepEqual(desc.json.data.users.map((u: { email: string }) => u.email), ['page2@list.test', 'page1@list.test', 'page0@list.test']);
    const submitted = await call(h.sandbox.url, 'GET', '/api/v2/users', { filters: { email: 'page', is_kyc_submitted: 'true', unknown: 'x' } });
    assert.equal(submitted.json.data.meta.total, 0);
  });

  it('GET /users collects all errors into one 400 um_u_l_vasp_1, deduplicated', async () => {
    const reply = await call(h.sandbox.url, 'GET', '/api/v2/users', { order: 'up', page_number: 0, limit: 101, filters: { is_kyc_submitted: 'yes', is_doptin_done: '1' } });
    assert.equal(reply.status, 400);
    assert.deepEqual(reply.json.err, {
      internal_id: 'um_u_l_vasp_1',
      msg: INVALID,
      error_data: [
        { parameter: 'order', msg: "Please provide a valid value in Order. Default is 'desc' another possible value is 'asc'." },
        { parameter: 'page_number', msg: 'Page number is invalid. Must be a positive integer greater than 0' },
        { parameter: 'limit', msg: 'Limit is invalid. Default: 10, min:1, max: 100' },
        { parameter: 'filters', msg: 'Filters is invalid.' },
      ],
      code: 'BAD_REQUEST',
    });
    const notHash = await call(h.sandbox.url, 'GET', '/api/v2/users', { filters: 'x', limit: 0 });
    assert.deepEqual(notHash.json.err.error_data.map((e: { parameter: string }) => e.parameter), ['limit', 'filters']);
  });

  it('keeps users across a restart, and ids keep growing', async () => {
    const id = await createUser(h.sandbox.url, 'durable@example.com');
    await h.restart();
    const found = await call(h.sandbox.url, 'GET', `/api/v2/users/${id}`);
    assert.equal(found.status, 200);
    assert.equal(found.json.data.user.email, 'durable@example.com');
    const next = await createUser(h.sandbox.url, 'after-restart@example.com');
    assert.ok(next > id);
    const dup = await call(h.sandbox.url, 'POST', '/api/v2/users', { email: 'DURABLE@example.com' });
    assert.equal(dup.json.err.internal_id, 'um_u_c_ve_2');
  });

  it('handles concurrent creates of the same email: exactly one wins', async () => {
    const replies = await Promise.all(Array.from({ length: 8 }, () => call(h.sandbox.url, 'POST', '/api/v2/users', { email: 'race@example.com' })));
    assert.equal(replies.filter((r) => r.status === 200).length, 1);
    assert.equal(replies.filter((r) => r.json.err?.internal_id === 'um_u_c_ve_2').length, 7);
  });
});
