/**
 * The component schemas shared across the proxy's routes: the error body, the investor's status, widget
 * sessions, the public keys and the operations answers. The KYC form's own schemas (sale configuration,
 * uploads, submissions) are in `kyc-schemas.ts`.
 *
 * Lists are taken from the code where the code has them at run time, and written out with a
 * `Record<Union, description>` where it only has a type, so adding a value to the type without
 * describing it here fails the type check.
 */
import type { IssueReason, InvestorState, InvestorStatus } from '../status/investor-status.js';
import type { SigningAlgorithm } from '../session/signing-keys.js';
import type { JsonSchema } from './openapi-types.js';

/** A `$ref` to a component schema. */
export function schemaRef(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

/** What each state means to an investor. */
const STATES: Record<InvestorState, string> = {
  not_submitted: 'nothing submitted yet',
  pending: 'submitted, being reviewed',
  needs_action: 'a reviewer sent it back: fix the data or replace a document (see `reasons`) and resubmit',
  approved: 'verified',
  denied: 'refused',
};

/** What each reviewer reason asks of the investor. */
const REASONS: Record<IssueReason, string> = {
  data_mismatch: 'the answers do not match the documents',
  document_issue: 'a document is unreadable, expired or of the wrong kind',
  other_issue: 'any other problem; the sale tells the investor',
};

const WHITELIST: Record<InvestorStatus['whitelist'], string> = {
  unprocessed: 'not started',
  started: 'in progress',
  done: 'the address is whitelisted',
  failed: 'whitelisting failed',
};

const ALGORITHMS: Record<SigningAlgorithm, string> = { EdDSA: 'Ed25519 (OKP)', ES256: 'P-256 (EC)' };

/** `- value: meaning` lines for a description. */
function described(entries: Record<string, string>): string {
  return Object.entries(entries).map(([value, meaning]) => `- \`${value}\`: ${meaning}`).join('\n');
}

/** A unix time in seconds. */
const UNIX_SECONDS: JsonSchema = { type: 'integer', minimum: 0, description: 'Unix time in seconds.' };

/** The shared component schemas. */
export const SHARED_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  FieldProblem: {
    type: 'object',
    description: 'One wrong field of a request. The widget shows `message`, or translates by `field` + `rule` with `params`.',
    required: ['field', 'rule', 'message'],
    additionalProperties: false,
    properties: {
      field: {
        type: 'string',
        description: 'The field at fault: a body property (`email`, `code`, `address`, `origin`), a KYC field (`firstName`, …), `files[0].contentType`, `confirmations.<id>`, or `submission` for the submission as a whole.',
      },
      rule: {
        type: 'string',
        description: 'A machine-readable reason, e.g. `required`, `type`, `too_long`, `format`, `checksum`, `not_collected`, `file_type`, `too_many_files`, `file_not_found`, `unknown_field`, `blocked_country`, `wrong`, `expired`, `too_many_attempts`, `not_allowed`, `provider` (see `proxy/contract/field-error.ts`).',
      },
      message: { type: 'string', description: 'Plain English naming the field; never quotes the value.' },
      params: {
        type: 'object',
        description: 'Values for a translated message: `max`, `min`, `suggestion` (a checksummed address), `attemptsLeft`, `index`, `property`.',
        additionalProperties: { type: ['string', 'number'] },
      },
    },
  },
  ErrorBody: {
    type: 'object',
    description: 'Every error answer. `code` is stable for programs; `message` is for people; 5xx messages never carry internals.',
    required: ['error'],
    additionalProperties: false,
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        additionalProperties: false,
        properties: {
          code: { type: 'string', pattern: '^[a-z][a-z0-9_]*$', description: 'A stable snake_case code; each operation lists the codes it can give per status.' },
          message: { type: 'string', minLength: 1 },
          fields: { type: 'array', items: schemaRef('FieldProblem') },
        },
      },
    },
  },
  InvestorStatus: {
    type: 'object',
    description: 'The investor\'s verification status in plain terms.',
    required: ['state', 'reasons', 'whitelist', 'submissionCount'],
    additionalProperties: false,
    properties: {
      state: { type: 'string', enum: Object.keys(STATES), description: described(STATES) },
      reasons: {
        type: 'array',
        uniqueItems: true,
        items: { type: 'string', enum: Object.keys(REASONS) },
        description: `Why a reviewer sent the case back; empty unless \`state\` is \`needs_action\`.\n${described(REASONS)}`,
      },
      whitelist: { type: 'string', enum: Object.keys(WHITELIST), description: `Whitelisting of the investor's Ethereum address (meaningful once approved).\n${described(WHITELIST)}` },
      submissionCount: { type: 'integer', minimum: 0, description: 'How many times the investor has submitted.' },
    },
  },
  StatusAnswer: {
    type: 'object',
    required: ['status'],
    additionalProperties: false,
    properties: { status: schemaRef('InvestorStatus') },
  },
  WidgetSession: {
    type: 'object',
    description: 'A widget token (a JWT signed by the proxy, bound to the sale, the embedding origin and the provider user; at most 15 minutes). Send it as `Authorization: Bearer <token>`; refresh it before `expiresAt`.',
    required: ['token', 'expiresAt', 'userId'],
    additionalProperties: false,
    properties: {
      token: { type: 'string', pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$', description: 'Compact JWS; never put it in a URL.' },
      expiresAt: UNIX_SECONDS,
      userId: { type: 'string', pattern: '^[0-9]+$', description: 'The investor\'s user id at the provider.' },
    },
  },
  ReauthEvent: {
    type: 'object',
    description: 'Data of the `reauth` event: the token behind the stream expired; refresh and reconnect with `Last-Event-ID`.',
    required: ['reason'],
    additionalProperties: false,
    properties: { reason: { type: 'string', const: 'token_expired' } },
  },
  UnavailableEvent: {
    type: 'object',
    description: 'Data of the `unavailable` event: the provider could not be read when the stream opened; the stream stays open and the status follows when known.',
    required: ['message'],
    additionalProperties: false,
    properties: { message: { type: 'string' } },
  },
  PublicJwk: {
    type: 'object',
    description: `A public key that signs widget tokens.\n${described(ALGORITHMS)}`,
    required: ['kty', 'crv', 'x', 'kid', 'alg', 'use'],
    additionalProperties: false,
    properties: {
      kty: { type: 'string', enum: ['OKP', 'EC'] },
      crv: { type: 'string', enum: ['Ed25519', 'P-256'] },
      x: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' },
      y: { type: 'string', pattern: '^[A-Za-z0-9_-]+$', description: 'P-256 keys only.' },
      kid: { type: 'string', description: 'The RFC 7638 thumbprint; tokens name it in their header.' },
      alg: { type: 'string', enum: Object.keys(ALGORITHMS) },
      use: { type: 'string', const: 'sig' },
    },
  },
  Jwks: {
    type: 'object',
    description: 'The widget tokens\' public keys, the current one first. A rotated-out key stays listed for one token lifetime.',
    required: ['keys'],
    additionalProperties: false,
    properties: { keys: { type: 'array', minItems: 1, items: schemaRef('PublicJwk') } },
  },
  Health: {
    type: 'object',
    required: ['status'],
    additionalProperties: false,
    properties: { status: { type: 'string', const: 'ok' } },
  },
  Readiness: {
    type: 'object',
    required: ['status', 'checks'],
    additionalProperties: false,
    properties: {
      status: { type: 'string', enum: ['ready', 'not_ready'] },
      checks: {
        type: 'object',
        description: '`store` (the shared store answers) and `provider:<sale id>` per sale (a signed provider call succeeds; cached 10 s).',
        required: ['store'],
        properties: { store: { type: 'string', enum: ['ok', 'failing'] } },
        propertyNames: { type: 'string', pattern: '^(store|provider:[a-z0-9][a-z0-9-]{0,39})$' },
        additionalProperties: { type: 'string', enum: ['ok', 'failing'] },
      },
    },
  },
  WebhookReceipt: {
    type: 'object',
    required: ['received'],
    additionalProperties: false,
    properties: {
      received: { type: 'boolean', const: true },
      duplicate: { type: 'boolean', const: true, description: 'Present when this event id was already applied (a provider retry); nothing was applied again.' },
    },
  },
};
