/**
 * Test support: widget tokens an attacker could craft, made with jose. Two kinds:
 * - forgeries without the proxy's private key: `alg: none`, HS256 keyed with the published public key,
 *   a key of the attacker's own (under the proxy's `kid`, another, none, or embedded as `jwk`/`jku`),
 *   a real token with its payload or signature changed;
 * - tokens signed with the proxy's real key (as if it leaked to the test only) that differ from a valid
 *   one in a single claim, so a refusal is down to that claim (expired, not yet valid, wrong audience…).
 */
import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { base64url, decodeJwt, importJWK, SignJWT, UnsecuredJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { WIDGET_TOKEN_TYPE } from '../../../proxy/session/widget-token.js';

/** A crafted token and what it tries. */
export interface CraftedToken {
  label: string;
  token: string;
}

/** The proxy's signing key, to craft tokens that differ from a valid one in one claim only. */
export interface RealSigningKey {
  key: CryptoKey;
  kid: string;
}

/** Import the proxy's current signing key (a private Ed25519 JWK, as the proxy's config holds it). */
export async function importSigningKey(privateJwkText: string, kid: string): Promise<RealSigningKey> {
  return { key: (await importJWK(JSON.parse(privateJwkText) as JWK, 'EdDSA')) as CryptoKey, kid };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The claims of `token`, made fresh (issued now, valid 10 minutes), with `changes` (`undefined` drops a claim). */
export function freshClaims(token: string, changes: JWTPayload = {}): JWTPayload {
  const now = nowSeconds();
  const payload: JWTPayload = { ...decodeJwt(token), iat: now, nbf: now, exp: now + 600, auth_time: now, jti: randomUUID(), ...changes };
  for (const [name, value] of Object.entries(changes)) if (value === undefined) delete payload[name];
  return payload;
}

/** Sign `payload` with the real key and the proxy's header, with `header` changes. */
export function signWithRealKey(real: RealSigningKey, payload: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', kid: real.kid, typ: WIDGET_TOKEN_TYPE, ...header }).sign(real.key);
}

/** A token whose signature no longer matches: one character of the signature changed. */
export function flipSignature(token: string): string {
  const [header, payload, signature = ''] = token.split('.');
  return `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
}

/**
 * Forgeries of a token like `victimToken` (a real token of the proxy) made without the private key.
 * `publicJwk` is the proxy's published key (`/.well-known/jwks.json`); `claimChanges` are payload
 * changes an attacker would like (another user, a later expiry, another sale); `jku` is a URL the
 * attacker controls (the proxy must not fetch it).
 */
export async function forgeriesWithoutTheKey(victimToken: string, publicJwk: JWK & { kid: string; x: string }, claimChanges: JWTPayload[], jku: string): Promise<CraftedToken[]> {
  const kid = publicJwk.kid;
  const claims = freshClaims(victimToken);
  const forged: CraftedToken[] = [];
  const add = (label: string, token: string) => forged.push({ label, token });

  // alg none: no signature, a junk one, and the proxy's kid and typ in the header.
  const unsecured = new UnsecuredJWT(claims).encode();
  add('alg none, no signature', unsecured);
  add('alg none, junk signature', `${unsecured}c2lnbmF0dXJl`);
  add('alg none with the proxy\'s kid', `${base64url.encode(JSON.stringify({ alg: 'none', kid, typ: WIDGET_TOKEN_TYPE }))}.${base64url.encode(JSON.stringify(claims))}.AAAA`);
  add('alg NONE (case)', `${base64url.encode(JSON.stringify({ alg: 'NONE', kid, typ: WIDGET_TOKEN_TYPE }))}.${base64url.encode(JSON.stringify(claims))}.AAAA`);

  // HS256 keyed with every form of the public key an attacker can get from the JWKS.
  const pem = createPublicKey({ key: publicJwk as never, format: 'jwk' }).export({ format: 'pem', type: 'spki' }) as string;
  const der = createPublicKey({ key: publicJwk as never, format: 'jwk' }).export({ format: 'der', type: 'spki' });
  const secrets: [string, Uint8Array][] = [
    ['raw x', base64url.decode(publicJwk.x)],
    ['x text', new TextEncoder().encode(publicJwk.x)],
    ['JWK JSON', new TextEncoder().encode(JSON.stringify(publicJwk))],
    ['PEM', new TextEncoder().encode(pem)],
    ['DER', new Uint8Array(der)],
  ];
  for (const [what, secret] of secrets) {
    for (const alg of ['HS256', 'HS512']) {
      add(`${alg} keyed with the public key (${what})`, await new SignJWT(claims).setProtectedHeader({ alg, kid, typ: WIDGET_TOKEN_TYPE }).sign(secret));
    }
  }

  // The attacker's own keys, presented every way a verifier might be tricked into trusting them.
  const ed = generateKeyPairSync('ed25519');
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const edPublic = ed.publicKey.export({ format: 'jwk' }) as JWK;
  for (const [label, header] of [
    ['own Ed25519 key under the proxy\'s kid', { kid }],
    ['own Ed25519 key under another kid', { kid: 'attacker' }],
    ['own Ed25519 key, no kid', { kid: undefined }],
    ['own Ed25519 key embedded as jwk', { kid: undefined, jwk: edPublic }],
    ['own Ed25519 key named by jku', { kid: 'attacker', jku }],
    ['own Ed25519 key named by x5u', { kid: 'attacker', x5u: jku }],
    ['kid path traversal', { kid: '../../../../dev/null' }],
  ] as const) {
    add(label, await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: WIDGET_TOKEN_TYPE, ...header }).sign(ed.privateKey));
  }
  add('own ES256 key under the proxy\'s kid', await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid, typ: WIDGET_TOKEN_TYPE }).sign(ec.privateKey));

  // A real token with its payload changed (the signature kept), or its signature changed or dropped.
  const [header, payload, signature] = victimToken.split('.') as [string, string, string];
  const realClaims = decodeJwt(victimToken);
  for (const change of claimChanges) {
    add(`payload changed (${Object.keys(change).join(', ')})`, `${header}.${base64url.encode(JSON.stringify({ ...realClaims, ...change }))}.${signature}`);
  }
  add('payload re-encoded with padding', `${header}.${payload}==.${signature}`);
  add('signature flipped', flipSignature(victimToken));
  add('signature dropped', `${header}.${payload}.`);
  add('signature of another token', `${header}.${payload}.${base64url.encode(new Uint8Array(64))}`);
  return forged;
}
