/**
 * Loading the widget-token signing keys: JWK and PEM sources, the RFC 7638 kid, the public-only JWKS,
 * and every kind of key that must be refused without echoing it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { calculateJwkThumbprint, createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { generateSigningKey, loadSigningKeys } from '../../../proxy/session/signing-keys.js';
import { SigningKeyError, type SigningKeyErrorCode } from '../../../proxy/session/signing-key-error.js';

/** RFC 8037 Appendix A.1 (the Ed25519 private key) and A.3 (its RFC 7638 thumbprint). */
const RFC8037_D = 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A';
const RFC8037_X = '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo';
const RFC8037_JWK = JSON.stringify({ kty: 'OKP', crv: 'Ed25519', d: RFC8037_D, x: RFC8037_X });
const RFC8037_THUMBPRINT = 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k';

function pkcs8Pem(key: KeyObject): string {
  return key.export({ format: 'pem', type: 'pkcs8' }) as string;
}

/** The base64 body of a PEM, the part that is key material. */
function pemBody(pem: string): string {
  return pem.split('\n').filter((line) => line !== '' && !line.startsWith('-----')).join('');
}

/** Every private `d` of the JWK sources given. */
function privateParts(...sources: string[]): string[] {
  return sources.map((source) => (JSON.parse(source) as { d: string }).d);
}

describe('loadSigningKeys from JWK', () => {
  it('loads the RFC 8037 Ed25519 key as EdDSA, with the RFC 7638 thumbprint as kid', async () => {
    const keys = await loadSigningKeys({ current: RFC8037_JWK });
    assert.deepEqual(keys.current, { kid: RFC8037_THUMBPRINT, alg: 'EdDSA' });
    assert.deepEqual(keys.jwks(), {
      keys: [{ kty: 'OKP', crv: 'Ed25519', x: RFC8037_X, kid: RFC8037_THUMBPRINT, alg: 'EdDSA', use: 'sig' }],
    });
  });

  for (const alg of ['EdDSA', 'ES256'] as const) {
    it(`loads a generated ${alg} key, whose kid is its thumbprint`, async () => {
      const source = await generateSigningKey(alg);
      const generated = JSON.parse(source) as { kid: string; alg: string; d: string };
      const keys = await loadSigningKeys({ current: source });
      const [published] = keys.jwks().keys;
      assert.ok(published);
      assert.equal(keys.current.alg, alg);
      assert.equal(generated.alg, alg);
      assert.equal(keys.current.kid, await calculateJwkThumbprint(published, 'sha256'));
      assert.equal(generated.kid, keys.current.kid);
    });
  }

  it('ignores a kid written in the JWK: the kid is always the thumbprint', async () => {
    const keys = await loadSigningKeys({ current: JSON.stringify({ ...JSON.parse(RFC8037_JWK), kid: 'my-key-1' }) });
    assert.equal(keys.current.kid, RFC8037_THUMBPRINT);
  });

  it('accepts JWK metadata that agrees with the key (alg, use: sig, key_ops, ext)', async () => {
    const jwk = { ...JSON.parse(RFC8037_JWK), alg: 'EdDSA', use: 'sig', key_ops: ['sign'], ext: true };
    const keys = await loadSigningKeys({ current: `\n  ${JSON.stringify(jwk)}\n` });
    assert.equal(keys.current.kid, RFC8037_THUMBPRINT);
  });
});

