/**
 * Field-by-field validation of a KYC submission (`UserManagement::Kyc::Submit`, upstream §2.4): every
 * error is collected, in the server's order, for one 400 `um_ks_vasp_1`; a valid submission comes back
 * normalised for storage.
 */
import type { QueryParams, QueryValue } from '../../../proxy/ost-query.js';
import { checkBirthdate } from '../birthdate.js';
import type { ClientConfig, OptionalKycField } from '../config.js';
import { canonicalCountry, canonicalNationality } from '../countries.js';
import type { ErrorDatum } from '../envelope.js';
import type { KycSubmission } from '../kyc-model.js';
import type { FileStore } from '../ports.js';
import { isBlank, rubyFloat, rubyStrip } from '../ruby-values.js';

/** `MAX_ALLOWED_LENGTH` of names. */
const MAX_NAME_LENGTH = 100;
/** `s3_manager.rb#min_file_size/max_file_size`. */
export const MIN_FILE_SIZE = 204800;
export const MAX_FILE_SIZE = 20971520;
/** `max_number_of_investor_proofs_allowed`. */
const MAX_INVESTOR_PROOFS = 2;
/** `/\A[A-Z0-9\/]+\Z/i`: `\Z` lets one trailing newline through. */
const FILE_PATH = /^[A-Z0-9/]+\n?$/i;
const ETHEREUM = /^(0x|0X)?[a-fA-F0-9]{40}$/;

/** The `params_errors.yml` messages used by the submission (those marked "guess" are not quoted upstream). */
const MSG: Record<string, string> = {
  missing_first_name: 'First Name is a mandatory field.',
  invalid_first_name: 'First Name is invalid. Allowed max length is 100 characters.',
  missing_last_name: 'Last Name is a mandatory field.',
  invalid_last_name: 'Last Name is invalid. Allowed max length is 100 characters.',
  missing_birthdate: 'Birthdate is a mandatory field. The format accepted is dd/mm/yyyy.',
  invalid_birthdate: 'Please provide birthdate in dd/mm/yyyy format.',
  invalid_birthdate_age: 'Minimum age required to proceed is 18 years.',
  missing_ethereum_address: 'Ethereum Address is a mandatory field. It is a 42-character hexadecimal string.',
  invalid_ethereum_address: 'Please ensure a valid Ethereum Address is provided.',
  missing_document_id_number: 'Document ID Number is a mandatory field.',
  invalid_document_id_number: 'Please provide a valid Document ID Number.',
  missing_nationality: 'Nationality is a mandatory field.',
  invalid_nationality: 'Please provide a valid Nationality.',
  missing_country: 'Country is a mandatory field.',
  invalid_country: 'Please provide a valid Country. Make sure its spelled correctly.',
  blacklisted_country: 'This Country is blacklisted by client.',
  invalid_document_id_file_path: 'Please make sure to provide a valid Document ID File Path.',
  invalid_selfie_file_path: 'Please make sure the Selfie File Path provided is valid.',
  invalid_investor_proof_files_path_count: 'Maximum 2 documents are allowed to be uploaded as Investor Proof.',
  file_not_found: 'Oops. File is not present on S3.',
  wrong_file_size: 'Please make sure the file size is between 200kB & 20MB.',
  // guesses: the upstream notes quote only the identifiers of these
  missing_document_id_file_path: 'Document ID File Path is a mandatory field.',
  missing_selfie_file_path: 'Selfie File Path is a mandatory field.',
  missing_residence_proof_file_path: 'Residence Proof File Path is a mandatory field.',
  invalid_residence_proof_file_path: 'Please make sure the Residence Proof File Path provided is valid.',
  invalid_investor_proof_files_path: 'Please make sure the Investor Proof File Paths provided are valid.',
  missing_estimated_participation_amount: 'Estimated Participation Amount is a mandatory field.',
  invalid_estimated_participation_amount: 'Estimated Participation Amount is invalid. It can be a float value greater than equal to 0.01',
  missing_street_address: 'Street Address is a mandatory field.',
  invalid_street_address: 'Please provide a valid Street Address.',
  missing_city: 'City is a mandatory field.',
  invalid_city: 'Please provide a valid City.',
  missing_state: 'State is a mandatory field.',
  invalid_state: 'Please provide a valid State.',
  missing_postal_code: 'Postal Code is a mandatory field.',
  invalid_postal_code: 'Please provide a valid Postal Code.',
};

/** The outcome of {@link validateKycSubmission}. */
export type KycValidation = { ok: true; submission: KycSubmission } | { ok: false; errors: ErrorDatum[] };

/** Ruby's `^…$` are line anchors: the pattern may match any one line of the value. */
function matchesSomeLine(pattern: RegExp, text: string): boolean {
  return text.split('\n').some((line) => pattern.test(line));
}

/**
 * Validate a (sanitised) submission for `client`. File existence and size are asked of `fileStore`
 * after the field checks (the server runs them in threads; here they run in field order).
 */
