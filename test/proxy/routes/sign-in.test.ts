/**
 * Sign-in over real HTTP against the in-process stack: a code requested from the proxy arrives at the
 * real SMTP catcher and is exchanged for a widget token; wrong, used-up and expired codes; resend
 * cooldown and send limits; malformed requests (always a 4xx with a code, never a 500); the mail server
 * down; token refresh; and host sessions for a sale's own backend.
 *
 * Two stacks: `main` (no resend cooldown, 3 sends per email, and a clock the expiry test moves) and
 * `limits` (the default 30 s cooldown, 3 sends per IP, and `X-Forwarded-For` trusted so each test
 * counts against an address of its own). Time is moved through the proxy's `now` option; nothing sleeps.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { startRedisServer } from '../../support/redis-server.js';
import { api, signIn, uniqueEmail, type ApiAnswer } from '../support/investor.js';
import { CLIENT_ID, INTEGRATOR_KEY, SALE_ORIGIN, startStack, type Stack } from '../support/proxy-stack.js';

/** A second site the main stack's sale may be embedded on. */
const OTHER_ORIGIN = 'https://other.sale.test';
/** How long the test waits for a mail to arrive. */
const MAIL_TIMEOUT_MS = 5000;

/** A clock the tests can move forward; the proxy reads it through its `now` option. */
const clock = { offsetMs: 0, now: () => Date.now() + clock.offsetMs };

let main: Stack;
let limits: Stack;

before(async () => {
  [main, limits] = await Promise.all([
    startStack({
      config: { codes: { resendCooldownSeconds: 0, sendsPerEmailPerHour: 3 } },
      sale: { origins: [SALE_ORIGIN, OTHER_ORIGIN] },
      proxyOptions: { now: clock.now },
    }),
    startStack({
      config: { codes: { sendsPerIpPerHour: 3 } },
      env: { PROXY_TRUST_PROXY: 'true' },
    }),
  ]);
});

after(async () => {
  await Promise.all([main?.close(), limits?.close()]);
});

