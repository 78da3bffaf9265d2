/**
 * Log hygiene: one stack is driven through a whole journey (sign-in with a wrong and a right code,
 * refresh, a host session, uploads to S3, an invalid and a valid submission, the status stream while a
 * reviewer approves and the provider's webhooks arrive, a status forward the sale's backend refuses,
 * malformed requests, forged tokens and webhooks, the mail server going down), then every line the
 * proxy logged is read: each is JSON, requests are logged with their id, and no line holds a secret, a
 * token, a code, an email or a document's key or URL.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { base64url, decodeJwt } from 'jose';
import { api, openStatusStream, statusOf, uniqueEmail, uploadTickets, postToS3, validSubmission, VALID_FILE_BYTES, type ApiAnswer, type ApiOptions } from './support/investor.js';
import { CLIENT_ID, INTEGRATOR_KEY, SALE_ID, startStack, WEBHOOK_SECRET, type Stack } from './support/proxy-stack.js';
import { until } from '../support/eventually.js';

const FORWARD_SECRET = 'forward-secret-for-the-sale-backend-31337';
/** Typed with capitals and spaces, as investors do; the proxy normalises it. */
const INVESTOR_EMAIL = `  Log.Hygiene.${process.pid}@Example.com `;
const HOST_EMAIL = `host.hygiene.${process.pid}@example.org`;

let stack: Stack;
/** The sale's backend: refuses every forwarded status change (503), so the forwarder logs. */
let backend: Server;
const forwarded: { signature: string; body: string }[] = [];
/** Requests this test sent to the proxy itself (webhooks from the sandbox come on top). */
let requestsSent = 0;
/** Everything that must never be logged, with what it is (for the failure message). */
const secrets: { what: string; value: string }[] = [];

/** Remember `value` as something no log line may contain. */
function forbid(what: string, value: string | undefined): void {
  assert.ok(value !== undefined && value.length >= 6, `${what} is too short to look for`);
  secrets.push({ what, value });
}

/** Call the proxy, counting the request. */
function call(path: string, options: ApiOptions = {}): Promise<ApiAnswer> {
  requestsSent += 1;
  return api(stack, path, options);
}

/** Remember a token and its parts as forbidden. */
function forbidToken(what: string, token: string): void {
  forbid(what, token);
  const [, payload, signature] = token.split('.');
  forbid(`${what} (payload)`, payload);
  forbid(`${what} (signature)`, signature);
}

/** Ask for a code for `email`, read it from the mail, and remember it as forbidden. */
async function mailedCode(email: string): Promise<string> {
  const before = Math.max(0, ...stack.catcher.messages().map((message) => Number(message.id)));
  const asked = await call('codes', { body: { email } });
  assert.equal(asked.status, 202, JSON.stringify(asked.body));
  const normalised = email.trim().toLowerCase();
  const mail = await stack.catcher.waitForMessage((message) => Number(message.id) > before && message.to.includes(normalised), 5000);
  const code = mail.otp?.code;
  assert.ok(code !== undefined);
  forbid('a one-time code', code);
  return code;
}

