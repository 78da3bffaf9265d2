/**
 * Widget tokens: issue, verify, refresh, rotation, verification by a sale backend from the JWKS, and
 * every token attack, each crafted by hand and each refused with a TokenError (HTTP 401).
 * Time is the service's injected clock; nothing sleeps.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  importJWK,
  jwtVerify,
  SignJWT,
  UnsecuredJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { generateSigningKey, loadSigningKeys, type SigningKeySet } from '../../../proxy/session/signing-keys.js';
import { TokenError, type TokenErrorReason } from '../../../proxy/session/token-error.js';
import {
  createTokenService,
  WIDGET_TOKEN_TYPE,
  type ExpectedBinding,
  type TokenService,
} from '../../../proxy/session/widget-token.js';

const ISSUER = 'https://kyc.acme.example';
const SALE = 'acme';
const ORIGIN = 'https://acme.example';
const USER = '11007';
const EXPECTED: ExpectedBinding = { sale: SALE, origin: ORIGIN };
/** 2030-01-01T00:00:00.250Z: the fraction checks that seconds are floored. */
const T0_MS = Date.UTC(2030, 0, 1) + 250;
const T0 = Math.floor(T0_MS / 1000);
const LIFETIME = 600;

/** A clock the test moves by hand. */
function manualClock(startMs = T0_MS) {
  let nowMs = startMs;
  return { now: () => nowMs, advance: (seconds: number) => void (nowMs += seconds * 1000) };
}

interface Fixture {
  source: string;
  keys: SigningKeySet;
  tokens: TokenService;
  clock: ReturnType<typeof manualClock>;
  /** The current key as a CryptoKey, to craft tokens by hand. */
  privateKey: CryptoKey;
}

async function fixture(options: { source?: string; alg?: 'EdDSA' | 'ES256'; lifetimeSeconds?: number; maxSessionSeconds?: number } = {}): Promise<Fixture> {
  const source = options.source ?? (await generateSigningKey(options.alg ?? 'EdDSA'));
  const keys = await loadSigningKeys({ current: source });
  const clock = manualClock();
  const tokens = createTokenService({
    issuer: ISSUER,
    keys,
    lifetimeSeconds: options.lifetimeSeconds ?? LIFETIME,
    ...(options.maxSessionSeconds === undefined ? {} : { maxSessionSeconds: options.maxSessionSeconds }),
    now: clock.now,
  });
  return { source, keys, tokens, clock, privateKey: await privateKeyOf(source) };
}

async function privateKeyOf(source: string): Promise<CryptoKey> {
  const jwk = source.trim().startsWith('{') ? (JSON.parse(source) as JWK) : (createPrivateKey(source).export({ format: 'jwk' }) as JWK);
  return (await importJWK(jwk, jwk.kty === 'EC' ? 'ES256' : 'EdDSA')) as CryptoKey;
}

/** The claims a valid token issued at T0 carries. */
function validClaims(overrides: JWTPayload = {}): JWTPayload {
  return {
    iss: ISSUER,
    aud: SALE,
    sub: USER,
    origin: ORIGIN,
    iat: T0,
    nbf: T0,
    exp: T0 + LIFETIME,
    jti: 'c0ffee00-0000-4000-8000-000000000000',
    auth_time: T0,
    ...overrides,
  };
}

/** A token signed by hand; `claims` and `header` replace or (with `undefined`) remove members. */
async function craft(
  f: Fixture,
  claims: JWTPayload = {},
  header: Record<string, unknown> = {},
  key: CryptoKey | Uint8Array = f.privateKey,
): Promise<string> {
  const fullHeader = { alg: f.keys.current.alg, kid: f.keys.current.kid, typ: WIDGET_TOKEN_TYPE, ...header };
  const fullClaims = validClaims(claims);
  return new SignJWT(withoutUndefined(fullClaims)).setProtectedHeader(withoutUndefined(fullHeader) as { alg: string }).sign(key);
}

function withoutUndefined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/**
 * Assert that verifying `token` fails with `reason`, as a 401 whose message and inspection show neither
 * the token (nor any of its parts) nor `secrets`.
 */
