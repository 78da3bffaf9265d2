/**
 * The KYC field rules, shared by the widget (live feedback, before sending) and the proxy (before it
 * signs the provider call). They are the provider's own rules (OST KYC v2 `UserManagement::Kyc::Submit`,
 * upstream §2.4, mirrored by the sandbox), made a little stricter where the provider would accept
 * something it then mangles or that cannot be meant, so that **whatever these rules accept, the provider
 * accepts**, and the investor learns what is wrong with each field before sending.
 *
 * Stricter than the provider, on purpose:
 * - a mixed-case Ethereum address must pass its EIP-55 checksum (the submit endpoint only checks the shape);
 * - a birthdate must be a real date (the provider rolls `31/02` over to 2 March);
 * - no markup (`<b`…, which the provider's sanitiser deletes) or control characters in text;
 * - at most 255 characters in the other text fields (the provider has no limit but names');
 * - amounts are plain decimals with at most 15 digits (no `1e3`, `0x10`, `1_000`), so the float the
 *   provider stores is the number typed;
 * - file keys must look like the provider's (`<client id>/<dir>/<name>`); when `rules.clientId` is set,
 *   they must start with it, as the provider requires. Whether the file exists at the right size only
 *   the provider can tell (see provider-field-errors.ts);
 * - investor proofs may not list the same key twice; a property that is no KYC field is an error, not
 *   silently dropped.
 *
 * Normalised output: text trimmed (Unicode whitespace too), country and nationality as the provider's
 * canonical names, birthdate `dd/mm/yyyy`, the Ethereum address EIP-55 checksummed, the amount as a
 * decimal string without superfluous zeros.
 *
 * Isomorphic: no Node APIs, no country list (the proxy passes the lists in {@link SaleFieldRules}).
 */
import { birthdateAgeRule, formatBirthdate, parseBirthdate, type CalendarDate } from './birthdate-rule.js';
import { canonicalName } from './canonical-name.js';
import { checkEthereumAddress } from './eip55.js';
import type { FieldError, FieldRule } from './field-error.js';
import {
  ALWAYS_REQUIRED_FIELDS,
  KYC_FIELDS,
  PROVIDER_FIELD_NAMES,
  REQUIRED_WHEN_COLLECTED,
  isKycField,
  type KycField,
  type KycSubmissionInput,
} from './kyc-fields.js';
import { hasControlCharacter, hasMarkup, providerTextLength } from './provider-text.js';

/** How one sale configures the form (sent by the proxy's sale-config route to the widget). */
export interface SaleFieldRules {
  /**
   * The optional fields the sale collects (the provider client's `kyc_fields`). The always-required
   * fields are collected whether listed or not.
   */
  collected: readonly KycField[];
  /**
   * Fields the sale requires on top of the provider's requirements (e.g. `investorProofFiles`). Fields the
   * provider requires are required whether listed or not; a field not collected is never required.
   */
  required: readonly KycField[];
  /** Canonical provider country names the sale accepts as country of residence. */
  countries: readonly string[];
  /** Canonical provider nationalities the sale accepts. */
  nationalities: readonly string[];
  /** Canonical country names whose residents the sale refuses (the provider's `blacklisted_countries`). */
  blockedCountries: readonly string[];
  /** Nationalities that must add a proof of residence, when the sale collects it. */
  residenceProofNationalities: readonly string[];
  /** At most this many investor proofs; the provider's limit, 2, caps it. */
  maxInvestorProofs: number;
  /** The sale's own minimum participation amount; the provider's is 0.01. */
  minAmount?: number;
  /**
   * Alias → canonical country name, keys as `nameLookupKey` (canonical-name.ts) makes them (the provider's `updated_country_hash`, and more). Without
   * it, only canonical names (in any case) are recognised.
   */
  countryAliases?: Readonly<Record<string, string>>;
  /** Upper-case alias → canonical nationality. */
  nationalityAliases?: Readonly<Record<string, string>>;
  /** The provider's numeric client id, the first segment of every file key it hands out. */
  clientId?: number;
}

/** Writes the `message` of a field error (see field-error-message.ts for the proxy's English one). */
export type FieldErrorDescriber = (field: KycField, rule: FieldRule, params: Readonly<Record<string, string | number>>) => string;

