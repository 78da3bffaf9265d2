/**
 * Reads one configured signing key: a private JWK (JSON text) or a PKCS#8 PEM. Ed25519 keys sign with
 * EdDSA, P-256 keys with ES256; everything else is refused with a `SigningKeyError` that says what to
 * do instead. Node's own key parser does the cryptographic checks (points on the curve, lengths); this
 * file decides what is accepted and words the refusals without ever quoting the key.
 */
import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { SigningKeyError } from './signing-key-error.js';
import type { SigningAlgorithm } from './signing-keys.js';

/** A readable signing key: its algorithm and its private and public JWKs (key members only). */
export interface ReadSigningKey {
  alg: SigningAlgorithm;
  /** `kty`, `crv`, `x`, (`y`,) `d`: nothing else, so no `ext` or `key_ops` from the source leaks in. */
  privateJwk: JsonWebKey;
  /** `kty`, `crv`, `x`, (`y`): the RFC 7638 thumbprint members. */
  publicJwk: JsonWebKey;
}

/** Both supported curves have 32-byte private scalars. */
const PRIVATE_KEY_BYTES = 32;

const RSA_REFUSAL = 'RSA keys are not supported; use an Ed25519 (EdDSA) or P-256 (ES256) key';

/**
 * Read one key source.
 * @param text a private JWK as JSON, or a PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`); a PEM whose line
 *   breaks arrive as literal `\n` (common in environment variables) is accepted too.
 * @param source where it was configured (`current`, `previous[0]`), for the error message.
 * @throws SigningKeyError when the key is unreadable or unsupported.
 */
export function readSigningKey(text: string, source: string): ReadSigningKey {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  if (trimmed === '') throw new SigningKeyError(source, 'unreadable', 'is empty');
  if (trimmed.startsWith('{')) return fromJwkText(trimmed, source);
  if (trimmed.startsWith('-----BEGIN ')) return fromPem(trimmed, source);
  throw new SigningKeyError(source, 'unreadable', 'is neither a JWK (a JSON object) nor a PEM block');
}

function fromJwkText(text: string, source: string): ReadSigningKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the input, which here is a private key.
    throw new SigningKeyError(source, 'unreadable', 'is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SigningKeyError(source, 'unreadable', 'is not a JSON object');
  }
  const jwk = parsed as Record<string, unknown>;
  if ('keys' in jwk) throw new SigningKeyError(source, 'unreadable', 'is a JWK Set; configure each private JWK on its own');
  const alg = algorithmOfJwk(jwk, source);
  if (jwk.d === undefined) throw new SigningKeyError(source, 'not_private', 'is a public JWK; the private JWK (with "d") is needed');
  for (const member of alg === 'ES256' ? ['d', 'x', 'y'] : ['d', 'x']) {
    if (typeof jwk[member] !== 'string') throw new SigningKeyError(source, 'unreadable', `has no string "${member}" member`);
  }
  if (Buffer.from(jwk.d as string, 'base64url').length !== PRIVATE_KEY_BYTES) {
    throw new SigningKeyError(source, 'unreadable', `has a "d" that is not ${PRIVATE_KEY_BYTES} bytes`);
  }
  if (jwk.alg !== undefined && jwk.alg !== alg) {
    throw new SigningKeyError(source, 'inconsistent', `says "alg": ${describe(jwk.alg)} but a ${jwk.crv} key signs with ${alg}`);
  }
  if (jwk.use !== undefined && jwk.use !== 'sig') {
    throw new SigningKeyError(source, 'inconsistent', `says "use": ${describe(jwk.use)}; a signing key must be "use": "sig" or have no "use"`);
  }

  const keyMembers: JsonWebKey = { kty: jwk.kty as string, crv: jwk.crv as string, x: jwk.x as string, d: jwk.d as string };
  if (alg === 'ES256') keyMembers.y = jwk.y as string;
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: keyMembers, format: 'jwk' });
  } catch {
    throw new SigningKeyError(source, 'unreadable', `is not a valid ${jwk.crv} private key`);
  }
  const read = fromKeyObject(privateKey, alg);
  // Node derives the public key from "d" alone for Ed25519; a JWK whose "x" belongs to another key would
  // publish a JWKS that cannot verify our own tokens.
  if (read.publicJwk.x !== jwk.x || (alg === 'ES256' && read.publicJwk.y !== jwk.y)) {
    throw new SigningKeyError(source, 'inconsistent', 'has public members ("x"/"y") that do not belong to its "d"');
  }
  return read;
}

