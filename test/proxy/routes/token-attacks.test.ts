/**
 * Token attacks over real HTTP against `GET /v1/sales/acme/kyc` and the status stream: each forged,
 * stale, misdirected or tampered token is crafted with jose and refused with 401, an
 * `{ error: { code } }` body that never echoes the token, and `WWW-Authenticate`. A crafted token with
 * the right claims and the real key is accepted first, so each refusal is down to the one thing changed.
 *
 * The stack serves two sales on one sandbox account: `acme` (on two sites) and `beta` (on the first).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { base64url, decodeJwt, decodeProtectedHeader, importJWK, SignJWT, UnsecuredJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { WIDGET_TOKEN_TYPE } from '../../../proxy/session/widget-token.js';
import { api, signIn, uniqueEmail, uploadDocuments, validSubmission, type ApiAnswer, type Investor } from '../support/investor.js';
import { SALE_ORIGIN, startStack, type Stack } from '../support/proxy-stack.js';

/** The sale's second site, where `acme` may be embedded too. */
const OTHER_ORIGIN = 'https://other.sale.test';
/** The second sale, on the same proxy. */
const BETA = 'beta';

let stack: Stack;
/** An investor who has not submitted (the attacker, "A"). */
let alice: Investor;
/** An investor who has submitted (the victim, "B"). */
let bob: Investor;
/** The proxy's signing key, to craft tokens the proxy would accept but for the one claim changed. */
let signingKey: CryptoKey;
let kid: string;
/** The claims of a real token of Alice's. */
let aliceClaims: JWTPayload;

before(async () => {
  stack = await startStack({
    sale: { origins: [SALE_ORIGIN, OTHER_ORIGIN] },
    extraSales: [{ id: BETA, name: 'Beta Sale', origins: [SALE_ORIGIN] }],
  });
  const jwk = JSON.parse(stack.proxies[0]?.deps.config.tokens.current.reveal() ?? '') as JWK;
  signingKey = (await importJWK(jwk, 'EdDSA')) as CryptoKey;
  kid = stack.proxies[0]?.deps.keys.current.kid ?? '';
  [alice, bob] = await Promise.all([signIn(stack, uniqueEmail('alice')), signIn(stack, uniqueEmail('bob'))]);
  aliceClaims = decodeJwt(alice.token);
  const keys = await uploadDocuments(stack, bob.token);
  const submitted = await api(stack, 'kyc', { token: bob.token, body: validSubmission(keys) });
  assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
});

after(async () => {
  await stack?.close();
});

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Alice's claims, fresh, with `changes` (a value `undefined` drops the claim). */
function claims(changes: JWTPayload = {}): JWTPayload {
  const now = nowSeconds();
  const payload: JWTPayload = { ...aliceClaims, iat: now, nbf: now, exp: now + 600, auth_time: now, jti: randomUUID(), ...changes };
  for (const [name, value] of Object.entries(changes)) if (value === undefined) delete payload[name];
  return payload;
}

/** Sign `payload` with the proxy's own key and header (or `header` changes). */
function forge(payload: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', kid, typ: WIDGET_TOKEN_TYPE, ...header }).sign(signingKey);
}

/** The KYC status route and the status stream, as the attacker calls them. */
const PROTECTED = ['kyc', 'kyc/events', 'kyc/submission'] as const;

/**
 * Assert that `token` is refused on every protected route: 401, an error code, `WWW-Authenticate`, and
 * no part of the token in the body.
 */
async function assertRefused(token: string, options: { origin?: string; code?: string; sale?: string } = {}): Promise<void> {
  for (const route of PROTECTED) {
    const path = options.sale === undefined ? route : `/v1/sales/${options.sale}/${route}`;
    const answer = await api(stack, path, { token, ...(options.origin === undefined ? {} : { origin: options.origin }) });
    assertUnauthorized(answer, token, `${route}`);
    if (options.code !== undefined) assert.equal(answer.body.error.code, options.code);
  }
}

/** A 401 as the widget expects it, quoting nothing of `token`. */
function assertUnauthorized(answer: ApiAnswer, token: string | undefined, where: string): void {
  assert.equal(answer.status, 401, `${where}: ${answer.status} ${JSON.stringify(answer.body)}`);
  assert.match(answer.body?.error?.code ?? '', /^(unauthorized|session_expired)$/, where);
  assert.equal(typeof answer.body.error.message, 'string');
  assert.match(answer.headers.get('www-authenticate') ?? '', /^Bearer\b/, `${where}: no WWW-Authenticate`);
  assert.equal(answer.headers.get('content-type')?.startsWith('application/json'), true, `${where}: a 401 is JSON, not a stream`);
  if (token !== undefined) {
    const text = JSON.stringify(answer.body);
    for (const part of token.split('.')) if (part.length > 8) assert.ok(!text.includes(part), `${where}: the body echoes the token`);
  }
}

