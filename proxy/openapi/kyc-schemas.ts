/**
 * The component schemas of the KYC form: the sale's public configuration, upload tickets, a submission
 * as the widget sends it and as the proxy reads it back. Field names, limits and content types come from
 * the shared contract and the routes, so the document follows the code.
 */
import { ALWAYS_REQUIRED_FIELDS, FILE_FIELDS, KYC_FIELDS, KYC_FIELD_LABELS, type KycField } from '../contract/kyc-fields.js';
import { MAX_INVESTOR_PROOFS, MAX_NAME_LENGTH, MAX_TEXT_LENGTH } from '../contract/kyc-rules.js';
import { UPLOAD_CONTENT_TYPES, UPLOAD_MAX_BYTES, UPLOAD_MIN_BYTES } from '../routes/upload-routes.js';
import type { JsonSchema } from './openapi-types.js';
import { schemaRef } from './schemas.js';

/** A provider file key (`<client id>/<dir>/<name>`), as handed out with an upload form. */
const FILE_KEY: JsonSchema = { type: 'string', pattern: '^[1-9][0-9]*/[A-Za-z0-9/]+$', maxLength: 255 };

/** One line of text; the provider counts `&` as 5 characters and `<`, `>`, `` ` `` as 4 to 6. */
function text(maxLength: number): JsonSchema {
  return { type: ['string', 'null'], maxLength, description: `One line of plain text (no markup or control characters), at most ${maxLength} characters as the provider counts them.` };
}

/** Each field as the widget sends it (null or blank means "not given"). */
const SUBMISSION_FIELDS: Record<KycField, JsonSchema> = {
  firstName: text(MAX_NAME_LENGTH),
  lastName: text(MAX_NAME_LENGTH),
  birthdate: { type: ['string', 'null'], pattern: '^([0-9]{1,2}/[0-9]{1,2}/[0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2})$', description: '`dd/mm/yyyy` (`yyyy-mm-dd` is read too). The age must be 18 to 100 years.' },
  country: { type: ['string', 'null'], description: 'Country of residence: a `value` from the sale configuration\'s `countries` (aliases and any letter case are read too). Blocked countries are refused.' },
  nationality: { type: ['string', 'null'], description: 'A `value` from the sale configuration\'s `nationalities`.' },
  documentIdNumber: text(MAX_TEXT_LENGTH),
  documentIdFile: { ...FILE_KEY, description: 'The `key` of an upload ticket for this field, after the file was posted to storage.' },
  selfieFile: { ...FILE_KEY, description: 'As `documentIdFile`.' },
  residenceProofFile: { ...FILE_KEY, description: 'As `documentIdFile`; required for the nationalities marked `needsResidenceProof`.' },
  investorProofFiles: { type: ['array', 'null'], maxItems: MAX_INVESTOR_PROOFS, uniqueItems: true, items: FILE_KEY, description: `Up to the sale's \`maxInvestorProofs\` (at most ${MAX_INVESTOR_PROOFS}) upload keys.` },
  streetAddress: text(MAX_TEXT_LENGTH),
  city: text(MAX_TEXT_LENGTH),
  state: text(MAX_TEXT_LENGTH),
  postalCode: text(MAX_TEXT_LENGTH),
  ethereumAddress: { type: ['string', 'null'], pattern: '^(0[xX])?[0-9a-fA-F]{40}$', description: 'Any case, with or without `0x`; a mixed-case address must pass its EIP-55 checksum. Normalised to the checksummed form.' },
  estimatedParticipationAmount: {
    anyOf: [
      { type: 'string', pattern: '^[0-9]*(\\.[0-9]+)?$' },
      { type: 'number', minimum: 0.01 },
      { type: 'null' },
    ],
    description: 'A decimal number (text such as `1500` or `0.5`, or a JSON number), at least 0.01 and the sale\'s minimum, at most 15 digits.',
  },
};

/** Each field as read back from the provider (text fields as text, files as their keys). */
const ANSWER_FIELDS: Readonly<Record<string, JsonSchema>> = Object.fromEntries(KYC_FIELDS.map((field): [KycField, JsonSchema] => {
  const schema: JsonSchema = field === 'investorProofFiles'
    ? { type: 'array', minItems: 1, items: FILE_KEY }
    : (FILE_FIELDS as readonly string[]).includes(field)
      ? FILE_KEY
      : field === 'birthdate'
        ? { type: 'string', description: '`dd/mm/yyyy`.' }
        : { type: 'string' };
  return [field, { ...schema, title: KYC_FIELD_LABELS[field] }];
}));