/** The algorithm a JWK's key type and curve sign with, or a refusal naming the key type. */
function algorithmOfJwk(jwk: Record<string, unknown>, source: string): SigningAlgorithm {
  const { kty, crv } = jwk;
  if (kty === 'OKP' && crv === 'Ed25519') return 'EdDSA';
  if (kty === 'EC' && crv === 'P-256') return 'ES256';
  if (kty === 'RSA') throw new SigningKeyError(source, 'unsupported', RSA_REFUSAL);
  if (kty === 'oct') {
    throw new SigningKeyError(source, 'unsupported', 'is a symmetric ("oct") key; widget tokens need an Ed25519 (EdDSA) or P-256 (ES256) key pair so sales can verify them with the public key');
  }
  if (kty === 'OKP' || kty === 'EC') {
    throw new SigningKeyError(source, 'unsupported', `uses curve ${describe(crv)}; use Ed25519 (EdDSA) or P-256 (ES256)`);
  }
  throw new SigningKeyError(source, 'unsupported', `has key type ${describe(kty)}; use an Ed25519 (OKP) or P-256 (EC) key`);
}

function fromPem(text: string, source: string): ReadSigningKey {
  // Environment variables often carry a PEM on one line with literal "\n" escapes.
  const pem = text.includes('\n') ? text : text.replaceAll('\\n', '\n');
  const label = /^-----BEGIN ([A-Z0-9 ]{1,40})-----/.exec(pem)?.[1];
  switch (label) {
    case 'PRIVATE KEY':
      break;
    case 'ENCRYPTED PRIVATE KEY':
      throw new SigningKeyError(source, 'unsupported', 'is an encrypted PEM; keep it unencrypted in your secret store (openssl pkcs8 -topk8 -nocrypt)');
    case 'EC PRIVATE KEY':
      throw new SigningKeyError(source, 'unsupported', 'is a SEC1 "EC PRIVATE KEY" PEM; convert it to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in key.pem');
    case 'RSA PRIVATE KEY':
      throw new SigningKeyError(source, 'unsupported', RSA_REFUSAL);
    case 'PUBLIC KEY':
    case 'RSA PUBLIC KEY':
    case 'CERTIFICATE':
      throw new SigningKeyError(source, 'not_private', `is a "${label}" PEM; the private key (PKCS#8 "PRIVATE KEY") is needed`);
    case undefined:
      throw new SigningKeyError(source, 'unreadable', 'is not a readable PEM block');
    default:
      throw new SigningKeyError(source, 'unsupported', `is a "${label}" PEM; a PKCS#8 "PRIVATE KEY" PEM is needed`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new SigningKeyError(source, 'unreadable', 'is not a readable PKCS#8 PEM');
  }
  const type = privateKey.asymmetricKeyType;
  const curve = privateKey.asymmetricKeyDetails?.namedCurve;
  if (type === 'ed25519') return fromKeyObject(privateKey, 'EdDSA');
  if (type === 'ec' && curve === 'prime256v1') return fromKeyObject(privateKey, 'ES256');
  if (type === 'rsa' || type === 'rsa-pss') throw new SigningKeyError(source, 'unsupported', RSA_REFUSAL);
  if (type === 'ec') throw new SigningKeyError(source, 'unsupported', `uses curve ${describe(curve)}; use Ed25519 (EdDSA) or P-256 (ES256)`);
  throw new SigningKeyError(source, 'unsupported', `is a ${describe(type)} key; use Ed25519 (EdDSA) or P-256 (ES256)`);
}

function fromKeyObject(privateKey: KeyObject, alg: SigningAlgorithm): ReadSigningKey {
  // The public members come from Node's derivation from the private scalar, never from the source text.
  const derived = createPublicKey(privateKey).export({ format: 'jwk' });
  const publicJwk: JsonWebKey = { kty: derived.kty as string, crv: derived.crv as string, x: derived.x as string };
  if (alg === 'ES256') publicJwk.y = derived.y as string;
  const d = privateKey.export({ format: 'jwk' }).d as string;
  return { alg, privateJwk: { ...publicJwk, d }, publicJwk };
}

/** A configuration value quoted in a message only when it is a short identifier (never key material). */
function describe(value: unknown): string {
  return typeof value === 'string' && /^[A-Za-z0-9._-]{1,24}$/.test(value) ? `"${value}"` : 'an unsupported value';
}
