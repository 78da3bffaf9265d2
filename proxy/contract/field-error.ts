/**
 * One problem with one field of a KYC submission, in a form both sides use: our validation produces it
 * before sending, the proxy returns it in its 400 bodies, and provider errors are mapped onto it. The
 * widget shows `message` as is, or translates by `field` + `rule` with `params`.
 *
 * Isomorphic, types only.
 */
import type { KycField } from './kyc-fields.js';

/**
 * The machine-readable reason of a {@link FieldError}.
 *
 * - `required`: blank or absent, and the sale or the provider needs it.
 * - `type`: not a string (or not a list of strings, or not a number/string for the amount).
 * - `too_long`: over `params.max` characters, counted as the provider counts them.
 * - `format`: the text cannot be what the field holds (a date that is not `dd/mm/yyyy`, a file key of the
 *   wrong shape, markup or control characters, …).
 * - `too_young`, `too_old`: the date of birth gives an age outside 18–100 years (provider rule).
 * - `age`: the provider refused the age; its one message does not say whether too young or too old.
 * - `blocked_country`: the sale does not accept residents of this country.
 * - `unknown_country`, `unknown_nationality`: not on the list, even after aliases.
 * - `checksum`: a mixed-case Ethereum address whose EIP-55 checksum fails; `params.suggestion` holds the
 *   checksummed form of the digits as typed.
 * - `too_many_files`: more investor proofs than `params.max`.
 * - `duplicate_file`: the same file key twice in investor proofs.
 * - `min_amount`: below `params.min`.
 * - `not_collected`: a value for a field this sale does not collect.
 * - `unknown_field`: a property that is no KYC field (`field` is null, `params.property` names it).
 * - `file_not_found`, `file_size`: the provider could not find the upload, or its size is outside 200 KB–20 MB
 *   (only the provider can tell; see provider-field-errors.ts).
 * - `provider`: any other refusal by the provider; `message` is the provider's own.
 */
export type FieldRule =
  | 'required'
  | 'type'
  | 'too_long'
  | 'format'
  | 'too_young'
  | 'too_old'
  | 'age'
  | 'blocked_country'
  | 'unknown_country'
  | 'unknown_nationality'
  | 'checksum'
  | 'too_many_files'
  | 'duplicate_file'
  | 'min_amount'
  | 'not_collected'
  | 'unknown_field'
  | 'file_not_found'
  | 'file_size'
  | 'provider';

/** One problem with one field (or, when `field` is null, with the submission as a whole). */
export interface FieldError {
  /**
   * The field at fault; null when the problem is not about one of our fields: a property that is no KYC
   * field, a body that is not an object, or a provider error about a parameter we do not send.
   */
  field: KycField | null;
  rule: FieldRule;
  /** Plain English that names the field and the rule; never quotes a field's value (so it is safe to log). */
  message: string;
  /** Values for a translated message (`max`, `min`, `suggestion`, `index`, `property`, `parameter`). */
  params?: Record<string, string | number>;
}
