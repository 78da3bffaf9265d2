/**
 * The proxy's OpenAPI document: served over real HTTP, in step with the router (every route documented,
 * every documented route real), every schema valid under ajv's strict mode, every `$ref` resolved,
 * security marked exactly where a route asks for a bearer, and real answers of every route, happy and
 * not, matching it through `assertResponseMatches`. One stack for the whole file.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type Router from '@koa/router';
import type Koa from 'koa';
import { createProxy } from '../../proxy/create-proxy.js';
import { openApiDocument } from '../../proxy/openapi/openapi-document.js';
import type { HttpMethod, JsonSchema, OpenApiDocument, OperationObject, ParameterObject, Reference } from '../../proxy/openapi/openapi-types.js';
import { parseQuery } from '../../proxy/ost-query.js';
import { signWebhook, type WebhookEvent } from '../../proxy/signer.js';
import { RedisStoreError } from '../../proxy/store/redis-store-error.js';
import type { SharedStore } from '../../proxy/store/shared-store.js';
import { api, openStatusStream, signIn, uniqueEmail, uploadDocuments, validSubmission, type ApiAnswer, type ApiOptions, type Investor } from './support/investor.js';
import { assertFetchResponse, assertMatchesSchema, assertRequestMatches, assertResponseMatches, assertStreamEventMatches, compileDocumentSchema, createDocumentAjv, findOperation } from './support/openapi-check.js';
import { INTEGRATOR_KEY, SALE_ID, SALE_ORIGIN, startStack, WEBHOOK_SECRET, type Stack } from './support/proxy-stack.js';

const METHODS: readonly HttpMethod[] = ['get', 'post'];

let stack: Stack;
let document: OpenApiDocument;

before(async () => {
  stack = await startStack();
  document = openApiDocument(stack.proxyUrl);
});

after(async () => {
  await stack?.close();
});

/** Every operation of the document with its path template and method. */
function operations(): { template: string; method: HttpMethod; operation: OperationObject }[] {
  return Object.entries(document.paths).flatMap(([template, item]) => METHODS.flatMap((method) => {
    const operation = item[method];
    return operation === undefined ? [] : [{ template, method, operation }];
  }));
}

/** `METHOD /path/{param}` for every route registered in the app's router (HEAD comes with GET). */
function registeredRoutes(app: Koa): string[] {
  const routers = app.middleware.flatMap((middleware) => {
    const router = (middleware as { router?: Router }).router;
    return router === undefined ? [] : [router];
  });
  assert.equal(routers.length, 1, 'the app mounts one router');
  return (routers[0] as Router).stack.flatMap((layer) => {
    assert.equal(typeof layer.path, 'string', 'routes are registered with string paths');
    const template = String(layer.path).replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    return layer.methods.filter((method) => method !== 'HEAD').map((method) => `${method} ${template}`);
  });
}

/** Every `$ref` in the document, with where it was found. */
function references(value: unknown, at = '#'): { ref: string; at: string }[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => references(item, `${at}/${index}`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => (key === '$ref' && typeof item === 'string' ? [{ ref: item, at }] : references(item, `${at}/${key}`)));
}

