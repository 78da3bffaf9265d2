/**
 * The attack suite (issue 7, "Attacks"): one running proxy, over real HTTP, with the sandbox provider,
 * its S3 stand-in, its signed webhooks and a real SMTP server behind it, attacked every way the issue
 * lists. Every attempt goes through the ledger (`attack-ledger.ts`), which counts it and fails the test
 * where a defence gives way; the last test prints `attacks: N tried, 0 succeeded` with one line per kind.
 *
 * The stack serves two sales on one sandbox account: `acme` (on two sites) and `beta` (on the first of
 * them and its own). Three more proxy instances are built from the same configuration where an attack
 * needs time moved or the default code limits (`proxy-variant.ts`); they share the sandbox, the SMTP
 * server and the signing keys. The investors: Alice (the attacker, never submits), Bob (the victim,
 * submitted), Carol (the target of the webhook attacks) and Mallory (the SSRF probes).
 *
 * Focused tests of single defences live in test/proxy/**; this suite tries them all against one proxy.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { decodeJwt, type JWK } from 'jose';
import { CLIENT_ID, INTEGRATOR_KEY, SALE_ID, SALE_ORIGIN, startStack, WEBHOOK_SECRET, type Stack } from '../../proxy/support/proxy-stack.js';
import {
  api,
  openStatusStream,
  postToS3,
  signIn,
  statusOf,
  uniqueEmail,
  uploadDocuments,
  uploadTickets,
  VALID_FILE_BYTES,
  validSubmission,
  type ApiAnswer,
  type ApiOptions,
  type Investor,
  type UploadedKeys,
} from '../../proxy/support/investor.js';
import { ATTACK_CATEGORIES, createAttackLedger, type AttackCategory } from './attack-ledger.js';
import { forgeriesWithoutTheKey, freshClaims, importSigningKey, signWithRealKey, type RealSigningKey } from './forged-tokens.js';
import { caseUpdateEvent, postWebhook, signedWebhookBody } from './provider-webhook.js';
import { startProxyVariant, type ProxyVariant } from './proxy-variant.js';
import { rawRequest } from './raw-http.js';
import { startSsrfCanary, type SsrfCanary } from './ssrf-canary.js';
import { seededRandom } from '../../support/seeded-random.js';
import { compareTimings } from './timing-comparison.js';

/** The sale's second site. */
const OTHER_ORIGIN = 'https://other.sale.test';
/** The second sale, and its own site. */
const BETA = 'beta';
const BETA_ORIGIN = 'https://beta.test';
/** Sites that are not the sale's, as a browser or a script would send them. */
const UNLISTED_ORIGINS = ['https://evil.test', 'null', `${SALE_ORIGIN}.evil.test`, 'http://sale.test', 'https://sale.test:444', 'https://sub.sale.test', BETA_ORIGIN];

const ledger = createAttackLedger();
let stack: Stack;
let canary: SsrfCanary;
let realKey: RealSigningKey;
let alice: Investor;
let bob: Investor & { keys: UploadedKeys };
/** Attacks known to get through, each in a `todo` test naming its bug; listed under the tally. */
const openIssues: string[] = [];
/** Every token the suite crafted or stole, to check none reaches a log line. */
const tokensUsed = new Set<string>();

before(async () => {
  [stack, canary] = await Promise.all([
    startStack({
      sale: { origins: [SALE_ORIGIN, OTHER_ORIGIN] },
      extraSales: [{ id: BETA, name: 'Beta Sale', origins: [SALE_ORIGIN, BETA_ORIGIN] }],
      // The enumeration timing sends a few hundred codes from 127.0.0.1; the send limits are attacked on
      // a proxy with the default limits below.
      // No resend cooldown either: the enumeration test asks for codes for emails that just signed in.
      config: { codes: { sendsPerIpPerHour: 10_000, resendCooldownSeconds: 0 } },
    }),
    startSsrfCanary(),
  ]);
  const proxy = stack.proxies[0];
  assert.ok(proxy !== undefined);
  realKey = await importSigningKey(proxy.deps.config.tokens.current.reveal(), proxy.deps.keys.current.kid);
  const [a, b] = await Promise.all([signIn(stack, uniqueEmail('alice')), signIn(stack, uniqueEmail('bob'))]);
  alice = a;
  const bobKeys = await uploadDocuments(stack, b.token);
  const submitted = await api(stack, 'kyc', { token: b.token, body: validSubmission(bobKeys) });
  assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
  bob = { ...b, keys: bobKeys };
  tokensUsed.add(alice.token).add(bob.token);
});

after(async () => {
  await Promise.all([stack?.close(), canary?.close()]);
});

/** Call a route of `sale` (default `acme`): `path` relative to `/v1/sales/<sale>/`, or absolute. */
function call(path: string, options: ApiOptions & { sale?: string } = {}): Promise<ApiAnswer> {
  const { sale, ...rest } = options;
  return api(stack, sale === undefined || path.startsWith('/') ? path : `/v1/sales/${sale}/${path}`, rest);
}

/** A widget route that needs a session, with a body that would be accepted from the right caller. */
interface ProtectedRoute {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

/** Every route that acts on an investor's session. */
function protectedRoutes(keys: UploadedKeys): ProtectedRoute[] {
  return [
    { method: 'GET', path: 'kyc' },
    { method: 'GET', path: 'kyc/submission' },
    { method: 'GET', path: 'kyc/events' },
    { method: 'POST', path: 'sessions/refresh' },
    { method: 'POST', path: 'uploads', body: { files: [{ field: 'documentIdFile', contentType: 'image/jpeg' }] } },
    { method: 'POST', path: 'kyc', body: validSubmission(keys) },
    { method: 'POST', path: 'ethereum-address/check', body: { address: '0x32be343b94f860124dc4fee278fdcbd38c102d88' } },
  ];
}

/** Assert a 401 as the widget expects it, quoting nothing of `token`. */
function assertTokenRefused(answer: ApiAnswer, token: string, where: string, code?: string): void {
  assert.equal(answer.status, 401, `${where}: ${answer.status} ${JSON.stringify(answer.body)}`);
  assert.match(answer.body?.error?.code ?? '', /^(unauthorized|session_expired)$/, where);
  if (code !== undefined) assert.equal(answer.body.error.code, code, where);
  assert.match(answer.headers.get('www-authenticate') ?? '', /^Bearer\b/, `${where}: WWW-Authenticate`);
  const text = JSON.stringify(answer.body);
  for (const part of token.split('.')) if (part.length > 8) assert.ok(!text.includes(part), `${where}: the answer echoes the token`);
}

/** Try `token` on every protected route of `sale` from `origin`, each call one attempt of `category`. */
async function tryTokenEverywhere(category: AttackCategory, label: string, token: string, options: { sale?: string; origin?: string; code?: string } = {}): Promise<void> {
  tokensUsed.add(token);
  for (const route of protectedRoutes(bob.keys)) {
    await ledger.attempt(category, `${label} on ${route.method} ${route.path}`, async () => {
      const answer = await call(route.path, { method: route.method, token, sale: options.sale ?? SALE_ID, ...(route.body === undefined ? {} : { body: route.body }), ...(options.origin === undefined ? {} : { origin: options.origin }) });
      assertTokenRefused(answer, token, `${label} on ${route.method} ${route.path}`, options.code);
    });
  }
}

/** A widget token for `email` on `sale` from `origin`, asked for by the sale's backend (host session). */
async function hostSession(email: string, options: { sale?: string; origin?: string } = {}): Promise<Investor> {
  const answer = await call('host-sessions', { sale: options.sale ?? SALE_ID, origin: null, headers: { Authorization: `Bearer ${INTEGRATOR_KEY}` }, body: { email, ...(options.origin === undefined ? {} : { origin: options.origin }) } });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  tokensUsed.add(answer.body.token);
  return { token: answer.body.token, userId: answer.body.userId, email };
}

/** Run `task(0)` … `task(count - 1)`, `width` at a time; resolves with the results in index order. */
async function inBatches<T>(count: number, width: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    for (let index = next++; index < count; index = next++) results[index] = await task(index);
  }));
  return results;
}

/** The sandbox's record of an investor's case (undefined before any submission). */
const caseOf = (investor: Investor) => stack.sandbox.store.getKyc(CLIENT_ID, Number(investor.userId));

