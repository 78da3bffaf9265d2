/**
 * `POST /api/v2/users-kyc/{user_id}/email/approve|deny|report-issue` (upstream §2.7): ask the provider
 * to mail the user about their case; refused with 422 unless the case is in the matching state. The
 * sandbox sends no mail: a success means the real server would have queued one.
 *
 * The upstream notes give only the error names (`kyc_not_approved`, …); the internal ids and messages
 * below are the sandbox's own.
 */
import type { Handler } from '../context.js';
import { failure, invalidParams, notFound, success } from '../envelope.js';
import { kycStatus, type UserKycRow } from '../kyc-model.js';
import { isBlank, rubyInteger } from '../ruby-values.js';

/** Which mail. */
export type KycEmailKind = 'approve' | 'deny' | 'report-issue';

const STATES: Record<KycEmailKind, { applies: (kyc: UserKycRow) => boolean; internalId: string; msg: string }> = {
  approve: { applies: (k) => kycStatus(k) === 'approved', internalId: 'um_se_a_1', msg: 'KYC is not approved for this user.' },
  deny: { applies: (k) => kycStatus(k) === 'denied', internalId: 'um_se_d_1', msg: 'KYC is not denied for this user.' },
  'report-issue': {
    applies: (k) => kycStatus(k) === 'pending' && k.admin_action_types !== 0,
    internalId: 'um_se_ri_1',
    msg: 'No issue has been reported on the KYC of this user.',
  },
};

/** The handler for one kind of mail. */
export function sendKycEmail(kind: KycEmailKind): Handler {
  return ({ client, params, routeParams, deps }) => {
    const userId = rubyInteger(routeParams[0] ?? '');
    const errors = [];
    if (userId === undefined) errors.push({ parameter: 'user_id', msg: 'Please provide a valid user_id. Must be an integer.' });
    const vars = params['template_vars'];
    if (!isBlank(vars) && (typeof vars !== 'object' || vars === null || Array.isArray(vars))) errors.push({ parameter: 'template_vars', msg: 'Template vars is invalid.' });
    if (userId === undefined || errors.length > 0) return invalidParams('um_se_vasp_1', errors);
    const kyc = deps.store.getKyc(client.clientId, userId);
    if (!kyc) return notFound('um_se_2');
    const state = STATES[kind];
    if (!state.applies(kyc)) return failure(422, state.internalId, state.msg);
    return success();
  };
}
