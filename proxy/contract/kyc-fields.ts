/**
 * The KYC form's fields as the widget and the proxy name them (camelCase, on the wire between the two),
 * their names at the provider (OST KYC v2, `POST /api/v2/users-kyc/{user_id}`, upstream §2.4), which of
 * them the provider always requires, and the shape of a submission.
 *
 * Isomorphic and data-only: the widget bundle imports it too.
 */

/** Every KYC field, in the order the form asks for them (and the order errors are reported in). */
export const KYC_FIELDS = [
  'firstName',
  'lastName',
  'birthdate',
  'country',
  'nationality',
  'documentIdNumber',
  'documentIdFile',
  'selfieFile',
  'residenceProofFile',
  'investorProofFiles',
  'streetAddress',
  'city',
  'state',
  'postalCode',
  'ethereumAddress',
  'estimatedParticipationAmount',
] as const;

/** One of {@link KYC_FIELDS}. */
export type KycField = (typeof KYC_FIELDS)[number];

/** Our field → the provider's parameter name. */
export const PROVIDER_FIELD_NAMES = {
  firstName: 'first_name',
  lastName: 'last_name',
  birthdate: 'birthdate',
  country: 'country',
  nationality: 'nationality',
  documentIdNumber: 'document_id_number',
  documentIdFile: 'document_id_file_path',
  selfieFile: 'selfie_file_path',
  residenceProofFile: 'residence_proof_file_path',
  investorProofFiles: 'investor_proof_files_path',
  streetAddress: 'street_address',
  city: 'city',
  state: 'state',
  postalCode: 'postal_code',
  ethereumAddress: 'ethereum_address',
  estimatedParticipationAmount: 'estimated_participation_amount',
} as const satisfies Record<KycField, string>;

/** A provider parameter name of a KYC field (`first_name`, `document_id_file_path`, …). */
export type ProviderKycField = (typeof PROVIDER_FIELD_NAMES)[KycField];

/** The provider's parameter name → our field (the inverse of {@link PROVIDER_FIELD_NAMES}). */
export const KYC_FIELD_BY_PROVIDER_NAME = Object.fromEntries(
  KYC_FIELDS.map((field) => [PROVIDER_FIELD_NAMES[field], field]),
) as Readonly<Record<ProviderKycField, KycField>>;

/** Whether `name` is one of our field names. */
export function isKycField(name: string): name is KycField {
  return (KYC_FIELDS as readonly string[]).includes(name);
}

/**
 * Our field for a provider parameter name, or undefined for any other parameter (`user_id`, a client's
 * extra field, …). Own properties only, so `constructor` or `__proto__` never match.
 */
export function kycFieldFromProviderName(name: string): KycField | undefined {
  return Object.hasOwn(KYC_FIELD_BY_PROVIDER_NAME, name) ? KYC_FIELD_BY_PROVIDER_NAME[name as ProviderKycField] : undefined;
}

/**
 * The fields every sale collects and the provider always requires (its `mandatory_client_fields`); a
 * submission without any of them is refused whatever the sale's configuration says.
 */
export const ALWAYS_REQUIRED_FIELDS = [
  'firstName',
  'lastName',
  'birthdate',
  'country',
  'nationality',
  'documentIdNumber',
  'documentIdFile',
  'selfieFile',
] as const satisfies readonly KycField[];

/** The fields a sale may switch on or off (the provider's per-client `kyc_fields`). */
export const OPTIONAL_FIELDS = [
  'residenceProofFile',
  'investorProofFiles',
  'streetAddress',
  'city',
  'state',
  'postalCode',
  'ethereumAddress',
  'estimatedParticipationAmount',
] as const satisfies readonly KycField[];

/** One of {@link OPTIONAL_FIELDS}. */
export type OptionalKycField = (typeof OPTIONAL_FIELDS)[number];

/**
 * Optional fields the provider requires as soon as the sale collects them. The two others differ: a
 * residence proof is required only for some nationalities, and investor proofs are never required by
 * the provider (a sale may still require them).
 */
export const REQUIRED_WHEN_COLLECTED = [
  'streetAddress',
  'city',
  'state',
  'postalCode',
  'ethereumAddress',
  'estimatedParticipationAmount',
] as const satisfies readonly OptionalKycField[];

/** The fields whose value is the S3 key of an uploaded file (an array of keys for investor proofs). */
export const FILE_FIELDS = ['documentIdFile', 'selfieFile', 'residenceProofFile', 'investorProofFiles'] as const satisfies readonly KycField[];

/** Short English names of the fields, used in error messages (the widget translates by field and rule). */
export const KYC_FIELD_LABELS: Readonly<Record<KycField, string>> = {
  firstName: 'First name',
  lastName: 'Last name',
  birthdate: 'Date of birth',
  country: 'Country of residence',
  nationality: 'Nationality',
  documentIdNumber: 'ID document number',
  documentIdFile: 'ID document',
  selfieFile: 'Selfie',
  residenceProofFile: 'Proof of residence',
  investorProofFiles: 'Investor proofs',
  streetAddress: 'Street address',
  city: 'City',
  state: 'State or region',
  postalCode: 'Postal code',
  ethereumAddress: 'Ethereum address',
  estimatedParticipationAmount: 'Estimated participation amount',
};

/**
 * A KYC submission as the widget sends it to the proxy (JSON), and as validation returns it normalised.
 * Fields the sale does not collect are absent.
 */
export interface KycSubmissionInput {
  firstName: string;
  lastName: string;
  /** `dd/mm/yyyy` (validation also reads `yyyy-mm-dd` and always returns `dd/mm/yyyy`). */
  birthdate: string;
  /** Country of residence: the provider's canonical name, e.g. `UNITED STATES OF AMERICA`. */
  country: string;
  /** The provider's canonical nationality, e.g. `AMERICAN`. */
  nationality: string;
  documentIdNumber: string;
  /** S3 key handed out by the provider's presigned POST, e.g. `7/i/0123abcd…`. */
  documentIdFile: string;
  selfieFile: string;
  residenceProofFile?: string;
  /** At most 2 keys. */
  investorProofFiles?: string[];
  streetAddress?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  /** Any case, with or without `0x`; normalised to the EIP-55 checksummed form. */
  ethereumAddress?: string;
  /** A decimal number as text, e.g. `1500` or `0.5` (validation also reads a JSON number). */
  estimatedParticipationAmount?: string;
}