describe('forged tokens', () => {
  test('the control: a token crafted with Alice\'s claims and the proxy\'s real key is accepted', async () => {
    const answer = await call('kyc', { token: await signWithRealKey(realKey, freshClaims(alice.token)) });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
  });

  test('every forgery made without the private key is refused on every protected route', async () => {
    const jwks = await call('/.well-known/jwks.json', { origin: null });
    assert.equal(jwks.status, 200);
    const publicJwk = jwks.body.keys.find((key: JWK) => key.kid === realKey.kid) as JWK & { kid: string; x: string };
    assert.ok(publicJwk !== undefined && (publicJwk as { d?: string }).d === undefined, 'the JWKS publishes the public key only');
    const forgeries = await forgeriesWithoutTheKey(alice.token, publicJwk, [{ sub: bob.userId }, { exp: Math.floor(Date.now() / 1000) + 86_400 }, { aud: BETA }, { origin: 'https://evil.test' }], canary.url('jku'));
    for (const forged of forgeries) await tryTokenEverywhere('forged tokens', forged.label, forged.token);
    assert.equal(caseOf(bob)?.submission_count, 1, 'Bob\'s case is untouched');
  });

  test('a real token\'s type, issuer or audience changed (signed with the real key) is refused', async () => {
    const variants: [string, Record<string, unknown>, Record<string, unknown>][] = [
      ['typ JWT', {}, { typ: 'JWT' }],
      ['no typ', {}, { typ: undefined }],
      ['issuer of another proxy', { iss: 'https://evil.test' }, {}],
      ['issuer with a trailing slash', { iss: `${String(decodeJwt(alice.token).iss)}/` }, {}],
      ['audience of another sale', { aud: BETA }, {}],
      ['audience list with the sale', { aud: [SALE_ID, BETA] }, {}],
      ['no subject', { sub: undefined }, {}],
      ['subject not a user id', { sub: '../1' }, {}],
      ['no origin claim', { origin: undefined }, {}],
      ['no jti', { jti: undefined }, {}],
    ];
    for (const [label, claims, header] of variants) {
      await tryTokenEverywhere('forged tokens', label, await signWithRealKey(realKey, freshClaims(alice.token, claims), header));
    }
  });

  test('malformed Authorization headers and tokens in the URL are refused', async () => {
    const headers = [`Basic ${alice.token}`, `Bearer  ${alice.token}`, `Bearer ${alice.token} ${alice.token}`, `Bearer ${alice.token}.x`, `${alice.token}`, `Bearer ${'a'.repeat(5000)}.b.c`, `Bearer "${alice.token}"`];
    for (const header of headers) {
      await ledger.attempt('forged tokens', `Authorization: ${header.slice(0, 12)}…`, async () => {
        assertTokenRefused(await call('kyc', { headers: { Authorization: header } }), alice.token, header.slice(0, 20));
      });
    }
    for (const name of ['token', 'access_token', 'authorization', 'jwt']) {
      await ledger.attempt('forged tokens', `token in ?${name}=`, async () => {
        assertTokenRefused(await call(`kyc?${name}=${encodeURIComponent(alice.token)}`), alice.token, `?${name}=`);
      });
    }
  });
});

describe('expired and not-yet-valid tokens', () => {
  let clocked: ProxyVariant;
  before(async () => {
    clocked = await startProxyVariant(stack);
  });
  after(() => clocked?.close());

  test('signed with the real key: expired, not yet valid, too long-lived, or past the session\'s end', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, Record<string, unknown>, string | undefined][] = [
      ['expired an hour ago', { iat: now - 3600, nbf: now - 3600, exp: now - 3000, auth_time: now - 3600 }, 'session_expired'],
      ['expired a minute ago', { iat: now - 660, nbf: now - 660, exp: now - 60, auth_time: now - 660 }, 'session_expired'],
      ['nbf in an hour', { nbf: now + 3600, exp: now + 4200 }, undefined],
      ['iat in an hour', { iat: now + 3600, nbf: now + 3600, exp: now + 4200, auth_time: now + 3600 }, undefined],
      ['iat and nbf a minute ahead', { iat: now + 60, nbf: now + 60, exp: now + 660, auth_time: now + 60 }, undefined],
      ['valid for two hours', { iat: now - 3600, nbf: now - 3600, exp: now + 3600 }, undefined],
      ['session proven two days ago', { auth_time: now - 2 * 86_400 }, 'session_expired'],
      ['no exp', { exp: undefined }, undefined],
      ['no auth_time', { auth_time: undefined }, undefined],
    ];
    for (const [label, claims, code] of cases) {
      await tryTokenEverywhere('expired and not-yet-valid tokens', label, await signWithRealKey(realKey, freshClaims(alice.token, claims)), code === undefined ? {} : { code });
    }
  });

  test('a real token accepted once is refused after it expires; one from a proxy whose clock runs ahead is not yet valid', async () => {
    // The clocked proxy verifies (and caches) Alice's token and refreshes it now and five minutes on.
    const now = await call('sessions/refresh', { method: 'POST', token: alice.token, baseUrl: clocked.url });
    assert.equal(now.status, 200, JSON.stringify(now.body));
    clocked.clock.advance(5 * 60_000);
    const ahead = await call('sessions/refresh', { method: 'POST', token: now.body.token, baseUrl: clocked.url });
    assert.equal(ahead.status, 200, JSON.stringify(ahead.body));
    tokensUsed.add(now.body.token).add(ahead.body.token);

    await ledger.attempt('expired and not-yet-valid tokens', 'token from a clock five minutes ahead', async () => {
      assertTokenRefused(await call('kyc', { token: ahead.body.token }), ahead.body.token, 'ahead on the main proxy');
    });
    clocked.clock.advance(16 * 60_000);
    for (const [label, token] of [['Alice\'s token after expiry (cached)', alice.token], ['refreshed token after expiry', now.body.token]] as const) {
      for (const path of ['sessions/refresh', 'kyc', 'kyc/events']) {
        await ledger.attempt('expired and not-yet-valid tokens', `${label} on ${path}`, async () => {
          const answer = await call(path, { token, baseUrl: clocked.url, ...(path === 'sessions/refresh' ? { method: 'POST' } : {}) });
          assertTokenRefused(answer, token, `${label} on ${path}`, 'session_expired');
        });
      }
    }
  });
});

describe('cross-sale and cross-origin tokens', () => {
  test('a token of the other sale is refused here, and Alice\'s there', async () => {
    const betaInvestor = await hostSession(uniqueEmail('beta'), { sale: BETA });
    assert.equal((await call('kyc', { sale: BETA, token: betaInvestor.token })).status, 200, 'the control: valid on its own sale');
    await tryTokenEverywhere('cross-sale tokens', 'beta token on acme', betaInvestor.token);
    await tryTokenEverywhere('cross-sale tokens', 'acme token on beta', alice.token, { sale: BETA });
  });

  test('a code mailed for one sale does not sign in to the other', async () => {
    const email = uniqueEmail('cross-sale-code');
    const before = Math.max(0, ...stack.catcher.messages().map((message) => Number(message.id)));
    assert.equal((await call('codes', { body: { email } })).status, 202);
    const code = (await stack.catcher.waitForMessage((message) => Number(message.id) > before && message.to.includes(email), 5000)).otp?.code ?? '';
    await ledger.attempt('cross-sale tokens', 'acme code on beta', async () => {
      const answer = await call('sessions', { sale: BETA, body: { email, code } });
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.equal(answer.body.error.code, 'code_expired');
    });
  });

  test('a token is bound to the site it was issued for, even among the sale\'s own sites', async () => {
    const onOther = await hostSession(uniqueEmail('other-site'), { origin: OTHER_ORIGIN });
    assert.equal((await call('kyc', { token: onOther.token, origin: OTHER_ORIGIN })).status, 200, 'the control: valid on its site');
    await tryTokenEverywhere('cross-origin tokens', 'Alice\'s token from the other site', alice.token, { origin: OTHER_ORIGIN });
    await tryTokenEverywhere('cross-origin tokens', 'other-site token from the main site', onOther.token);
    // A token with an origin claim that is not one of the sale's sites at all.
    await tryTokenEverywhere('cross-origin tokens', 'origin claim of an unlisted site', await signWithRealKey(realKey, freshClaims(alice.token, { origin: 'https://evil.test' })));
    for (const origin of ['https://evil.test', BETA_ORIGIN]) {
      await ledger.attempt('cross-origin tokens', `host session for ${origin}`, async () => {
        const answer = await call('host-sessions', { origin: null, headers: { Authorization: `Bearer ${INTEGRATOR_KEY}` }, body: { email: uniqueEmail('host'), origin } });
        assert.equal(answer.status, 400, JSON.stringify(answer.body));
        assert.equal(answer.body.error.fields[0].field, 'origin');
      });
    }
  });
});

