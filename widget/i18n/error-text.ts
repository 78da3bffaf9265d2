/**
 * The investor's words for what went wrong: an error `code` of the proxy (or of the widget's own client)
 * and a field problem `{ field, rule, params }`, looked up in the catalog instead of showing the proxy's
 * English `message`.
 */
import { FILE_FIELDS, isKycField } from '../../proxy/contract/kyc-fields.js';
import { format, formatFileSize } from './format.js';
import type { FormatKind, Messages, Text } from './messages.js';

/** A field problem as the proxy sends it (`FieldError`, or the API client's `ApiFieldProblem`). */
export interface FieldProblem {
  /** A KYC field, `email`, `code`, `address` (Ethereum check), `confirmations.<id>`, … or null. */
  field: string | null;
  rule: string;
  /** The proxy's English text: shown only for a rule this catalog does not know. */
  message?: string;
  params?: Readonly<Record<string, string | number>>;
}

/** The storage limits of an upload, in bytes (the sale configuration's `uploads.minBytes`/`maxBytes`). */
export interface FileSizeLimits {
  minBytes: number;
  maxBytes: number;
}

/** The provider's limits (200 KB–20 MB), used when the caller does not pass the sale's. */
export const PROVIDER_FILE_SIZE_LIMITS: Readonly<FileSizeLimits> = Object.freeze({ minBytes: 200 * 1024, maxBytes: 20 * 1024 * 1024 });

/** Sign-in rules on the `code` field, each explained by the error code of the same name. */
const CODE_RULES: Readonly<Record<string, 'code_wrong' | 'code_expired' | 'code_too_many_attempts'>> = {
  wrong: 'code_wrong',
  expired: 'code_expired',
  too_many_attempts: 'code_too_many_attempts',
};

/** The message of an error code; the `unknown` message for a code the catalog does not have. */
export function errorText(messages: Messages, code: string): string {
  return Object.hasOwn(messages.errors, code) ? messages.errors[code as keyof Messages['errors']] : messages.errors.unknown;
}

/** The name of a field as the investor sees it, for a list of problems (`{field}: {message}`). */
export function fieldLabel(messages: Messages, field: string | null): string {
  if (field === null) return '';
  if (isKycField(field)) return messages.fields[field];
  if (field === 'email') return messages.email.label;
  if (field === 'code') return messages.code.label;
  if (field === 'address') return messages.fields.ethereumAddress;
  return field;
}

/** What a `format` problem says, by what the field holds. */
function formatKind(field: string | null): FormatKind {
  if (field === 'birthdate' || field === 'email' || field === 'code') return field;
  if (field === 'ethereumAddress' || field === 'address') return 'ethereumAddress';
  if (field === 'estimatedParticipationAmount') return 'amount';
  if (field !== null && (FILE_FIELDS as readonly string[]).includes(field)) return 'file';
  return 'text';
}

/**
 * The message of one field problem in `locale`, shown next to its field. Counts (`max` of `too_long` and
 * `too_many_files`) pick the plural form; sizes are written as sizes. A rule the catalog does not know
 * shows the proxy's own message, or the generic one.
 */
export function fieldErrorText(messages: Messages, problem: FieldProblem, locale: string, limits: FileSizeLimits = PROVIDER_FILE_SIZE_LIMITS): string {
  const { field, rule } = problem;
  const params: Record<string, string | number> = { ...problem.params };
  const errors = messages.fieldErrors;
  if (field === 'code' && Object.hasOwn(CODE_RULES, rule)) return messages.errors[CODE_RULES[rule] as keyof Messages['errors']];
  if (field !== null && field.startsWith('confirmations.') && rule === 'required') return messages.review.confirmationRequired;
  if (rule === 'format') return errors.format[formatKind(field)];
  if (!Object.hasOwn(errors, rule)) return problem.message !== undefined && problem.message !== '' ? problem.message : messages.errors.unknown;
  if ((rule === 'too_long' || rule === 'too_many_files') && params['max'] !== undefined) params['count'] = Number(params['max']);
  if (rule === 'too_small' || rule === 'too_large' || rule === 'file_size') {
    if (typeof params['size'] === 'number') params['size'] = formatFileSize(params['size'], locale);
    params['min'] = formatFileSize(limits.minBytes, locale);
    params['max'] = formatFileSize(limits.maxBytes, locale);
  }
  return format(errors[rule as keyof typeof errors] as Text, params, locale);
}
