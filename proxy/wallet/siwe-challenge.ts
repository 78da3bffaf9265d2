/**
 * The Sign-In with Ethereum (EIP-4361) message the proxy asks an investor's wallet to sign, built from
 * the investor's session: the domain and URI are those of the site the investor's token is bound to, the
 * statement names the sale and this KYC, and the nonce is single-use (`wallet-nonces.ts`).
 *
 * Built by hand rather than with viem's `createSiweMessage`: the text is fixed by the wallet contract
 * (issue 8), needs no library at challenge time (viem loads only when a proof is verified), and viem's
 * builder refuses some valid origins (single-label hosts, IPv6). `verify-wallet-proof.ts` rebuilds this
 * text from the stored challenge and requires the signed message to be exactly it.
 */
import { randomInt } from 'node:crypto';

/** How long a challenge may be signed and sent back. */
export const CHALLENGE_LIFETIME_MS = 10 * 60 * 1000;

/** Nonce length: EIP-4361 asks for at least 8 alphanumerics; 24 carry ~143 bits of randomness. */
const NONCE_LENGTH = 24;
const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** The shape of a nonce this proxy issues (checked before any store lookup). */
export const NONCE_PATTERN = /^[A-Za-z0-9]{24}$/;

/** What a challenge message says. */
export interface SiweChallenge {
  /** RFC 3986 authority: the host (with port) of the investor's site. */
  domain: string;
  /** The EIP-55 address being proven. */
  address: string;
  statement: string;
  /** The investor's site (its origin). */
  uri: string;
  chainId: number;
  nonce: string;
  /** ISO-8601 (UTC, milliseconds). */
  issuedAt: string;
  /** ISO-8601 (UTC, milliseconds). */
  expiresAt: string;
}

/** A fresh nonce from the operating system's CSPRNG (uniform over the alphabet: `randomInt` has no modulo bias). */
export function newSiweNonce(): string {
  let nonce = '';
  for (let i = 0; i < NONCE_LENGTH; i++) nonce += NONCE_ALPHABET.charAt(randomInt(NONCE_ALPHABET.length));
  return nonce;
}

/** The EIP-4361 `domain` of a site: its host with a non-default port (`sale.example`, `127.0.0.1:8080`). */
export function siweDomainOf(origin: string): string {
  return new URL(origin).host;
}

/**
 * The statement naming the sale. EIP-4361 statements are one line, so line breaks (and other control
 * characters) in a sale's name become spaces.
 */
export function challengeStatement(saleName: string): string {
  const name = saleName.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  return `I control this address and submit it for the KYC of the ${name} token sale.`;
}

/** The message text, exactly as the wallet signs it (EIP-4361, no trailing newline). */
export function siweChallengeMessage(challenge: SiweChallenge): string {
  return [
    `${challenge.domain} wants you to sign in with your Ethereum account:`,
    challenge.address,
    '',
    challenge.statement,
    '',
    `URI: ${challenge.uri}`,
    'Version: 1',
    `Chain ID: ${challenge.chainId}`,
    `Nonce: ${challenge.nonce}`,
    `Issued At: ${challenge.issuedAt}`,
    `Expiration Time: ${challenge.expiresAt}`,
  ].join('\n');
}
