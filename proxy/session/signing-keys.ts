/**
 * The proxy's widget-token signing keys: one current key that signs, and the previous keys that still
 * verify, so a key can be rotated without logging anyone out.
 *
 * Rotation: generate a new key, deploy it as `current` with the old one in `previous`, and remove the
 * old one after one token lifetime (at most 15 minutes), when every token it signed has expired.
 *
 * Each key's `kid` is its RFC 7638 JWK thumbprint, so it names the key itself and two proxies loaded
 * with the same key agree on it. The private keys are imported as non-extractable CryptoKeys and kept
 * inside the set's closure: nothing the set returns carries them.
 */
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { readSigningKey } from './read-signing-key.js';

/** The JWS algorithms a widget token may be signed with. */
export type SigningAlgorithm = 'EdDSA' | 'ES256';

/** A public key as published at `/.well-known/jwks.json`. */
export interface PublicSigningJwk extends JWK {
  kty: 'OKP' | 'EC';
  crv: 'Ed25519' | 'P-256';
  x: string;
  /** Only for P-256. */
  y?: string;
  kid: string;
  alg: SigningAlgorithm;
  use: 'sig';
}

/** Where the configured keys come from: each a private JWK (JSON text) or a PKCS#8 PEM. */
export interface SigningKeySources {
  /** The key that signs new tokens. */
  current: string;
  /** Keys that only verify: the keys rotated out less than one token lifetime ago. */
  previous?: string[];
}

/** The loaded keys. */
export interface SigningKeySet {
  /** The key that signs new tokens. */
  readonly current: { readonly kid: string; readonly alg: SigningAlgorithm };
  /** Every key's `kid`, the current one first. */
  readonly kids: readonly string[];
  /** The algorithms of the keys in the set: the only `alg` values a token may carry. */
  readonly algorithms: readonly SigningAlgorithm[];
  /**
   * Sign `claims` as a compact JWT with the current key; the protected header is `alg`, `kid` and `typ`.
   */
  sign(claims: JWTPayload, header: { typ: string }): Promise<string>;
  /**
   * The public key for a token's protected header: the key named by `kid`, provided `alg` is that key's
   * algorithm; `undefined` otherwise.
   */
  verificationKey(header: { kid?: string | undefined; alg?: string | undefined }): CryptoKey | undefined;
  /** The public keys as a JWK Set, for `/.well-known/jwks.json`. A new object on every call. */
  jwks(): { keys: PublicSigningJwk[] };
}

interface LoadedKey {
  kid: string;
  alg: SigningAlgorithm;
  publicJwk: PublicSigningJwk;
  publicKey: CryptoKey;
}

/**
 * Load the signing keys.
 * @example
 * const keys = await loadSigningKeys({ current: process.env.TOKEN_KEY!, previous: [oldKey] });
 * A `kid` member in a JWK source is ignored: the `kid` is always the key's thumbprint.
 * @throws SigningKeyError naming the key (`current`, `previous[i]`) and the problem, never the key.
 */
export async function loadSigningKeys(sources: SigningKeySources): Promise<SigningKeySet> {
  const currentRead = readSigningKey(sources.current, 'current');
  const previousRead = (sources.previous ?? []).map((text, index) => readSigningKey(text, `previous[${index}]`));

  const loaded: LoadedKey[] = [];
  for (const read of [currentRead, ...previousRead]) {
    const kid = await calculateJwkThumbprint(read.publicJwk as JWK, 'sha256');
    // The same key listed twice (say, as current and previous during a hurried rotation) is harmless.
    if (loaded.some((key) => key.kid === kid)) continue;
    const publicJwk = { ...read.publicJwk, kid, alg: read.alg, use: 'sig' } as PublicSigningJwk;
    const publicKey = (await importJWK(read.publicJwk as JWK, read.alg)) as CryptoKey;
    loaded.push({ kid, alg: read.alg, publicJwk, publicKey });
  }
  const signer = loaded[0] as LoadedKey;
  const privateKey = (await importJWK(currentRead.privateJwk as JWK, signer.alg, { extractable: false })) as CryptoKey;

  return Object.freeze({
    current: Object.freeze({ kid: signer.kid, alg: signer.alg }),
    kids: Object.freeze(loaded.map((key) => key.kid)),
    algorithms: Object.freeze([...new Set(loaded.map((key) => key.alg))]),
    sign: (claims: JWTPayload, header: { typ: string }) =>
      new SignJWT(claims).setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: header.typ }).sign(privateKey),
    verificationKey: (header: { kid?: string | undefined; alg?: string | undefined }) => {
      const key = loaded.find((candidate) => candidate.kid === header.kid);
      return key !== undefined && key.alg === header.alg ? key.publicKey : undefined;
    },
    jwks: () => ({ keys: loaded.map((key) => ({ ...key.publicJwk })) }),
  });
}

/**
 * A new private signing key as JWK JSON text (with its `kid` and `alg`), for the first start of a dev or
 * demo proxy. Production keys belong in a secret store; see README.
 * @param alg `EdDSA` (an Ed25519 key, the default) or `ES256` (a P-256 key).
 */
export async function generateSigningKey(alg: SigningAlgorithm = 'EdDSA'): Promise<string> {
  if (alg !== 'EdDSA' && alg !== 'ES256') throw new TypeError('generateSigningKey: alg must be "EdDSA" or "ES256"');
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const { ext: _ext, key_ops: _keyOps, ...jwk } = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  return JSON.stringify({ ...jwk, kid, alg, use: 'sig' });
}
