/**
 * The one error the provider client throws. `kind` says what went wrong, `httpStatus` what the widget
 * should see, and `maybeProcessed` whether the provider may have acted on the request anyway (which is
 * what decides if a non-idempotent call may be sent again).
 *
 * Messages name the method and path only: never the query or body (they hold the API key, the
 * signature and the investor's email), and never the underlying error's text, because Node's fetch puts
 * the whole URL (query and signature included) into some of its messages. Only the error's `code`
 * (e.g. `ECONNREFUSED`) is kept.
 */
import type { ProviderErrorDatum } from './provider-types.js';

/**
 * - `timeout`: no complete answer within the time limit (504);
 * - `unreachable`: no connection, or the connection dropped before an answer (503);
 * - `bad_response`: an answer that is not the provider's JSON envelope (502);
 * - `server_error`: the provider answered 5xx (502);
 * - `rejected`: the provider answered with a 4xx error envelope (or 429): the caller maps it.
 */
export type ProviderErrorKind = 'timeout' | 'unreachable' | 'bad_response' | 'server_error' | 'rejected';

/** What {@link ProviderError} is built from. */
export interface ProviderErrorInit {
  kind: ProviderErrorKind;
  method: string;
  path: string;
  /** Attempts made, retries included. */
  attempts: number;
  /** Whether the provider may have processed the request (see {@link ProviderError.maybeProcessed}). */
  maybeProcessed: boolean;
  /** What happened, without secrets or personal data. */
  detail: string;
  providerStatus?: number;
  code?: string;
  internalId?: string;
  providerMessage?: string;
  errorData?: readonly ProviderErrorDatum[];
  /** The system error code of a failed connection (`ECONNREFUSED`, `UND_ERR_SOCKET`, …). */
  causeCode?: string;
}

const STATUS_BY_KIND: Readonly<Record<Exclude<ProviderErrorKind, 'rejected'>, number>> = {
  timeout: 504,
  unreachable: 503,
  bad_response: 502,
  server_error: 502,
};

/** A failed provider call. */
export class ProviderError extends Error {
  override name = 'ProviderError';
  readonly kind: ProviderErrorKind;
  /**
   * The status for our own answer to the widget: 504, 503 or 502 for the provider's failures; for
   * `rejected`, the provider's own status (400, 401, 403, 404, 422, 429), for the caller to map.
   */
  readonly httpStatus: number;
  /** The provider's HTTP status, when it answered at all. */
  readonly providerStatus: number | undefined;
  /** The provider's `err.code` (`BAD_REQUEST`, `NOT_FOUND`, …), when it sent an envelope. */
  readonly code: string | undefined;
  /** The provider's `err.internal_id` (e.g. `um_u_c_ve_2`), when it sent an envelope. */
  readonly internalId: string | undefined;
  /** The provider's `err.msg`, when it sent an envelope. */
  readonly providerMessage: string | undefined;
  /** The provider's `err.error_data`: which fields are wrong (empty when none). */
  readonly errorData: readonly ProviderErrorDatum[];
  readonly method: string;
  readonly path: string;
  readonly attempts: number;
  /**
   * True when the request may have reached the provider and been acted on although we got no usable
   * answer: a timeout, a connection that dropped after the request was written, a 5xx, or a garbled
   * answer. False when the provider certainly did nothing: no connection was made, or it refused the
   * request with a 4xx. A POST that failed with `maybeProcessed` must be checked before it is resent.
   */
  readonly maybeProcessed: boolean;
  readonly causeCode: string | undefined;

  constructor(init: ProviderErrorInit) {
    super(`Provider ${init.method} ${init.path}: ${init.detail} (${init.attempts} attempt${init.attempts === 1 ? '' : 's'})`);
    this.kind = init.kind;
    this.providerStatus = init.providerStatus;
    this.httpStatus = init.kind === 'rejected' ? (init.providerStatus ?? 502) : STATUS_BY_KIND[init.kind];
    this.code = init.code;
    this.internalId = init.internalId;
    this.providerMessage = init.providerMessage;
    this.errorData = init.errorData ?? [];
    this.method = init.method;
    this.path = init.path;
    this.attempts = init.attempts;
    this.maybeProcessed = init.maybeProcessed;
    this.causeCode = init.causeCode;
  }
}

/** True when `error` is a {@link ProviderError} the provider answered with `status` (and `internalId`, if given). */
export function isProviderRejection(error: unknown, status: number, internalId?: string): error is ProviderError {
  return (
    error instanceof ProviderError &&
    error.kind === 'rejected' &&
    error.providerStatus === status &&
    (internalId === undefined || error.internalId === internalId)
  );
}
