/**
 * CORS and security headers over real HTTP: the sale's own sites (and only they, each for itself) may
 * call the widget routes from a browser; other sites get no CORS headers and a 403 from every widget
 * route; the integrator route has no CORS at all; nothing allows credentials; and every response, error
 * or not, carries the API's security headers.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, openStatusStream, signIn, uniqueEmail, type Investor } from '../support/investor.js';
import { INTEGRATOR_KEY, SALE_ORIGIN, startStack, type Stack } from '../support/proxy-stack.js';

const SECOND_ORIGIN = 'https://www.sale.test:8443';
const EVIL_ORIGIN = 'https://evil.test';
/** The second sale's only site: allowed there, not on `acme`. */
const BETA_ORIGIN = 'https://beta.test';

let stack: Stack;
let investor: Investor;

before(async () => {
  stack = await startStack({
    sale: { origins: [SALE_ORIGIN, SECOND_ORIGIN] },
    extraSales: [{ id: 'beta', origins: [BETA_ORIGIN] }],
  });
  investor = await signIn(stack, uniqueEmail('cors'));
});

after(async () => {
  await stack?.close();
});

/** Every widget route, as the widget calls it. */
const WIDGET_ROUTES: { method: 'GET' | 'POST'; path: string; body?: unknown }[] = [
  { method: 'POST', path: 'codes', body: { email: 'someone@example.com' } },
  { method: 'POST', path: 'sessions', body: { email: 'someone@example.com', code: '123456' } },
  { method: 'POST', path: 'sessions/refresh' },
  { method: 'POST', path: 'uploads', body: { files: [{ field: 'selfieFile', contentType: 'image/png' }] } },
  { method: 'POST', path: 'kyc', body: { submission: {}, confirmations: {} } },
  { method: 'GET', path: 'kyc' },
  { method: 'GET', path: 'kyc/submission' },
  { method: 'GET', path: 'kyc/events' },
  { method: 'POST', path: 'ethereum-address/check', body: { address: '0x32be343b94f860124dc4fee278fdcbd38c102d88' } },
];

/** Send a CORS preflight for `method` on `path` from `origin`. */
async function preflight(path: string, origin: string, method = 'POST'): Promise<Response> {
  const response = await fetch(`${stack.proxyUrl}${path.startsWith('/') ? path : `/v1/sales/acme/${path}`}`, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': 'authorization,content-type' },
    signal: AbortSignal.timeout(10_000),
  });
  await response.arrayBuffer();
  return response;
}

/** The CORS response headers of `headers` (names lowercased). */
function corsHeaders(headers: Headers): string[] {
  return [...headers.keys()].filter((name) => name.startsWith('access-control-'));
}