describe('cross-user access: Alice\'s token against Bob\'s case', () => {
  test('no query, header or body field makes Alice\'s token read Bob\'s status or submission', async () => {
    const selectors = [`userId=${bob.userId}`, `user_id=${bob.userId}`, `sub=${bob.userId}`, `id=${bob.userId}`, `email=${encodeURIComponent(bob.email)}`];
    const bobsDocument = String(bob.keys.documentIdFile);
    const readsBob = (answer: ApiAnswer) => {
      const text = JSON.stringify(answer.body);
      assert.ok(!text.includes(bobsDocument) && !/x1234567/i.test(text) && answer.body?.status?.state !== 'pending', `Bob's case shows: ${text}`);
    };
    for (const path of ['kyc', 'kyc/submission']) {
      for (const query of selectors) {
        await ledger.attempt('cross-user access', `${path}?${query}`, async () => readsBob(await call(`${path}?${query}`, { token: alice.token })));
      }
      for (const header of ['X-User-Id', 'X-Forwarded-User', 'X-Sub']) {
        await ledger.attempt('cross-user access', `${path} with ${header}`, async () => readsBob(await call(path, { token: alice.token, headers: { [header]: bob.userId } })));
      }
    }
    for (const path of [`kyc/${bob.userId}`, `users/${bob.userId}/kyc`, `kyc/submission/${bob.userId}`, `kyc/events/${bob.userId}`]) {
      await ledger.attempt('cross-user access', `path ${path}`, async () => {
        const answer = await call(path, { token: alice.token });
        assert.equal(answer.status, 404, path);
        readsBob(answer);
      });
    }
  });

  test('Alice cannot write Bob\'s case or ask for upload tickets in his name', async () => {
    const before = caseOf(bob);
    for (const extra of [{ userId: bob.userId }, { user_id: Number(bob.userId) }, { sub: bob.userId }]) {
      await ledger.attempt('cross-user access', `POST kyc with ${Object.keys(extra)[0]}`, async () => {
        const answer = await call('kyc', { token: alice.token, body: { ...validSubmission({}), ...extra } });
        assert.equal(answer.status, 400, JSON.stringify(answer.body));
        assert.deepEqual(caseOf(bob), before, 'Bob\'s case changed');
      });
      await ledger.attempt('cross-user access', `POST uploads with ${Object.keys(extra)[0]}`, async () => {
        const answer = await call('uploads', { token: alice.token, body: { files: [{ field: 'selfieFile', contentType: 'image/png' }], ...extra } });
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        // The ticket is Alice's: Bob cannot submit its key, whoever it was asked for.
        const key = answer.body.uploads[0].key as string;
        const bobTries = await call('kyc', { token: bob.token, body: validSubmission({ ...bob.keys, selfieFile: key }) });
        assert.equal(bobTries.status, 400, JSON.stringify(bobTries.body));
        assert.deepEqual(bobTries.body.error.fields.map((problem: { field: string; rule: string }) => [problem.field, problem.rule]), [['selfieFile', 'file_not_found']]);
      });
    }
  });

  test('Alice\'s status stream carries only her own case, whatever she resumes from', async () => {
    const bobsStream = await openStatusStream(stack, bob.token);
    const alicesStream = await openStatusStream(stack, alice.token);
    // Resuming from Bob's event numbers replays nothing of his.
    const resumed = await openStatusStream(stack, alice.token, { lastEventId: 1 });
    try {
      const bobFirst = await bobsStream.nextEvent();
      assert.equal(statusOf(bobFirst).state, 'pending');
      await ledger.attempt('cross-user access', 'status stream: Alice\'s first event', async () => {
        assert.equal(statusOf(await alicesStream.nextEvent()).state, 'not_submitted');
      });
      await ledger.attempt('cross-user access', 'status stream resumed from Bob\'s event id', async () => {
        assert.equal(statusOf(await resumed.nextEvent()).state, 'not_submitted');
      });
      await ledger.attempt('cross-user access', 'status stream resumed from Bob\'s latest event id', async () => {
        const stream = await openStatusStream(stack, alice.token, { lastEventId: bobFirst.type === 'event' && bobFirst.id !== undefined ? bobFirst.id : 1 });
        try {
          assert.equal(statusOf(await stream.nextEvent()).state, 'not_submitted');
        } finally {
          stream.close();
        }
      });
      // The reviewer approves Bob: the sandbox's signed webhook reaches the proxy and Bob's stream only.
      stack.sandbox.store.setAmlStatus(CLIENT_ID, Number(bob.userId), 'cleared', 'kyc_system');
      stack.sandbox.store.qualify(CLIENT_ID, Number(bob.userId), 'Admin');
      let state = '';
      while (state !== 'approved') state = statusOf(await bobsStream.nextEvent(10_000)).state;
      await ledger.attempt('cross-user access', 'Bob\'s approval on Alice\'s streams', async () => {
        await assert.rejects(alicesStream.nextEvent(500), /No stream item/);
        await assert.rejects(resumed.nextEvent(100), /No stream item/);
      });
    } finally {
      bobsStream.close();
      alicesStream.close();
      resumed.close();
    }
  });
});

describe('CORS from an unlisted origin', () => {
  const widgetRoutes: ProtectedRoute[] = [
    { method: 'POST', path: 'codes', body: { email: 'someone@example.com' } },
    { method: 'POST', path: 'sessions', body: { email: 'someone@example.com', code: '123456' } },
    ...protectedRoutes({}),
  ];
  const corsHeaders = (headers: Headers) => [...headers.keys()].filter((name) => name.startsWith('access-control-'));

  test('preflights from unlisted sites get no Access-Control-Allow-* at all', async () => {
    for (const origin of UNLISTED_ORIGINS) {
      for (const route of [...widgetRoutes, { method: 'GET' as const, path: 'config' }]) {
        await ledger.attempt('CORS from an unlisted origin', `preflight ${route.path} from ${origin}`, async () => {
          const response = await fetch(`${stack.proxyUrl}/v1/sales/${SALE_ID}/${route.path}`, {
            method: 'OPTIONS',
            headers: { Origin: origin, 'Access-Control-Request-Method': route.method, 'Access-Control-Request-Headers': 'authorization,content-type', 'Access-Control-Request-Private-Network': 'true' },
            signal: AbortSignal.timeout(10_000),
          });
          await response.arrayBuffer();
          assert.deepEqual(corsHeaders(response.headers), [], `${route.path} from ${origin}`);
        });
      }
    }
  });

  test('requests from unlisted sites are refused (403) without CORS headers, even with a valid token', async () => {
    for (const origin of UNLISTED_ORIGINS) {
      for (const route of widgetRoutes) {
        await ledger.attempt('CORS from an unlisted origin', `${route.method} ${route.path} from ${origin}`, async () => {
          const answer = await call(route.path, { method: route.method, token: alice.token, origin, ...(route.body === undefined ? {} : { body: route.body }) });
          assert.equal(answer.status, 403, `${route.path} from ${origin}: ${answer.status}`);
          assert.equal(answer.body.error.code, 'origin_not_allowed');
          assert.deepEqual(corsHeaders(answer.headers), []);
        });
      }
      await ledger.attempt('CORS from an unlisted origin', `GET config from ${origin}`, async () => {
        assert.deepEqual(corsHeaders((await call('config', { origin })).headers), []);
      });
    }
    // A script without any Origin (not a browser) is no sale site either.
    for (const route of widgetRoutes) {
      await ledger.attempt('CORS from an unlisted origin', `${route.path} without Origin`, async () => {
        const answer = await call(route.path, { method: route.method, token: alice.token, origin: null, ...(route.body === undefined ? {} : { body: route.body }) });
        assert.equal(answer.status, 403, `${route.path}: ${answer.status}`);
      });
    }
  });
});

