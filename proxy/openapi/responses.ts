/**
 * Building blocks of the operations: reusable parameters and headers, JSON responses, and error
 * responses built from a list of {@link ErrorCase}s, so every operation lists exactly the error codes its
 * route can give, grouped by status, each with the `code` enum and the headers that come with it.
 */
import type { TokenErrorCode } from '../session/token-error.js';
import type { HeaderObject, JsonSchema, ParameterObject, Reference, ResponseObject } from './openapi-types.js';
import { schemaRef } from './schemas.js';

/** One error an operation can answer. */
export interface ErrorCase {
  status: number;
  /** The stable `error.code`. */
  code: string;
  /** When it happens, for the description. */
  when: string;
  /** The answer carries `Retry-After` (seconds). */
  retryAfter?: boolean;
  /** The answer carries `WWW-Authenticate: Bearer …`. */
  authenticate?: boolean;
}

/** The reusable parameters. */
export const PARAMETERS: Readonly<Record<string, ParameterObject>> = {
  Sale: {
    name: 'sale',
    in: 'path',
    required: true,
    description: 'The sale id, as configured on the proxy.',
    schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,39}$' },
  },
  Origin: {
    name: 'Origin',
    in: 'header',
    required: false,
    description: 'The embedding page\'s origin, sent by the browser; it must be one of the sale\'s origins, and a widget token only works from the origin it was issued to. Without it the proxy\'s own origin is assumed.',
    schema: { type: 'string', format: 'uri' },
  },
  RequestId: {
    name: 'X-Request-Id',
    in: 'header',
    required: false,
    description: 'A request id from a load balancer (8–100 of `A-Za-z0-9._:-`); echoed back and logged. Generated when absent or malformed.',
    schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{8,100}$' },
  },
};