describe('the control', () => {
  test('a crafted token with Alice\'s claims and the proxy\'s key is accepted', async () => {
    const answer = await api(stack, 'kyc', { token: await forge(claims()) });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.status.state, 'not_submitted');
  });
});

describe('forged signatures', () => {
  test('alg "none" (no signature, or a junk one)', async () => {
    const unsecured = new UnsecuredJWT(claims()).encode();
    await assertRefused(unsecured);
    await assertRefused(`${unsecured}c2lnbmF0dXJl`);
    const header = base64url.encode(JSON.stringify({ alg: 'none', kid, typ: WIDGET_TOKEN_TYPE }));
    await assertRefused(`${header}.${base64url.encode(JSON.stringify(claims()))}.AAAA`);
  });

  test('HS256 keyed with the public key from /.well-known/jwks.json', async () => {
    const jwks = await api(stack, '/.well-known/jwks.json', { origin: null });
    assert.equal(jwks.status, 200);
    const publicJwk = jwks.body.keys[0] as JWK & { x: string };
    assert.equal(publicJwk.kid, kid);
    assert.equal((publicJwk as { d?: string }).d, undefined, 'the JWKS has no private part');
    const pem = createPublicKey({ key: publicJwk as never, format: 'jwk' }).export({ format: 'pem', type: 'spki' }) as string;
    const secrets = [base64url.decode(publicJwk.x), new TextEncoder().encode(publicJwk.x), new TextEncoder().encode(JSON.stringify(publicJwk)), new TextEncoder().encode(pem)];
    for (const secret of secrets) {
      const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid, typ: WIDGET_TOKEN_TYPE }).sign(secret);
      await assertRefused(token);
    }
  });

  test('a key of the attacker\'s own, under the proxy\'s kid or none', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    for (const header of [{ kid }, { kid: 'attacker' }, { kid: undefined }]) {
      const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'EdDSA', typ: WIDGET_TOKEN_TYPE, ...header }).sign(privateKey);
      await assertRefused(token);
    }
  });

  test('a tampered payload: Bob\'s user id, a later expiry, another sale', async () => {
    const [header, , signature] = alice.token.split('.') as [string, string, string];
    for (const change of [{ sub: bob.userId }, { exp: nowSeconds() + 86_400 }, { aud: BETA }]) {
      const payload = base64url.encode(JSON.stringify({ ...aliceClaims, ...change }));
      await assertRefused(`${header}.${payload}.${signature}`);
    }
    // One flipped bit in the signature.
    const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    await assertRefused(`${header}.${alice.token.split('.')[1]}.${flipped}`);
  });

  test('another kind of JWT signed by the same key (typ "JWT")', async () => {
    await assertRefused(await forge(claims(), { typ: 'JWT' }));
  });
});

describe('the right key, the wrong claims', () => {
  test('expired (session_expired)', async () => {
    const past = nowSeconds() - 3600;
    await assertRefused(await forge(claims({ iat: past, nbf: past, exp: past + 600, auth_time: past })), { code: 'session_expired' });
  });

  test('not yet valid (nbf or iat in the future)', async () => {
    const later = nowSeconds() + 3600;
    await assertRefused(await forge(claims({ nbf: later, exp: later + 600 })));
    await assertRefused(await forge(claims({ iat: later, nbf: later, exp: later + 600, auth_time: later })));
  });

  test('wrong audience or issuer', async () => {
    for (const aud of ['other-sale', BETA, [`acme`, BETA]]) await assertRefused(await forge(claims({ aud })));
    for (const iss of ['https://evil.test', `${String(aliceClaims.iss)}/`, 'http://127.0.0.1:1']) await assertRefused(await forge(claims({ iss })));
  });

  test('missing claims, or a lifetime longer than the proxy issues', async () => {
    for (const claim of ['sub', 'origin', 'exp', 'jti', 'auth_time', 'iss', 'aud']) await assertRefused(await forge(claims({ [claim]: undefined })));
    const now = nowSeconds();
    await assertRefused(await forge(claims({ iat: now - 3600, nbf: now - 3600, exp: now + 3600 })));
    await assertRefused(await forge(claims({ sub: 'not-a-number' })));
  });
});