describe('one-time code brute force (default limits)', () => {
  let limited: ProxyVariant;
  before(async () => {
    // The defaults of loadConfig, as a sale runs them: 5 tries per code, 5 codes per email and 30 per IP
    // an hour, 30 s between two codes for one email.
    limited = await startProxyVariant(stack, (config) => ({ codes: { ...config.codes, maxAttempts: 5, sendsPerEmailPerHour: 5, sendsPerIpPerHour: 30, resendCooldownSeconds: 30 } }));
  });
  after(() => limited?.close());

  const ask = (email: string, headers: Record<string, string> = {}) => api(stack, 'codes', { baseUrl: limited.url, body: { email }, headers });
  const guess = (email: string, code: string) => api(stack, 'sessions', { baseUrl: limited.url, body: { email, code } });
  const lastMailId = () => Math.max(0, ...stack.catcher.messages().map((message) => Number(message.id)));
  async function mailedCode(email: string, afterId: number): Promise<string> {
    const mail = await stack.catcher.waitForMessage((message) => Number(message.id) > afterId && message.to.includes(email), 5000);
    assert.ok(mail.otp?.code !== undefined);
    return mail.otp.code;
  }
  /** A six-digit code that is not `code`. */
  const wrong = (code: string, i: number) => String((Number(code) + 1 + i * 7919) % 1_000_000).padStart(6, '0');

  test('guesses stop at the attempt limit, codes at the send limit: the chance of a guess stays bounded', async () => {
    const { maxAttempts, sendsPerEmailPerHour, resendCooldownSeconds } = limited.proxy.deps.config.codes;
    // The control: the right code on the last allowed try still signs in, so each code allows exactly
    // `maxAttempts` comparisons (the last wrong one already answers "too many").
    const control = uniqueEmail('brute-control');
    const controlMail = lastMailId();
    assert.equal((await ask(control)).status, 202);
    const controlCode = await mailedCode(control, controlMail);
    for (let i = 0; i < maxAttempts - 1; i += 1) assert.equal((await guess(control, wrong(controlCode, i))).body.error.code, 'code_wrong');
    assert.equal((await guess(control, controlCode)).status, 201, 'the right code on the last try');

    const victim = uniqueEmail('brute-victim');
    let wrongAnswers = 0;
    for (let send = 1; send <= sendsPerEmailPerHour; send += 1) {
      const before = lastMailId();
      assert.equal((await ask(victim)).status, 202, `send ${send}`);
      const code = await mailedCode(victim, before);
      for (let i = 0; i < maxAttempts + 2; i += 1) {
        await ledger.attempt('code brute force', `guess ${i + 1} on code ${send}`, async () => {
          const answer = await guess(victim, wrong(code, i));
          assert.equal(answer.status, 400);
          assert.equal(answer.body.error.code, i < maxAttempts - 1 ? 'code_wrong' : 'code_too_many_attempts');
          if (answer.body.error.code === 'code_wrong') wrongAnswers += 1;
        });
      }
      await ledger.attempt('code brute force', `the right code after the limit (code ${send})`, async () => {
        const answer = await guess(victim, code);
        assert.equal(answer.status, 400);
        assert.equal(answer.body.error.code, 'code_too_many_attempts');
      });
      limited.clock.advance((resendCooldownSeconds + 1) * 1000);
    }
    for (const [label, headers] of [['another code', {}], ['another code, spoofed X-Forwarded-For', { 'X-Forwarded-For': '198.51.100.1' }]] as const) {
      await ledger.attempt('code brute force', `${label} past the per-email limit`, async () => {
        const answer = await ask(victim, headers);
        assert.equal(answer.status, 429, JSON.stringify(answer.body));
        assert.ok(Number(answer.headers.get('retry-after')) >= 1);
      });
    }
    const perHour = sendsPerEmailPerHour * maxAttempts;
    assert.equal(wrongAnswers, sendsPerEmailPerHour * (maxAttempts - 1), 'every code allowed exactly its tries');
    const chance = perHour / 1_000_000;
    console.log(`code brute force: at most ${perHour} guesses per email per hour (${sendsPerEmailPerHour} codes × ${maxAttempts} tries of 10^6) → chance ≤ ${chance.toExponential(1)} per hour, ≤ ${(chance * 24 * 100).toFixed(2)} % per day`);
  });

  test('parallel guesses on one code get no more than the attempt limit', async () => {
    const { maxAttempts } = limited.proxy.deps.config.codes;
    const victim = uniqueEmail('brute-parallel');
    const before = lastMailId();
    assert.equal((await ask(victim)).status, 202);
    const code = await mailedCode(victim, before);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => ledger.attempt('code brute force', `parallel guess ${i + 1}`, async () => {
      const answer = await guess(victim, wrong(code, i));
      assert.equal(answer.status, 400);
      return answer.body.error.code as string;
    })));
    // However they interleave, only `maxAttempts` guesses were compared: the first `maxAttempts - 1` say
    // "wrong", every other one "too many" (the counter is atomic in the store).
    assert.equal(answers.filter((code) => code === 'code_wrong').length, maxAttempts - 1);
    assert.equal(answers.filter((code) => code === 'code_too_many_attempts').length, 20 - (maxAttempts - 1));
    await ledger.attempt('code brute force', 'the right code after parallel guesses', async () => {
      assert.equal((await guess(victim, code)).body.error.code, 'code_too_many_attempts');
    });
  });

  test('the per-IP send limit holds, and forwarding headers do not reset it (trustProxy off)', async () => {
    const { sendsPerIpPerHour } = limited.proxy.deps.config.codes;
    limited.clock.advance(3_601_000); // a fresh hour: every earlier window is over
    // Four at a time: the store's counter is atomic, so the order does not matter.
    const sent = await inBatches(sendsPerIpPerHour, 4, async (i) => (await ask(uniqueEmail('per-ip'), { 'X-Forwarded-For': `203.0.113.${i}` })).status);
    assert.deepEqual(sent, Array.from({ length: sendsPerIpPerHour }, () => 202));
    const spoofs: Record<string, string>[] = [{}, { 'X-Forwarded-For': '198.51.100.77' }, { 'X-Real-IP': '198.51.100.78' }, { Forwarded: 'for=198.51.100.79' }, { 'X-Forwarded-For': '198.51.100.80, 127.0.0.2' }, { 'CF-Connecting-IP': '198.51.100.81' }];
    for (const headers of spoofs) {
      await ledger.attempt('code brute force', `send past the per-IP limit with ${Object.keys(headers)[0] ?? 'no header'}`, async () => {
        const answer = await ask(uniqueEmail('per-ip'), headers);
        assert.equal(answer.status, 429, JSON.stringify(answer.body));
        assert.equal(answer.body.error.code, 'rate_limited');
      });
    }
  });
});

describe('one-time code per-IP limit behind a load balancer (trustProxy on)', () => {
  let behindProxy: ProxyVariant;
  before(async () => {
    behindProxy = await startProxyVariant(stack, (config) => ({ trustProxy: true, codes: { ...config.codes, sendsPerEmailPerHour: 5, sendsPerIpPerHour: 30, resendCooldownSeconds: 30 } }));
  });
  after(() => behindProxy?.close());

  // With PROXY_TRUST_PROXY=true, the client's address is the X-Forwarded-For entry the balancer appended
  // (the rightmost): balancers (nginx's $proxy_add_x_forwarded_for, AWS ALB) append the address they saw
  // to whatever the client sent, so the leftmost entry is the client's own choice.
  test('a client cannot pick its own address by sending X-Forwarded-For through the balancer', async () => {
    const { sendsPerIpPerHour } = behindProxy.proxy.deps.config.codes;
    const realClient = '192.0.2.44';
    // What the balancer forwards: the client's own header, then the address it saw.
    const sent = await inBatches(sendsPerIpPerHour, 4, async (i) => (await api(stack, 'codes', { baseUrl: behindProxy.url, body: { email: uniqueEmail('lb') }, headers: { 'X-Forwarded-For': `10.9.${i}.1, ${realClient}` } })).status);
    assert.deepEqual(sent, Array.from({ length: sendsPerIpPerHour }, () => 202));
    const answer = await api(stack, 'codes', { baseUrl: behindProxy.url, body: { email: uniqueEmail('lb') }, headers: { 'X-Forwarded-For': `10.9.250.1, ${realClient}` } });
    if (answer.status !== 429) openIssues.push(`per-IP code limit behind a load balancer: client-chosen X-Forwarded-For got code ${sendsPerIpPerHour + 1} out (todo)`);
    assert.equal(answer.status, 429, 'the 31st code from one client went out');
  });
});

describe('email enumeration through the code route', () => {
  /** Headers that differ between any two answers by nature (the clock, the request's id). */
  const PER_REQUEST_HEADERS = new Set(['date', 'x-request-id']);
  const comparable = (answer: ApiAnswer) => ({
    status: answer.status,
    headers: [...answer.headers.entries()].filter(([name]) => !PER_REQUEST_HEADERS.has(name)).sort(),
    body: { ...answer.body, expiresAt: typeof answer.body?.expiresAt },
  });

  test('a known and an unknown email get the same answer: status, body and headers', async () => {
    // Known: an investor who signed in through the proxy (a provider user), and one created at the provider directly.
    const direct = uniqueEmail('known-direct');
    assert.notEqual(stack.sandbox.store.createUser(CLIENT_ID, direct), 'duplicate');
    for (const known of [alice.email, direct, bob.email]) {
      const unknown = uniqueEmail('unknown');
      await ledger.attempt('email enumeration', `answer for ${known.split('.')[0]} vs unknown`, async () => {
        const [forKnown, forUnknown] = [await call('codes', { body: { email: known } }), await call('codes', { body: { email: unknown } })];
        assert.equal(forKnown.status, 202);
        assert.deepEqual(comparable(forKnown), comparable(forUnknown));
        assert.ok(Math.abs(forKnown.body.expiresAt - forUnknown.body.expiresAt) <= 1);
      });
      // And a wrong code for each: the same refusal.
      await ledger.attempt('email enumeration', `wrong code for ${known.split('.')[0]} vs unknown`, async () => {
        const [forKnown, forUnknown] = [await call('sessions', { body: { email: known, code: '000000' } }), await call('sessions', { body: { email: unknown, code: '000000' } })];
        assert.deepEqual(comparable(forKnown), comparable(forUnknown));
      });
    }
  });

  test('the code route\'s timing does not tell a known email from an unknown one', async () => {
    const samples = 100;
    const known = Array.from({ length: samples }, () => uniqueEmail('timing-known'));
    for (const email of known) assert.notEqual(stack.sandbox.store.createUser(CLIENT_ID, email), 'duplicate');
    const unknown = Array.from({ length: samples }, () => uniqueEmail('timing-unknown'));
    const timed = async (email: string): Promise<number> => {
      const started = performance.now();
      const answer = await call('codes', { body: { email } });
      const elapsed = performance.now() - started;
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      return elapsed;
    };
    // Warm the connection pool, the SMTP transport and the JIT before measuring.
    for (let i = 0; i < 10; i += 1) await timed(uniqueEmail('timing-warm-up'));
    // Interleaved in pairs (one known, one unknown, in a seeded random order within the pair), so drift
    // on a noisy machine (warming up, other work) falls on both sides alike; six at a time (most of a
    // request is the SMTP dialogue's waiting), which loads both sides alike too.
    const random = seededRandom(7);
    const order = known.flatMap((email, i) => {
      const pair = [{ email, known: true }, { email: unknown[i] as string, known: false }];
      return random() < 0.5 ? pair : pair.reverse();
    });
    const times = { known: [] as number[], unknown: [] as number[] };
    await inBatches(order.length, 6, async (i) => {
      const { email, known: isKnown } = order[i] as (typeof order)[number];
      times[isKnown ? 'known' : 'unknown'].push(await timed(email));
    });
    const comparison = compareTimings(times.known, times.unknown);
    console.log(`email enumeration: ${samples} + ${samples} code requests (6 at a time), median known ${comparison.medianA.toFixed(2)} ms vs unknown ${comparison.medianB.toFixed(2)} ms, spread (IQR) ${comparison.spread.toFixed(2)} ms, medians ${comparison.shiftInSpreads.toFixed(2)} spreads apart (tolerance 0.5)`);
    await ledger.attempt('email enumeration', 'code route timing', async () => {
      assert.equal(comparison.separated, false, `known and unknown emails are ${comparison.shiftInSpreads.toFixed(2)} spreads apart`);
    });
  });

  test('the timing check itself tells apart samples half a spread or more apart (synthetic data)', () => {
    const random = seededRandom(42);
    // Log-normal-ish response times around 8 ms with a long right tail, as a busy server gives them.
    const sample = (shiftMs: number) => Array.from({ length: 120 }, () => 8 * Math.exp(0.25 * (random() + random() + random() - 1.5)) + (random() < 0.05 ? 30 * random() : 0) + shiftMs);
    const same = compareTimings(sample(0), sample(0));
    assert.equal(same.separated, false, `one distribution looked separated: ${same.shiftInSpreads}`);
    const shifted = compareTimings(sample(same.spread * 1.5), sample(0));
    assert.equal(shifted.separated, true, `a shift of 1.5 spreads was missed: ${shifted.shiftInSpreads}`);
    const extraStep = compareTimings(sample(3), sample(0));
    assert.equal(extraStep.separated, true, 'a 3 ms extra step (a provider lookup) was missed');
  });
});

