// The operations routes over HTTP: liveness, readiness, metrics (open, then behind METRICS_TOKEN), JWKS,
// and a wrong method answered with the JSON error body.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startStack, type Stack } from '../support/proxy-stack.js';

const METRICS_TOKEN = 'metrics-token-0123456789';

/** The error code of a JSON error answer. */
async function errorCode(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

describe('operations routes', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ env: { METRICS_TOKEN, LOG_LEVEL: 'warn' } });
  });
  after(() => stack.close());

  it('answers liveness and readiness with the store and the provider checked', async () => {
    const health = await fetch(`${stack.proxyUrl}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const ready = await fetch(`${stack.proxyUrl}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready', checks: { store: 'ok', 'provider:acme': 'ok' } });
  });

  it('keeps metrics behind METRICS_TOKEN when it is set', async () => {
    const anonymous = await fetch(`${stack.proxyUrl}/metrics`);
    assert.equal(anonymous.status, 401);
    assert.equal(await errorCode(anonymous), 'unauthorized');
    assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer');
    const wrong = await fetch(`${stack.proxyUrl}/metrics`, { headers: { Authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
    const scraped = await fetch(`${stack.proxyUrl}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(scraped.status, 200);
    const text = await scraped.text();
    assert.match(text, /kyc_proxy_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} 1/);
    assert.match(text, /kyc_proxy_status_streams_open 0/);
  });

  it('publishes only public keys at /.well-known/jwks.json', async () => {
    const response = await fetch(`${stack.proxyUrl}/.well-known/jwks.json`);
    assert.equal(response.status, 200);
    const { keys } = (await response.json()) as { keys: Record<string, unknown>[] };
    assert.equal(keys.length, 1);
    assert.equal(keys[0]?.['alg'], 'EdDSA');
    assert.equal('d' in (keys[0] ?? {}), false);
  });

  it('answers a wrong method with the JSON error body and Allow', async () => {
    const response = await fetch(`${stack.proxyUrl}/healthz`, { method: 'DELETE' });
    assert.equal(response.status, 405);
    assert.match(response.headers.get('allow') ?? '', /GET/);
    assert.equal(await errorCode(response), 'method_not_allowed');
  });

  it('answers an unknown route with 404 not_found in JSON', async () => {
    const response = await fetch(`${stack.proxyUrl}/nope`);
    assert.equal(response.status, 404);
    assert.equal(await errorCode(response), 'not_found');
  });
});
