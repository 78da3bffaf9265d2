/**
 * The one error a widget token check throws. Every failure is an HTTP 401 for the caller; `reason` says
 * which check failed (for logs, metrics and tests), `code` is what the HTTP error body carries.
 *
 * Messages are fixed per reason: they never quote the token, its claims or any key, so they are safe in
 * an error body and a log line. `tokenErrorFromJose` maps jose's verification errors onto reasons.
 */
import { errors } from 'jose';

/** Why a token was refused. */
export type TokenErrorReason =
  /** No token at all (no `Authorization` header, or an empty token). */
  | 'missing'
  /** Not a compact JWS/JWT, a bad `Authorization` header, or a claim missing or of the wrong type. */
  | 'malformed'
  /** `exp` has passed (or `iat` is older than any token lifetime allows). */
  | 'expired'
  /** `nbf` or `iat` lies in the future beyond the clock tolerance. */
  | 'not_yet_valid'
  /** The signature does not match the header and payload under the key named by `kid`. */
  | 'bad_signature'
  /** `alg` is not one of the key set's algorithms (`none`, `HS256`, …). */
  | 'wrong_algorithm'
  /** `kid` is missing or names no key this server holds (for example a key rotated out). */
  | 'unknown_key'
  /** `aud` is not the sale the request is for. */
  | 'wrong_audience'
  /** `iss` is not this proxy. */
  | 'wrong_issuer'
  /** The `origin` claim is not the origin the request comes from. */
  | 'wrong_origin'
  /** The header `typ` is not the widget token type (another kind of JWT signed by the same key). */
  | 'wrong_type'
  /** `sub` is not the provider user the request is about. */
  | 'wrong_user'
  /** The email was proven longer ago than the maximum session length: sign in again. */
  | 'session_too_old';

/** What the HTTP error body says: the widget must sign in again either way, this only words it. */
export type TokenErrorCode = 'unauthorized' | 'session_expired';

const MESSAGES: Record<TokenErrorReason, string> = {
  missing: 'A session token is required: send it as "Authorization: Bearer <token>".',
  malformed: 'The session token is malformed.',
  expired: 'The session token has expired; sign in again.',
  not_yet_valid: 'The session token is not valid yet; check the server clock.',
  bad_signature: 'The session token signature is invalid.',
  wrong_algorithm: 'The session token uses a signing algorithm this server does not accept.',
  unknown_key: 'The session token was signed by a key this server does not hold; sign in again.',
  wrong_audience: 'The session token was issued for another sale.',
  wrong_issuer: 'The session token was issued by another server.',
  wrong_origin: 'The session token was issued for another site.',
  wrong_type: 'The token is not a widget session token.',
  wrong_user: 'The session token belongs to another user.',
  session_too_old: 'The session is too old; sign in again.',
};

/** A refused widget token: always HTTP 401, with a message safe to show. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
  /** Which check failed. */
  readonly reason: TokenErrorReason;
  /** The code for the HTTP error body. */
  readonly code: TokenErrorCode;
  /** HTTP status, read by Koa-style error handlers. */
  readonly status = 401;
  /** The message may be shown to the caller (Koa's convention for 4xx errors). */
  readonly expose = true;

  constructor(reason: TokenErrorReason) {
    super(MESSAGES[reason]);
    this.reason = reason;
    this.code = reason === 'expired' || reason === 'session_too_old' ? 'session_expired' : 'unauthorized';
  }
}

/**
 * The TokenError for an error thrown by jose's `jwtVerify`; a TokenError, or an error that is not about
 * the token (a programming error), is returned as it is, for the caller to rethrow.
 */
export function tokenErrorFromJose(error: unknown): unknown {
  if (error instanceof TokenError) return error;
  if (!(error instanceof errors.JOSEError)) return error;
  return new TokenError(reasonOf(error));
}

function reasonOf(error: errors.JOSEError): TokenErrorReason {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason !== 'check_failed') return 'malformed';
    switch (error.claim) {
      case 'typ':
        return 'wrong_type';
      case 'iss':
        return 'wrong_issuer';
      case 'aud':
        return 'wrong_audience';
      case 'nbf':
      case 'iat':
        return 'not_yet_valid';
      default:
        return 'malformed';
    }
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad_signature';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'wrong_algorithm';
  return 'malformed';
}