/** What validation needs besides the rules. */
export interface KycValidationOptions {
  /** Today in the provider's zone, see `providerToday()` in birthdate-rule.ts. */
  today: CalendarDate;
  /**
   * Writes each error's `message`. The proxy passes `englishFieldErrorMessage` (field-error-message.ts);
   * the widget shows its own translated texts by `rule`, so it leaves the default (`<field>: <rule>`) and
   * the English sentences stay out of its bundle.
   */
  describe?: FieldErrorDescriber;
}

/** The default describer: names the field and the rule, nothing more. */
const ruleOnly: FieldErrorDescriber = (field, rule) => `${field}: ${rule}`;

/** The outcome of {@link validateKycSubmission}. */
export type KycValidation = { ok: true; value: KycSubmissionInput } | { ok: false; errors: FieldError[] };

/** The outcome of {@link validateKycField}: the normalised value (undefined when left empty), or the error. */
export type KycFieldCheck = { ok: true; value: string | string[] | undefined } | { ok: false; error: FieldError };

/** The provider's `MAX_ALLOWED_LENGTH` for names. */
export const MAX_NAME_LENGTH = 100;
/** Our limit for the other text fields. */
export const MAX_TEXT_LENGTH = 255;
/** The provider's `max_number_of_investor_proofs_allowed`. */
export const MAX_INVESTOR_PROOFS = 2;
/** The provider's minimum `estimated_participation_amount`. */
export const PROVIDER_MIN_AMOUNT = 0.01;
/** Digits a participation amount may have: a double holds 15 decimal digits exactly. */
export const MAX_AMOUNT_DIGITS = 15;

/** A key as the provider hands them out: `<client id>/<dir>/<name>`, checked by `/\A[A-Z0-9\/]+\Z/i`. */
const FILE_KEY = /^[1-9]\d*\/[A-Za-z0-9/]+$/;
const MAX_FILE_KEY_LENGTH = 255;
/** A plain decimal; Ruby's `Float()` reads every such text (it refuses `5.`, which this refuses too). */
const DECIMAL = /^(\d*)(?:\.(\d+))?$/;

type TextField = 'firstName' | 'lastName' | 'documentIdNumber' | 'streetAddress' | 'city' | 'state' | 'postalCode';
type SingleFileField = 'documentIdFile' | 'selfieFile' | 'residenceProofFile';

/** The message is written once the check is done, by the caller's describer (see {@link KycValidationOptions}). */
function fail(field: KycField, rule: FieldRule, params: Record<string, string | number> = {}): KycFieldCheck {
  const error: FieldError = { field, rule, message: '' };
  if (Object.keys(params).length > 0) error.params = params;
  return { ok: false, error };
}

/** Rails `blank?` as far as a JSON value goes: absent, null, whitespace only, or an empty list. */
function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.trim() === '';
  return Array.isArray(value) && value.length === 0;
}

/** Whether the sale collects `field` (the always-required fields always). */
export function isFieldCollected(field: KycField, rules: SaleFieldRules): boolean {
  return (ALWAYS_REQUIRED_FIELDS as readonly KycField[]).includes(field) || rules.collected.includes(field);
}

/**
 * Whether `field` must be filled in. A residence proof is required when collected and `nationality`
 * (raw or canonical) is one the sale lists; the provider requires every other collected field but the
 * investor proofs, and the sale may require those too.
 */
export function isFieldRequired(field: KycField, rules: SaleFieldRules, nationality?: string): boolean {
  if (!isFieldCollected(field, rules)) return false;
  if ((ALWAYS_REQUIRED_FIELDS as readonly KycField[]).includes(field) || (REQUIRED_WHEN_COLLECTED as readonly KycField[]).includes(field)) return true;
  if (rules.required.includes(field)) return true;
  if (field === 'residenceProofFile' && nationality !== undefined) {
    return rules.residenceProofNationalities.includes(canonicalName(nationality, rules.nationalityAliases));
  }
  return false;
}

function checkText(field: TextField, value: unknown): KycFieldCheck {
  if (typeof value !== 'string') return fail(field, 'type');
  const text = value.trim();
  if (hasMarkup(text) || hasControlCharacter(text)) return fail(field, 'format');
  const max = field === 'firstName' || field === 'lastName' ? MAX_NAME_LENGTH : MAX_TEXT_LENGTH;
  if (providerTextLength(text) > max) return fail(field, 'too_long', { max });
  return { ok: true, value: text };
}

