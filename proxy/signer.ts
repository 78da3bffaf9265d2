/**
 * HMAC-SHA256 signing and verification of OST KYC API v2 requests and webhooks, exactly as the real
 * server does it (`shared/upstream/ost-kyc-v2-behaviour.md` §1, §4 and §9).
 *
 * String to sign: `path + '?' + toQuery(params without signature)`, where `params` include `api_key` and
 * `request_timestamp` (unix seconds). The signature is the lowercase hex HMAC-SHA256 of that string with
 * the client's API secret, and the server accepts the timestamp within ±10 s, both ends included.
 *
 * The proxy signs with it, the sandbox verifies with it, and the proxy's webhook receiver verifies the
 * provider's webhooks with it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { parseQuery, toQuery, type ParamValue, type QueryParams } from './ost-query.js';

export { cgiEscape, parseQuery, QueryParseError, toQuery } from './ost-query.js';
export type { ParamValue, ParseQueryOptions, QueryParams, QueryValue } from './ost-query.js';

/** A client's credentials for the provider API. */
export interface ApiCredentials {
  /** The client's API key, sent as `api_key`. */
  apiKey: string;
  /** The client's API secret: the HMAC key. Never sent anywhere. */
  apiSecret: string;
}

/** Params with their signature added. */
export type SignedParams = Record<string, ParamValue> & {
  api_key: string;
  request_timestamp: number;
  signature: string;
};

/** The provider's timestamp window: `request_timestamp` may be this many seconds early or late. */
export const REQUEST_TIMESTAMP_TOLERANCE_SECONDS = 10;

/** The string the server signs for a request: `path?to_query(params without signature)`. */
export function stringToSign(path: string, params: Readonly<Record<string, ParamValue>>): string {
  const { signature: _ignored, ...signed } = params;
  return path + '?' + toQuery(signed);
}

/** Lowercase hex HMAC-SHA256 of `text` under `secret`. */
export function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text, 'utf8').digest('hex');
}

/**
 * Sign a request for the OST KYC API v2.
 *
 * @param path the resource path exactly as it will be requested (e.g. `/api/v2/users-kyc/11007`), without
 *   host or query; a trailing slash is part of what is signed.
 * @param params the GET query params or POST body params (path params such as the user id are not params).
 * @param credentials the client's API key and secret.
 * @param nowMs the time to sign for, in milliseconds (default now); correct it for the provider's clock.
 * @returns a new object: `params` plus `api_key`, `request_timestamp` (unix seconds) and `signature`.
 *   Send it as `toQuery(result)`, as the query string for GET or the form body for POST.
 */
export function signRequest(
  path: string,
  params: Readonly<Record<string, ParamValue>>,
  credentials: ApiCredentials,
  nowMs: number = Date.now(),
): SignedParams {
  const { signature: _replaced, ...rest } = params;
  const unsigned = { ...rest, api_key: credentials.apiKey, request_timestamp: Math.floor(nowMs / 1000) };
  return { ...unsigned, signature: hmacHex(credentials.apiSecret, stringToSign(path, unsigned)) };
}

/** Why a request was refused, in the order the server checks (upstream §1.5). */
export type RequestRejection =
  /** `api_key`, `signature` or `request_timestamp` missing or blank: 401 `a_ar_b_vas_1`. */
  | 'missing_params'
  /** `request_timestamp` outside ±10 s of the server's clock: 401 `um_vac_1`. */
  | 'timestamp_out_of_window'
  /** The signature does not match (also what an unknown key gives): 401 `a_ar_b_vc_1`. */
  | 'bad_signature';

/** The authentication params of a request that passed the first two checks. */
export interface AuthParams {
  apiKey: string;
  signature: string;
  /** `request_timestamp` read as Ruby's `String#to_i` reads it. */
  requestTimestamp: number;
}

/** Options for {@link readAuthParams} and {@link verifyRequest}. */
export interface RequestCheckOptions {
  /** The verifier's clock, in milliseconds. Default now. */
  nowMs?: number;
  /** Allowed distance between `request_timestamp` and now, both ends included. Default 10 s. */
  toleranceSeconds?: number;
}

/** Rails `blank?` for a param: missing, nil, or a string of only whitespace. */
function presentString(value: unknown): string | undefined {
  if (typeof value !== 'string' || /^[\s]*$/.test(value)) return undefined;
  return value;
}

/**
 * Ruby's `String#to_i`: leading whitespace, an optional sign, then digits (underscores allowed between
 * them); anything after is ignored and no digits at all give 0. So `"123abc"` is 123.
 */
export function rubyToInteger(text: string): number {
  const match = /^\s*([+-]?\d+(?:_\d+)*)/.exec(text);
  return match ? Number((match[1] as string).replace(/_/g, '')) : 0;
}

function timestampInWindow(timestampSeconds: number, nowMs: number, toleranceSeconds: number): boolean {
  // Time.at(ts).between?(now - 10s, now + 10s), with `now` carrying milliseconds.
  const timestampMs = timestampSeconds * 1000;
  return timestampMs >= nowMs - toleranceSeconds * 1000 && timestampMs <= nowMs + toleranceSeconds * 1000;
}

/**
 * The server's first two checks, before it looks the client up: the three auth params are present, then
 * the timestamp is within the window. A verifier calls this, finds the client by `apiKey` (unknown keys
 * and inactive clients have their own answers), then calls {@link verifyRequest} with its secret.
 */
