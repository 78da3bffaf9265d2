/**
 * What the OST KYC API v2 answers, as the real server sends it (`shared/upstream/ost-kyc-v2-behaviour.md`
 * §2 and §3; where the published reference differs, the server's code wins, §8).
 *
 * Every answer is an envelope: `{"success":true,"data":{…}}` (with `data` left out when empty), or
 * `{"success":false,"err":{internal_id,msg,error_data?,code}}`.
 */

/** One entry of `err.error_data`: which parameter is wrong and why. */
export interface ProviderErrorDatum {
  parameter: string;
  msg: string;
}

/** The `err` object of a failure envelope. `error_data` is absent on auth errors, 404s and 422s. */
export interface ProviderErrorBody {
  /** `BAD_REQUEST`, `UNAUTHORIZED`, `FORBIDDEN`, `NOT_FOUND`, `UNPROCESSABLE_ENTITY`, `INTERNAL_SERVER_ERROR`. */
  code: string;
  /** Where in the server the error was raised, e.g. `um_u_c_ve_2` (duplicate email). */
  internal_id: string;
  msg: string;
  error_data?: ProviderErrorDatum[];
}

/** A user property, in the server's bit order (§2.1). */
export type UserProperty = 'kyc_submitted' | 'bt_done' | 'doptin_mail_sent' | 'doptin_done';

/** The user object (§2.1). `email` is null once an admin deleted the user. */
export interface ProviderUser {
  id: number;
  email: string | null;
  properties: UserProperty[];
  /** Unix seconds. */
  created_at: number;
}

/** `data` of `POST /users` and `GET /users/{id}`. */
export interface UserResult {
  result_type: 'user';
  user: ProviderUser;
}

/** `asc` or `desc` (the default), by id (users) or by latest submission (KYC cases). */
export type ListOrder = 'asc' | 'desc';

/** The paging params both list endpoints take (§2.3). */
export interface ListParams<Filters> {
  filters?: Filters;
  /** Positive integer, default 1. */
  page_number?: number;
  /** 1..100, default 10. */
  limit?: number;
  order?: ListOrder;
}

/**
 * The filters of `GET /users`. `email` is a prefix match (`LIKE 'value%'`, wildcards not escaped).
 * (Filters are type aliases, not interfaces, so that they fit the signer's param type.)
 */
export type UserFilters = {
  email?: string;
  is_kyc_submitted?: 'true' | 'false';
  is_doptin_done?: 'true' | 'false';
  is_doptin_mail_sent?: 'true' | 'false';
};

/** The filters of `GET /users-kyc` (§2.5). */
export type KycFilters = {
  admin_status?: AdminStatus;
  aml_status?: AmlStatus | 'cleared:approved';
  whitelist_status?: WhitelistStatus;
  admin_action_types?: AdminActionType | 'no_admin_action';
};

/** The `meta` of a list; `next_page_payload` is absent on the last page (code, not docs: §2.3). */
export interface ListMeta {
  total: number;
  next_page_payload?: {
    page_number: number;
    /** The filters that were applied, echoed. */
    filters: Record<string, string>;
    order: ListOrder;
    limit: number;
  };
}

/** `data` of `GET /users`. */
export interface UsersList {
  result_type: 'users';
  users: ProviderUser[];
  meta: ListMeta;
}

export type KycStatus = 'pending' | 'approved' | 'denied';
export type AdminStatus = 'unprocessed' | 'qualified' | 'denied';
export type AmlStatus = 'unprocessed' | 'pending' | 'cleared' | 'approved' | 'rejected' | 'failed';
export type WhitelistStatus = 'unprocessed' | 'started' | 'done' | 'failed';
export type AdminActionType = 'data_mismatch' | 'document_issue' | 'other_issue';

