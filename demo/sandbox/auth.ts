/**
 * Request authentication exactly as `Authentication::ApiRequest::V2` (upstream §1): mandatory params,
 * timestamp window, client lookup, client status, web-host restriction, then the signature, each with
 * its own answer (§1.5). Auth answers are rendered as text/plain and carry no `error_data`.
 */
import { hmacHex, readAuthParams, stringToSign, verifyRequest } from '../../proxy/signer.js';
import type { ParamValue, QueryParams } from '../../proxy/ost-query.js';
import { timingSafeEqual } from 'node:crypto';
import type { ClientConfig } from './config.js';
import { authFailure, MESSAGES, type ApiResponse } from './envelope.js';

/** The inputs of one authentication. */
export interface AuthInput {
  /** `request.path`: exactly as received, trailing slash included. */
  path: string;
  /** Rails `params` (query + body): where `api_key`, `signature` and `request_timestamp` are read. */
  allParams: QueryParams;
  /** What was signed: the query params for GET, the body params for POST (§1.1). */
  signedParams: QueryParams;
  clients: readonly ClientConfig[];
  nowMs: number;
  /** False only for `POST /users`, which clients on OST's hosted frontend may not call (§1.6). */
  allowWebHost: boolean;
}

function unauthorized(internalId: string): ApiResponse {
  return authFailure(401, internalId, MESSAGES.unauthorized);
}

function hasAuthParams(params: QueryParams): boolean {
  return ['api_key', 'signature', 'request_timestamp'].every((k) => typeof params[k] === 'string');
}

/** Authenticate a request: the client, or the server's refusal. */
export function authenticate(input: AuthInput): { ok: true; client: ClientConfig } | { ok: false; response: ApiResponse } {
  const read = readAuthParams(input.allParams, { nowMs: input.nowMs });
  if (!read.ok) return { ok: false, response: unauthorized(read.rejection === 'missing_params' ? 'a_ar_b_vas_1' : 'um_vac_1') };
  const client = input.clients.find((c) => c.apiKey === read.auth.apiKey);
  if (!client) return { ok: false, response: unauthorized('a_ar_b_vc_1') };
  if (!client.active) return { ok: false, response: authFailure(403, 'a_ar_b_vc_2', MESSAGES.clientInactive) };
  if (!input.allowWebHost && client.webHost) return { ok: false, response: authFailure(403, 'a_ar_b_vc_3', MESSAGES.forbidden) };
  let signatureOk: boolean;
  if (hasAuthParams(input.signedParams)) {
    signatureOk = verifyRequest(input.path, input.signedParams, client.apiSecret, { nowMs: input.nowMs }).ok;
  } else {
    // A POST may carry the auth params in its query string: they are read from there but not signed,
    // since the server signs only the body params (§1.1).
    const expected = Buffer.from(hmacHex(client.apiSecret, stringToSign(input.path, input.signedParams as Record<string, ParamValue>)));
    const received = Buffer.from(read.auth.signature);
    signatureOk = expected.length === received.length && timingSafeEqual(expected, received);
  }
  if (!signatureOk) return { ok: false, response: unauthorized('a_ar_b_vc_1') };
  return { ok: true, client };
}
