/**
 * The challenges the proxy handed out, in the {@link SharedStore} so that any instance can check a proof:
 * each nonce is bound to the sale, the investor (provider user id), the site their token is bound to,
 * the address and the chain, and can be claimed once.
 *
 * Keys: `wallet:nonce:<sale>:<nonce>` holds the challenge (JSON); `wallet:nonce-used:<sale>:<nonce>` is
 * written with `onlyIfAbsent` by the one proof that uses it, so two instances verifying the same signed
 * message at once cannot both accept it.
 */
import type { SharedStore } from '../store/shared-store.js';
import { CHALLENGE_LIFETIME_MS, type SiweChallenge } from './siwe-challenge.js';

/** A stored challenge: what was asked, and of whom. */
export interface IssuedChallenge extends SiweChallenge {
  sale: string;
  /** The provider user id of the investor who asked. */
  userId: number;
  /** The site the investor's token is bound to (`uri` names it too). */
  origin: string;
}

/** The challenges of every sale. */
export interface WalletNonces {
  /** Keep a challenge until a little after it expires. */
  save(challenge: IssuedChallenge): Promise<void>;
  /** The challenge of `nonce`, while it is kept and not used. */
  find(sale: string, nonce: string): Promise<IssuedChallenge | undefined>;
  /** Use `nonce` up. @returns true for the one caller that claimed it, false when it was already used. */
  claim(sale: string, nonce: string): Promise<boolean>;
}

/**
 * Kept a minute beyond the message's expiry, so that a message signed just too late is answered
 * "expired" (it is known) rather than "unknown nonce".
 */
const KEPT_MS = CHALLENGE_LIFETIME_MS + 60_000;

function challengeKey(sale: string, nonce: string): string {
  return `wallet:nonce:${sale}:${nonce}`;
}

function usedKey(sale: string, nonce: string): string {
  return `wallet:nonce-used:${sale}:${nonce}`;
}

/** A stored challenge, or undefined when the text is not one. */
function parseChallenge(text: string): IssuedChallenge | undefined {
  try {
    const value = JSON.parse(text) as Partial<IssuedChallenge> | null;
    if (value === null || typeof value !== 'object') return undefined;
    const { sale, userId, origin, domain, address, statement, uri, chainId, nonce, issuedAt, expiresAt } = value;
    if (typeof sale !== 'string' || typeof userId !== 'number' || typeof origin !== 'string' || typeof domain !== 'string'
      || typeof address !== 'string' || typeof statement !== 'string' || typeof uri !== 'string' || typeof chainId !== 'number'
      || typeof nonce !== 'string' || typeof issuedAt !== 'string' || typeof expiresAt !== 'string') {
      return undefined;
    }
    return { sale, userId, origin, domain, address, statement, uri, chainId, nonce, issuedAt, expiresAt };
  } catch {
    return undefined;
  }
}

/** The challenges kept in `store`. */
export function walletNonces(store: SharedStore): WalletNonces {
  return {
    async save(challenge) {
      await store.set(challengeKey(challenge.sale, challenge.nonce), JSON.stringify(challenge), { ttlMs: KEPT_MS });
    },
    async find(sale, nonce) {
      const [text, used] = await Promise.all([store.get(challengeKey(sale, nonce)), store.get(usedKey(sale, nonce))]);
      if (text === undefined || used !== undefined) return undefined;
      return parseChallenge(text);
    },
    async claim(sale, nonce) {
      const claimed = await store.set(usedKey(sale, nonce), '1', { ttlMs: KEPT_MS, onlyIfAbsent: true });
      // The used mark is what makes a nonce single-use; dropping the challenge only frees the memory.
      if (claimed) await store.delete(challengeKey(sale, nonce));
      return claimed;
    },
  };
}