/** The reusable response headers. */
export const HEADERS: Readonly<Record<string, HeaderObject>> = {
  RequestId: {
    description: 'The request id (the caller\'s own when well-formed): quote it when asking for support.',
    required: true,
    schema: { type: 'string', minLength: 8 },
  },
  RetryAfter: {
    description: 'Seconds to wait before trying again.',
    required: true,
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
  WwwAuthenticate: {
    description: 'The bearer challenge (RFC 6750).',
    required: true,
    schema: { type: 'string', pattern: '^Bearer' },
  },
  CacheControl: {
    description: 'How long the answer may be cached.',
    required: true,
    schema: { type: 'string' },
  },
};

/** A `$ref` to a reusable parameter. */
export function parameterRef(name: keyof typeof PARAMETERS & string): Reference {
  return { $ref: `#/components/parameters/${name}` };
}

function headerRef(name: string): Reference {
  return { $ref: `#/components/headers/${name}` };
}

/** A successful JSON answer (every answer carries `X-Request-Id`). */
export function jsonResponse(description: string, schema: JsonSchema, options: { cached?: boolean } = {}): ResponseObject {
  return {
    description,
    headers: { 'X-Request-Id': headerRef('RequestId'), ...(options.cached === true ? { 'Cache-Control': headerRef('CacheControl') } : {}) },
    content: { 'application/json': { schema } },
  };
}

/** A successful non-JSON answer. */
export function textResponse(description: string, mediaType: string, schema: JsonSchema): ResponseObject {
  return { description, headers: { 'X-Request-Id': headerRef('RequestId') }, content: { [mediaType]: { schema } } };
}

/**
 * The error responses of an operation: one per status, its codes as an enum, with their headers. A case
 * repeated with the same status and code replaces the earlier one (a route words a shared case its way).
 */
export function errorResponses(cases: readonly ErrorCase[]): Record<string, ResponseObject> {
  const byStatus = new Map<number, Map<string, ErrorCase>>();
  for (const error of cases) {
    const group = byStatus.get(error.status) ?? new Map<string, ErrorCase>();
    group.set(error.code, error);
    byStatus.set(error.status, group);
  }
  const responses: Record<string, ResponseObject> = {};
  for (const [status, codeCases] of [...byStatus].sort(([a], [b]) => a - b)) {
    const group = [...codeCases.values()];
    const codes = group.map((error) => error.code);
    responses[String(status)] = {
      description: group.map((error) => `\`${error.code}\`: ${error.when}`).join('\n\n'),
      headers: {
        'X-Request-Id': headerRef('RequestId'),
        // A header is promised only when every error of this status sends it.
        ...(group.every((error) => error.retryAfter === true) ? { 'Retry-After': headerRef('RetryAfter') } : {}),
        ...(group.every((error) => error.authenticate === true) ? { 'WWW-Authenticate': headerRef('WwwAuthenticate') } : {}),
      },
      content: {
        'application/json': {
          schema: {
            ...schemaRef('ErrorBody'),
            type: 'object',
            properties: { error: { type: 'object', properties: { code: { type: 'string', enum: codes } } } },
          },
        },
      },
    };
  }
  return responses;
}

/** Any route: an unexpected failure. */
export const INTERNAL: readonly ErrorCase[] = [
  { status: 500, code: 'internal_error', when: 'an unexpected failure on the proxy (logged with the request id); nothing entered was lost.' },
];

/** Any `/v1/sales/{sale}/…` or `/webhooks/{sale}` route. */
export const UNKNOWN_SALE: readonly ErrorCase[] = [
  { status: 404, code: 'unknown_sale', when: 'no sale with this id on this proxy.' },
];

/** Widget routes that check the embedding site. */
export const ORIGIN: readonly ErrorCase[] = [
  { status: 403, code: 'origin_not_allowed', when: 'the `Origin` is not one of the sale\'s origins.' },
];

const TOKEN_CODES = {
  unauthorized: 'no token, or a token that is malformed, forged, signed by an unknown key, or issued for another sale, site or user.',
  session_expired: 'the token expired, or the session reached its maximum length (12 h after the email was proven): sign in again.',
} satisfies Record<TokenErrorCode, string>;

/** Widget routes that need a widget token (they check the sale and origin first). */
export const WIDGET_TOKEN: readonly ErrorCase[] = [
  ...UNKNOWN_SALE,
  ...ORIGIN,
  ...Object.entries(TOKEN_CODES).map(([code, when]) => ({ status: 401, code, when, authenticate: true })),
];

/** Routes that read a JSON body (through the body parser and `jsonObjectBody`). */
export const JSON_BODY: readonly ErrorCase[] = [
  { status: 400, code: 'invalid_json', when: 'the body is not valid JSON.' },
  { status: 400, code: 'invalid_request', when: 'the body is not a JSON object, or a property is missing, of the wrong type or too long (see `fields`).' },
  { status: 413, code: 'body_too_large', when: 'the body is larger than the proxy accepts.' },
  { status: 415, code: 'unsupported_media_type', when: 'the body is not sent as `application/json`.' },
];

/** POST routes that do not read their body still go through the JSON body parser. */
export const PARSED_BODY: readonly ErrorCase[] = JSON_BODY.filter((error) => error.code === 'invalid_json' || error.code === 'body_too_large');

/** Routes that call the provider (`providerFailure`). Nothing the investor entered is lost. */
export const PROVIDER: readonly ErrorCase[] = [
  { status: 502, code: 'provider_error', when: 'the verification service could not handle the request.' },
  { status: 503, code: 'provider_unavailable', when: 'the verification service is unreachable.', retryAfter: true },
  { status: 503, code: 'provider_busy', when: 'the verification service is rate limiting the proxy.', retryAfter: true },
  { status: 504, code: 'provider_timeout', when: 'the verification service did not answer in time.', retryAfter: true },
];

/** Routes that use the shared store: a Redis outage is answered by the error handler. */
export const STORE: readonly ErrorCase[] = [
  { status: 503, code: 'temporarily_unavailable', when: 'the shared store (Redis) is unreachable for a moment.', retryAfter: true },
];