const FIELD_LIST: JsonSchema = { type: 'array', uniqueItems: true, items: { type: 'string', enum: [...KYC_FIELDS] } };

/** A select-box entry: the value to send, the label to show. */
function choice(flag: string, flagDescription: string): JsonSchema {
  return {
    type: 'object',
    required: ['value', 'label'],
    additionalProperties: false,
    properties: {
      value: { type: 'string', description: 'The provider\'s canonical name, e.g. `UNITED STATES OF AMERICA`.' },
      label: { type: 'string', description: 'The display name in the requested locale.' },
      [flag]: { type: 'boolean', const: true, description: flagDescription },
    },
  };
}

/** The KYC form's component schemas. */
export const KYC_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  SaleConfig: {
    type: 'object',
    description: 'What the widget needs to draw the sale\'s form before anyone signs in. Nothing secret.',
    required: ['sale', 'locales', 'fields', 'rules', 'countries', 'nationalities', 'uploads', 'confirmations', 'codes', 'wallet'],
    additionalProperties: false,
    properties: {
      sale: {
        type: 'object',
        required: ['id', 'name'],
        additionalProperties: false,
        properties: { id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,39}$' }, name: { type: 'string' } },
      },
      locales: { type: 'array', minItems: 1, items: { type: 'string' }, description: 'BCP 47 tags the widget may use; the first is the default.' },
      fields: {
        type: 'object',
        required: ['collected', 'required'],
        additionalProperties: false,
        properties: {
          collected: { ...FIELD_LIST, description: 'Every field the form shows, in form order.' },
          required: { ...FIELD_LIST, description: 'The collected fields that must be filled in (a residence proof is required by nationality on top).' },
        },
      },
      rules: {
        type: 'object',
        description: 'The field rules the proxy validates a submission with (`SaleFieldRules` in `proxy/contract/kyc-rules.ts`), for the widget to check as the investor types.',
        required: ['collected', 'required', 'countries', 'nationalities', 'blockedCountries', 'residenceProofNationalities', 'maxInvestorProofs'],
        additionalProperties: false,
        properties: {
          collected: FIELD_LIST,
          required: FIELD_LIST,
          countries: { type: 'array', items: { type: 'string' }, description: 'Canonical names of the countries of residence the sale accepts.' },
          nationalities: { type: 'array', items: { type: 'string' } },
          blockedCountries: { type: 'array', items: { type: 'string' } },
          residenceProofNationalities: { type: 'array', items: { type: 'string' } },
          maxInvestorProofs: { type: 'integer', minimum: 0, maximum: MAX_INVESTOR_PROOFS },
          minAmount: { type: 'number', minimum: 0 },
          clientId: { type: 'integer', minimum: 1 },
        },
      },
      countries: { type: 'array', items: choice('blocked', 'Shown but refused: residents of this country cannot take part.'), description: 'Every country, sorted by label in the requested locale.' },
      nationalities: { type: 'array', items: choice('needsResidenceProof', 'This nationality must add a proof of residence.') },
      uploads: {
        type: 'object',
        required: ['contentTypes', 'minBytes', 'maxBytes', 'maxInvestorProofs'],
        additionalProperties: false,
        properties: {
          contentTypes: { type: 'array', items: { type: 'string', enum: [...UPLOAD_CONTENT_TYPES] } },
          minBytes: { type: 'integer', const: UPLOAD_MIN_BYTES },
          maxBytes: { type: 'integer', const: UPLOAD_MAX_BYTES },
          maxInvestorProofs: { type: 'integer', minimum: 0, maximum: MAX_INVESTOR_PROOFS },
        },
      },
      confirmations: {
        type: 'array',
        description: 'Checkboxes the investor must tick before submitting; send `confirmations: { <id>: true }` with the submission.',
        items: {
          type: 'object',
          required: ['id', 'label'],
          additionalProperties: false,
          properties: { id: { type: 'string', pattern: '^[a-z0-9_-]{1,40}$' }, label: { type: 'string' }, url: { type: 'string', format: 'uri' } },
        },
      },
      codes: {
        type: 'object',
        required: ['resendAfterSeconds', 'expiresInSeconds'],
        additionalProperties: false,
        properties: { resendAfterSeconds: { type: 'integer', minimum: 0 }, expiresInSeconds: { type: 'integer', minimum: 1 } },
      },
      wallet: {
        type: 'object',
        description: 'Proof of wallet ownership (Sign-In with Ethereum): `off` (the address is typed), `optional` (offered; a typed address stays unproven) or `required` (the submitted address must be proven with `createWalletChallenge` and `proveWallet`); the EIP-155 chain id the signed message must name; whether typing an address is allowed.',
        required: ['proof', 'chainId', 'allowTypedAddress'],
        additionalProperties: false,
        properties: {
          proof: { type: 'string', enum: ['off', 'optional', 'required'] },
          chainId: { type: 'integer', minimum: 1 },
          allowTypedAddress: { type: 'boolean' },
        },
      },
    },
  },
  UploadRequest: {
    type: 'object',
    required: ['files'],
    properties: {
      files: {
        type: 'array',
        minItems: 1,
        maxItems: 3 + MAX_INVESTOR_PROOFS,
        description: 'The files about to be sent: one per single-file field, up to the sale\'s `maxInvestorProofs` for `investorProofFiles`, only fields the sale collects.',
        items: {
          type: 'object',
          required: ['field', 'contentType'],
          properties: {
            field: { type: 'string', enum: [...FILE_FIELDS] },
            contentType: { type: 'string', enum: [...UPLOAD_CONTENT_TYPES], description: 'Compared without regard to case; JPG, PNG or PDF.' },
          },
        },
      },
    },
  },
  UploadTickets: {
    type: 'object',
    description: 'Presigned S3 POST forms, one per requested file, in request order. Post each file to `url` as `multipart/form-data` with every entry of `fields` first and the file last (field name `file`), with its `contentType`, between `minBytes` and `maxBytes`, before `expiresAt`. Then submit the `key`s.',
    required: ['uploads', 'minBytes', 'maxBytes', 'expiresAt'],
    additionalProperties: false,
    properties: {
      uploads: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['field', 'index', 'contentType', 'key', 'url', 'fields'],
          additionalProperties: false,
          properties: {
            field: { type: 'string', enum: [...FILE_FIELDS] },
            index: { type: 'integer', minimum: 0, description: 'Position among the files of the same field (investor proofs: 0, 1).' },
            contentType: { type: 'string', enum: [...UPLOAD_CONTENT_TYPES] },
            key: { ...FILE_KEY, description: 'The storage key to submit in the KYC field.' },
            url: { type: 'string', format: 'uri' },
            fields: { type: 'object', required: ['key'], properties: { key: { type: 'string' } }, additionalProperties: { type: 'string' }, description: 'The form fields to post before the file (policy, signature, key, Content-Type…).' },
          },
        },
      },
      minBytes: { type: 'integer', const: UPLOAD_MIN_BYTES },
      maxBytes: { type: 'integer', const: UPLOAD_MAX_BYTES },
      expiresAt: { type: 'integer', minimum: 0, description: 'Unix seconds; the forms are valid for 15 minutes.' },
    },
  },
  KycSubmission: {
    type: 'object',
    description: 'The investor\'s answers, keyed by our field names. Fields the sale does not collect must be left out; any other property is refused (`unknown_field`).',
    required: [...ALWAYS_REQUIRED_FIELDS],
    additionalProperties: false,
    properties: SUBMISSION_FIELDS,
  },
  KycSubmitRequest: {
    type: 'object',
    required: ['submission', 'confirmations'],
    properties: {
      submission: schemaRef('KycSubmission'),
      confirmations: {
        type: 'object',
        description: 'Every confirmation `id` of the sale configuration, set to `true`.',
        additionalProperties: { type: 'boolean' },
      },
    },
  },
  SubmittedAnswers: {
    type: 'object',
    required: ['submission'],
    additionalProperties: false,
    properties: {
      submission: {
        type: 'object',
        description: 'The latest submission as the provider holds it, to prefill a resubmission: text fields, the birthdate as `dd/mm/yyyy`, and file keys (no document URLs).',
        additionalProperties: false,
        properties: ANSWER_FIELDS,
      },
    },
  },
};
