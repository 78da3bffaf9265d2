/**
 * `POST /api/v2/users`, `GET /api/v2/users/{id}` and `GET /api/v2/users` (upstream §2.1–§2.3).
 */
import type { Handler } from '../context.js';
import { dedupe, failure, invalidParams, missingParam, MESSAGES, notFound, success, type ErrorDatum } from '../envelope.js';
import { formatUser } from '../kyc-model.js';
import { isBlank, rubyInteger } from '../ruby-values.js';
import type { UserFilters } from '../store.js';
import { LIST_ERRORS, listMeta, readListParams } from './paging.js';

/**
 * `Util::CommonValidateAndSanitize::REGEX_EMAIL`. Ruby's `\Z` also allows one trailing newline; `/m`
 * only changes `.`, which the pattern does not use.
 */
const REGEX_EMAIL = /^[A-Z0-9]+[A-Z0-9_%+-]*(\.[A-Z0-9_%+-]{1,})*@(?:[A-Z0-9](?:[A-Z0-9-]*[A-Z0-9])?\.)+[A-Z]{2,24}\n?$/i;

/** True when `email` passes the server's email regex. */
export function isValidEmail(email: string): boolean {
  return REGEX_EMAIL.test(email);
}

/** `POST /users`: create a user (§2.1). */
export const createUser: Handler = ({ client, params, deps }) => {
  const email = params['email'];
  if (isBlank(email)) {
    return missingParam({ parameter: 'email', msg: 'Email is a mandatory field. Must contain a valid email address (with @ and .)' });
  }
  if (typeof email !== 'string' || !isValidEmail(email)) {
    return failure(400, 'um_u_c_ve_1', MESSAGES.invalidApiParams, [{ parameter: 'email', msg: 'Please provide a valid email address.' }]);
  }
  // The API neither strips nor downcases the email; duplicates are found case-insensitively.
  const user = deps.store.createUser(client.clientId, email);
  if (user === 'duplicate') {
    return failure(400, 'um_u_c_ve_2', MESSAGES.invalidApiParams, [{ parameter: 'email', msg: 'User with this email already exists.' }]);
  }
  return success({ result_type: 'user', user: formatUser(user) });
};

/** `GET /users/{id}` (§2.2). */
export const getUser: Handler = ({ client, routeParams, deps }) => {
  const id = rubyInteger(routeParams[0] ?? '');
  if (id === undefined) return invalidParams('um_u_g_favu_1', [{ parameter: 'id', msg: 'ID is invalid.' }]);
  const user = deps.store.getUser(client.clientId, id);
  if (!user) return notFound('um_u_g_favu_2');
  return success({ result_type: 'user', user: formatUser(user) });
};

const BOOLEAN_FILTERS = ['is_kyc_submitted', 'is_doptin_done', 'is_doptin_mail_sent'] as const;

/** `GET /users` (§2.3). */
export const listUsers: Handler = ({ client, params, deps }) => {
  const errors: ErrorDatum[] = [];
  const list = readListParams(params, errors);
  const filters: UserFilters = {};
  const applied: Record<string, string> = {};
  const email = list.filters['email'];
  if (!isBlank(email)) {
    if (typeof email === 'string') (filters.email = email), (applied['email'] = email);
    else errors.push(LIST_ERRORS.invalid_filters);
  }
  for (const name of BOOLEAN_FILTERS) {
    const value = list.filters[name];
    if (isBlank(value)) continue;
    if (value === 'true' || value === 'false') (filters[name] = value === 'true'), (applied[name] = value);
    else errors.push(LIST_ERRORS.invalid_filters);
  }
  if (errors.length > 0) return invalidParams('um_u_l_vasp_1', dedupe(errors));
  const { rows, total } = deps.store.listUsers(client.clientId, filters, list.page);
  return success({ result_type: 'users', users: rows.map(formatUser), meta: listMeta(list, total, applied) });
};