describe('loadSigningKeys from PKCS#8 PEM', () => {
  const cases = [
    { alg: 'EdDSA', pair: () => generateKeyPairSync('ed25519') },
    { alg: 'ES256', pair: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }) },
  ] as const;
  for (const { alg, pair } of cases) {
    it(`loads a ${alg} PEM with the same kid as the same key as a JWK`, async () => {
      const { privateKey } = pair();
      const fromPem = await loadSigningKeys({ current: pkcs8Pem(privateKey) });
      const fromJwk = await loadSigningKeys({ current: JSON.stringify(privateKey.export({ format: 'jwk' })) });
      assert.equal(fromPem.current.alg, alg);
      assert.equal(fromPem.current.kid, fromJwk.current.kid);
      assert.deepEqual(fromPem.jwks(), fromJwk.jwks());
    });
  }

  it('accepts a PEM on one line with literal \\n escapes, as environment variables carry it', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = pkcs8Pem(privateKey);
    const escaped = pem.trim().replaceAll('\n', '\\n');
    assert.ok(!escaped.includes('\n'));
    const keys = await loadSigningKeys({ current: escaped });
    assert.equal(keys.current.kid, (await loadSigningKeys({ current: pem })).current.kid);
  });
});

describe('the key set', () => {
  it('signs with the current key and verifies with current and previous keys', async () => {
    const current = await generateSigningKey('ES256');
    const previous = await generateSigningKey('EdDSA');
    const keys = await loadSigningKeys({ current, previous: [previous] });
    const previousKid = (await loadSigningKeys({ current: previous })).current.kid;
    assert.equal(keys.current.alg, 'ES256');
    assert.deepEqual(keys.kids, [keys.current.kid, previousKid]);
    assert.deepEqual(keys.algorithms, ['ES256', 'EdDSA']);

    const token = await keys.sign({ sub: '42' }, { typ: 'test+jwt' });
    assert.deepEqual(decodeProtectedHeader(token), { alg: 'ES256', kid: keys.current.kid, typ: 'test+jwt' });
    assert.ok(keys.verificationKey({ kid: keys.current.kid, alg: 'ES256' }));
    assert.ok(keys.verificationKey({ kid: previousKid, alg: 'EdDSA' }));
  });

  it('has no verification key for an unknown kid, a missing kid, or a kid with another algorithm', async () => {
    const keys = await loadSigningKeys({ current: await generateSigningKey('EdDSA') });
    assert.equal(keys.verificationKey({ kid: 'unknown', alg: 'EdDSA' }), undefined);
    assert.equal(keys.verificationKey({ alg: 'EdDSA' }), undefined);
    assert.equal(keys.verificationKey({ kid: keys.current.kid, alg: 'ES256' }), undefined);
    assert.equal(keys.verificationKey({ kid: keys.current.kid, alg: 'HS256' }), undefined);
  });

  it('lists a key given both as current and previous once', async () => {
    const source = await generateSigningKey('EdDSA');
    const keys = await loadSigningKeys({ current: source, previous: [source, source] });
    assert.equal(keys.kids.length, 1);
    assert.equal(keys.jwks().keys.length, 1);
  });

  it('publishes public keys only: kid, alg, use: sig and the public members, never d', async () => {
    const ed = await generateSigningKey('EdDSA');
    const ec = await generateSigningKey('ES256');
    const pem = pkcs8Pem(generateKeyPairSync('ed25519').privateKey);
    const keys = await loadSigningKeys({ current: ec, previous: [ed, pem] });
    const jwks = keys.jwks();
    assert.equal(jwks.keys.length, 3);
    for (const key of jwks.keys) {
      assert.equal('d' in key, false);
      assert.equal(key.use, 'sig');
      assert.deepEqual(Object.keys(key).sort(), (key.kty === 'EC' ? ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'] : ['alg', 'crv', 'kid', 'kty', 'use', 'x']));
    }
    const text = JSON.stringify(jwks);
    for (const d of privateParts(ed, ec)) assert.ok(!text.includes(d));
  });

  it('returns a new JWKS on every call, so a caller cannot alter the published keys', async () => {
    const keys = await loadSigningKeys({ current: RFC8037_JWK });
    const first = keys.jwks();
    first.keys[0]!.x = 'tampered';
    first.keys.push({ ...first.keys[0]! });
    assert.deepEqual(keys.jwks().keys.map((key) => key.x), [RFC8037_X]);
  });

  it('does not reveal the private key when inspected or serialised', async () => {
    const source = await generateSigningKey('ES256');
    const [d] = privateParts(source);
    const keys = await loadSigningKeys({ current: source, previous: [RFC8037_JWK] });
    assert.ok(d);
    for (const text of [JSON.stringify(keys), inspect(keys, { depth: Infinity, showHidden: true, getters: true })]) {
      assert.ok(!text.includes(d));
      assert.ok(!text.includes(RFC8037_D));
    }
  });

  it('signs tokens that a sale backend verifies with jose and the JWKS alone', async () => {
    const keys = await loadSigningKeys({ current: await generateSigningKey('EdDSA'), previous: [await generateSigningKey('ES256')] });
    const token = await keys.sign({ sub: '42', aud: 'acme' }, { typ: 'test+jwt' });
    const served = JSON.parse(JSON.stringify(keys.jwks())) as ReturnType<typeof keys.jwks>;
    const { payload } = await jwtVerify(token, createLocalJWKSet(served), { audience: 'acme', algorithms: ['EdDSA', 'ES256'] });
    assert.equal(payload.sub, '42');
  });
});

describe('generateSigningKey', () => {
  it('refuses an algorithm other than EdDSA and ES256', async () => {
    await assert.rejects(generateSigningKey('RS256' as 'EdDSA'), TypeError);
  });

  it('makes a different key every time', async () => {
    const [a, b] = await Promise.all([generateSigningKey(), generateSigningKey()]);
    assert.notEqual(JSON.parse(a).kid, JSON.parse(b).kid);
    assert.equal(JSON.parse(a).alg, 'EdDSA');
  });
});

describe('loadSigningKeys refuses unusable keys, naming the problem but never the key', () => {
  const ed = generateKeyPairSync('ed25519');
  const edJwk = ed.privateKey.export({ format: 'jwk' });
  const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const p256Jwk = p256.privateKey.export({ format: 'jwk' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const secp256k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
  const x25519 = generateKeyPairSync('x25519');
  const ed448 = generateKeyPairSync('ed448');
  const otherEd = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
  const edPem = pkcs8Pem(ed.privateKey);

  const cases: { name: string; source: string; code: SigningKeyErrorCode; mentions: RegExp }[] = [
    { name: 'an RSA JWK', source: JSON.stringify(rsa.privateKey.export({ format: 'jwk' })), code: 'unsupported', mentions: /RSA/ },
    { name: 'an RSA PKCS#8 PEM', source: pkcs8Pem(rsa.privateKey), code: 'unsupported', mentions: /RSA/ },
    { name: 'an RSA PKCS#1 PEM', source: rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }) as string, code: 'unsupported', mentions: /RSA/ },
    { name: 'a P-384 JWK', source: JSON.stringify(p384.privateKey.export({ format: 'jwk' })), code: 'unsupported', mentions: /P-384/ },
    { name: 'a P-384 PEM', source: pkcs8Pem(p384.privateKey), code: 'unsupported', mentions: /secp384r1/ },
    { name: 'a secp256k1 PEM', source: pkcs8Pem(secp256k1.privateKey), code: 'unsupported', mentions: /secp256k1/ },
    { name: 'an X25519 JWK', source: JSON.stringify(x25519.privateKey.export({ format: 'jwk' })), code: 'unsupported', mentions: /X25519/ },
    { name: 'an Ed448 PEM', source: pkcs8Pem(ed448.privateKey), code: 'unsupported', mentions: /ed448/ },
    { name: 'a symmetric oct JWK', source: JSON.stringify({ kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA' }), code: 'unsupported', mentions: /symmetric/ },
    { name: 'a SEC1 EC PEM', source: p256.privateKey.export({ format: 'pem', type: 'sec1' }) as string, code: 'unsupported', mentions: /PKCS#8/ },
    {
      name: 'an encrypted PKCS#8 PEM',
      source: ed.privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'passphrase' }) as string,
      code: 'unsupported',
      mentions: /encrypted/,
    },
    { name: 'a public JWK', source: JSON.stringify(ed.publicKey.export({ format: 'jwk' })), code: 'not_private', mentions: /public/ },
    { name: 'a public SPKI PEM', source: ed.publicKey.export({ format: 'pem', type: 'spki' }) as string, code: 'not_private', mentions: /PUBLIC KEY/ },
    { name: 'a JWK Set', source: JSON.stringify({ keys: [edJwk] }), code: 'unreadable', mentions: /JWK Set/ },
    { name: 'JSON that does not parse', source: `{"kty":"OKP","d":"${edJwk.d}",`, code: 'unreadable', mentions: /JSON/ },
    { name: 'a JSON array', source: '[1]', code: 'unreadable', mentions: /object/ },
    { name: 'text that is neither JWK nor PEM', source: `d=${edJwk.d}`, code: 'unreadable', mentions: /neither/ },
    { name: 'an empty string', source: '  \n', code: 'unreadable', mentions: /empty/ },
    { name: 'a PEM with a damaged body', source: edPem.replace(/\n[A-Za-z0-9+/]{8}/, '\n!!!!!!!!'), code: 'unreadable', mentions: /PKCS#8/ },
    { name: 'a JWK whose alg is not its curve’s', source: JSON.stringify({ ...edJwk, alg: 'RS256' }), code: 'inconsistent', mentions: /RS256/ },
    { name: 'a JWK marked for encryption', source: JSON.stringify({ ...edJwk, use: 'enc' }), code: 'inconsistent', mentions: /use/ },
    { name: 'a JWK whose x belongs to another key', source: JSON.stringify({ ...edJwk, x: otherEd.x }), code: 'inconsistent', mentions: /"x"/ },
    { name: 'an EC JWK whose y is another key’s', source: JSON.stringify({ ...p256Jwk, y: p256Jwk.x }), code: 'unreadable', mentions: /P-256/ },
    { name: 'an EC JWK without y', source: JSON.stringify({ ...p256Jwk, y: undefined }), code: 'unreadable', mentions: /"y"/ },
    { name: 'a JWK with a short d', source: JSON.stringify({ ...edJwk, d: 'AAAA' }), code: 'unreadable', mentions: /32 bytes/ },
  ];

  for (const { name, source, code, mentions } of cases) {
    it(`refuses ${name}`, async () => {
      const error = await loadSigningKeys({ current: edPem, previous: [source] }).then(
        () => assert.fail('the key was accepted'),
        (thrown: unknown) => thrown,
      );
      assert.ok(error instanceof SigningKeyError, String(error));
      assert.equal(error.code, code);
      assert.equal(error.source, 'previous[0]');
      assert.match(error.message, /^signing key previous\[0\]: /);
      assert.match(error.message, mentions);
      assert.equal(error.cause, undefined);
      const shown = inspect(error) + JSON.stringify(error) + error.message;
      for (const secret of [edJwk.d, p256Jwk.d, pemBody(edPem), ...secretsIn(source)]) {
        assert.ok(secret && !shown.includes(secret), `the error shows key material of ${name}`);
      }
    });
  }

  it('names the current key when it is the one refused', async () => {
    await assert.rejects(loadSigningKeys({ current: 'nonsense' }), { name: 'SigningKeyError', source: 'current', code: 'unreadable' });
  });
});

/** The key material in a source: a JWK's private members, or a PEM's base64 lines. */
function secretsIn(source: string): string[] {
  if (source.startsWith('-----')) return source.split('\n').filter((line) => line.length >= 16 && !line.startsWith('-----'));
  const found = source.match(/"(d|p|q|dp|dq|qi|k)":"([^"]+)"/g) ?? [];
  return found.map((member) => member.split(':')[1]!.replaceAll('"', ''));
}
