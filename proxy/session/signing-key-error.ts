/**
 * The error `loadSigningKeys` throws for a key it cannot use. It names the key's place in the
 * configuration (`current`, `previous[1]`) and the problem, and never echoes the key material: the
 * message ends up in start-up logs.
 */

/** What is wrong with a configured signing key. */
export type SigningKeyErrorCode =
  /** Neither a JWK JSON object nor a PEM block, or one that does not parse. */
  | 'unreadable'
  /** A key type, curve or PEM kind this proxy does not sign with (RSA, P-384, X25519, SEC1 PEM, …). */
  | 'unsupported'
  /** A public key where a private one is needed. */
  | 'not_private'
  /** The JWK's public members (`x`, `y`) or `alg` do not belong to its private key. */
  | 'inconsistent';

/** A configured signing key that cannot be used. */
export class SigningKeyError extends Error {
  override readonly name = 'SigningKeyError';
  /** What is wrong. */
  readonly code: SigningKeyErrorCode;
  /** Where the key was configured: `current` or `previous[i]`. */
  readonly source: string;

  constructor(source: string, code: SigningKeyErrorCode, problem: string) {
    super(`signing key ${source}: ${problem}`);
    this.code = code;
    this.source = source;
  }
}
