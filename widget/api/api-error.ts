/**
 * The one error type of the widget's calls to the proxy. An error answer of the proxy
 * (`{ error: { code, message, fields? } }`) and a call that never got an answer (network down, timeout,
 * aborted) both become an {@link ApiError}, so the UI has a single thing to explain: it translates by
 * `code` (and `fields[].rule`), and falls back to `message`.
 */

/** How the call failed: an answer with an error status, or no answer at all. */
export type ApiErrorKind = 'http' | 'network' | 'timeout' | 'aborted';

/** One wrong field, as the proxy names it (`email`, `code`, `firstName`, `confirmations.terms`, …). */
export interface ApiFieldProblem {
  field: string;
  /** A machine-readable reason (`required`, `format`, `wrong`, `checksum`, …; see proxy/contract/field-error.ts). */
  rule: string;
  /** Plain English; never quotes the value. */
  message: string;
  /** Values for a translated message (`max`, `attemptsLeft`, `suggestion`, …). */
  params?: Record<string, string | number>;
}

/** Codes of the errors the widget makes itself (the proxy's own codes come from its answers). */
export const CLIENT_ERROR_CODES = {
  network: 'network_error',
  timeout: 'timeout',
  aborted: 'aborted',
  /** The proxy answered something that is not its JSON (a captive portal, a misconfigured server). */
  invalidResponse: 'invalid_response',
  /** Neither a refresh nor the host's token provider gave a valid token: ask for the email code again. */
  reauthNeeded: 'reauth_needed',
} as const;

/** A failed call to the proxy. */
export class ApiError extends Error {
  override name = 'ApiError';
  /** The HTTP status; 0 when no answer came (`kind` is not `http`). */
  readonly status: number;
  /** A stable snake_case code: the proxy's, or one of {@link CLIENT_ERROR_CODES}. */
  readonly code: string;
  readonly fields: readonly ApiFieldProblem[];
  /** From the `Retry-After` header (429, 503), in seconds. */
  readonly retryAfterSeconds: number | undefined;
  readonly kind: ApiErrorKind;

  constructor(init: { status: number; code: string; message: string; kind: ApiErrorKind; fields?: readonly ApiFieldProblem[]; retryAfterSeconds?: number; cause?: unknown }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.kind = init.kind;
    this.fields = init.fields ?? [];
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

/** The error of a call its caller aborted (the element was removed, the investor moved on). */
export function abortedError(cause?: unknown): ApiError {
  return new ApiError({ status: 0, code: CLIENT_ERROR_CODES.aborted, kind: 'aborted', message: 'The request was cancelled.', cause });
}

/** Whether `error` is an {@link ApiError} with this code. */
export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

/** `Retry-After` as seconds: either delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function readRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

function isFieldProblem(value: unknown): value is ApiFieldProblem {
  if (typeof value !== 'object' || value === null) return false;
  const { field, rule, message } = value as Record<string, unknown>;
  return typeof field === 'string' && typeof rule === 'string' && typeof message === 'string';
}

/**
 * The {@link ApiError} of an error answer. Reads the proxy's error body; any other body (HTML from a
 * gateway, nothing) still gives an error with the status and a generic code.
 */
export async function apiErrorFromResponse(response: Response): Promise<ApiError> {
  const retryAfterSeconds = readRetryAfter(response.headers.get('Retry-After'));
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string') {
    const { code, message, fields } = error as { code: string; message?: unknown; fields?: unknown };
    return new ApiError({
      status: response.status,
      code,
      kind: 'http',
      message: typeof message === 'string' && message !== '' ? message : `The server answered ${response.status}.`,
      fields: Array.isArray(fields) ? fields.filter(isFieldProblem) : [],
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    });
  }
  return new ApiError({
    status: response.status,
    code: response.status >= 500 ? 'server_error' : CLIENT_ERROR_CODES.invalidResponse,
    kind: 'http',
    message: `The server answered ${response.status} without an explanation.`,
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  });
}