/** The user_kyc object: one user's case (§2.5). */
export interface ProviderUserKyc {
  id: number;
  /** The latest submission's id. */
  user_kyc_detail_id: number;
  user_id: number;
  /** Approved ⇔ AML cleared/approved and admin qualified; denied ⇔ AML rejected or admin denied. */
  kyc_status: KycStatus;
  admin_status: AdminStatus;
  aml_status: AmlStatus;
  whitelist_status: WhitelistStatus;
  admin_action_types: AdminActionType[];
  /** How many times KYC was submitted; +1 on every accepted submission. */
  submission_count: number;
  /** An admin's name, `"KYC system"` or `""`. */
  last_acted_by: string;
  /** Unix seconds of the first submission. */
  created_at: number;
}

/** `data` of `POST /users-kyc/{user_id}` and `GET /users-kyc/{user_id}`. */
export interface UserKycResult {
  result_type: 'user_kyc';
  user_kyc: ProviderUserKyc;
}

/** `data` of `GET /users-kyc`. */
export interface UsersKycList {
  result_type: 'users_kyc';
  users_kyc: ProviderUserKyc[];
  meta: ListMeta;
}

/**
 * The latest submission (§2.6): `id` and `created_at`, plus the fields the client exposes to the API.
 * File fields are presigned GET URLs valid 12 h; `investor_proof_files_path` is padded to 2 with null.
 */
export interface ProviderKycDetail {
  id: number;
  created_at: number;
  first_name?: string;
  last_name?: string;
  /** ISO `YYYY-MM-DD`. */
  birthdate?: string;
  country?: string;
  nationality?: string;
  /** Stored downcased. */
  document_id_number?: string;
  document_id_file_path?: string | null;
  selfie_file_path?: string | null;
  residence_proof_file_path?: string | null;
  investor_proof_files_path?: (string | null)[];
  ethereum_address?: string | null;
  estimated_participation_amount?: number | null;
  street_address?: string | null;
  city?: string | null;
  state?: string | null;
  postal_code?: string | null;
}

/** `data` of `GET /users-kyc-detail/{user_id}`: the key is `user_kyc`, not `user_kyc_detail` (§8). */
export interface KycDetailResult {
  result_type: 'user_kyc_detail';
  user_kyc: ProviderKycDetail;
}

/**
 * What `POST /users-kyc/{user_id}` takes (§2.4). File paths are the `fields.key` values of the presigned
 * forms. `birthdate` is `dd/mm/yyyy`. Client-configured extra text fields go in by their own keys.
 */
export interface KycFields {
  first_name: string;
  last_name: string;
  birthdate: string;
  country: string;
  nationality: string;
  document_id_number: string;
  document_id_file_path: string;
  selfie_file_path: string;
  residence_proof_file_path?: string;
  /** At most 2. */
  investor_proof_files_path?: string[];
  ethereum_address?: string;
  estimated_participation_amount?: string | number;
  street_address?: string;
  city?: string;
  state?: string;
  postal_code?: string;
  [extraField: string]: string | number | string[] | undefined;
}

/** Which files to presign: `{ <your key>: <content type> }`, content types `image/jpeg|png|jpg`, `application/pdf`; at most 20. */
export type FilesToPresign = Readonly<Record<string, string>>;

/** A presigned S3 POST form: post `fields` in order, then the `file` field last, to `url` (§3). */
export interface PresignedPostForm {
  url: string;
  /** Starts with `key`; `fields.key` is the path to submit in the KYC. */
  fields: Record<string, string>;
}

/** `data` of `GET /users-kyc/pre-signed-urls/for-post`. */
export interface PresignedPostResult {
  result_type: 'file_upload_post';
  file_upload_post: Record<string, PresignedPostForm>;
}

/** A presigned S3 PUT URL; send the file with its `Content-Type` (§3). */
export interface PresignedPutUrl {
  url: string;
  fields: { key: string };
}

/** `data` of `GET /users-kyc/pre-signed-urls/for-put`. */
export interface PresignedPutResult {
  result_type: 'file_upload_put';
  file_upload_put: Record<string, PresignedPutUrl>;
}