describe('the sale\'s own sites', () => {
  test('a preflight from each allowed site is answered for that site only, without credentials', async () => {
    for (const origin of [SALE_ORIGIN, SECOND_ORIGIN]) {
      for (const path of ['codes', 'sessions', 'kyc', 'kyc/events', 'uploads']) {
        const response = await preflight(path, origin, path.startsWith('kyc') ? 'GET' : 'POST');
        assert.equal(response.status, 204, `${path} from ${origin}`);
        assert.equal(response.headers.get('access-control-allow-origin'), origin);
        assert.match(response.headers.get('access-control-allow-methods') ?? '', /POST/);
        assert.match(response.headers.get('access-control-allow-headers') ?? '', /Authorization/i);
        assert.match(response.headers.get('access-control-allow-headers') ?? '', /Content-Type/i);
        assert.match(response.headers.get('access-control-allow-headers') ?? '', /Last-Event-ID/i);
        assert.equal(response.headers.get('access-control-allow-credentials'), null);
        assert.match(response.headers.get('vary') ?? '', /Origin/);
      }
    }
  });

  test('actual requests get Access-Control-Allow-Origin for their own site and the exposed headers', async () => {
    for (const origin of [SALE_ORIGIN, SECOND_ORIGIN]) {
      const config = await api(stack, 'config', { origin });
      assert.equal(config.status, 200);
      assert.equal(config.headers.get('access-control-allow-origin'), origin);
      assert.match(config.headers.get('access-control-expose-headers') ?? '', /Retry-After/);
      assert.match(config.headers.get('vary') ?? '', /Origin/);
      assert.equal(config.headers.get('access-control-allow-credentials'), null);
    }
    const kyc = await api(stack, 'kyc', { token: investor.token });
    assert.equal(kyc.status, 200);
    assert.equal(kyc.headers.get('access-control-allow-origin'), SALE_ORIGIN);
    // Error answers too, or the widget could not read why it was refused.
    const refused = await api(stack, 'kyc', { origin: SECOND_ORIGIN });
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('access-control-allow-origin'), SECOND_ORIGIN);
  });

  test('the status stream answers with CORS for its site', async () => {
    const stream = await openStatusStream(stack, investor.token);
    try {
      assert.equal(stream.status, 200);
      assert.equal(stream.headers.get('access-control-allow-origin'), SALE_ORIGIN);
      assert.equal(stream.headers.get('access-control-allow-credentials'), null);
    } finally {
      stream.close();
    }
  });
});

describe('other sites', () => {
  test('an unlisted site, or another sale\'s site, gets no CORS headers on preflights', async () => {
    for (const origin of [EVIL_ORIGIN, BETA_ORIGIN, 'null', `${SALE_ORIGIN}.evil.test`, 'http://sale.test']) {
      for (const route of WIDGET_ROUTES) {
        const response = await preflight(route.path, origin, route.method);
        assert.deepEqual(corsHeaders(response.headers), [], `${route.path} from ${origin}`);
      }
    }
  });

  test('every widget route answers an unlisted site 403 origin_not_allowed, without CORS headers', async () => {
    for (const origin of [EVIL_ORIGIN, BETA_ORIGIN]) {
      for (const route of WIDGET_ROUTES) {
        const answer = await api(stack, route.path, { method: route.method, token: investor.token, origin, ...(route.body === undefined ? {} : { body: route.body }) });
        assert.equal(answer.status, 403, `${route.method} ${route.path} from ${origin}: ${answer.status} ${JSON.stringify(answer.body)}`);
        assert.equal(answer.body.error.code, 'origin_not_allowed');
        assert.deepEqual(corsHeaders(answer.headers), []);
      }
    }
    const config = await api(stack, 'config', { origin: EVIL_ORIGIN });
    assert.deepEqual(corsHeaders(config.headers), [], 'a browser on another site cannot read the sale\'s configuration');
  });

  test('the other sale\'s site is allowed on that sale only', async () => {
    const beta = await api(stack, '/v1/sales/beta/config', { origin: BETA_ORIGIN });
    assert.equal(beta.status, 200);
    assert.equal(beta.headers.get('access-control-allow-origin'), BETA_ORIGIN);
    const acme = await api(stack, '/v1/sales/beta/config', { origin: SALE_ORIGIN });
    assert.deepEqual(corsHeaders(acme.headers), []);
  });
});

