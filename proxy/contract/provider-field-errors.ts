/**
 * The provider's field errors, in our terms. A refused KYC submission comes back as 400
 * `{"success":false,"err":{"internal_id","msg","error_data":[{"parameter","msg"},…],"code"}}`
 * (upstream §2.0, §2.4); each `error_data` entry becomes a {@link FieldError} on our field name, with the
 * provider's message kept and a `rule` recognised from it where possible, so the widget can show it next
 * to the right input. Some refusals only the provider can make (a file missing on S3, or of the wrong
 * size); they arrive here.
 *
 * Isomorphic, no dependencies.
 */
import type { FieldError, FieldRule } from './field-error.js';
import { kycFieldFromProviderName } from './kyc-fields.js';

/** One `error_data` entry of a provider error body. */
export interface ProviderErrorDatum {
  parameter: string;
  msg: string;
}

/** Provider messages are short; anything longer is cut so that a body cannot flood the widget. */
const MAX_MESSAGE_LENGTH = 300;

/**
 * The rule of a provider message, recognised from the texts of `params_errors.yml` (upstream §2.4). The
 * patterns are loose on purpose (case, labels), since a few texts are known only by their identifiers.
 */
const RULES_BY_MESSAGE: readonly (readonly [RegExp, FieldRule, Record<string, number>?])[] = [
  [/is a mandatory field|is mandatory|is missing/i, 'required'],
  [/allowed max length is (\d+)/i, 'too_long'],
  [/minimum age required/i, 'age'],
  [/blacklisted/i, 'blocked_country'],
  [/valid country/i, 'unknown_country'],
  [/valid nationality/i, 'unknown_nationality'],
  [/not present on s3/i, 'file_not_found'],
  [/file size is between/i, 'file_size'],
  [/maximum (\d+) documents/i, 'too_many_files'],
  [/dd\/mm\/yyyy format|valid ethereum address|file path|float value/i, 'format'],
];

/** The rule (and `max`, when the message states one) of one provider message; `provider` when unknown. */
function ruleOf(message: string): { rule: FieldRule; params?: Record<string, number> } {
  for (const [pattern, rule] of RULES_BY_MESSAGE) {
    const match = pattern.exec(message);
    if (match === null) continue;
    const limit = match[1] === undefined ? undefined : Number(match[1]);
    return limit === undefined ? { rule } : { rule, params: { max: limit } };
  }
  return { rule: 'provider' };
}

function isDatum(entry: unknown): entry is ProviderErrorDatum {
  if (typeof entry !== 'object' || entry === null) return false;
  const candidate = entry as Record<string, unknown>;
  return typeof candidate['parameter'] === 'string' && typeof candidate['msg'] === 'string';
}

/** The `error_data` entries of a provider body (the whole body, or its `err`), malformed ones left out. */
export function providerErrorData(body: unknown): ProviderErrorDatum[] {
  if (typeof body !== 'object' || body === null) return [];
  const err = 'err' in body ? (body as { err: unknown }).err : body;
  if (typeof err !== 'object' || err === null || !('error_data' in err)) return [];
  const data = (err as { error_data: unknown }).error_data;
  return Array.isArray(data) ? data.filter(isDatum) : [];
}

/**
 * Map a provider error body onto our field errors: one per distinct `error_data` entry, in the provider's
 * order. A parameter that is none of our fields (a client's extra field, `user_id`, …) becomes an error
 * on the whole form (`field: null`, rule `provider`, `params.parameter`). A body without `error_data`
 * gives no field errors (the caller reports its `err.code`).
 */
export function providerFieldErrors(body: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const datum of providerErrorData(body)) {
    const message = datum.msg.length > MAX_MESSAGE_LENGTH ? `${datum.msg.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : datum.msg;
    const field = kycFieldFromProviderName(datum.parameter);
    const key = `${datum.parameter}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (field === undefined) {
      const parameter = datum.parameter.slice(0, 64);
      errors.push({ field: null, rule: 'provider', message, params: { parameter } });
      continue;
    }
    const { rule, params } = ruleOf(message);
    errors.push(params === undefined ? { field, rule, message } : { field, rule, message, params });
  }
  return errors;
}
