/**
 * `POST /api/v2/users-kyc/{user_id}`, `GET /api/v2/users-kyc/{user_id}`, `GET /api/v2/users-kyc` and
 * `GET /api/v2/users-kyc-detail/{user_id}` (upstream §2.4–§2.6).
 */
import type { Handler } from '../context.js';
import { MANDATORY_KYC_FIELDS } from '../config.js';
import { dedupe, failure, invalidParams, MESSAGES, notFound, success, type ErrorDatum } from '../envelope.js';
import { ADMIN_ACTION_TYPES, ADMIN_STATUSES, AML_STATUSES, formatUserKyc, WHITELIST_STATUSES } from '../kyc-model.js';
import { isBlank, rubyInteger } from '../ruby-values.js';
import type { KycFilters } from '../store.js';
import { validateKycSubmission } from './kyc-validation.js';
import { LIST_ERRORS, listMeta, readListParams } from './paging.js';

/** Presigned GET URLs in the detail are valid 12 hours. */
const DETAIL_URL_SECONDS = 12 * 3600;
const INVALID_USER_ID: ErrorDatum = { parameter: 'user_id', msg: 'Please provide a valid user_id. Must be an integer.' };

/** `POST /users-kyc/{user_id}`: submit or resubmit KYC (§2.4). */
export const submitKyc: Handler = async ({ client, params, routeParams, deps }) => {
  const validation = await validateKycSubmission(params, client, deps.fileStore, deps.now());
  if (!validation.ok) return invalidParams('um_ks_vasp_1', validation.errors);
  const userId = rubyInteger(routeParams[0] ?? '');
  if (userId === undefined) return notFound('um_ks_4');
  const outcome = deps.store.submitKyc(client.clientId, userId, validation.submission);
  switch (outcome.kind) {
    case 'other_client':
      return notFound('um_ks_vs_3');
    case 'closed':
      return failure(422, 'um_ks_vs_4', MESSAGES.caseClosed);
    case 'no_user':
      return notFound('um_ks_4');
    case 'ok':
      return success({ result_type: 'user_kyc', user_kyc: formatUserKyc(outcome.kyc) });
  }
};

/** `GET /users-kyc/{user_id}` (§2.5). */
export const getKyc: Handler = ({ client, routeParams, deps }) => {
  const userId = rubyInteger(routeParams[0] ?? '');
  if (userId === undefined) return invalidParams('um_k_g_vasp_1', [INVALID_USER_ID]);
  const kyc = deps.store.getKyc(client.clientId, userId);
  if (!kyc) return notFound('um_k_g_favukd_1');
  return success({ result_type: 'user_kyc', user_kyc: formatUserKyc(kyc) });
};

const KYC_FILTER_VALUES: Record<keyof KycFilters, readonly string[]> = {
  admin_status: ADMIN_STATUSES,
  aml_status: ['cleared:approved', ...AML_STATUSES],
  whitelist_status: WHITELIST_STATUSES,
  admin_action_types: ['no_admin_action', ...ADMIN_ACTION_TYPES.map(([name]) => name)],
};

/** `GET /users-kyc` (§2.5): ordered by latest submission. */
export const listKyc: Handler = ({ client, params, deps }) => {
  const errors: ErrorDatum[] = [];
  const list = readListParams(params, errors);
  const filters: KycFilters = {};
  const applied: Record<string, string> = {};
  for (const [name, allowed] of Object.entries(KYC_FILTER_VALUES) as [keyof KycFilters, readonly string[]][]) {
    const value = list.filters[name];
    if (isBlank(value)) continue;
    if (typeof value === 'string' && allowed.includes(value)) (filters[name] = value), (applied[name] = value);
    else errors.push(LIST_ERRORS.invalid_filters);
  }
  if (errors.length > 0) return invalidParams('um_k_l_vasp_1', dedupe(errors));
  const { rows, total } = deps.store.listKyc(client.clientId, filters, list.page);
  return success({ result_type: 'users_kyc', users_kyc: rows.map(formatUserKyc), meta: listMeta(list, total, applied) });
};

/** The detail's fields in output order; the optional ones appear only when the client has them. */
const DETAIL_FIELDS = [
  'first_name',
  'last_name',
  'birthdate',
  'country',
  'nationality',
  'document_id_number',
  'document_id_file_path',
  'selfie_file_path',
  'residence_proof_file_path',
  'investor_proof_files_path',
  'ethereum_address',
  'estimated_participation_amount',
  'street_address',
  'city',
  'state',
  'postal_code',
] as const;

/**
 * `GET /users-kyc-detail/{user_id}` (§2.6): the data key is `user_kyc` (code, not docs); file fields are
 * presigned GET URLs valid 12 h; investor proofs are padded to 2 with null.
 */
export const getKycDetail: Handler = async ({ client, routeParams, deps }) => {
  const userId = rubyInteger(routeParams[0] ?? '');
  if (userId === undefined) return invalidParams('um_kd_g_vasp_1', [INVALID_USER_ID]);
  const found = deps.store.getKycDetail(client.clientId, userId);
  if (!found) return notFound('um_kd_g_fukd_1');
  const { detail } = found;
  const presign = (key: string | null): Promise<string | null> => (key === null ? Promise.resolve(null) : deps.fileStore.presignGet(key, DETAIL_URL_SECONDS));
  const out: Record<string, unknown> = { id: detail.id, created_at: detail.created_at };
  for (const field of DETAIL_FIELDS) {
    if (!(MANDATORY_KYC_FIELDS as readonly string[]).includes(field) && !(client.kycFields as readonly string[]).includes(field)) continue;
    if (field === 'investor_proof_files_path') {
      const proofs = [detail.investor_proof_files_path[0] ?? null, detail.investor_proof_files_path[1] ?? null];
      out[field] = await Promise.all(proofs.map(presign));
    } else if (field === 'document_id_file_path' || field === 'selfie_file_path' || field === 'residence_proof_file_path') {
      out[field] = await presign(detail[field]);
    } else {
      out[field] = detail[field];
    }
  }
  return success({ result_type: 'user_kyc_detail', user_kyc: out });
};
