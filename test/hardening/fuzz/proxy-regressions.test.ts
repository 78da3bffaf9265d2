/**
 * The proxy bugs the fuzzing found, each kept as a fixed request (issue 7, bad input), so they stay fixed
 * whatever seed the fuzz runs with.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { signIn, uniqueEmail, type Investor } from '../../proxy/support/investor.js';
import { INTEGRATOR_KEY, SALE_ORIGIN, startStack, type Stack } from '../../proxy/support/proxy-stack.js';
import { closeRawConnections, sendRaw } from './support/raw-request.js';

let stack: Stack;
let investor: Investor;

before(async () => {
  stack = await startStack();
  investor = await signIn(stack, uniqueEmail('regression'));
});

after(async () => {
  await stack?.close();
  closeRawConnections();
});

const json = (text: string | Uint8Array): Uint8Array => (typeof text === 'string' ? new TextEncoder().encode(text) : text);

describe('proxy regressions found by fuzzing', () => {
  test('a body that is not gzip under Content-Encoding: gzip is a 400, not a 500', async () => {
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const answer = await sendRaw(stack.proxyUrl, {
        method: 'POST',
        target: '/v1/sales/acme/ethereum-address/check',
        headers: { Origin: SALE_ORIGIN, Authorization: `Bearer ${investor.token}`, 'Content-Type': 'application/json', 'Content-Encoding': encoding },
        body: json('{"address":"0x32be343b94f860124dc4fee278fdcbd38c102d88"}'),
      });
      assert.equal(answer.status, 400, `${encoding}: ${answer.text}`);
      assert.equal((answer.json as { error: { code: string } }).error.code, 'invalid_body_encoding');
    }
    // A body that is gzip still works.
    const answer = await sendRaw(stack.proxyUrl, {
      method: 'POST',
      target: '/v1/sales/acme/ethereum-address/check',
      headers: { Origin: SALE_ORIGIN, Authorization: `Bearer ${investor.token}`, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      body: gzipSync('{"address":"0x32be343b94f860124dc4fee278fdcbd38c102d88"}'),
    });
    assert.equal(answer.status, 200, answer.text);
  });

  test('a method no route knows (TRACE, PROPFIND) is a 405 with the JSON error, not a 501', async () => {
    for (const method of ['TRACE', 'PROPFIND']) {
      const answer = await sendRaw(stack.proxyUrl, { method, target: '/v1/sales/acme/kyc', headers: { Origin: SALE_ORIGIN } });
      assert.equal(answer.status, 405, `${method}: ${answer.text}`);
      assert.equal((answer.json as { error: { code: string } }).error.code, 'method_not_allowed');
    }
  });

  test('bytes that are not UTF-8 in a field are a 400 naming it, not a 502 from the provider', async () => {
    const body = Uint8Array.from([...json('{"email":"'), 0xff, ...json('ann@example.com","origin":"https://sale.test"}')]);
    const answer = await sendRaw(stack.proxyUrl, {
      method: 'POST',
      target: '/v1/sales/acme/host-sessions',
      headers: { Authorization: `Bearer ${INTEGRATOR_KEY}`, 'Content-Type': 'application/json' },
      body,
    });
    assert.equal(answer.status, 400, answer.text);
    assert.deepEqual((answer.json as { error: { fields: unknown } }).error.fields, [{ field: 'email', rule: 'encoding', message: 'email is not valid UTF-8 text.' }]);
    // Nested fields are named by their path.
    const nested = await sendRaw(stack.proxyUrl, {
      method: 'POST',
      target: '/v1/sales/acme/kyc',
      headers: { Origin: SALE_ORIGIN, Authorization: `Bearer ${investor.token}`, 'Content-Type': 'application/json' },
      body: Uint8Array.from([...json('{"submission":{"city":"Par'), 0xc3, ...json('s"},"confirmations":{"terms":true}}')]),
    });
    assert.equal(nested.status, 400, nested.text);
    assert.equal((nested.json as { error: { fields: { field: string }[] } }).error.fields[0]?.field, 'submission.city');
  });

  test('a __proto__ key is refused as such, not as invalid JSON', async () => {
    const answer = await sendRaw(stack.proxyUrl, {
      method: 'POST',
      target: '/v1/sales/acme/codes',
      headers: { Origin: SALE_ORIGIN, 'Content-Type': 'application/json' },
      body: json('{"email":"ann@example.com","__proto__":{"isAdmin":true}}'),
    });
    assert.equal(answer.status, 400, answer.text);
    assert.match((answer.json as { error: { message: string } }).error.message, /__proto__/);
  });
});