describe('real tokens in the wrong place', () => {
  test('a token of another sale on this proxy', async () => {
    const betaInvestor = await signInToSale(BETA, uniqueEmail('beta'));
    assert.equal((await api(stack, `/v1/sales/${BETA}/kyc`, { token: betaInvestor.token })).status, 200);
    await assertRefused(betaInvestor.token);
    // And the other way round.
    await assertRefused(alice.token, { sale: BETA });
  });

  test('a token used from another of the sale\'s own sites', async () => {
    assert.equal((await api(stack, 'kyc', { token: alice.token })).status, 200);
    await assertRefused(alice.token, { origin: OTHER_ORIGIN });
  });

  test('a site outside the sale\'s list is refused before the token is looked at', async () => {
    const answer = await api(stack, 'kyc', { token: alice.token, origin: 'https://evil.test' });
    assert.equal(answer.status, 403);
    assert.equal(answer.body.error.code, 'origin_not_allowed');
  });

  test('in the query string instead of the header: ignored, 401', async () => {
    for (const route of PROTECTED) {
      for (const name of ['token', 'access_token', 'authorization']) {
        const answer = await api(stack, `${route}?${name}=${encodeURIComponent(alice.token)}`);
        assertUnauthorized(answer, alice.token, `${route}?${name}`);
      }
    }
  });

  test('malformed Authorization headers', async () => {
    for (const header of [`Basic ${alice.token}`, `Bearer  ${alice.token}`, `Bearer ${alice.token} ${alice.token}`, `Bearer ${alice.token}.x`, 'Bearer', `${alice.token}`, `Bearer ${'a'.repeat(5000)}.b.c`]) {
      const answer = await api(stack, 'kyc', { headers: { Authorization: header } });
      assertUnauthorized(answer, alice.token, header.slice(0, 20));
    }
  });
});

describe('Alice\'s token cannot reach Bob\'s case', () => {
  test('no route parameter, query or body field selects another user', async () => {
    const mine = (answer: ApiAnswer, where: string) => {
      assert.equal(answer.status, 200, `${where}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.status.state, 'not_submitted', `${where} shows Bob's case`);
    };
    // Bob's own view, for contrast: submitted.
    assert.equal((await api(stack, 'kyc', { token: bob.token })).body.status.state, 'pending');
    const bobsSubmission = await api(stack, 'kyc/submission', { token: bob.token });
    const bobsDocument = bobsSubmission.body.submission.documentIdFile as string;
    assert.match(bobsDocument, /^7\//);

    mine(await api(stack, 'kyc', { token: alice.token }), 'own');
    for (const query of [`userId=${bob.userId}`, `user_id=${bob.userId}`, `sub=${bob.userId}`, `id=${bob.userId}`]) {
      mine(await api(stack, `kyc?${query}`, { token: alice.token }), query);
    }
    mine(await api(stack, 'kyc', { token: alice.token, headers: { 'X-User-Id': bob.userId } }), 'X-User-Id');
    // There is no route with a user in its path.
    for (const path of [`kyc/${bob.userId}`, `users/${bob.userId}/kyc`, `kyc/submission/${bob.userId}`]) {
      assert.equal((await api(stack, path, { token: alice.token })).status, 404, path);
    }
    // The submission view is Alice's (none), whatever is asked.
    for (const query of [`userId=${bob.userId}`, `user_id=${bob.userId}`]) {
      const submission = await api(stack, `kyc/submission?${query}`, { token: alice.token });
      const text = JSON.stringify(submission.body);
      assert.ok(!text.includes(bobsDocument) && !/x1234567/i.test(text), `Bob's submission shows: ${text}`);
    }
  });

  test('Bob\'s uploaded document keys are refused in Alice\'s submission', async () => {
    const bobsKeys = await uploadDocuments(stack, bob.token);
    const answer = await api(stack, 'kyc', { token: alice.token, body: { ...validSubmission(bobsKeys), userId: bob.userId } });
    assert.equal(answer.status, 400, JSON.stringify(answer.body));
    assert.equal(answer.body.error.code, 'invalid_submission');
    assert.ok(answer.body.error.fields.some((problem: { field: string }) => problem.field === 'documentIdFile'));
    assert.equal((await api(stack, 'kyc', { token: alice.token })).body.status.state, 'not_submitted');
  });
});

/** Sign in to `sale` (the investor helpers work on the default sale only). */
async function signInToSale(sale: string, email: string): Promise<Investor> {
  const before = Math.max(0, ...stack.catcher.messages().map((message) => Number(message.id)));
  const asked = await api(stack, `/v1/sales/${sale}/codes`, { body: { email } });
  assert.equal(asked.status, 202, JSON.stringify(asked.body));
  const mail = await stack.catcher.waitForMessage((message) => Number(message.id) > before && message.to.includes(email), 5000);
  const code = mail.otp?.code ?? '';
  const session = await api(stack, `/v1/sales/${sale}/sessions`, { body: { email, code } });
  assert.equal(session.status, 201, JSON.stringify(session.body));
  assert.equal(decodeProtectedHeader(session.body.token).kid, kid);
  return { token: session.body.token, userId: session.body.userId, email };
}