before(async () => {
  backend = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      forwarded.push({ signature: String(request.headers['x-kyc-signature']), body });
      response.writeHead(503).end();
    });
  });
  backend.listen(0, '127.0.0.1');
  await once(backend, 'listening');
  const backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}/kyc-status`;
  stack = await startStack({
    sale: { webhook: { secrets: [{ env: 'TEST_WEBHOOK_SECRET' }], forward: { url: backendUrl, secret: FORWARD_SECRET } } },
  });
  const { config } = stack.proxies[0]?.deps ?? assert.fail('no proxy');
  const sale = config.sales.get(SALE_ID) ?? assert.fail('no sale');
  forbid('the provider API secret', sale.provider.apiSecret.reveal());
  forbid('the webhook secret', WEBHOOK_SECRET);
  forbid('the integrator key', INTEGRATOR_KEY);
  forbid('the forward secret', FORWARD_SECRET);
  forbid('the code pepper', config.codePepper.reveal());
  forbid('the token signing key', config.tokens.current.reveal());
  forbid('the token signing key (d)', (JSON.parse(config.tokens.current.reveal()) as { d: string }).d);
  forbid('the investor email', INVESTOR_EMAIL.trim());
  forbid('the investor email, normalised', INVESTOR_EMAIL.trim().toLowerCase());
  forbid('the investor email\'s local part', INVESTOR_EMAIL.trim().toLowerCase().split('@')[0]);
  forbid('the host-session email', HOST_EMAIL);

  await journey();
});

after(async () => {
  await stack?.close();
  backend?.closeAllConnections();
  await new Promise((resolve) => backend?.close(resolve));
});

/** Everything an investor, a sale backend, a reviewer and an attacker do, in one go. */
async function journey(): Promise<void> {
  await call('config');

  // Sign in: a wrong code, then the right one; refresh.
  const code = await mailedCode(INVESTOR_EMAIL);
  const wrong = await call('sessions', { body: { email: INVESTOR_EMAIL, code: code === '000000' ? '999999' : '000000' } });
  assert.equal(wrong.status, 400);
  const session = await call('sessions', { body: { email: INVESTOR_EMAIL, code } });
  assert.equal(session.status, 201, JSON.stringify(session.body));
  const token = session.body.token as string;
  const userId = Number(session.body.userId);
  forbidToken('the session token', token);
  const refreshed = await call('sessions/refresh', { method: 'POST', token });
  assert.equal(refreshed.status, 200);
  forbidToken('the refreshed token', refreshed.body.token as string);

  // The sale's backend asks for a token for an email it verified itself.
  const host = await call('host-sessions', { body: { email: HOST_EMAIL }, origin: null, headers: { Authorization: `Bearer ${INTEGRATOR_KEY}` } });
  assert.equal(host.status, 201, JSON.stringify(host.body));
  forbidToken('the host-session token', host.body.token as string);

  // Uploads: the presigned forms go to S3 directly.
  requestsSent += 1;
  const tickets = await uploadTickets(stack, token, [{ field: 'documentIdFile', contentType: 'image/jpeg' }, { field: 'selfieFile', contentType: 'image/png' }]);
  for (const ticket of tickets) {
    forbid('a document key', ticket.key);
    forbid('a document key\'s name', ticket.key.split('/').pop());
    for (const [name, value] of Object.entries(ticket.fields)) if (/policy|signature|credential/i.test(name)) forbid(`the upload form's ${name}`, value);
    assert.equal((await postToS3(ticket, VALID_FILE_BYTES)).status, 204);
  }
  const keys = { documentIdFile: tickets[0]?.key, selfieFile: tickets[1]?.key };

  // An invalid submission, then a valid one; read it back.
  assert.equal((await call('kyc', { token, body: validSubmission(keys, { birthdate: '31/02/1990', ethereumAddress: '0x123' }) })).status, 400);
  const submitted = await call('kyc', { token, body: validSubmission(keys) });
  assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
  assert.equal((await call('kyc', { token })).status, 200);
  assert.equal((await call('kyc/submission', { token })).status, 200);
  assert.equal((await call('ethereum-address/check', { token, body: { address: '0x32be343b94f860124dc4fee278fdcbd38c102d88' } })).status, 200);

  // The provider's presigned document URLs (the proxy reads them to learn the submitted keys).
  const detail = await stack.proxies[0]?.deps.sales.get(SALE_ID)?.provider.getKycDetail(userId) as unknown as Record<string, unknown>;
  for (const value of Object.values(detail ?? {}).flat()) {
    if (typeof value === 'string' && value.startsWith('http')) {
      forbid('a document URL', value);
      const signature = new URL(value).searchParams.get('X-Amz-Signature');
      if (signature !== null) forbid('a document URL signature', signature);
    }
  }

  // The status stream while a reviewer approves; the webhooks reach the proxy, signed.
  requestsSent += 1;
  const stream = await openStatusStream(stack, token);
  try {
    assert.equal(statusOf(await stream.nextEvent()).state, 'pending');
    stack.sandbox.store.setAmlStatus(CLIENT_ID, userId, 'cleared', 'kyc_system');
    stack.sandbox.store.qualify(CLIENT_ID, userId, 'Admin');
    let state = 'pending';
    while (state !== 'approved') {
      const item = await stream.nextEvent(5000);
      assert.equal(item.type, 'event', 'the stream ended before the approval');
      state = statusOf(item).state;
    }
  } finally {
    stream.close();
  }
  await until(() => forwarded.length > 0, 'the status forward to the sale\'s backend');
  for (const delivery of forwarded) forbid('a forward signature', /v1=([0-9a-f]+)/.exec(delivery.signature)?.[1]);

  // Mistakes and attacks.
  assert.equal((await call('codes', { body: { email: 'not-an-email-hygiene' } })).status, 400);
  assert.equal((await call('codes', { method: 'POST', headers: { 'Content-Type': 'application/json' } })).status, 400);
  requestsSent += 1;
  const broken = await fetch(`${stack.proxyUrl}/v1/sales/acme/sessions`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: 'https://sale.test' }, body: `{"email":"${INVESTOR_EMAIL.trim()}","code":"${code}"` });
  assert.equal(broken.status, 400);
  assert.equal((await call('sessions', { body: { email: INVESTOR_EMAIL, code, padding: 'x'.repeat(70_000) } })).status, 413);
  assert.equal((await call('/v1/sales/nope/kyc', { token })).status, 404);
  assert.equal((await call('kyc', { token, origin: 'https://evil.test' })).status, 403);
  assert.equal((await call(`kyc?token=${token}&email=${encodeURIComponent(INVESTOR_EMAIL)}`)).status, 401);
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const tampered = `${header}.${base64url.encode(JSON.stringify({ ...decodeJwt(token), sub: String(userId + 1000) }))}.${signature}`;
  assert.equal((await call('kyc', { token: tampered })).status, 401);
  assert.equal((await call('kyc', { token: `${base64url.encode('{"alg":"none"}')}.${payload}.` })).status, 401);
  assert.equal((await call('kyc', { headers: { Authorization: `Basic ${token}` } })).status, 401);
  assert.equal((await call('host-sessions', { body: { email: HOST_EMAIL }, origin: null, headers: { Authorization: `Bearer ${INTEGRATOR_KEY}x` } })).status, 401);
  requestsSent += 1;
  const forgedWebhook = await fetch(`${stack.proxyUrl}/webhooks/acme`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `id=evt-1&request_timestamp=${Math.floor(Date.now() / 1000)}&data%5Buser%5D%5Bemail%5D=${encodeURIComponent(HOST_EMAIL)}&signature=${'ab'.repeat(32)}`,
  });
  assert.equal(forgedWebhook.status, 401);

  // The mail server goes down: a code cannot be sent.
  await stack.catcher.close();
  assert.equal((await call('codes', { body: { email: HOST_EMAIL } })).status, 503);
}

