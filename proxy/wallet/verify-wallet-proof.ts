/**
 * Verify a proof of wallet ownership: a signed Sign-In with Ethereum message sent back by the widget.
 *
 * 1. The message is parsed (viem's `parseSiweMessage`, which only splits the text: every field is
 *    checked here) and its nonce must be one this proxy issued to this investor on this site, unused.
 * 2. Field by field against that challenge: domain and URI (the investor's site), version 1, chain id,
 *    address, expiry and not-before; then the whole text must be exactly the challenge the proxy built,
 *    so no line was added, dropped or changed.
 * 3. The signature: EIP-191 `personal_sign` recovery (secp256k1) for a plain account; when that does
 *    not give the address and the sale has an RPC endpoint, EIP-1271 on the address (a contract wallet).
 * 4. The nonce is claimed atomically: of two requests with the same proof (two instances), one wins.
 *
 * Each refusal is a {@link WalletProofRefusal} naming the body field (`message` or `signature`) and a
 * stable code. viem is imported on first use, so a proxy whose investors never prove a wallet never
 * loads it.
 */
import { checkEip1271Signature } from './eip1271.js';
import { personalMessageHash, recoverPersonalSigner } from './eip191.js';
import { NONCE_PATTERN, siweChallengeMessage, siweDomainOf } from './siwe-challenge.js';
import type { IssuedChallenge, WalletNonces } from './wallet-nonces.js';

/** Why a proof is refused. */
export type ProofRefusalCode =
  | 'proof_malformed'
  | 'proof_nonce_unknown'
  | 'proof_domain'
  | 'proof_uri'
  | 'proof_chain'
  | 'proof_expired'
  | 'proof_not_yet_valid'
  | 'proof_address'
  | 'proof_signature';

/** A refused proof: the code, the body field it is about, and a sentence for the investor. */
export class WalletProofRefusal extends Error {
  override name = 'WalletProofRefusal';
  readonly code: ProofRefusalCode;
  readonly field: 'message' | 'signature';

