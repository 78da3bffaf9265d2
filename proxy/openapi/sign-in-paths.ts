/**
 * The sign-in operations (`routes/sign-in-routes.ts`): a one-time code by email, a session for a right
 * code, a refreshed session, and a session vouched for by the sale's backend with its integrator key.
 */
import type { JsonSchema, PathItemObject } from './openapi-types.js';
import { errorResponses, INTERNAL, JSON_BODY, ORIGIN, PARSED_BODY, parameterRef, PROVIDER, STORE, UNKNOWN_SALE, WIDGET_TOKEN, jsonResponse } from './responses.js';
import { schemaRef } from './schemas.js';

const EMAIL: JsonSchema = { type: 'string', maxLength: 254, description: 'The investor\'s email address (compared without regard to case).', examples: ['ann@example.com'] };

const EMAIL_FORMAT = { status: 400, code: 'invalid_request', when: 'a property is missing or not valid (see `fields`: `email` with rule `format`, …).' } as const;

/** The sign-in component schemas. */
export const SIGN_IN_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  CodeRequest: { type: 'object', required: ['email'], properties: { email: EMAIL } },
  CodeSent: {
    type: 'object',
    description: 'The answer is the same whether or not the address is known, so it cannot be used to find out who signed up.',
    required: ['sent', 'expiresAt', 'resendAfterSeconds'],
    additionalProperties: false,
    properties: {
      sent: { type: 'boolean', const: true },
      expiresAt: { type: 'integer', minimum: 0, description: 'When the code expires (unix seconds).' },
      resendAfterSeconds: { type: 'integer', minimum: 0, description: 'How long to wait before asking for another code.' },
    },
  },
  SessionRequest: {
    type: 'object',
    required: ['email', 'code'],
    properties: { email: EMAIL, code: { type: 'string', maxLength: 20, description: 'The code from the email; spaces are ignored.', examples: ['123456'] } },
  },
  HostSessionRequest: {
    type: 'object',
    required: ['email'],
    properties: {
      email: { ...EMAIL, description: 'An address the sale\'s backend has verified itself.' },
      origin: { type: 'string', maxLength: 300, format: 'uri', description: 'The page that will embed the widget: one of the sale\'s origins. Default: the first.' },
    },
  },
};

const WIDGET_PARAMETERS = [parameterRef('Sale'), parameterRef('Origin'), parameterRef('RequestId')];
const WIDGET_SECURITY = [{ widgetToken: [] }];

/** The sign-in paths. */
export const SIGN_IN_PATHS: Readonly<Record<string, PathItemObject>> = {
  '/v1/sales/{sale}/codes': {
    post: {
      operationId: 'requestCode',
      summary: 'Email a one-time code',
      description: 'Mails a one-time code to the address. Limited per address and per client IP per hour, with a short cooldown between two codes for one address.',
      tags: ['widget'],
      parameters: WIDGET_PARAMETERS,
      requestBody: { required: true, content: { 'application/json': { schema: schemaRef('CodeRequest') } } },
      responses: {
        '202': jsonResponse('The code is on its way.', schemaRef('CodeSent')),
        ...errorResponses([
          ...UNKNOWN_SALE,
          ...ORIGIN,
          ...JSON_BODY,
          EMAIL_FORMAT,
          { status: 429, code: 'rate_limited', when: 'too many codes for this address or from this network this hour.', retryAfter: true },
          { status: 429, code: 'resend_too_soon', when: 'a code was sent to this address a moment ago.', retryAfter: true },
          { status: 503, code: 'mail_unavailable', when: 'the mail server refused or is unreachable; ask again at once.', retryAfter: true },
          ...STORE,
          ...INTERNAL,
        ]),
      },
    },
  },
  '/v1/sales/{sale}/sessions': {
    post: {
      operationId: 'createSession',
      summary: 'Exchange a right code for a widget token',
      description: 'A right code proves the email: the investor is found or created at the provider and receives a widget token bound to this sale and origin. A code works once.',
      tags: ['widget'],
      parameters: WIDGET_PARAMETERS,
      requestBody: { required: true, content: { 'application/json': { schema: schemaRef('SessionRequest') } } },
      responses: {
        '201': jsonResponse('Signed in.', schemaRef('WidgetSession')),
        ...errorResponses([
          ...UNKNOWN_SALE,
          ...ORIGIN,
          ...JSON_BODY,
          { status: 400, code: 'code_wrong', when: 'the code is not right; `fields[0].params.attemptsLeft` says how many tries are left.' },
          { status: 400, code: 'code_expired', when: 'the code expired or was already used: ask for a new one.' },
          { status: 400, code: 'code_too_many_attempts', when: 'too many wrong codes: ask for a new one.' },
          ...PROVIDER,
          ...STORE,
          ...INTERNAL,
        ]),
      },
    },
  },
  '/v1/sales/{sale}/sessions/refresh': {
    post: {
      operationId: 'refreshSession',
      summary: 'A fresh widget token',
      description: 'Exchanges a still-valid token for a new one with the same binding, up to 12 hours after the email was proven. No body.',
      tags: ['widget'],
      parameters: WIDGET_PARAMETERS,
      security: WIDGET_SECURITY,
      responses: {
        '200': jsonResponse('A new token.', schemaRef('WidgetSession')),
        ...errorResponses([...WIDGET_TOKEN, ...PARSED_BODY, ...INTERNAL]),
      },
    },
  },
  '/v1/sales/{sale}/host-sessions': {
    post: {
      operationId: 'createHostSession',
      summary: 'A widget token for an investor the sale has signed in itself',
      description: 'Server to server (no CORS): the sale\'s backend vouches for an email it has verified and hands the token to its page, which passes it to the widget. Authenticate with an integrator key of the sale as the bearer token.',
      tags: ['integrator'],
      parameters: [parameterRef('Sale'), parameterRef('RequestId')],
      security: [{ integratorKey: [] }],
      requestBody: { required: true, content: { 'application/json': { schema: schemaRef('HostSessionRequest') } } },
      responses: {
        '201': jsonResponse('The investor\'s widget token.', schemaRef('WidgetSession')),
        ...errorResponses([
          ...UNKNOWN_SALE,
          { status: 401, code: 'unauthorized', when: 'no integrator key, or not one of the sale\'s.', authenticate: true },
          ...JSON_BODY,
          { ...EMAIL_FORMAT, when: 'a property is missing or not valid (see `fields`: `email` with rule `format`, `origin` with rule `not_allowed`, …).' },
          ...PROVIDER,
          ...INTERNAL,
        ]),
      },
    },
  },
};
