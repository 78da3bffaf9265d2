/**
 * Reads the widget token from an `Authorization` header, the only place tokens travel (never a URL,
 * where they would end up in access logs, browser history and `Referer` headers).
 */
import { TokenError } from './token-error.js';

/** Longer than any token this proxy issues (about 500 characters); bounds the work spent on junk. */
export const MAX_TOKEN_LENGTH = 4096;

/** A compact JWS: three base64url segments, none empty (an unsecured `alg: none` JWT has no signature). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The token in `Authorization: Bearer <token>`.
 *
 * Strict: the scheme is `Bearer` (any case, RFC 7235), then exactly one space, then a compact JWS.
 * @param authorizationHeader the header's value, `undefined` when absent.
 * @throws TokenError `missing` when there is no header or no token, `malformed` for anything else.
 */
export function readBearer(authorizationHeader: string | undefined): string {
  if (authorizationHeader === undefined || authorizationHeader === '' || /^bearer ?$/i.test(authorizationHeader)) {
    throw new TokenError('missing');
  }
  const match = /^Bearer (.+)$/is.exec(authorizationHeader);
  const token = match?.[1];
  if (token === undefined || !isCompactJws(token)) throw new TokenError('malformed');
  return token;
}

/** Whether `token` has the shape of a compact JWS of a sane length (not whether it is valid). */
export function isCompactJws(token: string): boolean {
  return token.length <= MAX_TOKEN_LENGTH && COMPACT_JWS.test(token);
}
