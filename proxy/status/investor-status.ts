/**
 * The provider's KYC case (upstream §2.5 `user_kyc`) in the plain terms the widget shows an investor.
 *
 * The provider derives `kyc_status` (approved ⇔ AML cleared/approved and admin qualified; denied ⇔ AML
 * rejected or admin denied; else pending). A pending case whose reviewer reported issues needs the
 * investor to act (fix data or replace a document and resubmit); that is worth its own state.
 */

/** Why a reviewer sent the case back. */
export type IssueReason = 'data_mismatch' | 'document_issue' | 'other_issue';

/** What the investor sees. */
export type InvestorState = 'not_submitted' | 'pending' | 'needs_action' | 'approved' | 'denied';

/** The status the widget receives. */
export interface InvestorStatus {
  state: InvestorState;
  /** The reviewer's reasons when `state` is `needs_action`. */
  reasons: IssueReason[];
  /** Whitelisting of the investor's address (meaningful once approved). */
  whitelist: 'unprocessed' | 'started' | 'done' | 'failed';
  /** How many times the investor has submitted. */
  submissionCount: number;
}

/** The provider's case object, as much of it as the mapping needs (form-decoded webhooks give strings). */
export interface ProviderKycCase {
  kyc_status?: unknown;
  admin_status?: unknown;
  aml_status?: unknown;
  whitelist_status?: unknown;
  admin_action_types?: unknown;
  submission_count?: unknown;
}

const REASONS: readonly IssueReason[] = ['data_mismatch', 'document_issue', 'other_issue'];
const WHITELIST = ['unprocessed', 'started', 'done', 'failed'] as const;

/** The status of an investor who has not submitted yet. */
export const NOT_SUBMITTED: InvestorStatus = Object.freeze({ state: 'not_submitted', reasons: [], whitelist: 'unprocessed', submissionCount: 0 }) as InvestorStatus;

/** Map a provider case (from the API or a webhook) to the investor's status. */
export function investorStatus(kyc: ProviderKycCase): InvestorStatus {
  const admin = String(kyc.admin_status ?? '');
  const aml = String(kyc.aml_status ?? '');
  // Recompute rather than trust `kyc_status` alone: webhooks carry the parts, and the rule is public.
  const derived = (aml === 'cleared' || aml === 'approved') && admin === 'qualified'
    ? 'approved'
    : aml === 'rejected' || admin === 'denied'
      ? 'denied'
      : 'pending';
  const kycStatus = typeof kyc.kyc_status === 'string' && ['approved', 'denied', 'pending'].includes(kyc.kyc_status) ? kyc.kyc_status : derived;
  // Form-encoded webhooks drop empty arrays entirely and may send a single value; the API sends a list.
  const rawReasons = Array.isArray(kyc.admin_action_types) ? kyc.admin_action_types : kyc.admin_action_types === undefined || kyc.admin_action_types === '' ? [] : [kyc.admin_action_types];
  const reasons = REASONS.filter((reason) => rawReasons.includes(reason));
  const whitelistText = String(kyc.whitelist_status ?? 'unprocessed');
  const whitelist = (WHITELIST as readonly string[]).includes(whitelistText) ? (whitelistText as InvestorStatus['whitelist']) : 'unprocessed';
  const count = Number(kyc.submission_count ?? 0);
  const state: InvestorState = kycStatus === 'pending' && reasons.length > 0 ? 'needs_action' : (kycStatus as InvestorState);
  return { state, reasons: state === 'needs_action' ? reasons : [], whitelist, submissionCount: Number.isInteger(count) && count >= 0 ? count : 0 };
}