function checkBirthdate(value: unknown, today: CalendarDate): KycFieldCheck {
  if (typeof value !== 'string') return fail('birthdate', 'type');
  const date = parseBirthdate(value.trim());
  if (date === undefined) return fail('birthdate', 'format');
  const age = birthdateAgeRule(date, today);
  if (age !== undefined) return fail('birthdate', age, age === 'too_young' ? { min: 18 } : { max: 100 });
  return { ok: true, value: formatBirthdate(date) };
}

function checkCountry(value: unknown, rules: SaleFieldRules): KycFieldCheck {
  if (typeof value !== 'string') return fail('country', 'type');
  const name = canonicalName(value, rules.countryAliases);
  // Blocked first: a sale's list of countries may leave blocked ones out, and "not accepted" is the true reason.
  if (rules.blockedCountries.includes(name)) return fail('country', 'blocked_country');
  if (!rules.countries.includes(name)) return fail('country', 'unknown_country');
  return { ok: true, value: name };
}

function checkNationality(value: unknown, rules: SaleFieldRules): KycFieldCheck {
  if (typeof value !== 'string') return fail('nationality', 'type');
  const name = canonicalName(value, rules.nationalityAliases);
  if (!rules.nationalities.includes(name)) return fail('nationality', 'unknown_nationality');
  return { ok: true, value: name };
}

/** Whether `key` has the shape of a key the provider handed out (to this client, when known). */
function isFileKey(key: string, rules: SaleFieldRules): boolean {
  if (key.length > MAX_FILE_KEY_LENGTH || !FILE_KEY.test(key)) return false;
  return rules.clientId === undefined || key.startsWith(`${rules.clientId}/`);
}

function checkFile(field: SingleFileField, value: unknown, rules: SaleFieldRules): KycFieldCheck {
  if (typeof value !== 'string') return fail(field, 'type');
  const key = value.trim();
  return isFileKey(key, rules) ? { ok: true, value: key } : fail(field, 'format');
}

function checkInvestorProofs(value: unknown, rules: SaleFieldRules): KycFieldCheck {
  const field = 'investorProofFiles';
  if (!Array.isArray(value) || !value.every((key) => typeof key === 'string')) return fail(field, 'type');
  const max = Math.max(0, Math.min(rules.maxInvestorProofs, MAX_INVESTOR_PROOFS));
  if (value.length > max) return fail(field, 'too_many_files', { max });
  const keys = (value as string[]).map((key) => key.trim());
  const bad = keys.findIndex((key) => !isFileKey(key, rules));
  if (bad >= 0) return fail(field, 'format', { index: bad });
  if (new Set(keys).size !== keys.length) return fail(field, 'duplicate_file');
  return { ok: true, value: keys };
}

function checkEthereum(value: unknown): KycFieldCheck {
  if (typeof value !== 'string') return fail('ethereumAddress', 'type');
  const checked = checkEthereumAddress(value.trim());
  if (checked.ok) return { ok: true, value: checked.address };
  if (checked.reason === 'checksum' && checked.suggestion !== undefined) return fail('ethereumAddress', 'checksum', { suggestion: checked.suggestion });
  return fail('ethereumAddress', checked.reason);
}

function checkAmount(value: unknown, rules: SaleFieldRules): KycFieldCheck {
  const field = 'estimatedParticipationAmount';
  const min = Math.max(PROVIDER_MIN_AMOUNT, rules.minAmount ?? 0);
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return fail(field, 'type');
    if (value < min) return fail(field, 'min_amount', { min });
    text = String(value);
  } else if (typeof value === 'string') text = value.trim();
  else return fail(field, 'type');
  const match = DECIMAL.exec(text);
  if (match === null || (match[1] === '' && match[2] === undefined)) return fail(field, 'format');
  const whole = (match[1] ?? '').replace(/^0+(?=\d)/, '');
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if ((whole + fraction).replace(/^0+/, '').length > MAX_AMOUNT_DIGITS) return fail(field, 'format');
  const normalised = `${whole === '' ? '0' : whole}${fraction === '' ? '' : `.${fraction}`}`;
  // Compared as a double, as the provider's `Float(value) >= 0.01` does.
  if (Number(normalised) < min) return fail(field, 'min_amount', { min });
  return { ok: true, value: normalised };
}