/** Every line, parsed. */
function parsedLines(): Record<string, unknown>[] {
  return stack.logs.map((line, index) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      return assert.fail(`log line ${index} is not JSON: ${line.slice(0, 200)}`);
    }
  });
}

test('every line is JSON, every request is logged with its request id', () => {
  const lines = parsedLines();
  const requests = lines.filter((line) => line['msg'] === 'request');
  assert.ok(requests.length >= requestsSent, `${requests.length} request lines for ${requestsSent} requests sent`);
  assert.ok(requests.some((line) => line['route'] === '/webhooks/:sale' && line['status'] === 200), 'the webhooks were logged');
  for (const line of requests) {
    assert.match(String(line['reqId']), /^[A-Za-z0-9._:-]{8,}$/);
    assert.equal(typeof line['status'], 'number');
    assert.equal(typeof line['method'], 'string');
    assert.equal(typeof line['route'], 'string');
  }
  // Request lines name the route pattern, never the URL with its query string.
  assert.ok(requests.every((line) => !String(line['route']).includes('?')));
  // Failures are logged as codes an operator can act on.
  const refusals = requests.filter((line) => line['status'] === 401 && line['route'] === '/v1/sales/:sale/kyc');
  assert.ok(refusals.some((line) => line['errorCode'] === 'unauthorized' && line['tokenRefusal'] === 'bad_signature'), 'the tampered token');
  assert.ok(refusals.some((line) => line['tokenRefusal'] === 'missing'), 'the token in the query string');
  assert.ok(requests.some((line) => line['status'] === 413 && line['errorCode'] === 'body_too_large'));
  assert.ok(requests.every((line) => (line['status'] as number) < 400 || typeof line['errorCode'] === 'string'), 'an error request line without its code');
  const mailFailure = lines.find((line) => line['msg'] === 'upstream failure');
  assert.equal(mailFailure?.['errorCode'], 'mail_unavailable');
  assert.match(String(mailFailure?.['reqId']), /^[A-Za-z0-9._:-]{8,}$/, 'the failed mail is logged with its request id');

  // Lines written while serving a request carry its id. The only others are the status forwards, which
  // run after the webhook was answered (their lines say which sale).
  const unscoped = lines.filter((line) => typeof line['reqId'] !== 'string');
  for (const line of unscoped) {
    assert.match(String(line['msg']), /^status forward/, `a line without a request id: ${JSON.stringify(line)}`);
    assert.equal(line['sale'], SALE_ID);
  }
  for (const line of lines) assert.equal(typeof line['level'], 'number');
});

test('no line holds a secret, a token, a code, an email, or a document key or URL', () => {
  assert.ok(stack.logs.length > 0);
  assert.ok(secrets.length > 20, `only ${secrets.length} values to look for`);
  for (const [index, line] of stack.logs.entries()) {
    for (const { what, value } of secrets) {
      // A code is digits: look for it as a whole (a timestamp may contain any six digits).
      const found = /^\d+$/.test(value) ? new RegExp(`(?<![0-9])${value}(?![0-9])`).test(line) : line.includes(value);
      assert.ok(!found, `log line ${index} contains ${what}: ${line.slice(0, 300)}`);
    }
    assert.doesNotMatch(line, /@example\.(com|org)/i, `log line ${index} contains an email address`);
  }
});