/** Ask for a code for `email` and return the proxy's answer. */
function requestCode(stack: Stack, email: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> {
  return api(stack, 'codes', { body: { email }, headers });
}

/** The code in the newest mail to `email` that arrived after message `afterId`. */
async function mailedCode(stack: Stack, email: string, afterId: number): Promise<string> {
  const mail = await stack.catcher.waitForMessage((message) => Number(message.id) > afterId && message.to.includes(email.toLowerCase()), MAIL_TIMEOUT_MS);
  const code = /\b(\d{6})\b/.exec(mail.text)?.[1];
  assert.ok(code !== undefined, 'the mail carries a six-digit code');
  return code;
}

/** The id of the newest caught message (0 when none), to wait for mails sent after it. */
function lastMailId(stack: Stack): number {
  return Math.max(0, ...stack.catcher.messages().map((message) => Number(message.id)));
}

/** Request a code for `email` and read it from the mail. */
async function codeFor(stack: Stack, email: string): Promise<string> {
  const before = lastMailId(stack);
  const answer = await requestCode(stack, email);
  assert.equal(answer.status, 202, JSON.stringify(answer.body));
  return mailedCode(stack, email, before);
}

/** Assert an error answer: status, `error.code`, and (when given) the field it names. */
function assertError(answer: ApiAnswer, status: number, code: string, field?: string): void {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  assert.equal(answer.body?.error?.code, code, JSON.stringify(answer.body));
  assert.equal(typeof answer.body.error.message, 'string');
  if (field !== undefined) assert.ok(answer.body.error.fields?.some((problem: { field: string }) => problem.field === field), `no field ${field} in ${JSON.stringify(answer.body)}`);
}

describe('signing in with a mailed code', () => {
  test('the code arrives by SMTP and gives a token that works on the KYC routes', async () => {
    const email = uniqueEmail('happy');
    const before = lastMailId(main);
    const asked = await requestCode(main, email);
    assert.equal(asked.status, 202);
    assert.deepEqual(Object.keys(asked.body).sort(), ['expiresAt', 'resendAfterSeconds', 'sent']);
    assert.equal(asked.body.sent, true);
    assert.ok(asked.body.expiresAt > Date.now() / 1000 && asked.body.expiresAt <= Date.now() / 1000 + 601);

    const mail = await main.catcher.waitForMessage((message) => Number(message.id) > before && message.to.includes(email), MAIL_TIMEOUT_MS);
    assert.deepEqual(mail.to, [email]);
    assert.match(mail.from, /kyc@acme\.test/);
    assert.match(mail.subject + mail.text, /Acme Token Sale/);
    const code = /\b(\d{6})\b/.exec(mail.text)?.[1];
    assert.ok(code !== undefined);
    // The code is for the sale's page only (OTP-Token header), and never in the HTTP answer.
    assert.deepEqual(mail.otp, { code, origin: SALE_ORIGIN });
    assert.ok(!JSON.stringify(asked.body).includes(code));

    const session = await api(main, 'sessions', { body: { email, code } });
    assert.equal(session.status, 201, JSON.stringify(session.body));
    assert.deepEqual(Object.keys(session.body).sort(), ['expiresAt', 'token', 'userId']);
    assert.match(session.body.userId, /^[0-9]+$/);
    assert.ok(session.body.expiresAt > Date.now() / 1000);

    const kyc = await api(main, 'kyc', { token: session.body.token });
    assert.equal(kyc.status, 200, JSON.stringify(kyc.body));
    assert.equal(kyc.body.status.state, 'not_submitted');

    // A code is single use.
    const again = await api(main, 'sessions', { body: { email, code } });
    assertError(again, 400, 'code_expired', 'code');
  });

  test('a new and a known email get the same answer, and the known one keeps its provider user', async () => {
    const known = uniqueEmail('Known');
    const first = await signIn(main, known);
    const fresh = await requestCode(main, uniqueEmail('fresh'));
    const again = await requestCode(main, known);
    assert.equal(fresh.status, again.status);
    assert.deepEqual(Object.keys(fresh.body).sort(), Object.keys(again.body).sort());
    assert.equal(fresh.body.sent, again.body.sent);
    assert.equal(fresh.body.resendAfterSeconds, again.body.resendAfterSeconds);

    // Same address, other case and spaces: the same provider user, found rather than created again.
    const shouted = `  ${known.toUpperCase()} `;
    const code = await mailedCode(main, known, 0);
    const second = await api(main, 'sessions', { body: { email: shouted, code } });
    assert.equal(second.status, 201, JSON.stringify(second.body));
    assert.equal(second.body.userId, first.userId);
    const third = await signIn(main, known.replace(/^k/, 'K'));
    assert.equal(third.userId, first.userId);
    const users = main.sandbox.store.listUsers(CLIENT_ID, { email: known }, { offset: 0, limit: 10, order: 'asc' });
    assert.equal(users.total, 1, 'the provider holds one user for the address');
  });

  test('each wrong code counts down attemptsLeft; past the limit even the right code fails', async () => {
    const email = uniqueEmail('guesser');
    const code = await codeFor(main, email);
    const wrong = code === '000000' ? '111111' : '000000';
    for (const left of [4, 3, 2, 1]) {
      const answer = await api(main, 'sessions', { body: { email, code: wrong } });
      assertError(answer, 400, 'code_wrong', 'code');
      assert.equal(answer.body.error.fields[0].params.attemptsLeft, left);
      assert.match(answer.body.error.message, new RegExp(`${left} attempts? left`));
    }
    const fifth = await api(main, 'sessions', { body: { email, code: 'abc' } });
    assertError(fifth, 400, 'code_too_many_attempts', 'code');
    const right = await api(main, 'sessions', { body: { email, code } });
    assertError(right, 400, 'code_too_many_attempts', 'code');
    assert.equal(right.body.token, undefined);

    // A new code starts over.
    const fresh = await codeFor(main, email);
    const session = await api(main, 'sessions', { body: { email, code: fresh } });
    assert.equal(session.status, 201);
  });

  test('a code past its lifetime is refused as expired', async () => {
    const email = uniqueEmail('late');
    const code = await codeFor(main, email);
    clock.offsetMs = 601_000;
    try {
      const answer = await api(main, 'sessions', { body: { email, code } });
      assertError(answer, 400, 'code_expired', 'code');
    } finally {
      clock.offsetMs = 0;
    }
  });

  test('a code for another address, or no code ever sent, is refused', async () => {
    const email = uniqueEmail('owner');
    const code = await codeFor(main, email);
    assertError(await api(main, 'sessions', { body: { email: uniqueEmail('thief'), code } }), 400, 'code_expired', 'code');
    assertError(await api(main, 'sessions', { body: { email } }), 400, 'invalid_request', 'code');
    assertError(await api(main, 'sessions', { body: { email, code: 123456 } }), 400, 'invalid_request', 'code');
  });

  test('sends per email are limited (429 with Retry-After)', async () => {
    const email = uniqueEmail('spammed');
    for (let i = 0; i < 3; i += 1) assert.equal((await requestCode(main, email)).status, 202);
    const refused = await requestCode(main, email);
    assertError(refused, 429, 'rate_limited');
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    // The same address in another case is the same address.
    assertError(await requestCode(main, email.toUpperCase()), 429, 'rate_limited');
    // Another address is not affected.
    assert.equal((await requestCode(main, uniqueEmail('other'))).status, 202);
  });
});

describe('refresh', () => {
  test('a valid token gets a fresh one for the same user', async () => {
    const investor = await signIn(main, uniqueEmail('refresh'));
    const refreshed = await api(main, 'sessions/refresh', { method: 'POST', token: investor.token });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.equal(refreshed.body.userId, investor.userId);
    assert.notEqual(refreshed.body.token, investor.token);
    assert.equal((await api(main, 'kyc', { token: refreshed.body.token })).status, 200);
  });

  test('no token, a broken token, or a token from another site is 401', async () => {
    assertError(await api(main, 'sessions/refresh', { method: 'POST' }), 401, 'unauthorized');
    const investor = await signIn(main, uniqueEmail('refresh-bad'));
    const broken = `${investor.token.slice(0, -4)}AAAA`;
    assertError(await api(main, 'sessions/refresh', { method: 'POST', token: broken }), 401, 'unauthorized');
    // Another of the sale's sites cannot take over the session.
    assertError(await api(main, 'sessions/refresh', { method: 'POST', token: investor.token, origin: OTHER_ORIGIN }), 401, 'unauthorized');
    assert.equal((await api(main, 'kyc', { token: investor.token, origin: OTHER_ORIGIN })).status, 401);
  });
});

describe('host sessions (the sale backend vouches for an email)', () => {
  /** Ask for a host session as the sale's backend does (no Origin); `key` null sends no Authorization. */
  const hostSession = (stack: Stack, body: unknown, key: string | null = INTEGRATOR_KEY) =>
    api(stack, 'host-sessions', { body, origin: null, ...(key === null ? {} : { headers: { Authorization: `Bearer ${key}` } }) });

  test('a valid integrator key gets a token for that email, for the same provider user', async () => {
    const email = uniqueEmail('host');
    const answer = await hostSession(main, { email });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.match(answer.body.userId, /^[0-9]+$/);
    assert.equal((await api(main, 'kyc', { token: answer.body.token })).status, 200);
    const withOrigin = await hostSession(main, { email: email.toUpperCase(), origin: `${SALE_ORIGIN}/some/page` });
    assert.equal(withOrigin.status, 201);
    assert.equal(withOrigin.body.userId, answer.body.userId);
    const byCode = await signIn(main, email);
    assert.equal(byCode.userId, answer.body.userId);
  });

  test('a wrong or missing integrator key is 401 with WWW-Authenticate', async () => {
    for (const key of ['integrator-key-0123456789abcdeX', 'short', INTEGRATOR_KEY.toUpperCase(), null]) {
      const answer = await hostSession(main, { email: uniqueEmail('host-bad') }, key);
      assertError(answer, 401, 'unauthorized');
      assert.match(answer.headers.get('www-authenticate') ?? '', /^Bearer/);
    }
    // A widget token is not an integrator key.
    const investor = await signIn(main, uniqueEmail('widget'));
    assertError(await hostSession(main, { email: investor.email }, investor.token), 401, 'unauthorized');
  });

  test('an origin outside the sale\'s list, or a bad email, is 400 naming the field', async () => {
    assertError(await hostSession(main, { email: uniqueEmail('host'), origin: 'https://evil.test' }), 400, 'invalid_request', 'origin');
    assertError(await hostSession(main, { email: uniqueEmail('host'), origin: 'not a url' }), 400, 'invalid_request', 'origin');
    assertError(await hostSession(main, { email: 'nobody' }), 400, 'invalid_request', 'email');
  });
});

describe('malformed requests are a 4xx with a code, never a 500', () => {
  test('bad email addresses name the email field', async () => {
    const bad: unknown[] = ['', '   ', 'no-at-sign', 'a@b', 'two@@example.com', 'sp ace@example.com', '<a@example.com>', `${'x'.repeat(250)}@example.com`, 42, null, ['a@example.com'], { email: 'a@example.com' }];
    for (const email of bad) assertError(await requestCode(main, email), 400, 'invalid_request', 'email');
    assertError(await api(main, 'codes', { body: {} }), 400, 'invalid_request', 'email');
    assertError(await api(main, 'sessions', { body: { email: 'nope', code: '123456' } }), 400, 'invalid_request', 'email');
  });

  test('bodies that are not a JSON object', async () => {
    const fetchRaw = async (body: string, contentType: string | undefined): Promise<ApiAnswer> => {
      const response = await fetch(`${main.proxyUrl}/v1/sales/acme/codes`, {
        method: 'POST',
        headers: { Origin: SALE_ORIGIN, ...(contentType === undefined ? {} : { 'Content-Type': contentType }) },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: JSON.parse(text) };
    };
    assertError(await fetchRaw('{"email": ', 'application/json'), 400, 'invalid_json');
    assertError(await fetchRaw("{'email': 'a@example.com'}", 'application/json'), 400, 'invalid_json');
    assertError(await fetchRaw('"a@example.com"', 'application/json'), 400, 'invalid_json');
    assertError(await fetchRaw('[{"email":"a@example.com"}]', 'application/json'), 400, 'invalid_request');
    assertError(await fetchRaw('null', 'application/json'), 400, 'invalid_json');
    assertError(await fetchRaw('email=a%40example.com', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
    assertError(await fetchRaw('{"email":"a@example.com"}', 'text/plain'), 415, 'unsupported_media_type');
    assertError(await fetchRaw('{"email":"a@example.com"}', undefined), 415, 'unsupported_media_type');
    const padding = 'x'.repeat(70 * 1024);
    assertError(await fetchRaw(JSON.stringify({ email: 'a@example.com', padding }), 'application/json'), 413, 'body_too_large');
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const deepAnswer = await fetchRaw(deep, 'application/json');
    assert.ok(deepAnswer.status >= 400 && deepAnswer.status < 500, `deep JSON answered ${deepAnswer.status}`);
    assert.equal(typeof deepAnswer.body.error.code, 'string');
    const deepArray = await fetchRaw(`{"email":${'['.repeat(20000)}${']'.repeat(20000)}}`, 'application/json');
    assertError(deepArray, 400, 'invalid_request', 'email');
  });

  test('an unknown sale is 404 and a site outside the sale\'s origins is 403', async () => {
    assertError(await api(main, '/v1/sales/nope/codes', { body: { email: uniqueEmail() } }), 404, 'unknown_sale');
    assertError(await api(main, 'codes', { body: { email: uniqueEmail() }, origin: 'https://evil.test' }), 403, 'origin_not_allowed');
    assertError(await api(main, 'sessions', { body: { email: uniqueEmail(), code: '123456' }, origin: 'https://evil.test' }), 403, 'origin_not_allowed');
  });
});

describe('resend cooldown, per-IP limits and the mail server', () => {
  /** Send from a client address of the test's own (the `limits` stack trusts X-Forwarded-For). */
  const from = (ip: string) => ({ 'X-Forwarded-For': ip });

  test('asking again within the cooldown is 429 resend_too_soon with Retry-After', async () => {
    const email = uniqueEmail('impatient');
    const first = await requestCode(limits, email, from('198.51.100.1'));
    assert.equal(first.status, 202);
    assert.equal(first.body.resendAfterSeconds, 30);
    const second = await requestCode(limits, email.toUpperCase(), from('198.51.100.1'));
    assertError(second, 429, 'resend_too_soon');
    const retryAfter = Number(second.headers.get('retry-after'));
    assert.ok(retryAfter > 0 && retryAfter <= 30, `Retry-After: ${retryAfter}`);
    // Only one mail went out.
    assert.equal(limits.catcher.messages().filter((message) => message.to.includes(email)).length, 1);
    // Retry-After is what is left of the cooldown, not the whole of it again.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const third = await requestCode(limits, email, from('198.51.100.1'));
    assertError(third, 429, 'resend_too_soon');
    assert.ok(Number(third.headers.get('retry-after')) < retryAfter, `Retry-After ${third.headers.get('retry-after')} after ${retryAfter}`);
    assert.match(third.body.error.message, new RegExp(`in ${third.headers.get('retry-after')} seconds`));
  });

  test('a code that signed in ends the cooldown: after a reload the investor can ask for a new one at once', async () => {
    const email = uniqueEmail('reloaded');
    const before = lastMailId(limits);
    assert.equal((await requestCode(limits, email, from('198.51.100.5'))).status, 202);
    const code = await mailedCode(limits, email, before);
    assert.equal((await api(limits, 'sessions', { body: { email, code }, headers: from('198.51.100.5') })).status, 201);
    // The page reloads (the token lived in memory only); the used code is worth nothing now.
    const again = await requestCode(limits, email, from('198.51.100.5'));
    assert.equal(again.status, 202, JSON.stringify(again.body));
    // A code that was only asked for, not used, still holds the cooldown (above).
  });

  test('sends per client address are limited; another address is not affected', async () => {
    for (let i = 0; i < 3; i += 1) assert.equal((await requestCode(limits, uniqueEmail('ip'), from('198.51.100.2'))).status, 202);
    const refused = await requestCode(limits, uniqueEmail('ip'), from('198.51.100.2'));
    assertError(refused, 429, 'rate_limited');
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    assert.equal((await requestCode(limits, uniqueEmail('ip'), from('198.51.100.3'))).status, 202);
  });

  // Last in this stack: it stops the mail server.
  test('when the mail server is down the answer is 503 mail_unavailable, and asking again is allowed', async () => {
    await limits.catcher.close();
    const email = uniqueEmail('unlucky');
    const answer = await requestCode(limits, email, from('198.51.100.4'));
    assertError(answer, 503, 'mail_unavailable');
    assert.ok(Number(answer.headers.get('retry-after')) > 0);
    assert.doesNotMatch(JSON.stringify(answer.body), /ECONNREFUSED|127\.0\.0\.1|smtp/i);
    // The code never reached the investor, so the cooldown does not hold them back.
    assertError(await requestCode(limits, email, from('198.51.100.4')), 503, 'mail_unavailable');
  });
});

describe('the shared store', () => {
  test('holds no email, not even as a plain hash, and no code (Redis scanned after a sign-in)', async () => {
    const redis = await startRedisServer();
    const stack = await startStack({ env: { REDIS_URL: redis.url } });
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      const email = uniqueEmail('stored');
      const code = await codeFor(stack, email);
      const wrong = code === '000000' ? '111111' : '000000';
      assertError(await api(stack, 'sessions', { body: { email, code: wrong } }), 400, 'code_wrong');
      await client.connect();
      // Everything the proxy wrote while the code is live: the code record, counters, limits, cooldown.
      const dump: string[] = [];
      const keys = await client.keys('*');
      for (const key of keys) dump.push(key, ...(await valuesOf(client, key)));
      assert.ok(keys.length >= 4, `expected the code, its counter and the send limits in Redis, found ${keys.join(', ')}`);
      const text = dump.join('\n');
      const [local, domain] = email.split('@') as [string, string];
      const plainHashes = ['acme\u0000' + email, email].flatMap((value) => [createHash('sha256').update(value).digest('base64url'), createHash('sha256').update(value).digest('hex')]);
      for (const forbidden of [local, domain, code, ...plainHashes]) assert.ok(!text.includes(forbidden), `Redis holds ${forbidden}`);
    } finally {
      client.disconnect();
      await stack.close();
      await redis.stop();
    }
  });
});

/** Every value stored under `key`, whatever its Redis type. */
async function valuesOf(client: Redis, key: string): Promise<string[]> {
  switch (await client.type(key)) {
    case 'string':
      return [(await client.get(key)) ?? ''];
    case 'list':
      return client.lrange(key, 0, -1);
    case 'hash':
      return Object.entries(await client.hgetall(key)).flat();
    case 'set':
      return client.smembers(key);
    case 'zset':
      return client.zrange(key, '0', '-1');
    default:
      return [];
  }
}
