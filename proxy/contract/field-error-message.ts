/**
 * The proxy's English sentence for each field rule. Kept apart from the rules themselves (kyc-rules.ts)
 * so that the widget, which says the same in the investor's language from its own catalog, does not
 * carry these sentences in its bundle.
 */
import type { FieldRule } from './field-error.js';
import { KYC_FIELD_LABELS, type KycField } from './kyc-fields.js';
import { MAX_AMOUNT_DIGITS } from './kyc-rules.js';

/**
 * The message of each rule, in plain English, naming the field: what the proxy answers in
 * `error.fields[].message` (pass it as `describe` to `validateKycSubmission`).
 */
export function englishFieldErrorMessage(field: KycField, rule: FieldRule, params: Readonly<Record<string, string | number>>): string {
  const label = KYC_FIELD_LABELS[field];
  switch (rule) {
    case 'required':
      return `${label} is required.`;
    case 'type':
      return field === 'investorProofFiles'
        ? `${label} must be a list of uploaded file keys.`
        : field === 'estimatedParticipationAmount'
          ? `${label} must be a number or a decimal number as text.`
          : `${label} must be text.`;
    case 'too_long':
      return `${label} is too long: at most ${params['max']} characters (the provider counts & as 5 and < > \` as 4 to 6).`;
    case 'format':
      return formatMessage(field, label, params);
    case 'too_young':
      return `${label}: you must be at least 18 years old.`;
    case 'too_old':
      return `${label}: the age must be at most 100 years.`;
    case 'blocked_country':
      return `${label}: this sale does not accept residents of this country.`;
    case 'unknown_country':
      return `${label} is not a country on the list.`;
    case 'unknown_nationality':
      return `${label} is not a nationality on the list.`;
    case 'checksum':
      return `${label}: the capital and small letters do not match the address's EIP-55 checksum, so a character is probably mistyped. Check the address.`;
    case 'too_many_files':
      return `${label}: at most ${params['max']} files.`;
    case 'duplicate_file':
      return `${label}: the same file is listed twice.`;
    case 'min_amount':
      return `${label} must be at least ${params['min']}.`;
    case 'not_collected':
      return `${label} is not collected by this sale; leave it out.`;
    default:
      return `${label} is not valid.`;
  }
}

function formatMessage(field: KycField, label: string, params: Readonly<Record<string, string | number>>): string {
  switch (field) {
    case 'birthdate':
      return `${label} must be a real date written dd/mm/yyyy.`;
    case 'ethereumAddress':
      return `${label} must be 40 hexadecimal digits (0-9, a-f), optionally starting with 0x.`;
    case 'estimatedParticipationAmount':
      return `${label} must be a number written with digits and an optional decimal point, at most ${MAX_AMOUNT_DIGITS} digits, such as 1500 or 0.5.`;
    case 'documentIdFile':
    case 'selfieFile':
    case 'residenceProofFile':
    case 'investorProofFiles':
      return `${label} must be the key of a file uploaded for this sale${params['index'] === undefined ? '' : ` (file ${Number(params['index']) + 1})`}.`;
    default:
      return `${label} must be one line of text without markup such as <b>.`;
  }
}