/**
 * Check one field, for live feedback while the investor types: empty is fine unless required; a value
 * for a field the sale does not collect is an error; otherwise the field's rules apply.
 *
 * @param options.nationality the nationality entered so far, which decides whether a residence proof is required.
 */
export function validateKycField(field: KycField, value: unknown, rules: SaleFieldRules, options: KycValidationOptions & { nationality?: string }): KycFieldCheck {
  const checked = checkField(field, value, rules, options);
  if (!checked.ok) checked.error.message = (options.describe ?? ruleOnly)(field, checked.error.rule, checked.error.params ?? {});
  return checked;
}

function checkField(field: KycField, value: unknown, rules: SaleFieldRules, options: KycValidationOptions & { nationality?: string }): KycFieldCheck {
  if (isEmpty(value)) return isFieldRequired(field, rules, options.nationality) ? fail(field, 'required') : { ok: true, value: undefined };
  if (!isFieldCollected(field, rules)) return fail(field, 'not_collected');
  switch (field) {
    case 'firstName':
    case 'lastName':
    case 'documentIdNumber':
    case 'streetAddress':
    case 'city':
    case 'state':
    case 'postalCode':
      return checkText(field, value);
    case 'birthdate':
      return checkBirthdate(value, options.today);
    case 'country':
      return checkCountry(value, rules);
    case 'nationality':
      return checkNationality(value, rules);
    case 'documentIdFile':
    case 'selfieFile':
    case 'residenceProofFile':
      return checkFile(field, value, rules);
    case 'investorProofFiles':
      return checkInvestorProofs(value, rules);
    case 'ethereumAddress':
      return checkEthereum(value);
    case 'estimatedParticipationAmount':
      return checkAmount(value, rules);
  }
}

/** A property name as shown in an error: at most 64 characters. */
function shownProperty(name: string): string {
  return name.length > 64 ? `${name.slice(0, 63)}…` : name;
}

/**
 * Validate a whole submission (the widget's JSON body) against the sale's rules. Every field is checked
 * and every error reported, one per field at most, in form order, then one per unknown property.
 */
export function validateKycSubmission(input: unknown, rules: SaleFieldRules, options: KycValidationOptions): KycValidation {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ field: null, rule: 'type', message: 'The KYC submission must be an object of fields.' }] };
  }
  const record = input as Record<string, unknown>;
  const read = (field: KycField): unknown => (Object.hasOwn(record, field) ? record[field] : undefined);
  const errors: FieldError[] = [];
  const value: Partial<Record<KycField, string | string[]>> = {};
  const nationality = read('nationality');
  const fieldOptions = { ...options, ...(typeof nationality === 'string' ? { nationality } : {}) };
  for (const field of KYC_FIELDS) {
    const checked = validateKycField(field, read(field), rules, fieldOptions);
    if (!checked.ok) errors.push(checked.error);
    else if (checked.value !== undefined) value[field] = checked.value;
  }
  for (const property of Object.keys(record)) {
    if (isKycField(property)) continue;
    const shown = shownProperty(property);
    errors.push({ field: null, rule: 'unknown_field', message: `Unknown property ${JSON.stringify(shown)}: it is not a KYC field.`, params: { property: shown } });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: value as unknown as KycSubmissionInput };
}

/**
 * The provider's parameters for a validated submission (`first_name`, `document_id_file_path`, …): what
 * the proxy signs and sends to `POST /api/v2/users-kyc/{user_id}`. Absent fields and an empty list of
 * investor proofs are left out.
 */
export function toProviderParams(value: KycSubmissionInput): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const field of KYC_FIELDS) {
    const fieldValue = value[field];
    if (fieldValue === undefined) continue;
    if (Array.isArray(fieldValue)) {
      if (fieldValue.length > 0) params[PROVIDER_FIELD_NAMES[field]] = [...fieldValue];
    } else params[PROVIDER_FIELD_NAMES[field]] = fieldValue;
  }
  return params;
}
