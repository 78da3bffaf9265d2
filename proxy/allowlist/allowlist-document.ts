/**
 * The allowlist export as a document: who is on the list, with which address, whether and how they proved
 * owning it (with the signed Sign-In with Ethereum message and its signature, for an auditor), and the
 * Merkle root and per-address proofs for an allowlist contract. Also what was left out and why, and
 * addresses shared by several investors. No names or emails: the provider user id identifies an investor
 * to the sale, which can look them up at the provider.
 */
import type { WhitelistStatus } from '../provider/provider-types.js';
import type { GatheredInvestors, SkipReason } from './allowlist-investors.js';
import { allowlistMerkle, LEAF_ENCODING, MERKLE_FORMAT } from './allowlist-merkle.js';

/** One investor of the export. */
export interface AllowlistEntry {
  /** The provider user id (as the proxy's API spells it: a decimal string). */
  userId: string;
  /** EIP-55 checksummed. */
  address: string;
  /** Whether the investor proved owning `address` by signing with it. */
  proven: boolean;
  /** How the signature was checked: a plain account (`eip191`) or a smart-contract wallet (`eip1271`). */
  proofMethod?: 'eip191' | 'eip1271';
  /** When the proxy verified the proof (ISO-8601). */
  provenAt?: string;
  /** The EIP-4361 message the investor's wallet signed, exactly as signed. */
  siweMessage?: string;
  /** Its signature (`0x` hex). */
  siweSignature?: string;
  whitelistStatus: WhitelistStatus;
  /** When the investor's latest KYC submission was made (ISO-8601). */
  submittedAt: string;
  /** The address's proof in the tree (`0x` hex nodes, possibly none for a one-address list). */
  merkleProof: string[];
}

/** The whole export. */
export interface AllowlistDocument {
  sale: string;
  /** When the export was made (ISO-8601). */
  generatedAt: string;
  /** Whether only investors with a proven address were listed. */
  provenOnly: boolean;
  merkle: {
    format: typeof MERKLE_FORMAT;
    leafEncoding: typeof LEAF_ENCODING;
    /** `null` when the list is empty. */
    root: string | null;
    /** Distinct addresses in the tree. */
    leaves: number;
  };
  /** By ascending user id. */
  investors: AllowlistEntry[];
  /** Addresses submitted by several approved investors: decide before deploying the root. */
  duplicates: { address: string; userIds: string[] }[];
  /** Approved, whitelisted investors not listed, and why. */
  skipped: { userId: string; reason: SkipReason }[];
}

/** Build the document from what was gathered; the tree covers exactly the listed investors' addresses. */
export function allowlistDocument(gathered: GatheredInvestors, options: { sale: string; generatedAt: Date; provenOnly: boolean }): AllowlistDocument {
  const merkle = allowlistMerkle(gathered.investors.map((investor) => investor.address));
  return {
    sale: options.sale,
    generatedAt: options.generatedAt.toISOString(),
    provenOnly: options.provenOnly,
    merkle: { format: MERKLE_FORMAT, leafEncoding: LEAF_ENCODING, root: merkle.root, leaves: merkle.leaves },
    investors: gathered.investors.map((investor) => ({
      userId: String(investor.userId),
      address: investor.address,
      proven: investor.proof !== undefined,
      ...(investor.proof !== undefined
        ? { proofMethod: investor.proof.method, provenAt: investor.proof.provenAt, siweMessage: investor.proof.message, siweSignature: investor.proof.signature }
        : {}),
      whitelistStatus: investor.whitelistStatus,
      submittedAt: investor.submittedAt,
      merkleProof: merkle.proofOf(investor.address),
    })),
    duplicates: gathered.duplicates.map(({ address, userIds }) => ({ address, userIds: userIds.map(String) })),
    skipped: gathered.skipped.map(({ userId, reason }) => ({ userId: String(userId), reason })),
  };
}
