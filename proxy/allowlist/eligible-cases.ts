/**
 * The sale's KYC cases that belong on its allowlist: approved and whitelisted. Read from the provider's
 * case list (`GET /users-kyc`, upstream §2.5), page by page, filtered there on the parts the provider
 * derives approval from (admin qualified, AML cleared or approved) and on whitelisting done, then checked
 * again here with the proxy's own status mapping, so a provider that ignored a filter (unknown filter
 * keys are silently ignored, §2.3) cannot put a pending or denied case on the list.
 */
import type { ProviderClient } from '../provider/provider-client.js';
import type { KycFilters, ProviderUserKyc } from '../provider/provider-types.js';
import { investorStatus } from '../status/investor-status.js';

/** The provider's largest page (§2.3: `limit` 1..100). */
export const MAX_PAGE_SIZE = 100;

/** Filters that select approved, whitelisted cases at the provider. */
const ELIGIBLE_FILTERS: KycFilters = { admin_status: 'qualified', aml_status: 'cleared:approved', whitelist_status: 'done' };

/** Options of {@link listEligibleCases}. */
export interface EligibleCasesOptions {
  /** Cases per provider page, 1..100. Default 100 (fewest calls). */
  pageSize?: number;
  /** Stop after this many pages: a provider that kept announcing a next page must not loop forever. Default 10 000. */
  maxPages?: number;
}

/** Whether the proxy's status mapping calls this case approved with its whitelisting done. */
export function isEligibleCase(kyc: ProviderUserKyc): boolean {
  const status = investorStatus(kyc);
  return status.state === 'approved' && status.whitelist === 'done';
}

/**
 * Every approved and whitelisted case of the provider account, each user once, by ascending user id.
 * Pages are read oldest submission first (`order: asc`), so cases submitted while paging land after the
 * pages already read instead of shifting them.
 * @throws ProviderError when a page cannot be read (nothing partial is returned).
 */
export async function listEligibleCases(provider: ProviderClient, options: EligibleCasesOptions = {}): Promise<ProviderUserKyc[]> {
  const pageSize = options.pageSize ?? MAX_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) throw new RangeError(`pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}.`);
  const maxPages = options.maxPages ?? 10_000;
  const byUser = new Map<number, ProviderUserKyc>();
  let pageNumber: number | undefined = 1;
  for (let pagesRead = 0; pageNumber !== undefined; pagesRead += 1) {
    if (pagesRead >= maxPages) throw new RangeError(`The provider's case list did not end within ${maxPages} pages.`);
    const page = await provider.listKyc({ filters: ELIGIBLE_FILTERS, page_number: pageNumber, limit: pageSize, order: 'asc' });
    // A case re-submitted while paging may show up twice: the later read is the fresher one.
    for (const kyc of page.users_kyc) if (isEligibleCase(kyc)) byUser.set(kyc.user_id, kyc);
    const next = page.meta.next_page_payload?.page_number;
    // `next_page_payload` is absent on the last page (§2.3); an empty page ends it too.
    pageNumber = page.users_kyc.length === 0 || next === undefined || next <= pageNumber ? undefined : next;
  }
  return [...byUser.values()].sort((a, b) => a.user_id - b.user_id);
}