  constructor(code: ProofRefusalCode, field: 'message' | 'signature', message: string) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

/** A proof as received, and who sent it. */
export interface ProofToVerify {
  sale: { id: string; chainId: number; rpcUrl?: string | undefined };
  /** The investor's provider user id and the site their token is bound to. */
  userId: number;
  origin: string;
  /** The body's `message` and `signature`, unchecked. */
  message: unknown;
  signature: unknown;
  /** The proxy's clock, in ms. */
  now: number;
}

/** A verified proof. */
export interface VerifiedProof {
  /** The proven address, EIP-55. */
  address: string;
  method: 'eip191' | 'eip1271';
  /** The message as signed. */
  message: string;
  signature: string;
  challenge: IssuedChallenge;
}

/** Longest message accepted: ours are ~450 characters; a long sale name adds to the statement. */
const MAX_MESSAGE_LENGTH = 4000;
/** Longest signature accepted (hex digits): contract wallets (multisigs) may send several signatures. */
const MAX_SIGNATURE_HEX = 8192;
/** How far a message's issue time may be ahead of this instance's clock (instances' clocks differ a little). */
const CLOCK_SKEW_MS = 60_000;

function refuse(code: ProofRefusalCode, field: 'message' | 'signature', message: string): never {
  throw new WalletProofRefusal(code, field, message);
}

/** The message as sent (never trimmed: the signature covers every character). */
function messageText(value: unknown): string {
  if (typeof value !== 'string' || value === '') refuse('proof_malformed', 'message', 'The signed message is missing.');
  if (value.length > MAX_MESSAGE_LENGTH) refuse('proof_malformed', 'message', 'The signed message is too long to be one of ours.');
  return value;
}

function signatureHex(value: unknown): `0x${string}` {
  if (typeof value !== 'string' || value === '') refuse('proof_malformed', 'signature', 'The signature is missing.');
  if (!/^0x(?:[0-9a-fA-F]{2})+$/.test(value) || value.length > MAX_SIGNATURE_HEX + 2) {
    refuse('proof_malformed', 'signature', 'The signature must be 0x followed by hexadecimal bytes, as the wallet returns it.');
  }
  return value as `0x${string}`;
}

/** A date field of the message, in ms; a malformed one is refused. */
function dateOf(value: Date | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const time = value.getTime();
  if (Number.isNaN(time)) refuse('proof_malformed', 'message', `The message's ${name} is not an RFC 3339 date.`);
  return time;
}

/** The fields of a Sign-In with Ethereum message, read and checked for form (not yet for meaning). */
export interface SiweFields {
  domain: string;
  address: string;
  statement?: string;
  uri: string;
  version: string;
  chainId: number;
  nonce: string;
  /** ms since the epoch. */
  issuedAt: number;
  expiresAt?: number;
  notBefore?: number;
  requestId?: string;
  resources?: string[];
}

/**
 * Read an EIP-4361 message's fields. viem's `parseSiweMessage` splits the text; this checks that every
 * mandatory field is there and every date is a date.
 * @throws {WalletProofRefusal} `proof_malformed` on `message` otherwise.
 */
export async function readSiweFields(message: string): Promise<SiweFields> {
  const { parseSiweMessage } = await import('viem/siwe');
  const fields = parseSiweMessage(message);
  const { domain, address, statement, uri, version, chainId, nonce, requestId, resources } = fields;
  if (domain === undefined || domain === '' || address === undefined || uri === undefined || version === undefined
    || chainId === undefined || nonce === undefined || fields.issuedAt === undefined) {
    refuse('proof_malformed', 'message', 'This is not a Sign-In with Ethereum message.');
  }
  const expiresAt = dateOf(fields.expirationTime, 'expiry time');
  const notBefore = dateOf(fields.notBefore, 'start time');
  return {
    domain,
    address,
    ...(statement === undefined ? {} : { statement }),
    uri,
    version,
    chainId,
    nonce,
    issuedAt: dateOf(fields.issuedAt, 'issue time') as number,
    ...(expiresAt === undefined ? {} : { expiresAt }),
    ...(notBefore === undefined ? {} : { notBefore }),
    ...(requestId === undefined ? {} : { requestId }),
    ...(resources === undefined ? {} : { resources }),
  };
}

/**
 * Check `proof` and claim its nonce.
 * @throws {WalletProofRefusal} when the proof is refused.
 * @throws {import('./eip1271.js').WalletRpcError} when a contract wallet could not be checked.
 */
export async function verifyWalletProof(proof: ProofToVerify, nonces: WalletNonces): Promise<VerifiedProof> {
  const message = messageText(proof.message);
  const signature = signatureHex(proof.signature);
  const { domain, address, uri, version, chainId, nonce, issuedAt, expiresAt, notBefore } = await readSiweFields(message);

  const unknownNonce = 'This signature request is unknown, was already used or has expired. Please ask your wallet to sign again.';
  if (!NONCE_PATTERN.test(nonce)) refuse('proof_nonce_unknown', 'message', unknownNonce);
  const challenge = await nonces.find(proof.sale.id, nonce);
  // Another investor's or another site's nonce is as unknown as a made-up one: nothing is confirmed.
  if (challenge === undefined || challenge.userId !== proof.userId || challenge.origin !== proof.origin) {
    refuse('proof_nonce_unknown', 'message', unknownNonce);
  }

  if (domain !== siweDomainOf(proof.origin)) refuse('proof_domain', 'message', 'The message was made for another website.');
  if (uri !== proof.origin) refuse('proof_uri', 'message', 'The message names another website address.');
  if (version !== '1') refuse('proof_malformed', 'message', 'The message has an unknown version.');
  if (chainId !== challenge.chainId || chainId !== proof.sale.chainId) {
    refuse('proof_chain', 'message', 'The message names another network than the sale\'s.');
  }
  if (address.toLowerCase() !== challenge.address.toLowerCase()) {
    refuse('proof_address', 'message', 'The message names another address than the one being proven.');
  }

  if (proof.now >= Date.parse(challenge.expiresAt) || (expiresAt !== undefined && proof.now >= expiresAt)) {
    refuse('proof_expired', 'message', 'The message has expired. Please ask your wallet to sign again.');
  }
  if ((notBefore !== undefined && proof.now < notBefore) || issuedAt > proof.now + CLOCK_SKEW_MS) {
    refuse('proof_not_yet_valid', 'message', 'The message is not valid yet.');
  }
  if (message !== siweChallengeMessage(challenge)) {
    refuse('proof_malformed', 'message', 'The message differs from the one this site asked to sign.');
  }

  const method = await signatureMethod(proof, message, signature, challenge.address as `0x${string}`);
  if (method === undefined) refuse('proof_signature', 'signature', 'The signature does not match the address.');
  if (!(await nonces.claim(proof.sale.id, nonce))) refuse('proof_nonce_unknown', 'message', unknownNonce);
  return { address: challenge.address, method, message, signature, challenge };
}

/** How `signature` proves `address` signed `message`, or undefined when it does not. */
async function signatureMethod(proof: ProofToVerify, message: string, signature: `0x${string}`, address: `0x${string}`): Promise<VerifiedProof['method'] | undefined> {
  const signer = await recoverPersonalSigner(message, signature);
  if (signer !== undefined && signer.toLowerCase() === address.toLowerCase()) return 'eip191';
  if (proof.sale.rpcUrl === undefined) return undefined;
  const hash = await personalMessageHash(message);
  const valid = await checkEip1271Signature({ rpcUrl: proof.sale.rpcUrl, chainId: proof.sale.chainId, address, hash, signature });
  return valid ? 'eip1271' : undefined;
}