export async function validateKycSubmission(params: QueryParams, client: ClientConfig, fileStore: FileStore, nowMs: number): Promise<KycValidation> {
  const errors: ErrorDatum[] = [];
  const add = (parameter: string, id: string): void => {
    errors.push({ parameter, msg: MSG[id] ?? id });
  };
  const enabled = (field: OptionalKycField): boolean => client.kycFields.includes(field);
  /** Blank → missing; not a String → invalid; else the stripped value. */
  const text = (field: string, value: QueryValue | undefined): string | undefined => {
    if (isBlank(value)) return add(field, `missing_${field}`), undefined;
    if (typeof value !== 'string') return add(field, `invalid_${field}`), undefined;
    return rubyStrip(value);
  };
  const files: { field: string; path: string }[] = [];
  const path = (field: string, value: string): string | undefined => {
    if (!value.startsWith(`${client.clientId}/`) || !FILE_PATH.test(value)) return add(field, `invalid_${field}`), undefined;
    files.push({ field, path: value });
    return value;
  };

  const name = (field: 'first_name' | 'last_name'): string | undefined => {
    const value = text(field, params[field]);
    if (value !== undefined && [...value].length > MAX_NAME_LENGTH) return add(field, `invalid_${field}`), undefined;
    return value;
  };
  const firstName = name('first_name');
  const lastName = name('last_name');

  let birthdate: string | undefined;
  const birthText = text('birthdate', params['birthdate']);
  if (birthText !== undefined) {
    const checked = checkBirthdate(birthText, nowMs);
    if (checked.ok) birthdate = checked.iso;
    else add('birthdate', checked.error);
  }

  let ethereumAddress: string | null = null;
  if (enabled('ethereum_address')) {
    const value = text('ethereum_address', params['ethereum_address']);
    if (value !== undefined) {
      const prefixed = /^0x/i.test(value) ? value : '0x' + value;
      if (matchesSomeLine(ETHEREUM, prefixed)) ethereumAddress = prefixed;
      else add('ethereum_address', 'invalid_ethereum_address');
    }
  }

  const documentIdNumber = text('document_id_number', params['document_id_number'])?.toLowerCase();

  let nationality: string | undefined;
  const nationalityText = text('nationality', params['nationality']);
  if (nationalityText !== undefined) {
    nationality = canonicalNationality(nationalityText);
    if (nationality === undefined) add('nationality', 'invalid_nationality');
  }

  const documentFile = ((v) => (v === undefined ? undefined : path('document_id_file_path', v)))(text('document_id_file_path', params['document_id_file_path']));
  const selfieFile = ((v) => (v === undefined ? undefined : path('selfie_file_path', v)))(text('selfie_file_path', params['selfie_file_path']));

  let country: string | undefined;
  const countryText = text('country', params['country']);
  if (countryText !== undefined) {
    country = canonicalCountry(countryText);
    if (country === undefined) add('country', 'invalid_country');
    else if (client.blacklistedCountries.includes(country)) (country = undefined), add('country', 'blacklisted_country');
  }

  let amount: number | null = null;
  if (enabled('estimated_participation_amount')) {
    const value = text('estimated_participation_amount', params['estimated_participation_amount']);
    if (value !== undefined) {
      const parsed = rubyFloat(value);
      if (parsed !== undefined && parsed >= 0.01) amount = parsed;
      else add('estimated_participation_amount', 'invalid_estimated_participation_amount');
    }
  }

  const address: Record<'street_address' | 'city' | 'state' | 'postal_code', string | null> = { street_address: null, city: null, state: null, postal_code: null };
  for (const field of ['street_address', 'city', 'state', 'postal_code'] as const) {
    if (enabled(field)) address[field] = text(field, params[field]) ?? null;
  }

  let residenceProof: string | null = null;
  if (enabled('residence_proof_file_path')) {
    const value = params['residence_proof_file_path'];
    const required = nationality !== undefined && client.residencyProofNationalities.includes(nationality);
    if (required || !isBlank(value)) {
      const stripped = text('residence_proof_file_path', value);
      if (stripped !== undefined) residenceProof = path('residence_proof_file_path', stripped) ?? null;
    }
  }

  const investorProofs: string[] = [];
  if (enabled('investor_proof_files_path')) {
    const value = params['investor_proof_files_path'];
    if (!isBlank(value)) {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) add('investor_proof_files_path', 'invalid_investor_proof_files_path');
      else if (value.length > MAX_INVESTOR_PROOFS) add('investor_proof_files_path', 'invalid_investor_proof_files_path_count');
      else {
        let allValid = true;
        for (const proof of value as string[]) {
          const checked = proof.startsWith(`${client.clientId}/`) && FILE_PATH.test(proof);
          if (checked) investorProofs.push(proof);
          else allValid = false;
        }
        if (!allValid) add('investor_proof_files_path', 'invalid_investor_proof_files_path');
        else for (const proof of investorProofs) files.push({ field: 'investor_proof_files_path', path: proof });
      }
    }
  }

  for (const file of files) {
    const stored = await fileStore.stat(file.path);
    if (stored === undefined) errors.push({ parameter: file.field, msg: MSG['file_not_found'] as string });
    else if (stored.size < MIN_FILE_SIZE || stored.size > MAX_FILE_SIZE) errors.push({ parameter: file.field, msg: MSG['wrong_file_size'] as string });
  }

  const extra: Record<string, string> = {};
  for (const field of client.extraKycFields) {
    const value = params[field.key];
    if (isBlank(value)) {
      if (field.required) errors.push({ parameter: field.key, msg: `${field.label} is mandatory` });
    } else if (typeof value !== 'string') errors.push({ parameter: field.key, msg: `Please provide a valid ${field.label}` });
    else extra[field.key] = rubyStrip(value);
  }

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    submission: {
      first_name: firstName as string,
      last_name: lastName as string,
      birthdate: birthdate as string,
      country: country as string,
      nationality: nationality as string,
      document_id_number: documentIdNumber as string,
      document_id_file_path: documentFile as string,
      selfie_file_path: selfieFile as string,
      residence_proof_file_path: residenceProof,
      investor_proof_files_path: investorProofs,
      ethereum_address: ethereumAddress,
      estimated_participation_amount: amount,
      ...address,
      extra,
    },
  };
}