describe('webhook forgery and replay', () => {
  let carol: Investor;
  let webhookUrl: string;
  let sandboxWebhooks: ReturnType<Stack['webhooks']['settings']['list']>;

  before(async () => {
    // The sandbox's own deliveries are off here: the suite sends every webhook (genuine, forged or
    // replayed) itself, so an event the sandbox sends on its own cannot be mistaken for a forged one.
    sandboxWebhooks = stack.webhooks.settings.list(CLIENT_ID);
    stack.webhooks.settings.set(CLIENT_ID, []);
    carol = await signIn(stack, uniqueEmail('carol'));
    const keys = await uploadDocuments(stack, carol.token);
    assert.equal((await call('kyc', { token: carol.token, body: validSubmission(keys) })).status, 201);
    webhookUrl = `${stack.proxyUrl}/webhooks/${SALE_ID}`;
  });
  after(() => stack.webhooks.settings.set(CLIENT_ID, sandboxWebhooks as never));

  const hub = () => stack.proxies[0]?.deps.statusHub;
  const latest = () => hub()?.latest(SALE_ID, carol.userId);
  /** Carol's case at the sandbox as it is, with `changes` a forger would like (the real case is not changed). */
  const wishedCase = (changes: Record<string, unknown>) => ({ ...stack.sandbox.store.getKyc(CLIENT_ID, Number(carol.userId)), ...changes }) as never;

  test('forged webhooks are refused and change nothing', async () => {
    const stream = await openStatusStream(stack, carol.token);
    try {
      assert.equal(statusOf(await stream.nextEvent()).state, 'pending');
      const before = await latest();
      // What a forger would like Carol's case to say, and that body as the provider would sign it (never
      // sent as is: each forgery below lacks something only the provider has, or was signed for elsewhere).
      const approved = caseUpdateEvent(wishedCase({ admin_status: 'qualified', aml_status: 'cleared' }));
      const genuine = signedWebhookBody(webhookUrl, approved, WEBHOOK_SECRET);
      const forgeries: [string, string, number][] = [
        ['wrong secret', signedWebhookBody(webhookUrl, approved, 'e5'.repeat(16)), 401],
        ['the secret upper-cased', signedWebhookBody(webhookUrl, approved, WEBHOOK_SECRET.toUpperCase()), 401],
        ['no signature', genuine.replace(/&?signature=[0-9a-f]+/, ''), 401],
        ['no request_timestamp', genuine.replace(/&?request_timestamp=\d+/, ''), 401],
        ['empty signature', genuine.replace(/signature=[0-9a-f]+/, 'signature='), 401],
        ['two signatures', `${genuine}&signature=${'0'.repeat(64)}`, 401],
        ['body altered after signing', signedWebhookBody(webhookUrl, caseUpdateEvent(wishedCase({})), WEBHOOK_SECRET).replace(/admin_status%5D=\w+/, 'admin_status%5D=qualified'), 401],
        ['field added after signing', `${signedWebhookBody(webhookUrl, caseUpdateEvent(wishedCase({})), WEBHOOK_SECRET)}&data%5Buser_kyc%5D%5Bqualified%5D=true`, 401],
        ['field repeated after signing (the last one wins when parsed)', `${signedWebhookBody(webhookUrl, caseUpdateEvent(wishedCase({})), WEBHOOK_SECRET)}&data%5Buser_kyc%5D%5Badmin_status%5D=qualified`, 401],
        ['signed for the canary\'s URL', signedWebhookBody(canary.url('webhook'), approved, WEBHOOK_SECRET), 401],
        ['signed for the URL with a trailing slash', signedWebhookBody(`${webhookUrl}/`, approved, WEBHOOK_SECRET), 401],
        ['signed for the other sale\'s URL', signedWebhookBody(`${stack.proxyUrl}/webhooks/${BETA}`, approved, WEBHOOK_SECRET), 401],
        ['signed for https instead of http', signedWebhookBody(webhookUrl.replace('http:', 'https:'), approved, WEBHOOK_SECRET), 401],
        ['signed for the URL with a query', signedWebhookBody(`${webhookUrl}?x=1`, approved, WEBHOOK_SECRET), 401],
      ];
      for (const [label, body, status] of forgeries) {
        await ledger.attempt('webhook forgery', label, async () => {
          const answer = await postWebhook(webhookUrl, body);
          // 401 for a signature that does not verify, 400 for a body that cannot be read as one form.
          assert.ok(answer.status === status || answer.status === 400, `${label}: ${answer.status} ${JSON.stringify(answer.body)}`);
          assert.match(answer.body.error?.code ?? '', /^webhook_/);
        });
      }
      await ledger.attempt('webhook forgery', 'the genuine body as JSON', async () => {
        assert.equal((await postWebhook(webhookUrl, JSON.stringify(approved), 'application/json')).status, 415);
      });
      await ledger.attempt('webhook forgery', 'a genuine body for acme posted to beta', async () => {
        assert.equal((await postWebhook(`${stack.proxyUrl}/webhooks/${BETA}`, genuine)).status, 401);
      });
      await ledger.attempt('webhook forgery', 'forgeries changed nothing', async () => {
        await assert.rejects(stream.nextEvent(400), /No stream item/);
        assert.deepEqual(await latest(), before);
        assert.equal(caseOf(carol)?.admin_status, 'unprocessed');
      });
    } finally {
      stream.close();
    }
  });

  test('a replayed webhook (same id, old timestamp, or both) is not applied again', async () => {
    const stream = await openStatusStream(stack, carol.token);
    try {
      assert.equal(statusOf(await stream.nextEvent()).state, 'pending');
      const issue = caseUpdateEvent(stack.sandbox.store.reportIssue(CLIENT_ID, Number(carol.userId), ['document_issue'], 'Admin'));
      const captured = signedWebhookBody(webhookUrl, issue, WEBHOOK_SECRET);
      assert.deepEqual((await postWebhook(webhookUrl, captured)).body, { received: true });
      assert.equal(statusOf(await stream.nextEvent()).state, 'needs_action');
      await Promise.allSettled([...(stack.proxies[0]?.deps.background ?? [])]);

      // Carol fixes her case: pending again. Then the captured webhook comes back.
      const keys = await uploadDocuments(stack, carol.token);
      assert.equal((await call('kyc', { token: carol.token, body: validSubmission(keys) })).status, 201);
      assert.equal(statusOf(await stream.nextEvent()).state, 'pending');
      const before = await latest();
      const replays: [string, string, number][] = [
        ['byte-for-byte replay', captured, 200],
        ['same event re-signed now', signedWebhookBody(webhookUrl, issue, WEBHOOK_SECRET), 200],
        ['same id, other content', signedWebhookBody(webhookUrl, { ...caseUpdateEvent(wishedCase({ admin_status: 'qualified', aml_status: 'cleared' })), id: issue.id }, WEBHOOK_SECRET), 200],
        ['re-signed 6 minutes ago', signedWebhookBody(webhookUrl, { ...issue, id: Number(issue.id) + 1_000_000 }, WEBHOOK_SECRET, Date.now() - 360_000), 401],
        ['re-signed an hour ago', signedWebhookBody(webhookUrl, { ...issue, id: Number(issue.id) + 2_000_000 }, WEBHOOK_SECRET, Date.now() - 3_600_000), 401],
        ['signed 6 minutes in the future', signedWebhookBody(webhookUrl, { ...issue, id: Number(issue.id) + 3_000_000 }, WEBHOOK_SECRET, Date.now() + 360_000), 401],
        ['captured body with its timestamp set back', captured.replace(/request_timestamp=(\d+)/, (_, t: string) => `request_timestamp=${Number(t) - 3600}`), 401],
      ];
      for (const [label, body, status] of replays) {
        await ledger.attempt('webhook replay', label, async () => {
          const answer = await postWebhook(webhookUrl, body);
          assert.equal(answer.status, status, `${label}: ${JSON.stringify(answer.body)}`);
          if (status === 200) assert.deepEqual(answer.body, { received: true, duplicate: true });
        });
      }
      await Promise.allSettled([...(stack.proxies[0]?.deps.background ?? [])]);
      await ledger.attempt('webhook replay', 'replays changed nothing', async () => {
        await assert.rejects(stream.nextEvent(400), /No stream item/);
        assert.deepEqual(await latest(), before);
      });
    } finally {
      stream.close();
    }
  });
});

