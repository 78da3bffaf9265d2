/**
 * `POST /v1/sales/:sale/ethereum-address/check` over HTTP: EIP-55 locally (format and checksum errors
 * with the suggestion), then the provider's validation endpoint (the sandbox, signed for real). The
 * provider's refusal is made by a `fetch` that answers for one address as the provider does.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { toChecksumAddress } from '../../../proxy/contract/eip55.js';
import { api, signIn, uniqueEmail, type Investor } from '../support/investor.js';
import { startStack, type Stack } from '../support/proxy-stack.js';

/** The address the stand-in provider refuses (as the real one may refuse an address web3 accepts). */
const REFUSED_ADDRESS = '0x000000000000000000000000000000000000dead';
const ADDRESS = '0x32be343b94f860124dc4fee278fdcbd38c102d88';
const CHECKSUMMED = '0x32Be343B94f860124dC4fEe278FDCBD38C102D88';

/** Provider calls go to the sandbox, except the validation of {@link REFUSED_ADDRESS}: the provider's 400 `um_cea_2`. */
const providerFetch: typeof fetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.pathname === '/api/v2/ethereum-address-validation' && url.searchParams.get('ethereum_address')?.toLowerCase() === REFUSED_ADDRESS) {
    const body = { success: false, err: { internal_id: 'um_cea_2', msg: "At least one parameter is invalid or missing. See 'err.error_data' array for more details.", error_data: [{ parameter: 'ethereum_address', msg: 'Please ensure a valid Ethereum Address is provided.' }], code: 'BAD_REQUEST' } };
    return new Response(JSON.stringify(body), { status: 400, headers: { 'Content-Type': 'application/json; charset=utf-8', Date: new Date().toUTCString() } });
  }
  return fetch(input, init);
};

describe('POST /ethereum-address/check', () => {
  let stack: Stack;
  let investor: Investor;

  before(async () => {
    stack = await startStack({ proxyOptions: { fetch: providerFetch } });
    investor = await signIn(stack, uniqueEmail('eth'));
  });
  after(() => stack.close());

  const check = (address: unknown, token = investor.token) => api(stack, 'ethereum-address/check', { token, body: { address } });

  test('a lowercase address is accepted and answered checksummed', async () => {
    const answer = await check(ADDRESS);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { address: CHECKSUMMED, wasChecksummed: false });
    assert.equal(CHECKSUMMED, toChecksumAddress(ADDRESS));
  });

  test('a correctly checksummed address is accepted as checksummed; without 0x too', async () => {
    const answer = await check(CHECKSUMMED);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { address: CHECKSUMMED, wasChecksummed: true });
    const bare = await check(ADDRESS.slice(2));
    assert.equal(bare.status, 200);
    assert.equal(bare.body.address, CHECKSUMMED);
  });

  test('a wrong checksum is a 400 with the checksummed form as params.suggestion', async () => {
    // One letter's case flipped: the digits are the same, the checksum no longer matches.
    const mistyped = CHECKSUMMED.replace('Be', 'bE');
    const answer = await check(mistyped);
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.code, 'invalid_request');
    assert.equal(answer.body.error.fields.length, 1);
    const [field] = answer.body.error.fields;
    assert.equal(field.field, 'address');
    assert.equal(field.rule, 'checksum');
    assert.deepEqual(field.params, { suggestion: CHECKSUMMED });
  });

  test('a malformed address is a 400 format error without a suggestion', async () => {
    for (const address of ['0x1234', `${ADDRESS}00`, '0xZZbe343b94f860124dc4fee278fdcbd38c102d88', 'not an address']) {
      const answer = await check(address);
      assert.equal(answer.status, 400, address);
      assert.equal(answer.body.error.fields[0].rule, 'format', address);
      assert.equal(answer.body.error.fields[0].params, undefined, address);
    }
    const notText = await check(12345);
    assert.equal(notText.status, 400);
  });

  test('the provider refusing a locally valid address is a 400 naming the provider', async () => {
    const answer = await check(REFUSED_ADDRESS);
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.code, 'invalid_request');
    assert.deepEqual(answer.body.error.fields.map((f: { field: string; rule: string }) => [f.field, f.rule]), [['address', 'provider']]);
  });

  test('no token is a 401, and another origin a 403', async () => {
    assert.equal((await api(stack, 'ethereum-address/check', { body: { address: ADDRESS } })).status, 401);
    assert.equal((await api(stack, 'ethereum-address/check', { token: investor.token, origin: 'https://evil.test', body: { address: ADDRESS } })).status, 403);
  });
});