export function readAuthParams(
  params: Readonly<QueryParams>,
  options: RequestCheckOptions = {},
): { ok: true; auth: AuthParams } | { ok: false; rejection: Exclude<RequestRejection, 'bad_signature'> } {
  const apiKey = presentString(params['api_key']);
  const signature = presentString(params['signature']);
  const timestampText = presentString(params['request_timestamp']);
  if (apiKey === undefined || signature === undefined || timestampText === undefined) {
    return { ok: false, rejection: 'missing_params' };
  }
  const requestTimestamp = rubyToInteger(timestampText);
  const nowMs = options.nowMs ?? Date.now();
  const tolerance = options.toleranceSeconds ?? REQUEST_TIMESTAMP_TOLERANCE_SECONDS;
  if (!timestampInWindow(requestTimestamp, nowMs, tolerance)) return { ok: false, rejection: 'timestamp_out_of_window' };
  return { ok: true, auth: { apiKey, signature, requestTimestamp } };
}

/** Constant-time comparison of two hex signatures; different lengths simply do not match. */
function signaturesMatch(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Verify a request as the OST KYC server does.
 *
 * @param path the request path exactly as received (no normalisation: a trailing slash counts).
 * @param params the parsed params that were signed: for GET the query params, for POST the body params
 *   (use {@link parseQuery} on the raw query string or form body).
 * @param apiSecret the secret of the client that `params.api_key` names.
 * @returns `{ ok: true }`, or which check failed first.
 */
export function verifyRequest(
  path: string,
  params: Readonly<QueryParams>,
  apiSecret: string,
  options: RequestCheckOptions = {},
): { ok: true; auth: AuthParams } | { ok: false; rejection: RequestRejection } {
  const read = readAuthParams(params, options);
  if (!read.ok) return read;
  const expected = hmacHex(apiSecret, stringToSign(path, params as Record<string, ParamValue>));
  if (!signaturesMatch(expected, read.auth.signature)) return { ok: false, rejection: 'bad_signature' };
  return read;
}

/** A webhook event as the provider builds it (upstream §4), before `request_timestamp` and `signature`. */
export type WebhookEvent = Readonly<Record<string, ParamValue>>;

/** A signed webhook, ready to POST as `application/x-www-form-urlencoded`. */
export interface SignedWebhook {
  /** The form body: `to_query` of the event, its `request_timestamp` and its `signature`, sorted. */
  body: string;
  /** The hex signature (also inside `body`). */
  signature: string;
  /** The send time written into the event, in unix seconds. */
  requestTimestamp: number;
}

/**
 * Sign a webhook as the provider does: `request_timestamp` (the send time, new on each attempt) is added
 * to the event, the string `url + '?' + to_query(event)` is signed with the webhook's secret, and the
 * signature is merged in. The body is the sorted `to_query` of the whole, so empty arrays are not sent.
 *
 * @param url the webhook URL exactly as registered, trailing slash included.
 */
export function signWebhook(url: string, event: WebhookEvent, secret: string, nowMs: number = Date.now()): SignedWebhook {
  const { signature: _replaced, ...rest } = event;
  const requestTimestamp = Math.floor(nowMs / 1000);
  const payload = { ...rest, request_timestamp: requestTimestamp };
  const signature = hmacHex(secret, url + '?' + toQuery(payload));
  return { body: toQuery({ ...payload, signature }), signature, requestTimestamp };
}

/** Why a webhook was refused. */
export type WebhookRejection =
  /** The body is not a valid form body (bad `%` escapes, invalid UTF-8, conflicting names). */
  | 'malformed_body'
  /** No `signature` or no `request_timestamp`. */
  | 'missing_signature'
  /** `request_timestamp` is older or newer than the tolerance allows. */
  | 'timestamp_out_of_window'
  /** The signature does not match. */
  | 'bad_signature';

/** Options for {@link verifyWebhook}. */
export interface WebhookCheckOptions {
  /** The receiver's clock, in milliseconds. Default now. */
  nowMs?: number;
  /**
   * How far `request_timestamp` may be from now, in seconds. Default 300: the provider stamps each
   * attempt afresh, so only delay in transit and clock skew need room.
   */
  toleranceSeconds?: number;
}

/** The default tolerance of {@link verifyWebhook}, in seconds. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * Verify a webhook from the provider.
 *
 * @param url the URL the webhook was registered with, exactly (the provider signs that string, not the
 *   URL it connected to).
 * @param formBody the raw `application/x-www-form-urlencoded` body.
 * @param secret the webhook's secret.
 * @returns the parsed event (without `signature`) when the signature and timestamp hold.
 */
export function verifyWebhook(
  url: string,
  formBody: string,
  secret: string,
  options: WebhookCheckOptions = {},
): { ok: true; event: QueryParams } | { ok: false; rejection: WebhookRejection } {
  let params: QueryParams;
  try {
    params = parseQuery(formBody);
  } catch {
    return { ok: false, rejection: 'malformed_body' };
  }
  const signature = presentString(params['signature']);
  const timestampText = presentString(params['request_timestamp']);
  if (signature === undefined || timestampText === undefined) return { ok: false, rejection: 'missing_signature' };
  const expected = hmacHex(secret, stringToSign(url, params as Record<string, ParamValue>));
  if (!signaturesMatch(expected, signature)) return { ok: false, rejection: 'bad_signature' };
  const tolerance = options.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS;
  if (!timestampInWindow(rubyToInteger(timestampText), options.nowMs ?? Date.now(), tolerance)) {
    return { ok: false, rejection: 'timestamp_out_of_window' };
  }
  const { signature: _removed, ...event } = params;
  return { ok: true, event };
}