describe('oversized requests', () => {
  const limitBytes = () => stack.proxies[0]?.deps.config.maxBodyBytes ?? 0;
  const host = () => new URL(stack.proxyUrl).host;

  test('bodies over the limit are 413, whatever their type, length header or encoding', async () => {
    const big = 'x'.repeat(limitBytes() + 1024);
    const jsonBody = JSON.stringify({ email: `${big}@example.com` });
    const formBody = `id=1&name=${big}`;
    const cases: [string, () => Promise<number>][] = [
      ['JSON body on the code route', async () => (await call('codes', { body: { email: `${big}@example.com` } })).status],
      ['JSON body on the KYC route', async () => (await call('kyc', { token: alice.token, body: { submission: { firstName: big }, confirmations: {} } })).status],
      ['form body on the webhook route', async () => (await postWebhook(`${stack.proxyUrl}/webhooks/${SALE_ID}`, formBody)).status],
      ['a Content-Length of 1 MB, the body not sent yet', async () => (await rawRequest(stack.proxyUrl, `POST /v1/sales/${SALE_ID}/codes HTTP/1.1\r\nHost: ${host()}\r\nOrigin: ${SALE_ORIGIN}\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\nConnection: close`, { body: '{"email":"' })).status],
      ['a chunked JSON body past the limit', async () => {
        const chunk = Buffer.from(jsonBody);
        return (await rawRequest(stack.proxyUrl, `POST /v1/sales/${SALE_ID}/codes HTTP/1.1\r\nHost: ${host()}\r\nOrigin: ${SALE_ORIGIN}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close`, { body: `${chunk.length.toString(16)}\r\n${jsonBody}\r\n0\r\n\r\n` })).status;
      }],
      ['a chunked form body past the limit', async () => (await rawRequest(stack.proxyUrl, `POST /webhooks/${SALE_ID} HTTP/1.1\r\nHost: ${host()}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close`, { body: `${Buffer.byteLength(formBody).toString(16)}\r\n${formBody}\r\n0\r\n\r\n` })).status],
      ['a gzip bomb (1 MB of JSON in 1 KB)', async () => {
        const bomb = gzipSync(JSON.stringify({ email: `${'a'.repeat(1024 * 1024)}@example.com` }));
        const response = await fetch(`${stack.proxyUrl}/v1/sales/${SALE_ID}/codes`, { method: 'POST', headers: { Origin: SALE_ORIGIN, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, body: bomb, signal: AbortSignal.timeout(10_000) });
        await response.arrayBuffer();
        return response.status;
      }],
      ['a gzip bomb on the webhook route', async () => {
        const bomb = gzipSync(`id=1&name=${'a'.repeat(1024 * 1024)}`);
        const response = await fetch(`${stack.proxyUrl}/webhooks/${SALE_ID}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Encoding': 'gzip' }, body: bomb, signal: AbortSignal.timeout(10_000) });
        await response.arrayBuffer();
        return response.status;
      }],
    ];
    for (const [label, send] of cases) {
      await ledger.attempt('oversized requests', label, async () => {
        const status = await send();
        assert.equal(status, 413, label);
      });
    }
  });

  // co-body reads the declared length as `~~Content-Length`, a 32-bit integer, so a length of 2^31 bytes or
  // more would slip past its limit (1 TB turns negative, 2^32 + 100 turns into 100) and then wait for bytes
  // that never come; proxy/http/request-body-guard.ts refuses it before the parser runs.
  test('a declared Content-Length of 2 GiB or more is refused at once', async () => {
    // A 413 comes back in milliseconds (see the 1 MB case above); 3 s without any answer is the hang.
    const statuses = await Promise.all(['1000000000000', String(2 ** 32 + 100)].map(async (length) => {
      try {
        return (await rawRequest(stack.proxyUrl, `POST /v1/sales/${SALE_ID}/codes HTTP/1.1\r\nHost: ${host()}\r\nOrigin: ${SALE_ORIGIN}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\nConnection: close`, { body: '{"email":"', timeoutMs: 3000 })).status;
      } catch {
        openIssues.push(`a declared Content-Length of ${length} bytes holds the connection open instead of a 413 (todo)`);
        return 0;
      }
    }));
    assert.deepEqual(statuses, [413, 413]);
  });

  test('header blocks and URLs over Node\'s limit are 431, and the proxy serves on', async () => {
    const manyHeaders = Array.from({ length: 2000 }, (_, i) => `X-Pad-${i}: ${'v'.repeat(8)}`).join('\r\n');
    const cases: [string, string][] = [
      ['one 20 KB header', `GET /v1/sales/${SALE_ID}/config HTTP/1.1\r\nHost: ${host()}\r\nX-Big: ${'h'.repeat(20 * 1024)}\r\nConnection: close`],
      ['2,000 small headers', `GET /v1/sales/${SALE_ID}/config HTTP/1.1\r\nHost: ${host()}\r\n${manyHeaders}\r\nConnection: close`],
      ['a 20 KB Authorization header', `GET /v1/sales/${SALE_ID}/kyc HTTP/1.1\r\nHost: ${host()}\r\nOrigin: ${SALE_ORIGIN}\r\nAuthorization: Bearer ${'a'.repeat(20 * 1024)}.b.c\r\nConnection: close`],
      ['a 20 KB URL', `GET /v1/sales/${SALE_ID}/config?q=${'u'.repeat(20 * 1024)} HTTP/1.1\r\nHost: ${host()}\r\nConnection: close`],
      ['a 20 KB cookie', `GET /v1/sales/${SALE_ID}/config HTTP/1.1\r\nHost: ${host()}\r\nCookie: c=${'k'.repeat(20 * 1024)}\r\nConnection: close`],
    ];
    for (const [label, head] of cases) {
      await ledger.attempt('oversized requests', label, async () => {
        const answer = await rawRequest(stack.proxyUrl, head);
        assert.equal(answer.status, 431, `${label}: ${answer.text.slice(0, 80)}`);
      });
    }
    assert.equal((await call('/healthz', { origin: null })).status, 200, 'the proxy still serves');
  });
});

describe('path traversal in file keys', () => {
  const TRAVERSALS = (own: string) => [
    '../../etc/passwd',
    `${CLIENT_ID}/i/../../../etc/passwd`,
    `${CLIENT_ID}/i/..%2F..%2Fetc%2Fpasswd`,
    `${CLIENT_ID}%2Fi%2F..%2F..%2F8%2Fi%2Fabc`,
    `${CLIENT_ID}/i/%252e%252e%252f`,
    '/etc/passwd',
    `/${own}`,
    `${own}/../../8/i/0123456789abcdef0123456789abcdef`,
    `${own}\u0000.png`,
    `${own}/`,
    `${own}\\..\\..\\x`,
    'C:\\Windows\\win.ini',
    `file:///etc/passwd`,
    `s3://kyc-test/${own}`,
    `8/i/${own.split('/')[2] ?? ''}`,
    `${CLIENT_ID + 1}/i/0123456789abcdef0123456789abcdef`,
    `0${own}`,
    `${own}?versionId=1`,
    `${own}%00`,
    `${CLIENT_ID}/ｉ/0123456789abcdef`,
  ];

  test('upload tickets: traversal in the field, the type or an extra key never changes the key the provider hands out', async () => {
    const entries: [string, unknown][] = [
      ['field ../documentIdFile', { field: '../documentIdFile', contentType: 'image/jpeg' }],
      ['field with a path', { field: 'documentIdFile/../selfieFile', contentType: 'image/jpeg' }],
      ['field encoded', { field: '%2e%2e%2fdocumentIdFile', contentType: 'image/jpeg' }],
      ['field absolute', { field: '/etc/passwd', contentType: 'image/jpeg' }],
      ['content type with a path', { field: 'documentIdFile', contentType: 'image/jpeg/../../../etc/passwd' }],
      ['content type with a parameter', { field: 'documentIdFile', contentType: 'image/jpeg; name=../../x' }],
    ];
    for (const [label, entry] of entries) {
      await ledger.attempt('path traversal in file keys', `ticket: ${label}`, async () => {
        const answer = await call('uploads', { token: alice.token, body: { files: [entry] } });
        assert.equal(answer.status, 400, `${label}: ${JSON.stringify(answer.body)}`);
      });
    }
    for (const extra of [{ key: '../../etc/passwd' }, { key: `8/i/0123456789abcdef` }, { name: '../../x.png' }, { filename: '/etc/passwd' }, { path: `${CLIENT_ID}/i/../../8` }]) {
      await ledger.attempt('path traversal in file keys', `ticket with ${JSON.stringify(extra)}`, async () => {
        const answer = await call('uploads', { token: alice.token, body: { files: [{ field: 'documentIdFile', contentType: 'image/jpeg', ...extra }] } });
        if (answer.status === 200) {
          const ticket = answer.body.uploads[0];
          assert.match(ticket.key, new RegExp(`^${CLIENT_ID}/[a-z]/[0-9a-f]{32}$`));
          assert.equal(ticket.fields.key, ticket.key);
        } else {
          assert.equal(answer.status, 400);
        }
      });
    }
  });

  test('the S3 form refuses a key other than the one it was signed for', async () => {
    const [ticket] = await uploadTickets(stack, alice.token, [{ field: 'documentIdFile', contentType: 'image/jpeg' }]);
    assert.ok(ticket !== undefined);
    for (const key of [...TRAVERSALS(ticket.key).slice(0, 8), String(bob.keys.documentIdFile)]) {
      await ledger.attempt('path traversal in file keys', `S3 form with key ${key.slice(0, 30)}`, async () => {
        const answer = await postToS3({ ...ticket, fields: { ...ticket.fields, key } }, VALID_FILE_BYTES);
        assert.ok(answer.status === 403 || answer.status === 400, `${key}: ${answer.status} ${answer.body}`);
      });
    }
    // Bob's document is still his own file (the overwrite attempt did not land).
    assert.equal((await postToS3(ticket, VALID_FILE_BYTES)).status, 204, 'the control: the untouched form works');
  });

  test('a submission with traversal in any file key is refused and nothing reaches the provider', async () => {
    const keys = await uploadDocuments(stack, alice.token);
    for (const field of ['documentIdFile', 'selfieFile', 'residenceProofFile'] as const) {
      for (const key of TRAVERSALS(String(keys.documentIdFile))) {
        await ledger.attempt('path traversal in file keys', `submission ${field} = ${JSON.stringify(key).slice(0, 40)}`, async () => {
          const answer = await call('kyc', { token: alice.token, body: validSubmission({ ...keys, [field]: key }) });
          assert.equal(answer.status, 400, `${field} ${key}: ${JSON.stringify(answer.body)}`);
          assert.equal(answer.body.error.code, 'invalid_submission');
          assert.ok(answer.body.error.fields.some((problem: { field: string }) => problem.field === field), JSON.stringify(answer.body));
        });
      }
    }
    for (const key of TRAVERSALS(String(keys.documentIdFile)).slice(0, 6)) {
      await ledger.attempt('path traversal in file keys', `submission investorProofFiles = [${key.slice(0, 30)}]`, async () => {
        const answer = await call('kyc', { token: alice.token, body: validSubmission({ ...keys, investorProofFiles: [key] }) });
        assert.equal(answer.status, 400);
      });
    }
    assert.equal(caseOf(alice), undefined, 'no submission reached the provider');
  });
});

describe('another investor\'s file keys in a submission', () => {
  test('keys from Bob\'s tickets, uploads or submission are refused in Alice\'s submission', async () => {
    const aliceKeys = await uploadDocuments(stack, alice.token);
    const bobsTickets = await uploadTickets(stack, bob.token, [{ field: 'documentIdFile', contentType: 'image/jpeg' }, { field: 'selfieFile', contentType: 'image/png' }, { field: 'investorProofFiles', contentType: 'application/pdf' }]);
    const bobsUploaded = await uploadDocuments(stack, bob.token);
    const ticketKey = (field: string) => bobsTickets.find((ticket) => ticket.field === field)?.key as string;
    const attempts: [string, UploadedKeys, string[]][] = [
      ['Bob\'s submitted documents', bob.keys, ['documentIdFile', 'selfieFile']],
      ['Bob\'s uploaded documents', bobsUploaded, ['documentIdFile', 'selfieFile']],
      ['Bob\'s tickets (not uploaded)', { documentIdFile: ticketKey('documentIdFile'), selfieFile: ticketKey('selfieFile') }, ['documentIdFile', 'selfieFile']],
      ['one of Bob\'s among Alice\'s', { ...aliceKeys, selfieFile: bob.keys.selfieFile }, ['selfieFile']],
      ['Bob\'s key as a residence proof', { ...aliceKeys, residenceProofFile: bobsUploaded.documentIdFile }, ['residenceProofFile']],
      ['Bob\'s ticket as an investor proof', { ...aliceKeys, investorProofFiles: [ticketKey('investorProofFiles')] }, ['investorProofFiles']],
    ];
    for (const [label, keys, fields] of attempts) {
      await ledger.attempt('another investor\'s file keys', label, async () => {
        const answer = await call('kyc', { token: alice.token, body: validSubmission(keys) });
        assert.equal(answer.status, 400, `${label}: ${JSON.stringify(answer.body)}`);
        const problems = answer.body.error.fields.map((problem: { field: string; rule: string }) => [problem.field, problem.rule]);
        assert.deepEqual(problems, fields.map((field) => [field, 'file_not_found']), label);
      });
    }
    // Keys of a beta investor (another sale on this proxy) are not Alice's on acme either.
    const betaInvestor = await hostSession(uniqueEmail('beta-files'), { sale: BETA });
    const betaTickets = await call('uploads', { sale: BETA, token: betaInvestor.token, body: { files: [{ field: 'documentIdFile', contentType: 'image/jpeg' }] } });
    assert.equal(betaTickets.status, 200);
    await ledger.attempt('another investor\'s file keys', 'a beta investor\'s ticket', async () => {
      const answer = await call('kyc', { token: alice.token, body: validSubmission({ ...aliceKeys, documentIdFile: betaTickets.body.uploads[0].key }) });
      assert.equal(answer.status, 400);
      assert.deepEqual(answer.body.error.fields.map((problem: { field: string }) => problem.field), ['documentIdFile']);
    });
    assert.equal(caseOf(alice), undefined, 'nothing was submitted for Alice');
    // The control: her own keys go through.
    const own = await call('kyc', { token: alice.token, body: validSubmission(aliceKeys) });
    assert.equal(own.status, 201, JSON.stringify(own.body));
  });
});

describe('SSRF through URLs in requests', () => {
  let mallory: Investor;
  let malloryKeys: UploadedKeys;
  before(async () => {
    mallory = await signIn(stack, uniqueEmail('mallory'));
    malloryKeys = await uploadDocuments(stack, mallory.token);
  });

  /** Request bodies the routes accept, to vary one field at a time from. */
  const validBodies = (): Record<string, Record<string, unknown>> => ({
    'POST /v1/sales/{sale}/codes': { email: uniqueEmail('ssrf') },
    'POST /v1/sales/{sale}/sessions': { email: uniqueEmail('ssrf'), code: '123456' },
    'POST /v1/sales/{sale}/host-sessions': { email: uniqueEmail('ssrf') },
    'POST /v1/sales/{sale}/uploads': { files: [{ field: 'documentIdFile', contentType: 'image/jpeg' }] },
    'POST /v1/sales/{sale}/kyc': validSubmission(malloryKeys) as unknown as Record<string, unknown>,
    'POST /v1/sales/{sale}/ethereum-address/check': { address: '0x32be343b94f860124dc4fee278fdcbd38c102d88' },
  });

  /** Every string property of a JSON schema (resolving `$ref`s), as a path of property names and `0` for array items. */
  function stringPaths(schema: Record<string, unknown>, document: Record<string, unknown>, path: (string | number)[] = [], depth = 0): (string | number)[][] {
    if (depth > 5) return [];
    const ref = schema['$ref'];
    if (typeof ref === 'string') {
      const target = ref.replace(/^#\//, '').split('/').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], document);
      return stringPaths(target as Record<string, unknown>, document, path, depth + 1);
    }
    const variants = [schema['oneOf'], schema['anyOf'], schema['allOf']].filter(Array.isArray).flat() as Record<string, unknown>[];
    const paths = variants.flatMap((variant) => stringPaths(variant, document, path, depth + 1));
    const types = [schema['type']].flat();
    if (types.includes('string')) paths.push(path);
    if (types.includes('array') && typeof schema['items'] === 'object') paths.push(...stringPaths(schema['items'] as Record<string, unknown>, document, [...path, 0], depth + 1));
    const properties = schema['properties'] as Record<string, Record<string, unknown>> | undefined;
    for (const [name, property] of Object.entries(properties ?? {})) paths.push(...stringPaths(property, document, [...path, name], depth + 1));
    const additional = schema['additionalProperties'];
    if (typeof additional === 'object' && additional !== null) paths.push(...stringPaths(additional as Record<string, unknown>, document, [...path, 'extra'], depth + 1));
    return paths;
  }

  /** `body` with the value at `path` set to `value` (objects and arrays made on the way). */
  function withValue(body: unknown, path: (string | number)[], value: string): unknown {
    if (path.length === 0) return value;
    const [head, ...rest] = path as [string | number, ...(string | number)[]];
    const copy: Record<string | number, unknown> = typeof head === 'number' ? [...(Array.isArray(body) ? body : [{}])] as never : { ...(typeof body === 'object' && body !== null ? body : {}) };
    copy[head] = withValue(copy[head], rest, value);
    return copy;
  }

  test('no URL in any request field, query or header makes the proxy fetch it (every route of the OpenAPI document)', async () => {
    const documentAnswer = await call('/openapi.json', { origin: null });
    assert.equal(documentAnswer.status, 200);
    const document = documentAnswer.body as { paths: Record<string, Record<string, { security?: Record<string, unknown>[]; requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } }>> };
    const URL_FIELDS = ['url', 'uri', 'returnUrl', 'return_url', 'redirectUrl', 'redirect_uri', 'callbackUrl', 'webhookUrl', 'origin', 'imageUrl', 'documentUrl', 'avatar', 'next'];
    let operations = 0;
    let inputs = 0;
    for (const [template, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        operations += 1;
        const key = `${method.toUpperCase()} ${template}`;
        const path = template.replace('{sale}', SALE_ID).replace(/\{[^}]+\}/g, '1');
        const schemes = (operation.security ?? []).flatMap((requirement) => Object.keys(requirement));
        const authorization = schemes.includes('integratorKey') ? `Bearer ${INTEGRATOR_KEY}` : schemes.includes('widgetToken') ? `Bearer ${mallory.token}` : undefined;
        /**
         * Send one probe. `build` makes its query, headers and body from `mark`, which names a URL on the
         * canary unique to this probe, so an answer quoting this probe's input can be told from an answer
         * showing what an earlier probe stored (Mallory's own submission, say).
         */
        const send = async (label: string, build: (mark: (name: string) => string) => { query?: string; headers?: Record<string, string>; body?: unknown }) => {
          inputs += 1;
          const probe = `p${inputs}-`;
          const options = build((name) => canary.url(`${probe}${name}`));
          await ledger.attempt('SSRF', `${key}: ${label}`, async () => {
            const isWebhook = template.startsWith('/webhooks/');
            const response = await fetch(`${stack.proxyUrl}${path}${options.query ?? ''}`, {
              method: method.toUpperCase(),
              redirect: 'manual',
              headers: {
                ...(isWebhook || template.startsWith('/v1/') ? { Origin: SALE_ORIGIN } : {}),
                ...(authorization === undefined ? {} : { Authorization: authorization }),
                ...(options.body === undefined ? {} : { 'Content-Type': isWebhook ? 'application/x-www-form-urlencoded' : 'application/json' }),
                ...options.headers,
              },
              ...(options.body === undefined ? {} : { body: isWebhook ? new URLSearchParams(options.body as Record<string, string>).toString() : JSON.stringify(options.body) }),
              signal: AbortSignal.timeout(10_000),
            });
            const text = path.endsWith('/events') ? '' : await response.text();
            await response.body?.cancel().catch(() => undefined);
            assert.ok(response.status < 500, `${key} ${label}: ${response.status} ${text.slice(0, 200)}`);
            assert.ok(!(response.headers.get('location') ?? '').includes(canary.host), `${key} ${label}: redirects to the canary`);
            // The answer quotes neither this probe's URLs nor a bare canary host (as from a forwarded host).
            assert.ok(!text.includes(probe) && !new RegExp(`${canary.host.replace(/\./g, '\\.')}(?!/ssrf/)`).test(text), `${key} ${label}: the answer quotes the probe: ${text.slice(0, 300)}`);
          });
        };
        // Every header a server might build a URL from.
        await send('URL headers', (mark) => ({ headers: { Referer: mark('referer'), 'X-Forwarded-Host': canary.host, 'X-Forwarded-Proto': 'http', Forwarded: `host=${canary.host};proto=http`, 'X-Original-URL': mark('original'), 'X-Rewrite-URL': mark('rewrite') } }));
        await send('URL query parameters', (mark) => ({ query: `?${URL_FIELDS.map((name) => `${name}=${encodeURIComponent(mark(name))}`).join('&')}` }));
        const content = operation.requestBody?.content ?? {};
        const schema = (content['application/json'] ?? content['application/x-www-form-urlencoded'])?.schema;
        if (schema === undefined || path.endsWith('/events')) continue;
        const base = validBodies()[key] ?? {};
        await send('URL fields added to the body', (mark) => ({ body: { ...base, ...Object.fromEntries(URL_FIELDS.map((name) => [name, mark(name)])) } }));
        // Each string the schema documents, one at a time, set to a URL on the canary.
        for (const fieldPath of stringPaths(schema, document as unknown as Record<string, unknown>)) {
          if (fieldPath.length === 0) continue;
          await send(`field ${fieldPath.join('.')}`, (mark) => ({ body: withValue(validBodies()[key] ?? {}, fieldPath, mark(fieldPath.join('.'))) }));
        }
      }
    }
    console.log(`ssrf: ${inputs} URL-carrying requests across ${operations} operations of /openapi.json, ${canary.hits.length} reached the canary`);
  });

  test('URLs in the Host header, the embedding origin or a signed webhook\'s data are not fetched either', async () => {
    await ledger.attempt('SSRF', 'Host header of the canary on refresh (the token issuer stays the proxy\'s)', async () => {
      const answer = await rawRequest(stack.proxyUrl, `POST /v1/sales/${SALE_ID}/sessions/refresh HTTP/1.1\r\nHost: ${canary.host}\r\nOrigin: ${SALE_ORIGIN}\r\nAuthorization: Bearer ${mallory.token}\r\nContent-Length: 0\r\nConnection: close`);
      assert.equal(answer.status, 200, answer.text.slice(0, 200));
      const token = JSON.parse(answer.text.slice(answer.text.indexOf('\r\n\r\n') + 4)).token as string;
      tokensUsed.add(token);
      assert.equal(decodeJwt(token).iss, stack.proxies[0]?.deps.config.publicUrl);
    });
    await ledger.attempt('SSRF', 'Host header of the canary on /openapi.json (servers stay the proxy\'s)', async () => {
      const answer = await rawRequest(stack.proxyUrl, `GET /openapi.json HTTP/1.1\r\nHost: ${canary.host}\r\nX-Forwarded-Host: ${canary.host}\r\nConnection: close`);
      assert.equal(answer.status, 200);
      assert.ok(!answer.text.includes(canary.host), 'the document names the canary');
    });
    await ledger.attempt('SSRF', 'host session for an origin on the canary', async () => {
      const answer = await call('host-sessions', { origin: null, headers: { Authorization: `Bearer ${INTEGRATOR_KEY}` }, body: { email: uniqueEmail('ssrf-host'), origin: `${SALE_ORIGIN}@${canary.host}` } });
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
    });
    await ledger.attempt('SSRF', 'a code requested from the canary as Origin', async () => {
      assert.equal((await call('codes', { origin: canary.origin, body: { email: uniqueEmail('ssrf-origin') } })).status, 403);
    });
    await ledger.attempt('SSRF', 'a genuine webhook whose case carries canary URLs', async () => {
      const row = { ...stack.sandbox.store.getKyc(CLIENT_ID, Number(bob.userId)), document_id_file_path: canary.url('webhook-doc'), selfie_file_path: canary.url('webhook-selfie') } as never;
      const answer = await postWebhook(`${stack.proxyUrl}/webhooks/${SALE_ID}`, signedWebhookBody(`${stack.proxyUrl}/webhooks/${SALE_ID}`, caseUpdateEvent(row), WEBHOOK_SECRET));
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      await Promise.allSettled([...(stack.proxies[0]?.deps.background ?? [])]);
    });
    await ledger.attempt('SSRF', 'the canary saw no request at all', async () => {
      assert.deepEqual(canary.hits, [], 'the proxy fetched a URL it was given');
    });
  });
});

describe('the tally', () => {
  test('no token of the suite reached a log line', () => {
    const logs = stack.logs.join('\n');
    for (const token of tokensUsed) for (const part of token.split('.')) if (part.length > 20) assert.ok(!logs.includes(part), 'a token part is in the logs');
  });

  test('every kind of attack was tried and none succeeded', () => {
    for (const line of ledger.report()) console.log(line);
    for (const issue of openIssues) console.log(`  known open, outside the tally: ${issue}`);
    for (const category of ATTACK_CATEGORIES) {
      const tally = ledger.tally(category);
      assert.ok(tally.tried > 0, `${category}: not tried`);
      assert.deepEqual(tally.succeeded, [], `${category}: attacks got through`);
    }
  });
});