describe('the integrator route and operations routes', () => {
  test('host-sessions has no CORS, even for the sale\'s own site', async () => {
    const response = await preflight('host-sessions', SALE_ORIGIN);
    assert.deepEqual(corsHeaders(response.headers), []);
    const answer = await api(stack, 'host-sessions', { body: { email: uniqueEmail('host') }, headers: { Authorization: `Bearer ${INTEGRATOR_KEY}` } });
    assert.equal(answer.status, 201);
    assert.deepEqual(corsHeaders(answer.headers), []);
    // The router ignores case and a trailing slash; so must the CORS rule.
    for (const path of ['Host-Sessions', 'HOST-SESSIONS', 'host-sessions/']) {
      assert.deepEqual(corsHeaders((await preflight(path, SALE_ORIGIN)).headers), [], `preflight ${path}`);
      const other = await api(stack, path, { body: { email: uniqueEmail('host') }, headers: { Authorization: `Bearer ${INTEGRATOR_KEY}` } });
      assert.deepEqual(corsHeaders(other.headers), [], path);
    }
  });

  test('the allowlist export has no CORS, even for the sale\'s own site', async () => {
    for (const path of ['allowlist', 'Allowlist', 'allowlist/']) {
      assert.deepEqual(corsHeaders((await preflight(path, SALE_ORIGIN, 'GET')).headers), [], `preflight ${path}`);
    }
    const answer = await api(stack, 'allowlist?format=json', { method: 'GET', headers: { Authorization: `Bearer ${INTEGRATOR_KEY}` } });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(corsHeaders(answer.headers), []);
  });

  test('operations routes have no CORS', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/.well-known/jwks.json', '/openapi.json']) {
      const answer = await api(stack, path);
      assert.deepEqual(corsHeaders(answer.headers), [], path);
    }
  });
});

describe('security headers', () => {
  /** The headers every answer carries. */
  const EXPECTED: Record<string, RegExp> = {
    'content-security-policy': /default-src 'none'.*frame-ancestors 'none'/,
    'x-content-type-options': /^nosniff$/,
    'referrer-policy': /^no-referrer$/,
    'x-frame-options': /^DENY$/,
  };

  test('are on every answer: success, client errors, preflights, operations and the stream', async () => {
    const answers: { what: string; headers: Headers; status: number }[] = [];
    const add = (what: string, answer: { headers: Headers; status: number }) => answers.push({ what, headers: answer.headers, status: answer.status });
    add('config', await api(stack, 'config'));
    add('kyc', await api(stack, 'kyc', { token: investor.token }));
    add('401', await api(stack, 'kyc'));
    add('403', await api(stack, 'kyc', { origin: EVIL_ORIGIN }));
    add('404 sale', await api(stack, '/v1/sales/nope/config'));
    add('404 route', await api(stack, '/nothing-here'));
    add('400', await api(stack, 'codes', { body: { email: 'x' } }));
    add('415', await api(stack, 'codes', { method: 'POST', headers: { 'Content-Type': 'text/plain' } }));
    add('405', await api(stack, 'codes', { method: 'DELETE' }));
    add('preflight', await preflight('codes', SALE_ORIGIN));
    add('preflight refused', await preflight('codes', EVIL_ORIGIN));
    for (const path of ['/healthz', '/readyz', '/metrics', '/.well-known/jwks.json', '/openapi.json']) add(path, await api(stack, path));
    add('webhook refused', await api(stack, '/webhooks/acme', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }));
    const stream = await openStatusStream(stack, investor.token);
    stream.close();
    add('stream', stream);

    assert.ok(answers.some((answer) => answer.status >= 400) && answers.some((answer) => answer.status < 300));
    for (const { what, headers } of answers) {
      for (const [name, value] of Object.entries(EXPECTED)) assert.match(headers.get(name) ?? '', value, `${what}: ${name}`);
      assert.equal(headers.get('access-control-allow-credentials'), null, what);
      assert.equal(headers.get('x-powered-by'), null, what);
      assert.match(headers.get('x-request-id') ?? '', /^[A-Za-z0-9._:-]{8,}$/, `${what}: X-Request-Id`);
    }
    // Answers about an investor, and errors, must not be stored by shared caches; only the public
    // documents (the sale's configuration, the signing keys, the API description) may be.
    const cacheable = ['config', '/.well-known/jwks.json', '/openapi.json'];
    for (const { what, headers } of answers.filter((answer) => !cacheable.includes(answer.what))) {
      assert.match(headers.get('cache-control') ?? '', /no-store/, `${what}: Cache-Control`);
    }
  });
});
