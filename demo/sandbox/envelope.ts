/**
 * The OST KYC server's response envelopes (upstream §2.0), built as plain data so that handlers return
 * values and only the HTTP layer writes bytes.
 *
 * Error bodies keep the server's key order `internal_id, msg, error_data, code`; `error_data` is left
 * out when there is none (auth errors, 404s, 422s).
 */

/** One `error_data` entry: which parameter is wrong and why. */
export interface ErrorDatum {
  parameter: string;
  msg: string;
}

/** What a handler answers: a status, a JSON body, and whether it is an auth-filter render (text/plain). */
export interface ApiResponse {
  status: number;
  body: unknown;
  /** Auth errors are rendered by a before_action with `render plain:` (upstream §1.5): text/plain. */
  plain?: boolean;
}

/** The server's generic messages (`config/error_config/api_errors.yml`, as quoted upstream §1.5, §2.0). */
export const MESSAGES = {
  unauthorized: 'We could not authenticate the request. Please review your credentials and authentication method.',
  clientInactive: 'Client is invalid or not active anymore with OST KYC.',
  forbidden: 'This action is not allowed.',
  invalidApiParams: "At least one parameter is invalid or missing. See 'err.error_data' array for more details.",
  mandatoryParamsMissing: 'At least one mandatory parameter is missing. Check documentation for details.',
  notFound: 'The requested resource could not be located.',
  caseClosed: 'Case cannot be updated. It is already approved or denied.',
  somethingWentWrong: 'Something went wrong.',
} as const;

const CODES: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'REQUEST_ENTITY_TOO_LARGE',
  422: 'UNPROCESSABLE_ENTITY',
  500: 'INTERNAL_SERVER_ERROR',
};

/** `{"success":true,"data":{…}}`, or `{"success":true}` when `data` is empty (upstream §2.0). */
export function success(data?: Record<string, unknown>): ApiResponse {
  if (data === undefined || Object.keys(data).length === 0) return { status: 200, body: { success: true } };
  return { status: 200, body: { success: true, data } };
}

/** An error envelope with the server's key order; `errorData` is omitted when undefined or empty. */
export function failure(status: number, internalId: string, msg: string, errorData?: readonly ErrorDatum[]): ApiResponse {
  const err: Record<string, unknown> = { internal_id: internalId, msg };
  if (errorData !== undefined && errorData.length > 0) err['error_data'] = errorData.map((d) => ({ parameter: d.parameter, msg: d.msg }));
  err['code'] = CODES[status] ?? 'BAD_REQUEST';
  return { status, body: { success: false, err } };
}

/** 400 with the generic "invalid params" message and the collected `error_data`. */
export function invalidParams(internalId: string, errorData: readonly ErrorDatum[]): ApiResponse {
  return failure(400, internalId, MESSAGES.invalidApiParams, errorData);
}

/** 400 `sb_1`: a mandatory service param is missing (`services_base.rb#validate`). */
export function missingParam(errorDatum: ErrorDatum): ApiResponse {
  return failure(400, 'sb_1', MESSAGES.mandatoryParamsMissing, [errorDatum]);
}

/** 404 with the resource-not-found message. */
export function notFound(internalId: string): ApiResponse {
  return failure(404, internalId, MESSAGES.notFound);
}

/** An auth-filter error: same envelope, rendered as text/plain (upstream §1.5). */
export function authFailure(status: 401 | 403, internalId: string, msg: string): ApiResponse {
  return { ...failure(status, internalId, msg), plain: true };
}

/** Drop duplicate `error_data` entries, keeping the first (the list endpoints deduplicate, §2.3). */
export function dedupe(errors: readonly ErrorDatum[]): ErrorDatum[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = e.parameter + '\u0000' + e.msg;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
