/**
 * The sandbox's record types and the server's formatters for them (upstream §2.1, §2.5, `lib/formatter/v2`).
 */

/** User properties and their bits, in the server's order (`app/models/user.rb#properties_config`). */
export const USER_PROPERTIES = [
  ['kyc_submitted', 1],
  ['bt_done', 2],
  ['doptin_mail_sent', 4],
  ['doptin_done', 8],
] as const;

/** Admin action types and their bits, in the server's order. */
export const ADMIN_ACTION_TYPES = [
  ['data_mismatch', 1],
  ['document_issue', 2],
  ['other_issue', 4],
] as const;

/** One of the reportable issue types. */
export type AdminActionType = (typeof ADMIN_ACTION_TYPES)[number][0];
export const ADMIN_STATUSES = ['unprocessed', 'qualified', 'denied'] as const;
export type AdminStatus = (typeof ADMIN_STATUSES)[number];
export const AML_STATUSES = ['unprocessed', 'pending', 'cleared', 'approved', 'rejected', 'failed'] as const;
export type AmlStatus = (typeof AML_STATUSES)[number];
export const WHITELIST_STATUSES = ['unprocessed', 'started', 'done', 'failed'] as const;
export type WhitelistStatus = (typeof WHITELIST_STATUSES)[number];

/** A row of `users`. `email` is null once the user is deleted. */
export interface UserRow {
  id: number;
  client_id: number;
  email: string | null;
  properties: number;
  status: 'active' | 'deleted';
  created_at: number;
}

/** A row of `user_kyc_details`: the case of one user. */
export interface UserKycRow {
  id: number;
  user_id: number;
  client_id: number;
  user_extended_detail_id: number;
  submission_count: number;
  admin_status: AdminStatus;
  aml_status: AmlStatus;
  whitelist_status: WhitelistStatus;
  admin_action_types: number;
  kyc_duplicate_status: string;
  last_acted_by: string;
  status: 'active' | 'inactive';
  created_at: number;
}

/** The values of one submission (`user_extended_details`), already validated and normalised. */
export interface KycSubmission {
  first_name: string;
  last_name: string;
  /** ISO `YYYY-MM-DD`. */
  birthdate: string;
  country: string;
  nationality: string;
  /** Stripped and downcased. */
  document_id_number: string;
  document_id_file_path: string;
  selfie_file_path: string;
  residence_proof_file_path: string | null;
  investor_proof_files_path: string[];
  ethereum_address: string | null;
  estimated_participation_amount: number | null;
  street_address: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  extra: Record<string, string>;
}

/** A stored submission. */
export interface ExtendedDetailRow extends KycSubmission {
  id: number;
  user_id: number;
  client_id: number;
  created_at: number;
}

/** The names of the bits set in `mask`, in table order. */
export function bitNames<T extends string>(table: readonly (readonly [T, number])[], mask: number): T[] {
  return table.filter(([, bit]) => (mask & bit) !== 0).map(([name]) => name);
}

/** The bit of a name in `table`, or undefined. */
export function bitOf<T extends string>(table: readonly (readonly [T, number])[], name: string): number | undefined {
  return table.find(([n]) => n === name)?.[1];
}

/** The user object of §2.1. */
export function formatUser(user: UserRow): Record<string, unknown> {
  return { id: user.id, email: user.email, properties: bitNames(USER_PROPERTIES, user.properties), created_at: user.created_at };
}

/** `kyc_status` derived as `user_kyc_detail.rb` does (upstream §2.5). */
export function kycStatus(row: Pick<UserKycRow, 'aml_status' | 'admin_status'>): 'approved' | 'denied' | 'pending' {
  if ((row.aml_status === 'cleared' || row.aml_status === 'approved') && row.admin_status === 'qualified') return 'approved';
  if (row.aml_status === 'rejected' || row.admin_status === 'denied') return 'denied';
  return 'pending';
}

/** True when the case is closed (approved or denied): a resubmission gets 422 `um_ks_vs_4`. */
export function isCaseClosed(row: Pick<UserKycRow, 'aml_status' | 'admin_status'>): boolean {
  return kycStatus(row) !== 'pending';
}

/** The user_kyc object of §2.5, in the server's key order. */
export function formatUserKyc(row: UserKycRow): Record<string, unknown> {
  return {
    id: row.id,
    user_kyc_detail_id: row.user_extended_detail_id,
    user_id: row.user_id,
    kyc_status: kycStatus(row),
    admin_status: row.admin_status,
    aml_status: row.aml_status,
    whitelist_status: row.whitelist_status,
    admin_action_types: bitNames(ADMIN_ACTION_TYPES, row.admin_action_types),
    submission_count: row.submission_count,
    last_acted_by: row.last_acted_by,
    created_at: row.created_at,
  };
}