/** The value a local JSON pointer (`#/components/schemas/X`) names in the document, or undefined. */
function pointed(ref: string): unknown {
  let target: unknown = document;
  for (const part of ref.replace(/^#\//, '').split('/')) {
    if (typeof target !== 'object' || target === null) return undefined;
    target = (target as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return target;
}

/** Every schema of the document (components, parameters, headers, bodies), named by where it is. */
function allSchemas(): { at: string; schema: JsonSchema }[] {
  const found: { at: string; schema: JsonSchema }[] = [];
  for (const [name, schema] of Object.entries(document.components.schemas)) found.push({ at: `#/components/schemas/${name}`, schema });
  for (const [name, parameter] of Object.entries(document.components.parameters)) found.push({ at: `#/components/parameters/${name}`, schema: parameter.schema });
  for (const [name, header] of Object.entries(document.components.headers)) found.push({ at: `#/components/headers/${name}`, schema: header.schema });
  for (const { template, method, operation } of operations()) {
    const where = `${method.toUpperCase()} ${template}`;
    for (const parameter of operation.parameters ?? []) if (!('$ref' in parameter)) found.push({ at: `${where} parameter ${parameter.name}`, schema: parameter.schema });
    for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) found.push({ at: `${where} request ${type}`, schema: media.schema });
    for (const [status, response] of Object.entries(operation.responses)) {
      for (const [type, media] of Object.entries(response.content ?? {})) found.push({ at: `${where} ${status} ${type}`, schema: media.schema });
    }
    for (const [event, schema] of Object.entries(operation['x-events'] ?? {})) found.push({ at: `${where} event ${event}`, schema });
  }
  return found;
}

/** The path parameters an operation declares (its own or by `$ref`). */
function pathParameters(operation: OperationObject): string[] {
  return (operation.parameters ?? [])
    .map((parameter) => ('$ref' in parameter ? (pointed((parameter as Reference).$ref) as ParameterObject) : parameter))
    .filter((parameter) => parameter.in === 'path')
    .map((parameter) => parameter.name);
}

/**
 * A widget-route call through `api`, checked against the document; returns the answer. With
 * `validRequest`, the body sent must match the documented request body too.
 */
async function checked(path: string, options: ApiOptions & { validRequest?: boolean } = {}): Promise<ApiAnswer> {
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
  const fullPath = path.startsWith('/') ? path : `/v1/sales/${SALE_ID}/${path}`;
  if (options.validRequest === true) assertRequestMatches(document, { method, path: fullPath, body: options.body });
  const answer = await api(stack, path, options);
  assertResponseMatches(document, { method, path: fullPath, status: answer.status, contentType: answer.headers.get('content-type'), body: answer.body, headers: answer.headers });
  return answer;
}

/** A raw request (to the stack's proxy, or `baseUrl`) checked against the document; returns the parsed body. */
async function checkedFetch(method: string, path: string, init: { headers?: Record<string, string>; body?: string; baseUrl?: string } = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const { baseUrl = stack.proxyUrl, ...request } = init;
  const response = await fetch(`${baseUrl}${path}`, { method, ...request, signal: AbortSignal.timeout(10_000) });
  const { status, headers } = response;
  return { status, headers, body: await assertFetchResponse(document, method, response) };
}

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

/** The URL the provider signs webhooks for (the proxy's public URL). */
function webhookUrl(): string {
  return `${stack.proxyUrl}/webhooks/${SALE_ID}`;
}

/** A provider case event about `userId`, as the provider sends it (before signing). */
function caseEvent(userId: string): WebhookEvent {
  return {
    id: `openapi${Date.now()}${Math.floor(Math.random() * 1e6)}`,
    name: 'kyc_status_update',
    type: 'user_kyc',
    source: 'kyc_system',
    version: 'v1',
    description: 'user kyc state has changed',
    created_at: Math.floor(Date.now() / 1000),
    data: { result_type: 'user_kyc', user_kyc: { user_id: userId, kyc_status: 'pending', admin_status: 'unprocessed', aml_status: 'pending', whitelist_status: 'unprocessed', submission_count: 1 } },
  };
}

describe('the document', () => {
  it('is served at /openapi.json by a running proxy, with its public URL as server', async () => {
    const served = await checkedFetch('GET', '/openapi.json');
    assert.equal(served.status, 200);
    assert.match(served.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(served.headers.get('cache-control'), 'public, max-age=300');
    assert.deepEqual(served.body, JSON.parse(JSON.stringify(document)));
    assert.equal(served.body.openapi, '3.1.0');
    assert.deepEqual(served.body.servers.map((server: { url: string }) => server.url), [stack.proxyUrl]);
  });

  it('documents every route of the router, and every documented route exists', () => {
    const registered = registeredRoutes(stack.proxies[0]!.app).sort();
    const documented = operations().map(({ template, method }) => `${method.toUpperCase()} ${template}`).sort();
    assert.ok(registered.length >= 17, `the router has its routes (${registered.length})`);
    assert.deepEqual(documented, registered);
  });

  it('declares every path parameter of a template, with unique operation ids and known tags', () => {
    const tags = new Set(document.tags.map((tag) => tag.name));
    const ids = new Set<string>();
    for (const { template, method, operation } of operations()) {
      const where = `${method.toUpperCase()} ${template}`;
      const inTemplate = [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]).sort();
      assert.deepEqual(pathParameters(operation).sort(), inTemplate, `${where}: path parameters`);
      assert.ok(!ids.has(operation.operationId), `${where}: operationId ${operation.operationId} is unique`);
      ids.add(operation.operationId);
      assert.ok(operation.tags.length > 0 && operation.tags.every((tag) => tags.has(tag)), `${where}: tags are declared`);
      assert.ok(Object.keys(operation.responses).some((status) => status.startsWith('2')), `${where}: documents a success`);
      assert.ok('500' in operation.responses, `${where}: documents 500`);
    }
    assert.deepEqual([...tags].sort(), ['integrator', 'operations', 'provider webhooks', 'widget']);
  });

  it('compiles every schema under ajv strict mode', () => {
    const ajv = createDocumentAjv(document);
    const schemas = allSchemas();
    assert.ok(schemas.length > 60, `schemas found: ${schemas.length}`);
    for (const { at, schema } of schemas) {
      assert.doesNotThrow(() => compileDocumentSchema(ajv, schema), `${at} compiles in strict mode`);
    }
    // Strict mode is on: an unknown keyword (OpenAPI 3.0's `example`) or a keyword without its type is refused.
    assert.throws(() => compileDocumentSchema(ajv, { type: 'string', example: 'x' }), /strict mode/);
    assert.throws(() => compileDocumentSchema(ajv, { properties: { a: { type: 'string' } } }), /strict mode/);
  });

  it('resolves every $ref, all of them local', () => {
    const found = references(document);
    assert.ok(found.length > 100, `references found: ${found.length}`);
    for (const { ref, at } of found) {
      assert.match(ref, /^#\/components\/(schemas|parameters|headers)\/[A-Za-z]+$/, `${at}: ${ref} is a local component reference`);
      assert.notEqual(pointed(ref), undefined, `${at}: ${ref} resolves`);
    }
    // And every component is used somewhere.
    const used = new Set(found.map(({ ref }) => ref));
    for (const kind of ['schemas', 'parameters', 'headers'] as const) {
      for (const name of Object.keys(document.components[kind])) assert.ok(used.has(`#/components/${kind}/${name}`), `#/components/${kind}/${name} is used`);
    }
  });
});

describe('security', () => {
  it('defines the widget token and the integrator key as bearer schemes', () => {
    assert.deepEqual(Object.keys(document.components.securitySchemes).sort(), ['integratorKey', 'widgetToken']);
    assert.equal(document.components.securitySchemes['widgetToken']?.scheme, 'bearer');
    assert.equal(document.components.securitySchemes['widgetToken']?.bearerFormat, 'JWT');
    assert.equal(document.components.securitySchemes['integratorKey']?.scheme, 'bearer');
    assert.equal((document as { security?: unknown }).security, undefined, 'no document-wide requirement');
    for (const { operation } of operations()) {
      for (const requirement of operation.security ?? []) {
        assert.deepEqual(Object.keys(requirement).length, 1);
        for (const scheme of Object.keys(requirement)) assert.ok(scheme in document.components.securitySchemes, `${operation.operationId}: ${scheme} is defined`);
      }
    }
  });

  it('marks exactly the operations that answer a request without credentials with a bearer challenge', async () => {
    for (const { template, method, operation } of operations()) {
      // Everything a browser on the sale's site would send, except credentials.
      const path = template.replace('{sale}', SALE_ID);
      const response = await fetch(`${stack.proxyUrl}${path}`, {
        method: method.toUpperCase(),
        headers: { Origin: SALE_ORIGIN, ...(method === 'post' ? { 'Content-Type': 'application/json' } : {}) },
        ...(method === 'post' ? { body: '{}' } : {}),
        signal: AbortSignal.timeout(10_000),
      });
      const where = `${method.toUpperCase()} ${template}`;
      const body = await assertFetchResponse(document, method, response);
      const challenged = response.status === 401 && (response.headers.get('www-authenticate') ?? '').startsWith('Bearer');
      const security = operation.security ?? [];
      assert.equal(challenged, security.length > 0, `${where}: ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
      if (security.length > 0) {
        const expected = operation.tags?.includes('integrator') ? 'integratorKey' : 'widgetToken';
        assert.deepEqual(security, [{ [expected]: [] }], `${where}: security requirement`);
        assert.ok('WWW-Authenticate' in (operation.responses['401']?.headers ?? {}), `${where}: the 401 documents its challenge`);
      }
    }
  });
});

describe('the checker', () => {
  it('refuses an undocumented path, status, content type or body with a readable message', () => {
    assert.throws(() => assertResponseMatches(document, { method: 'GET', path: '/v1/sales/acme/nothing', status: 200, contentType: 'application/json', body: {} }), /no operation in the OpenAPI document/);
    assert.throws(() => assertResponseMatches(document, { method: 'DELETE', path: '/healthz', status: 200, contentType: 'application/json', body: {} }), /no operation/);
    assert.throws(() => assertResponseMatches(document, { method: 'GET', path: '/healthz', status: 418, contentType: 'application/json', body: {} }), /status 418 is not documented for getHealth/);
    assert.throws(() => assertResponseMatches(document, { method: 'GET', path: '/healthz', status: 200, contentType: 'text/html', body: '' }), /content type "text\/html" is not documented/);
    assert.throws(() => assertResponseMatches(document, { method: 'GET', path: '/healthz', status: 200, contentType: 'application/json', body: { status: 'fine' } }), /\/status must be equal to constant/);
    assert.throws(
      () => assertResponseMatches(document, { method: 'POST', path: '/v1/sales/acme/codes', status: 429, contentType: 'application/json', body: { error: { code: 'teapot', message: 'x' } } }),
      /\/error\/code must be equal to one of the allowed values/,
    );
    assert.throws(
      () => assertResponseMatches(document, { method: 'POST', path: '/v1/sales/acme/codes', status: 429, contentType: 'application/json', body: { error: { code: 'rate_limited', message: 'x' } }, headers: { 'X-Request-Id': 'abcdefgh-1' } }),
      /required header Retry-After is missing/,
    );
  });

  it('matches a static segment before a parameter, and ignores a query', () => {
    assert.equal(findOperation(document, 'GET', '/v1/sales/acme/kyc/submission?x=1')?.operation.operationId, 'getKycSubmission');
    assert.equal(findOperation(document, 'post', '/v1/sales/acme/sessions/refresh')?.operation.operationId, 'refreshSession');
    assert.equal(findOperation(document, 'GET', '/v1/sales/acme/kyc/other'), undefined);
  });
});

describe('real answers match the document', () => {
  let investor: Investor;
  let keys: Awaited<ReturnType<typeof uploadDocuments>>;

  it('GET config, for a known and an unknown sale', async () => {
    const config = await checked('config?locale=de');
    assert.equal(config.status, 200);
    assert.equal(config.body.sale.id, SALE_ID);
    assert.equal((await checked('/v1/sales/nosuch/config')).body.error.code, 'unknown_sale');
  });

  it('POST codes: sent, too soon, a bad address, a foreign site, not JSON', async () => {
    const email = uniqueEmail('openapi');
    investor = await signIn(stack, email);
    // A code that signed in ends the cooldown; one that is only pending holds it.
    const pending = uniqueEmail('openapi-pending');
    assert.equal((await checked('codes', { body: { email: pending } })).status, 202);
    const again = await checked('codes', { body: { email: pending } });
    assert.equal(again.status, 429);
    assert.equal(again.body.error.code, 'resend_too_soon');
    assert.equal((await checked('codes', { body: { email: 'not-an-address' } })).body.error.code, 'invalid_request');
    assert.equal((await checked('codes', { body: { email }, origin: 'https://evil.test' })).body.error.code, 'origin_not_allowed');
    const plain = await checkedFetch('POST', `/v1/sales/${SALE_ID}/codes`, { headers: { Origin: SALE_ORIGIN, 'Content-Type': 'text/plain' }, body: email });
    assert.equal(plain.body.error.code, 'unsupported_media_type');
    const broken = await checkedFetch('POST', `/v1/sales/${SALE_ID}/codes`, { headers: { Origin: SALE_ORIGIN, 'Content-Type': 'application/json' }, body: '{"email":' });
    assert.equal(broken.body.error.code, 'invalid_json');
    const fresh = uniqueEmail('openapi');
    const sent = await checked('codes', { body: { email: fresh }, validRequest: true });
    assert.equal(sent.status, 202);
    assert.equal(sent.body.sent, true);
  });

  it('POST sessions with a wrong code, and refresh with a good and a forged token', async () => {
    const wrong = await checked('sessions', { body: { email: investor.email, code: '000000' } });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body.error.code, /^code_(wrong|expired)$/);
    const refreshed = await checked('sessions/refresh', { method: 'POST', token: investor.token });
    assert.equal(refreshed.status, 200);
    assert.equal(refreshed.body.userId, investor.userId);
    const forged = await checked('sessions/refresh', { method: 'POST', token: `${investor.token.slice(0, -4)}AAAA` });
    assert.equal(forged.status, 401);
    assert.equal(forged.body.error.code, 'unauthorized');
  });

  it('POST host-sessions with a bad key, a bad origin and a good key', async () => {
    const body = { email: uniqueEmail('host') };
    const bad = await checked('host-sessions', { body, origin: null, headers: { Authorization: 'Bearer not-the-integrator-key' } });
    assert.equal(bad.status, 401);
    const foreign = await checked('host-sessions', { body: { ...body, origin: 'https://evil.test' }, origin: null, headers: { Authorization: `Bearer ${INTEGRATOR_KEY}` } });
    assert.equal(foreign.body.error.fields[0].field, 'origin');
    const good = await checked('host-sessions', { body, origin: null, headers: { Authorization: `Bearer ${INTEGRATOR_KEY}` }, validRequest: true });
    assert.equal(good.status, 201);
  });

  it('GET kyc and kyc/submission before any submission', async () => {
    const status = await checked('kyc', { token: investor.token });
    assert.equal(status.body.status.state, 'not_submitted');
    const none = await checked('kyc/submission', { token: investor.token });
    assert.equal(none.status, 404);
    assert.equal(none.body.error.code, 'no_submission');
  });

  it('POST uploads: forms for the files, a refused content type, no token', async () => {
    const gif = { files: [{ field: 'selfieFile', contentType: 'image/gif' }] };
    assert.throws(() => assertRequestMatches(document, { method: 'POST', path: `/v1/sales/${SALE_ID}/uploads`, body: gif }), /must be equal to one of the allowed values/);
    const refused = await checked('uploads', { token: investor.token, body: gif });
    assert.equal(refused.body.error.fields[0].rule, 'file_type');
    assert.equal((await checked('uploads', { body: { files: [] } })).status, 401);
    const tickets = await checked('uploads', { token: investor.token, body: { files: [{ field: 'investorProofFiles', contentType: 'application/pdf' }] }, validRequest: true });
    assert.equal(tickets.status, 200);
    keys = await uploadDocuments(stack, investor.token);
    assert.ok(keys.documentIdFile !== undefined && keys.selfieFile !== undefined);
  });

  it('POST kyc with a bad field, then a good submission; then GET kyc, kyc/submission', async () => {
    const withExtra = validSubmission(keys, { country: 'North Korea', extra: 'x' });
    assert.throws(() => assertRequestMatches(document, { method: 'POST', path: `/v1/sales/${SALE_ID}/kyc`, body: withExtra }), /must NOT have additional properties/);
    const bad = await checked('kyc', { token: investor.token, body: withExtra });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'invalid_submission');
    assert.deepEqual(bad.body.error.fields.map((field: { rule: string }) => field.rule).sort(), ['blocked_country', 'unknown_field']);
    const unticked = await checked('kyc', { token: investor.token, body: { ...validSubmission(keys), confirmations: {} } });
    assert.equal(unticked.body.error.fields[0].field, 'confirmations.terms');
    const submitted = await checked('kyc', { token: investor.token, body: validSubmission(keys), validRequest: true });
    assert.equal(submitted.status, 201);
    assert.equal(submitted.body.status.state, 'pending');
    assert.equal((await checked('kyc', { token: investor.token })).body.status.submissionCount, 1);
    const answers = await checked('kyc/submission', { token: investor.token });
    assert.equal(answers.body.submission.documentIdFile, keys.documentIdFile);
    assert.equal(answers.body.submission.birthdate, '01/02/1990');
  });

  it('GET kyc/events: an event stream whose events match their schemas; refused without a token', async () => {
    const path = `/v1/sales/${SALE_ID}/kyc/events`;
    const stream = await openStatusStream(stack, investor.token);
    try {
      assertResponseMatches(document, { method: 'GET', path, status: stream.status, contentType: stream.headers.get('content-type'), body: '', headers: stream.headers });
      const first = await stream.nextEvent();
      assert.equal(first.type, 'event');
      if (first.type !== 'event') return;
      assert.equal(first.event, 'status');
      assert.match(first.id ?? '', /^[0-9]+$/);
      assertStreamEventMatches(document, { path, event: first.event, data: first.data });
      assert.equal(JSON.parse(first.data).state, 'pending');
    } finally {
      stream.close();
    }
    const refused = await checked('kyc/events', {});
    assert.equal(refused.status, 401);
    // The other documented events, as the route writes them; undocumented events and wrong data fail.
    assertStreamEventMatches(document, { path, event: 'reauth', data: JSON.stringify({ reason: 'token_expired' }) });
    assertStreamEventMatches(document, { path, event: 'unavailable', data: JSON.stringify({ message: 'The verification service is unreachable.' }) });
    assert.throws(() => assertStreamEventMatches(document, { path, event: 'progress', data: '{}' }), /event "progress" is not documented/);
    assert.throws(() => assertStreamEventMatches(document, { path, event: 'status', data: '{"state":"approved"}' }), /must have required property/);
    assert.throws(() => assertMatchesSchema(document, 'InvestorStatus', { state: 'approved' }), /must have required property/);
  });

  it('POST ethereum-address/check: a checksum error with its suggestion, and an accepted address', async () => {
    const checksummed = '0x32Be343B94f860124dC4fEe278FDCBD38C102D88';
    const wrong = await checked('ethereum-address/check', { token: investor.token, body: { address: checksummed.replace('Be', 'bE') } });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error.fields[0].rule, 'checksum');
    assert.equal(wrong.body.error.fields[0].params.suggestion.toLowerCase(), checksummed.toLowerCase());
    const accepted = await checked('ethereum-address/check', { token: investor.token, body: { address: checksummed.toLowerCase() }, validRequest: true });
    assert.equal(accepted.status, 200);
    assert.equal(accepted.body.address, checksummed);
  });

  it('POST webhooks: a bad signature, not a form, an unknown sale, a signed event and its repeat', async () => {
    const event = caseEvent(investor.userId);
    const signed = signWebhook(webhookUrl(), event, WEBHOOK_SECRET);
    const forged = signWebhook(webhookUrl(), event, 'f0'.repeat(16));
    const bad = await checkedFetch('POST', `/webhooks/${SALE_ID}`, { headers: FORM, body: forged.body });
    assert.equal(bad.status, 401);
    assert.equal(bad.body.error.code, 'webhook_bad_signature');
    assert.equal(bad.headers.get('www-authenticate'), null);
    const json = await checkedFetch('POST', `/webhooks/${SALE_ID}`, { headers: { 'Content-Type': 'application/json' }, body: '{}' });
    assert.equal(json.body.error.code, 'unsupported_media_type');
    assert.equal((await checkedFetch('POST', '/webhooks/nosuch', { headers: FORM, body: signed.body })).body.error.code, 'unknown_sale');
    assertRequestMatches(document, { method: 'POST', path: `/webhooks/${SALE_ID}`, contentType: FORM['Content-Type'], body: parseQuery(signed.body) });
    const accepted = await checkedFetch('POST', `/webhooks/${SALE_ID}`, { headers: FORM, body: signed.body });
    assert.deepEqual(accepted.body, { received: true });
    const repeat = await checkedFetch('POST', `/webhooks/${SALE_ID}`, { headers: FORM, body: signed.body });
    assert.deepEqual(repeat.body, { received: true, duplicate: true });
  });

  it('GET healthz, readyz, metrics, jwks and an unknown path', async () => {
    assert.deepEqual((await checkedFetch('GET', '/healthz')).body, { status: 'ok' });
    const ready = await checkedFetch('GET', '/readyz');
    assert.equal(ready.status, 200);
    assert.equal(ready.body.checks[`provider:${SALE_ID}`], 'ok');
    const metrics = await checkedFetch('GET', '/metrics');
    assert.match(metrics.body, /kyc_proxy_http_request_duration_seconds/);
    const jwks = await checkedFetch('GET', '/.well-known/jwks.json');
    assert.ok(jwks.body.keys.length >= 1);
    const unknown = await fetch(`${stack.proxyUrl}/v2/nothing`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(unknown.status, 404);
    assert.equal(findOperation(document, 'GET', '/v2/nothing'), undefined);
    assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'not_found');
  });

  it('a shared-store outage: 503 answers and readiness as documented', async () => {
    // A second proxy with the same configuration whose store always fails as Redis does when it is down.
    const fail = (): Promise<never> => Promise.reject(new RedisStoreError('unavailable', 'Redis did not answer (test)'));
    const store: SharedStore = { set: fail, get: fail, delete: fail, increment: fail, pushRecent: fail, recent: fail, publish: fail, subscribe: fail, ping: fail, close: async () => undefined };
    const quiet = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    const down = await createProxy(stack.proxies[0]!.deps.config, { store, logDestination: quiet, shutdownGraceMs: 500 });
    try {
      const { url } = await down.listen(0);
      const headers = { Origin: SALE_ORIGIN, 'Content-Type': 'application/json' };
      const codes = await checkedFetch('POST', `/v1/sales/${SALE_ID}/codes`, { baseUrl: url, headers, body: JSON.stringify({ email: uniqueEmail('down') }) });
      assert.equal(codes.status, 503);
      assert.equal(codes.body.error.code, 'temporarily_unavailable');
      const status = await checkedFetch('GET', `/v1/sales/${SALE_ID}/kyc`, { baseUrl: url, headers: { Origin: SALE_ORIGIN, Authorization: `Bearer ${investor.token}` } });
      assert.equal(status.body.error.code, 'temporarily_unavailable');
      const webhook = await checkedFetch('POST', `/webhooks/${SALE_ID}`, { baseUrl: url, headers: FORM, body: signWebhook(webhookUrl(), caseEvent(investor.userId), WEBHOOK_SECRET).body });
      assert.equal(webhook.status, 503);
      const ready = await checkedFetch('GET', '/readyz', { baseUrl: url });
      assert.equal(ready.status, 503);
      assert.deepEqual(ready.body, { status: 'not_ready', checks: { store: 'failing', [`provider:${SALE_ID}`]: 'ok' } });
    } finally {
      await down.close();
    }
  });
});
