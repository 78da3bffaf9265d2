/**
 * The one error type of the proxy's HTTP layer. Every error answer has the body
 * `{ "error": { "code", "message", "fields"? } }`: `code` is stable for programs (the widget translates
 * by it), `message` is plain English for people, and `fields` names each wrong field with its rule.
 */

/** A wrong field in a request: our field name, a machine rule, and a sentence. */
export interface FieldProblem {
  field: string;
  rule: string;
  message: string;
  params?: Record<string, string | number>;
}

/** An error answered to the caller as JSON. Messages of 5xx errors must never carry internals. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly fields: readonly FieldProblem[] | undefined;
  /** Extra response headers (e.g. `Retry-After`, `WWW-Authenticate`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, code: string, message: string, options: { fields?: readonly FieldProblem[]; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.code = code;
    this.fields = options.fields;
    this.headers = options.headers ?? {};
  }

  /** The response body. */
  toBody(): { error: { code: string; message: string; fields?: readonly FieldProblem[] } } {
    return { error: { code: this.code, message: this.message, ...(this.fields ? { fields: this.fields } : {}) } };
  }
}

/** 400 `invalid_request` for one wrong field, the message doubling as the field's. */
export function invalidField(field: string, rule: string, message: string, params?: Record<string, string | number>): ApiError {
  return new ApiError(400, 'invalid_request', message, { fields: [{ field, rule, message, ...(params !== undefined ? { params } : {}) }] });
}
