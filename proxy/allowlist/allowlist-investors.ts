/**
 * Who goes on a sale's allowlist, with what address and what proof: the approved and whitelisted cases
 * (`eligible-cases.ts`), each with the Ethereum address of its latest submission as the provider holds it
 * (`GET /users-kyc-detail`, which may differ from what was typed if a reviewer changed it) and the
 * investor's proof of owning that very address, if any (`proxy/wallet/wallet-proof-records.ts`).
 *
 * Nothing is merged or dropped silently: two investors on one address are reported as a duplicate, and an
 * eligible investor left out (no address, proof missing under `provenOnly`, case gone) is listed with why.
 * Only the address is read from the detail; names, documents and the rest never leave this module.
 */
import { isProviderRejection } from '../provider/provider-error.js';
import type { ProviderClient } from '../provider/provider-client.js';
import type { ProviderUserKyc, WhitelistStatus } from '../provider/provider-types.js';
import { checkEthereumAddress } from '../contract/eip55.js';
import type { WalletProofRecord, WalletProofRecords } from '../wallet/wallet-proof-records.js';
import { listEligibleCases, type EligibleCasesOptions } from './eligible-cases.js';

/** One investor on the allowlist. */
export interface AllowlistInvestor {
  /** The provider user id. */
  userId: number;
  /** The address of the latest submission, EIP-55 checksummed. */
  address: string;
  whitelistStatus: WhitelistStatus;
  /** When the latest submission was made (ISO-8601), from the provider. */
  submittedAt: string;
  /** The investor's proof of owning `address`, when they made one. */
  proof?: WalletProofRecord;
}

/** Why an approved, whitelisted investor is not on the list. */
export type SkipReason =
  /** The submission carries no Ethereum address (the sale does not collect it, or it was left empty). */
  | 'no_ethereum_address'
  /** The provider holds something that is not 40 hex digits, or mixed case failing its EIP-55 checksum. */
  | 'invalid_ethereum_address'
  /** `provenOnly` was asked and the investor never proved owning the address. */
  | 'unproven'
  /** The case disappeared between the list and the detail (e.g. the user was deleted meanwhile). */
  | 'case_gone';

/** Two or more investors whose submissions carry the same address. */
export interface DuplicateAddress {
  address: string;
  /** Every eligible investor with this address, ascending. */
  userIds: number[];
}

/** What {@link gatherAllowlistInvestors} found. */
export interface GatheredInvestors {
  /** The investors on the list, by ascending user id. */
  investors: AllowlistInvestor[];
  /** Addresses shared by several eligible investors (whether or not `provenOnly` left some out). */
  duplicates: DuplicateAddress[];
  /** Eligible investors left out, and why, by ascending user id. */
  skipped: { userId: number; reason: SkipReason }[];
}

/** Options of {@link gatherAllowlistInvestors}. */
export interface GatherOptions extends EligibleCasesOptions {
  /** The sale id (proof records are kept per sale). */
  sale: string;
  provider: ProviderClient;
  proofs: WalletProofRecords;
  /** List only investors who proved owning their address. Default false. */
  provenOnly?: boolean;
  /** How many detail calls run at once. Default 8: quick, without flooding the provider. */
  concurrency?: number;
}

type Candidate = { kind: 'listed'; investor: AllowlistInvestor } | { kind: 'skipped'; userId: number; reason: SkipReason };

/** `work` over `items` with at most `limit` running at once; results in the items' order. */
async function mapWithLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T);
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, () => worker()));
  return results;
}

/**
 * The proof that the investor owns `address`: the one kept with their submission when it is for this
 * address, else their latest proof of this address (a proof made after submitting, or before an earlier
 * submission, proves the same ownership).
 */
async function proofOf(proofs: WalletProofRecords, sale: string, userId: number, address: string): Promise<WalletProofRecord | undefined> {
  const wanted = address.toLowerCase();
  const submitted = await proofs.submittedProof(sale, userId);
  if (submitted !== undefined && submitted.address.toLowerCase() === wanted) return submitted;
  return proofs.provenProof(sale, userId, address);
}

async function candidateOf(options: GatherOptions, kyc: ProviderUserKyc): Promise<Candidate> {
  const userId = kyc.user_id;
  let detail;
  try {
    detail = await options.provider.getKycDetail(userId);
  } catch (error) {
    if (isProviderRejection(error, 404)) return { kind: 'skipped', userId, reason: 'case_gone' };
    throw error;
  }
  const raw = detail.ethereum_address;
  if (raw === undefined || raw === null || raw.trim() === '') return { kind: 'skipped', userId, reason: 'no_ethereum_address' };
  // The provider checks only the shape at submission (§2.4), so all-lowercase is common: checksum it here.
  // Mixed case that fails its checksum is refused, not corrected: it usually means a mistyped digit.
  const checked = checkEthereumAddress(raw);
  if (!checked.ok) return { kind: 'skipped', userId, reason: 'invalid_ethereum_address' };
  const address = checked.address;
  const proof = await proofOf(options.proofs, options.sale, userId, address);
  const investor: AllowlistInvestor = {
    userId,
    address,
    whitelistStatus: kyc.whitelist_status,
    submittedAt: new Date(detail.created_at * 1000).toISOString(),
    ...(proof !== undefined ? { proof } : {}),
  };
  return { kind: 'listed', investor };
}

/**
 * Gather the sale's allowlist investors from the provider and the proof records.
 * @throws ProviderError when the provider cannot answer; RedisStoreError when the store cannot.
 */
export async function gatherAllowlistInvestors(options: GatherOptions): Promise<GatheredInvestors> {
  const cases = await listEligibleCases(options.provider, options);
  const candidates = await mapWithLimit(cases, options.concurrency ?? 8, (kyc) => candidateOf(options, kyc));

  const byAddress = new Map<string, number[]>();
  for (const candidate of candidates) {
    if (candidate.kind !== 'listed') continue;
    const key = candidate.investor.address.toLowerCase();
    byAddress.set(key, [...(byAddress.get(key) ?? []), candidate.investor.userId]);
  }
  const duplicates: DuplicateAddress[] = [];
  for (const candidate of candidates) {
    if (candidate.kind !== 'listed') continue;
    const userIds = byAddress.get(candidate.investor.address.toLowerCase()) ?? [];
    // Reported once, at the first investor who has it.
    if (userIds.length > 1 && userIds[0] === candidate.investor.userId) duplicates.push({ address: candidate.investor.address, userIds });
  }

  const investors: AllowlistInvestor[] = [];
  const skipped: GatheredInvestors['skipped'] = [];
  for (const candidate of candidates) {
    if (candidate.kind === 'skipped') skipped.push({ userId: candidate.userId, reason: candidate.reason });
    else if (options.provenOnly === true && candidate.investor.proof === undefined) skipped.push({ userId: candidate.investor.userId, reason: 'unproven' });
    else investors.push(candidate.investor);
  }
  return { investors, duplicates, skipped };
}
