// What Node's HTTP parser refuses before the app runs still gets the proxy's error shape, over a real
// socket to a running proxy: a byte above 0x7f in the URL, headers past 16 KB, an unsupported Expect,
// and (from the app) a Content-Encoding the body parser does not know.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SALE_ID, SALE_ORIGIN, startStack, type Stack } from '../support/proxy-stack.js';
import { closeRawConnections, sendRaw, type RawAnswer } from '../../hardening/fuzz/support/raw-request.js';

function assertErrorShape(answer: RawAnswer, status: number, code: string): void {
  assert.equal(answer.status, status, answer.text);
  assert.match(String(answer.headers['content-type']), /^application\/json/);
  assert.deepEqual(Object.keys((answer.json as { error: object }).error).sort(), ['code', 'message']);
  assert.equal((answer.json as { error: { code: string } }).error.code, code);
}

describe('parser refusals in the proxy\'s error shape', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    closeRawConnections();
    await stack?.close();
  });

  test('a byte above 0x7f in the URL: 400 malformed_request', async () => {
    assertErrorShape(await sendRaw(stack.proxyUrl, { method: 'GET', target: '/healthz\u00ff', timeoutMs: 5000 }), 400, 'malformed_request');
  });

  test('headers past Node\'s 16 KB: 431 headers_too_large', async () => {
    assertErrorShape(await sendRaw(stack.proxyUrl, { method: 'GET', target: '/healthz', headers: { 'X-Padding': 'a'.repeat(20_000) }, timeoutMs: 5000 }), 431, 'headers_too_large');
  });

  test('an Expect other than 100-continue: 417 expectation_failed', async () => {
    assertErrorShape(await sendRaw(stack.proxyUrl, { method: 'POST', target: `/v1/sales/${SALE_ID}/codes`, headers: { Origin: SALE_ORIGIN, 'Content-Type': 'application/json', Expect: 'something-else' }, body: new TextEncoder().encode('{}'), timeoutMs: 5000 }), 417, 'expectation_failed');
  });

  test('an unknown Content-Encoding: 415 that names the encodings, not JSON', async () => {
    const answer = await sendRaw(stack.proxyUrl, { method: 'POST', target: `/v1/sales/${SALE_ID}/codes`, headers: { Origin: SALE_ORIGIN, 'Content-Type': 'application/json', 'Content-Encoding': 'zstd-ish' }, body: new TextEncoder().encode('{"email":"a@example.com"}'), timeoutMs: 5000 });
    assertErrorShape(answer, 415, 'unsupported_content_encoding');
    assert.match((answer.json as { error: { message: string } }).error.message, /gzip, deflate or br/);
  });

  test('the proxy serves on afterwards', async () => {
    assert.equal((await sendRaw(stack.proxyUrl, { method: 'GET', target: '/healthz', timeoutMs: 5000 })).status, 200);
  });
});