async function assertRefused(
  attempt: Promise<unknown>,
  reason: TokenErrorReason,
  token: string,
  secrets: string[] = [],
): Promise<TokenError> {
  const error = await attempt.then(
    () => assert.fail(`the token was accepted; expected ${reason}`),
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof TokenError, `not a TokenError: ${String(error)}`);
  assert.equal(error.reason, reason);
  assert.equal(error.status, 401);
  assert.equal(error.expose, true);
  assert.equal(error.cause, undefined);
  const shown = `${error.message}\n${inspect(error)}\n${JSON.stringify(error)}`;
  const parts = token.split('.').filter((part) => part.length >= 8);
  for (const secret of [token, ...parts, ...secrets]) {
    if (secret !== '') assert.ok(!shown.includes(secret), 'the error shows token or key material');
  }
  return error;
}

describe('issue and verify', () => {
  const sources = [
    { name: 'EdDSA from a JWK', make: () => generateSigningKey('EdDSA'), alg: 'EdDSA' },
    { name: 'ES256 from a JWK', make: () => generateSigningKey('ES256'), alg: 'ES256' },
    {
      name: 'EdDSA from a PEM',
      make: async () => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
      alg: 'EdDSA',
    },
    {
      name: 'ES256 from a PEM',
      make: async () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
      alg: 'ES256',
    },
  ] as const;

  for (const { name, make, alg } of sources) {
    it(`round-trips a token signed with ${name}`, async () => {
      const f = await fixture({ source: await make() });
      const { token, expiresAt } = await f.tokens.issue({ sale: SALE, origin: ORIGIN, userId: USER });
      assert.deepEqual(decodeProtectedHeader(token), { alg, kid: f.keys.current.kid, typ: WIDGET_TOKEN_TYPE });
      const claims = await f.tokens.verify(token, EXPECTED);
      assert.match(claims.jti, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.deepEqual(claims, {
        iss: ISSUER,
        aud: SALE,
        sub: USER,
        origin: ORIGIN,
        iat: T0,
        nbf: T0,
        exp: T0 + LIFETIME,
        jti: claims.jti,
        auth_time: T0,
      });
      assert.equal(expiresAt, T0 + LIFETIME);
    });
  }

  it('puts nothing but the binding and times in the token (no email or other personal data)', async () => {
    const f = await fixture();
    const { token } = await f.tokens.issue({ sale: SALE, origin: ORIGIN, userId: USER });
    assert.deepEqual(Object.keys(decodeJwt(token)).sort(), ['aud', 'auth_time', 'exp', 'iat', 'iss', 'jti', 'nbf', 'origin', 'sub']);
  });

  it('normalises the origin it binds to, and matches a request origin the same way', async () => {
    const f = await fixture();
    const { token } = await f.tokens.issue({ sale: SALE, origin: 'HTTPS://Acme.Example:443/kyc?x=1', userId: USER });
    assert.equal(decodeJwt(token).origin, ORIGIN);
    assert.equal((await f.tokens.verify(token, { sale: SALE, origin: 'https://ACME.example:443' })).origin, ORIGIN);
  });

  it('gives every token its own jti', async () => {
    const f = await fixture();
    const first = await f.tokens.issue({ sale: SALE, origin: ORIGIN, userId: USER });
    const second = await f.tokens.issue({ sale: SALE, origin: ORIGIN, userId: USER });
    assert.notEqual(decodeJwt(first.token).jti, decodeJwt(second.token).jti);
  });

  it('accepts a token for the user the request is about', async () => {
    const f = await fixture();
    const { token } = await f.tokens.issue({ sale: SALE, origin: ORIGIN, userId: USER });
    assert.equal((await f.tokens.verify(token, { ...EXPECTED, userId: USER })).sub, USER);
  });

  it('refuses to issue for an empty sale or user, or an origin that is not http(s)', async () => {
    const f = await fixture();
    for (const subject of [
      { sale: '', origin: ORIGIN, userId: USER },
      { sale: SALE, origin: ORIGIN, userId: '' },
      { sale: SALE, origin: 'null', userId: USER },
      { sale: SALE, origin: 'file:///tmp/page.html', userId: USER },
      { sale: SALE, origin: 'acme.example', userId: USER },
    ]) {
      await assert.rejects(f.tokens.issue(subject), TypeError, JSON.stringify(subject));
    }
  });
});

describe('createTokenService options', () => {
  it('refuses a lifetime outside 1..900 s, a non-positive session length or an empty issuer', async () => {
    const keys = await loadSigningKeys({ current: await generateSigningKey() });
    for (const lifetimeSeconds of [0, -1, 901, 3600, 1.5, Number.NaN]) {
      assert.throws(() => createTokenService({ issuer: ISSUER, keys, lifetimeSeconds }), RangeError, String(lifetimeSeconds));
    }
    assert.throws(() => createTokenService({ issuer: ISSUER, keys, lifetimeSeconds: 60, maxSessionSeconds: 0 }), RangeError);
    assert.throws(() => createTokenService({ issuer: '', keys, lifetimeSeconds: 60 }), TypeError);
    assert.ok(createTokenService({ issuer: ISSUER, keys, lifetimeSeconds: 900 }));
    assert.ok(createTokenService({ issuer: ISSUER, keys, lifetimeSeconds: 1 }));
  });
});

describe('time', () => {
  it('accepts a token up to 5 s past its expiry (clock tolerance) and refuses it from then on', async () => {
    const f = await fixture();
    const { token } = await f.tokens.issue({ sale: SALE, origin: ORIGIN, userId: USER });
    f.clock.advance(LIFETIME + 4);
    await f.tokens.verify(token, EXPECTED);
    f.clock.advance(1);
    const error = await assertRefused(f.tokens.verify(token, EXPECTED), 'expired', token);
    assert.equal(error.code, 'session_expired');
  });

  it('refuses an expired token', async () => {
    const f = await fixture();
    const { token } = await f.tokens.issue({ sale: SALE, origin: ORIGIN, userId: USER });
    f.clock.advance(3600);
    await assertRefused(f.tokens.verify(token, EXPECTED), 'expired', token);
  });

  it('refuses a token that is not valid yet (nbf in the future)', async () => {
    const f = await fixture();
    const token = await craft(f, { nbf: T0 + 60, exp: T0 + 660 });
    const error = await assertRefused(f.tokens.verify(token, EXPECTED), 'not_yet_valid', token);
    assert.equal(error.code, 'unauthorized');
  });

  it('refuses a token issued in the future (iat ahead of the clock)', async () => {
    const f = await fixture();
    const token = await craft(f, { iat: T0 + 60, exp: T0 + 660 });
    await assertRefused(f.tokens.verify(token, EXPECTED), 'not_yet_valid', token);
  });

  it('accepts a token from a proxy whose clock is up to 5 s ahead', async () => {
    const f = await fixture();
    const token = await craft(f, { iat: T0 + 5, nbf: T0 + 5, exp: T0 + 605 });
    assert.equal((await f.tokens.verify(token, EXPECTED)).iat, T0 + 5);
  });

  it('refuses a token with a lifetime longer than 15 minutes, even when signed by our key', async () => {
    const f = await fixture();
    const token = await craft(f, { iat: T0 - 1000, nbf: T0 - 1000, exp: T0 + 86_400 });
    await assertRefused(f.tokens.verify(token, EXPECTED), 'expired', token);
  });
});

describe('refresh', () => {
  it('gives a new token for the same user, sale, origin and auth_time while the old one is valid', async () => {
    const f = await fixture();
    const issued = await f.tokens.issue({ sale: SALE, origin: ORIGIN, userId: USER });
    f.clock.advance(500);
    const refreshed = await f.tokens.refresh(issued.token, EXPECTED);
    assert.equal(refreshed.expiresAt, T0 + 500 + LIFETIME);
    const before = await f.tokens.verify(issued.token, EXPECTED);
    const after = await f.tokens.verify(refreshed.token, EXPECTED);
    assert.deepEqual(
      { sub: after.sub, aud: after.aud, origin: after.origin, auth_time: after.auth_time, iss: after.iss },
      { sub: before.sub, aud: before.aud, origin: before.origin, auth_time: T0, iss: before.iss },
    );
    assert.equal(after.iat, T0 + 500);
    assert.equal(after.exp, T0 + 500 + LIFETIME);
    assert.notEqual(after.jti, before.jti);
  });

  it('refuses to refresh an expired token', async () => {
    const f = await fixture();
    const { token } = await f.tokens.issue({ sale: SALE, origin: ORIGIN, userId: USER });
    f.clock.advance(LIFETIME + 10);
    await assertRefused(f.tokens.refresh(token, EXPECTED), 'expired', token);
  });

  it('refuses to refresh a token for another sale or origin', async () => {
    const f = await fixture();
    const { token } = await f.tokens.issue({ sale: SALE, origin: ORIGIN, userId: USER });
    await assertRefused(f.tokens.refresh(token, { sale: 'other-sale', origin: ORIGIN }), 'wrong_audience', token);
    await assertRefused(f.tokens.refresh(token, { sale: SALE, origin: 'https://evil.example' }), 'wrong_origin', token);
  });

  it('never extends a session past maxSessionSeconds after the email was proven', async () => {
    const f = await fixture({ lifetimeSeconds: 600, maxSessionSeconds: 1800 });
    let { token } = await f.tokens.issue({ sale: SALE, origin: ORIGIN, userId: USER });
    const expiries: number[] = [];
    for (const step of [500, 500, 500, 290]) {
      f.clock.advance(step);
      const refreshed = await f.tokens.refresh(token, EXPECTED);
      expiries.push(refreshed.expiresAt);
      token = refreshed.token;
    }
    // At T0+1500 and T0+1790 the new token's expiry is capped at the end of the session.
    assert.deepEqual(expiries, [T0 + 1100, T0 + 1600, T0 + 1800, T0 + 1800]);
    assert.equal(decodeJwt(token).auth_time, T0);
    f.clock.advance(10);
    const error = await assertRefused(f.tokens.refresh(token, EXPECTED), 'session_too_old', token);
    assert.equal(error.code, 'session_expired');
  });

  it('applies a shortened maximum session to tokens issued before the change', async () => {
    const f = await fixture({ lifetimeSeconds: 900 });
    const { token } = await f.tokens.issue({ sale: SALE, origin: ORIGIN, userId: USER });
    const stricter = createTokenService({ issuer: ISSUER, keys: f.keys, lifetimeSeconds: 900, maxSessionSeconds: 300, now: f.clock.now });
    f.clock.advance(400);
    await f.tokens.verify(token, EXPECTED);
    await assertRefused(stricter.verify(token, EXPECTED), 'session_too_old', token);
  });
});

describe('key rotation', () => {
  const rotations = [
    { from: 'EdDSA', to: 'EdDSA', removed: 'unknown_key' },
    // Once no key of the old algorithm is left, the algorithm itself is no longer accepted.
    { from: 'EdDSA', to: 'ES256', removed: 'wrong_algorithm' },
  ] as const;
  for (const { from, to, removed } of rotations) {
    it(`${from} to ${to}: previous-key tokens stay valid, new ones use the current key, a removed key's fail`, async () => {
      const oldSource = await generateSigningKey(from);
      const newSource = await generateSigningKey(to);
      const clock = manualClock();
      const service = (keys: SigningKeySet) => createTokenService({ issuer: ISSUER, keys, lifetimeSeconds: LIFETIME, now: clock.now });

      const before = service(await loadSigningKeys({ current: oldSource }));
      const oldToken = (await before.issue({ sale: SALE, origin: ORIGIN, userId: USER })).token;

      const rotatedKeys = await loadSigningKeys({ current: newSource, previous: [oldSource] });
      const rotated = service(rotatedKeys);
      clock.advance(60);
      assert.equal((await rotated.verify(oldToken, EXPECTED)).sub, USER);
      const refreshed = await rotated.refresh(oldToken, EXPECTED);
      const newToken = (await rotated.issue({ sale: SALE, origin: ORIGIN, userId: USER })).token;
      for (const token of [refreshed.token, newToken]) {
        assert.deepEqual(decodeProtectedHeader(token), { alg: to, kid: rotatedKeys.current.kid, typ: WIDGET_TOKEN_TYPE });
        await rotated.verify(token, EXPECTED);
      }

      const after = service(await loadSigningKeys({ current: newSource }));
      await after.verify(newToken, EXPECTED);
      await assertRefused(after.verify(oldToken, EXPECTED), removed, oldToken);
    });
  }
});

describe('a sale backend verifying with the JWKS alone', () => {
  it('verifies a token with createLocalJWKSet(jwks())', async () => {
    const keys = await loadSigningKeys({ current: await generateSigningKey('EdDSA'), previous: [await generateSigningKey('ES256')] });
    const tokens = createTokenService({ issuer: ISSUER, keys, lifetimeSeconds: LIFETIME });
    const { token } = await tokens.issue({ sale: SALE, origin: ORIGIN, userId: USER });
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(keys.jwks()), {
      issuer: ISSUER,
      audience: SALE,
      algorithms: ['EdDSA', 'ES256'],
      typ: WIDGET_TOKEN_TYPE,
    });
    assert.equal(payload.sub, USER);
    assert.equal(payload.origin, ORIGIN);
    assert.equal(protectedHeader.kid, keys.current.kid);
  });

  it('verifies a token against the JWKS fetched over HTTP, and refuses one of another key', async () => {
    const keys = await loadSigningKeys({ current: await generateSigningKey('ES256') });
    const tokens = createTokenService({ issuer: ISSUER, keys, lifetimeSeconds: LIFETIME });
    const server = createServer((request, response) => {
      if (request.url !== '/.well-known/jwks.json') return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify(keys.jwks()));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const jwks = createRemoteJWKSet(new URL(`http://127.0.0.1:${port}/.well-known/jwks.json`), { timeoutDuration: 2000 });
      const { token } = await tokens.issue({ sale: SALE, origin: ORIGIN, userId: USER });
      const { payload } = await jwtVerify(token, jwks, { issuer: ISSUER, audience: SALE, algorithms: ['ES256'] });
      assert.equal(payload.sub, USER);

      const stranger = createTokenService({ issuer: ISSUER, keys: await loadSigningKeys({ current: await generateSigningKey('ES256') }), lifetimeSeconds: 60 });
      const strangerToken = (await stranger.issue({ sale: SALE, origin: ORIGIN, userId: USER })).token;
      await assert.rejects(jwtVerify(strangerToken, jwks, { issuer: ISSUER, audience: SALE, algorithms: ['ES256'] }), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('token attacks, each refused with a 401', () => {
  it('alg: none, as an unsecured JWT (empty signature)', async () => {
    const f = await fixture();
    const token = new UnsecuredJWT(validClaims()).encode();
    assert.match(token, /\.$/);
    await assertRefused(f.tokens.verify(token, EXPECTED), 'malformed', token);
    assert.throws(() => f.tokens.readBearer(`Bearer ${token}`), { reason: 'malformed' });
  });

  it('alg: none with a made-up signature, by raw base64url', async () => {
    const f = await fixture();
    for (const alg of ['none', 'None', 'NONE']) {
      const token = `${b64({ alg, kid: f.keys.current.kid, typ: WIDGET_TOKEN_TYPE })}.${b64(validClaims())}.${b64('signature')}`;
      await assertRefused(f.tokens.verify(token, EXPECTED), 'wrong_algorithm', token);
    }
  });

  it('HS256 signed with the public key (JWK text, raw bytes or PEM) as the HMAC secret', async () => {
    const f = await fixture();
    const [publicJwk] = f.keys.jwks().keys;
    assert.ok(publicJwk);
    const spkiPem = createPublicKey({ key: { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x }, format: 'jwk' }).export({ format: 'pem', type: 'spki' }) as string;
    const secrets = [
      new TextEncoder().encode(JSON.stringify(f.keys.jwks())),
      new TextEncoder().encode(JSON.stringify(publicJwk)),
      Buffer.from(publicJwk.x, 'base64url'),
      new TextEncoder().encode(spkiPem),
    ];
    for (const secret of secrets) {
      for (const alg of ['HS256', 'HS512']) {
        const token = await craft(f, {}, { alg }, secret);
        await assertRefused(f.tokens.verify(token, EXPECTED), 'wrong_algorithm', token);
      }
    }
  });

  it('an algorithm of another key type (RS256, ES256 on an Ed25519 set)', async () => {
    const f = await fixture({ alg: 'EdDSA' });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }) as JWK;
    const rsaToken = await craft(f, {}, { alg: 'RS256' }, (await importJWK(rsa, 'RS256')) as CryptoKey);
    await assertRefused(f.tokens.verify(rsaToken, EXPECTED), 'wrong_algorithm', rsaToken);
    const ecToken = await craft(f, {}, { alg: 'ES256' }, await privateKeyOf(await generateSigningKey('ES256')));
    await assertRefused(f.tokens.verify(ecToken, EXPECTED), 'wrong_algorithm', ecToken);
  });

  it('an alg that belongs to another key of the set than the one its kid names', async () => {
    const ecSource = await generateSigningKey('ES256');
    const edSource = await generateSigningKey('EdDSA');
    const keys = await loadSigningKeys({ current: ecSource, previous: [edSource] });
    const f: Fixture = { ...(await fixture({ source: ecSource })), keys };
    f.tokens = createTokenService({ issuer: ISSUER, keys, lifetimeSeconds: LIFETIME, now: f.clock.now });
    const edKid = keys.kids[1];
    const token = await craft(f, {}, { alg: 'ES256', kid: edKid });
    await assertRefused(f.tokens.verify(token, EXPECTED), 'unknown_key', token);
  });

  it('wrong aud, and an aud array that includes the sale', async () => {
    const f = await fixture();
    for (const aud of ['other-sale', ['other-sale'], [SALE, 'other-sale']]) {
      const token = await craft(f, { aud });
      await assertRefused(f.tokens.verify(token, EXPECTED), 'wrong_audience', token);
    }
  });

  it('wrong iss, signed with our own key or issued by another proxy sharing the key', async () => {
    const f = await fixture();
    const crafted = await craft(f, { iss: 'https://evil.example' });
    await assertRefused(f.tokens.verify(crafted, EXPECTED), 'wrong_issuer', crafted);
    const otherProxy = createTokenService({ issuer: 'https://kyc.other.example', keys: f.keys, lifetimeSeconds: LIFETIME, now: f.clock.now });
    const { token } = await otherProxy.issue({ sale: SALE, origin: ORIGIN, userId: USER });
    await assertRefused(f.tokens.verify(token, EXPECTED), 'wrong_issuer', token);
  });

  it("another sale's token", async () => {
    const f = await fixture();
    const { token } = await f.tokens.issue({ sale: 'other-sale', origin: ORIGIN, userId: USER });
    await assertRefused(f.tokens.verify(token, EXPECTED), 'wrong_audience', token);
  });

  it("another origin's token, and a request from an origin that is not http(s)", async () => {
    const f = await fixture();
    const { token } = await f.tokens.issue({ sale: SALE, origin: 'https://evil.example', userId: USER });
    await assertRefused(f.tokens.verify(token, EXPECTED), 'wrong_origin', token);
    for (const origin of ['http://acme.example', 'https://acme.example:8443', 'https://sub.acme.example']) {
      const own = await f.tokens.issue({ sale: SALE, origin: ORIGIN, userId: USER });
      await assertRefused(f.tokens.verify(own.token, { sale: SALE, origin }), 'wrong_origin', own.token);
    }
    const own = await f.tokens.issue({ sale: SALE, origin: ORIGIN, userId: USER });
    for (const origin of ['null', '', 'acme.example']) {
      await assertRefused(f.tokens.verify(own.token, { sale: SALE, origin }), 'wrong_origin', own.token);
    }
  });

  it('a token for user A used on user B', async () => {
    const f = await fixture();
    const { token } = await f.tokens.issue({ sale: SALE, origin: ORIGIN, userId: 'user-a' });
    await assertRefused(f.tokens.verify(token, { ...EXPECTED, userId: 'user-b' }), 'wrong_user', token);
  });

  it('a tampered payload (sub changed, signature kept)', async () => {
    const f = await fixture();
    const { token } = await f.tokens.issue({ sale: SALE, origin: ORIGIN, userId: 'user-a' });
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as JWTPayload;
    for (const change of [{ sub: 'user-b' }, { exp: (claims.exp as number) + 86_400 }, { aud: 'other-sale' }]) {
      const tampered = `${header}.${b64({ ...claims, ...change })}.${signature}`;
      await assertRefused(f.tokens.verify(tampered, EXPECTED), 'bad_signature', tampered);
    }
  });

  it('a tampered header (typ changed, signature kept)', async () => {
    const f = await fixture();
    const { token } = await f.tokens.issue({ sale: SALE, origin: ORIGIN, userId: USER });
    const [, payload, signature] = token.split('.') as [string, string, string];
    const tampered = `${b64({ ...decodeProtectedHeader(token), typ: 'JWT' })}.${payload}.${signature}`;
    await assertRefused(f.tokens.verify(tampered, EXPECTED), 'bad_signature', tampered);
  });

  it('a token signed by an unrelated key that claims our kid', async () => {
    for (const alg of ['EdDSA', 'ES256'] as const) {
      const f = await fixture({ alg });
      const stranger = await privateKeyOf(await generateSigningKey(alg));
      const token = await craft(f, {}, {}, stranger);
      await assertRefused(f.tokens.verify(token, EXPECTED), 'bad_signature', token);
    }
  });

  it('a token with kid missing or unknown', async () => {
    const f = await fixture();
    const missing = await craft(f, {}, { kid: undefined });
    await assertRefused(f.tokens.verify(missing, EXPECTED), 'unknown_key', missing);
    const unknown = await craft(f, {}, { kid: 'not-a-key-of-ours' });
    await assertRefused(f.tokens.verify(unknown, EXPECTED), 'unknown_key', unknown);
  });

  it('another kind of JWT signed by the same key (typ missing or different)', async () => {
    const f = await fixture();
    for (const typ of [undefined, 'JWT', 'at+jwt']) {
      const token = await craft(f, {}, { typ });
      await assertRefused(f.tokens.verify(token, EXPECTED), 'wrong_type', token);
    }
  });

  it('a token without one of the required claims, or with one of the wrong type', async () => {
    const f = await fixture();
    for (const claim of ['sub', 'exp', 'iat', 'nbf', 'jti', 'auth_time', 'origin']) {
      const token = await craft(f, { [claim]: undefined });
      await assertRefused(f.tokens.verify(token, EXPECTED), 'malformed', token);
    }
    for (const change of [{ origin: 42 }, { sub: 11007 }, { auth_time: String(T0) }, { jti: null }, { exp: String(T0 + 60) }]) {
      const token = await craft(f, change as JWTPayload);
      await assertRefused(f.tokens.verify(token, EXPECTED), 'malformed', token);
    }
  });

  it('a truncated token', async () => {
    const f = await fixture();
    const { token } = await f.tokens.issue({ sale: SALE, origin: ORIGIN, userId: USER });
    const [header, payload, signature] = token.split('.') as [string, string, string];
    await assertRefused(f.tokens.verify(`${header}.${payload}`, EXPECTED), 'malformed', token);
    await assertRefused(f.tokens.verify(`${header}.${payload}.`, EXPECTED), 'malformed', token);
    await assertRefused(f.tokens.verify(header, EXPECTED), 'malformed', token);
    await assertRefused(f.tokens.verify(`${header}.${payload}.${signature.slice(0, 43)}`, EXPECTED), 'bad_signature', token);
    // The signature is checked before the payload is read.
    await assertRefused(f.tokens.verify(`${header}.${payload.slice(0, 40)}.${signature}`, EXPECTED), 'bad_signature', token);
  });

  it('garbage', async () => {
    const f = await fixture();
    const junk = [
      'garbage',
      'a.b.c',
      '...',
      'Bearer x.y.z',
      `${b64('not json')}.${b64(validClaims())}.${b64('sig')}`,
      `${b64([1, 2])}.${b64(validClaims())}.${b64('sig')}`,
      `${'A'.repeat(3000)}.${'B'.repeat(3000)}.${'C'.repeat(100)}`,
      'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxIn0.%%%',
    ];
    for (const token of junk) {
      await assertRefused(f.tokens.verify(token, EXPECTED), 'malformed', token);
    }
    // A well-formed header over junk fails on its signature, before the payload is parsed.
    const junkPayload = `${b64({ alg: 'EdDSA', kid: f.keys.current.kid, typ: WIDGET_TOKEN_TYPE })}.${b64('not json')}.${b64('sig')}`;
    await assertRefused(f.tokens.verify(junkPayload, EXPECTED), 'bad_signature', junkPayload);
    await assertRefused(f.tokens.verify('', EXPECTED), 'missing', '');
    await assertRefused(f.tokens.verify(undefined as unknown as string, EXPECTED), 'missing', '');
  });

  it('error messages never contain the token, its claims or key material', async () => {
    const f = await fixture({ alg: 'ES256' });
    const { token } = await f.tokens.issue({ sale: SALE, origin: ORIGIN, userId: 'investor-98765' });
    const d = (JSON.parse(f.source) as { d: string }).d;
    const attempts: (() => Promise<unknown>)[] = [
      () => f.tokens.verify(token, { sale: 'other-sale', origin: ORIGIN }),
      () => f.tokens.verify(token, { sale: SALE, origin: 'https://evil.example' }),
      () => f.tokens.verify(token, { ...EXPECTED, userId: 'someone-else' }),
      () => f.tokens.verify(token.slice(0, -5), EXPECTED),
      () => f.tokens.verify(token + 'x', EXPECTED),
    ];
    const messages: string[] = [];
    for (const attempt of attempts) {
      const error = await attempt().then(() => assert.fail('accepted'), (thrown: unknown) => thrown);
      assert.ok(error instanceof TokenError);
      messages.push(error.message, inspect(error), JSON.stringify(error));
    }
    f.clock.advance(LIFETIME + 60);
    const expired = await f.tokens.verify(token, EXPECTED).then(() => assert.fail('accepted'), (thrown: unknown) => thrown as Error);
    messages.push(expired.message, inspect(expired));
    const text = messages.join('\n');
    for (const secret of [token, ...token.split('.'), 'investor-98765', d, f.keys.current.kid]) {
      assert.ok(!text.includes(secret), 'an error shows token or key material');
    }
  });
});

describe('readBearer', () => {
  it('reads the token of a well-formed Authorization header (the scheme in any case)', async () => {
    const f = await fixture();
    const { token } = await f.tokens.issue({ sale: SALE, origin: ORIGIN, userId: USER });
    assert.equal(f.tokens.readBearer(`Bearer ${token}`), token);
    assert.equal(f.tokens.readBearer(`bearer ${token}`), token);
    assert.equal((await f.tokens.verify(f.tokens.readBearer(`BEARER ${token}`), EXPECTED)).sub, USER);
  });

  it('says missing when there is no header or no token', async () => {
    const f = await fixture();
    for (const header of [undefined, '', 'Bearer', 'Bearer ', 'bearer']) {
      assert.throws(() => f.tokens.readBearer(header), { name: 'TokenError', reason: 'missing', status: 401 }, String(header));
    }
  });

  it('says malformed for other schemes, extra spaces or text, and anything but a compact JWS', async () => {
    const f = await fixture();
    const { token } = await f.tokens.issue({ sale: SALE, origin: ORIGIN, userId: USER });
    for (const header of [
      `Basic ${Buffer.from('user:pass').toString('base64')}`,
      `Bearer  ${token}`,
      ` Bearer ${token}`,
      `Bearer ${token} `,
      `Bearer ${token}, Bearer ${token}`,
      `Bearer ${token}==`,
      `Bearer\t${token}`,
      `Token ${token}`,
      token,
      'Bearer a.b',
      `Bearer ${'a'.repeat(5000)}.b.c`,
    ]) {
      assert.throws(() => f.tokens.readBearer(header), (error: unknown) => {
        assert.ok(error instanceof TokenError);
        assert.equal(error.reason, 'malformed');
        assert.ok(!error.message.includes(token));
        return true;
      });
    }
  });
});
