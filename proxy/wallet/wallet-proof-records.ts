/**
 * Proofs of wallet ownership, kept in the {@link SharedStore} (Redis when configured, so they survive a
 * proxy restart and every instance sees them): what the investor proved (`saveProven`, after a verified
 * signature) and which proof went with their KYC submission (`recordSubmitted`), so that the sale can
 * show an auditor the signed message and its signature.
 *
 * Layout (keys namespaced by sale and provider user id):
 * - `wallet:proven:<sale>:<userId>`: a list of records (JSON), newest last, appended atomically with
 *   `pushRecent` so two proofs made at once on two instances are both kept; at most
 *   {@link MAX_PROOFS_PER_INVESTOR} are kept.
 * - `wallet:submitted:<sale>:<userId>`: the record of the proof that went with the latest submission.
 */
import type { SharedStore } from '../store/shared-store.js';

/** One proof of ownership of an address by an investor of a sale. */
export interface WalletProofRecord {
  sale: string;
  /** The provider user id (the proxy's `InvestorSession.userId`). */
  userId: number;
  /** The proven address, EIP-55 checksummed. */
  address: string;
  /** The EIP-4361 message the wallet signed, exactly as signed. */
  message: string;
  /** The signature, `0x` hex, as the wallet returned it. */
  signature: string;
  /** `eip191`: a plain account's `personal_sign`; `eip1271`: a smart-contract wallet's `isValidSignature`. */
  method: 'eip191' | 'eip1271';
  /** When the proxy verified it (ISO-8601). */
  provenAt: string;
  /** When it went with a successful KYC submission (ISO-8601); only on the submitted record. */
  submittedAt?: string;
}

/** The proof records of every sale. */
export interface WalletProofRecords {
  /** Keep a verified proof (a later proof of the same address replaces the earlier in `provenFor`). */
  saveProven(record: WalletProofRecord): Promise<void>;
  /** The investor's proven addresses, one record per address (its latest proof), oldest first. */
  provenFor(sale: string, userId: number): Promise<WalletProofRecord[]>;
  /** The investor's latest proof of `address` (in any case), if they proved it. */
  provenProof(sale: string, userId: number, address: string): Promise<WalletProofRecord | undefined>;
  /**
   * Keep `proof` (from {@link provenProof}) as the one that went with the investor's submission.
   * @returns the submitted record, or `undefined` when the submission went without a proof; then an
   *   earlier submission's record is removed, since it no longer describes the latest submission.
   */
  recordSubmitted(sale: string, userId: number, proof: WalletProofRecord | undefined, submittedAt: string): Promise<WalletProofRecord | undefined>;
  /** The proof recorded with the investor's latest submission, if any. */
  submittedProof(sale: string, userId: number): Promise<WalletProofRecord | undefined>;
}

/** How many proofs an investor keeps (older ones drop out); an investor rarely proves more than one or two. */
export const MAX_PROOFS_PER_INVESTOR = 20;

/** The records are evidence for an auditor: kept for ten years (the store needs some TTL). */
const RECORD_TTL_MS = 10 * 365 * 24 * 60 * 60 * 1000;

function provenKey(sale: string, userId: number): string {
  return `wallet:proven:${sale}:${userId}`;
}

function submittedKey(sale: string, userId: number): string {
  return `wallet:submitted:${sale}:${userId}`;
}

/** A stored record, or `undefined` when the text is not one (never trust the store blindly). */
function parseRecord(text: string): WalletProofRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<WalletProofRecord> | null;
    if (value === null || typeof value !== 'object') return undefined;
    const { sale, userId, address, message, signature, method, provenAt, submittedAt } = value;
    if (typeof sale !== 'string' || typeof userId !== 'number' || typeof address !== 'string' || typeof message !== 'string'
      || typeof signature !== 'string' || (method !== 'eip191' && method !== 'eip1271') || typeof provenAt !== 'string') {
      return undefined;
    }
    return { sale, userId, address, message, signature, method, provenAt, ...(typeof submittedAt === 'string' && { submittedAt }) };
  } catch {
    return undefined;
  }
}

/** The proof records kept in `store`. */
export function walletProofRecords(store: SharedStore): WalletProofRecords {
  async function provenFor(sale: string, userId: number): Promise<WalletProofRecord[]> {
    const latest = new Map<string, WalletProofRecord>();
    for (const text of await store.recent(provenKey(sale, userId))) {
      const record = parseRecord(text);
      if (record === undefined) continue;
      // Delete first so that a re-proven address moves to its newest position.
      latest.delete(record.address.toLowerCase());
      latest.set(record.address.toLowerCase(), record);
    }
    return [...latest.values()];
  }

  return {
    async saveProven(record) {
      const { submittedAt: _dropped, ...proven } = record;
      await store.pushRecent(provenKey(record.sale, record.userId), JSON.stringify(proven), { max: MAX_PROOFS_PER_INVESTOR, ttlMs: RECORD_TTL_MS });
    },
    provenFor,
    async provenProof(sale, userId, address) {
      const wanted = address.toLowerCase();
      return (await provenFor(sale, userId)).find((record) => record.address.toLowerCase() === wanted);
    },
    async recordSubmitted(sale, userId, proof, submittedAt) {
      if (proof === undefined) {
        await store.delete(submittedKey(sale, userId));
        return undefined;
      }
      const submitted: WalletProofRecord = { ...proof, submittedAt };
      await store.set(submittedKey(sale, userId), JSON.stringify(submitted), { ttlMs: RECORD_TTL_MS });
      return submitted;
    },
    async submittedProof(sale, userId) {
      const text = await store.get(submittedKey(sale, userId));
      return text === undefined ? undefined : parseRecord(text);
    },
  };
}
