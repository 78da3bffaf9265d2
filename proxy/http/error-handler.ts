/**
 * Turns every failure into the JSON error body. {@link ApiError}s are answered as they are; anything else
 * is logged (name and message) and answered as a bare 500 without internals.
 */
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { RedisStoreError } from '../store/redis-store-error.js';
import { ApiError } from './api-error.js';

/** Koa errors with a status (body parser, etc.) that are the caller's fault. */
interface HttpishError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
}

/**
 * A body sent with `Content-Encoding: gzip`, `deflate` or `br` that does not decompress: Node's zlib
 * error (`Z_DATA_ERROR`, `Z_BUF_ERROR`, brotli's `ERR__ERROR_FORMAT_…`), which carries no HTTP status.
 */
function isDecompressionError(error: HttpishError & { code?: unknown; errno?: unknown }): boolean {
  return typeof error.errno === 'number' && typeof error.code === 'string' && /^(Z_|ERR__ERROR_|ERR_BROTLI)/.test(error.code);
}

function fromHttpError(error: HttpishError): ApiError | undefined {
  if (isDecompressionError(error)) return new ApiError(400, 'invalid_body_encoding', 'The request body could not be decompressed as its Content-Encoding says.');
  const status = error.status ?? error.statusCode;
  if (status === undefined || status < 400 || status >= 500) return undefined;
  if (status === 413) return new ApiError(413, 'body_too_large', 'The request body is too large.');
  // inflation's refusal of an encoding it cannot undo carries only its message.
  if (status === 415 && /^Unsupported Content-Encoding/.test(String((error as { message?: unknown }).message))) {
    return new ApiError(415, 'unsupported_content_encoding', 'Send the request body uncompressed, or with Content-Encoding gzip, deflate or br.');
  }
  if (status === 415) return new ApiError(415, 'unsupported_media_type', 'Send the request body as JSON with Content-Type: application/json.');
  // The JSON parser refuses prototype-poisoning keys (`__proto__`, `constructor.prototype`) in valid JSON.
  if (status === 400 && (error as { message?: unknown }).message === 'Object contains forbidden prototype property') {
    return new ApiError(400, 'invalid_request', 'The request body has a key named __proto__ or constructor.prototype, which is refused.');
  }
  if (error.type === 'entity.parse.failed' || status === 400) return new ApiError(400, 'invalid_json', 'The request body is not valid JSON.');
  return new ApiError(status, 'invalid_request', 'The request could not be read.');
}

/** Answer errors as `{ error: { code, message, fields? } }`. */
export function errorHandler(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new ApiError(404, 'not_found', 'There is no such route.');
      }
      // The router answers a wrong method itself, in plain text; keep every error JSON (its Allow stays).
      // A method it does not know at all (TRACE, PROPFIND) is its 501; that is the caller's mistake, not
      // a server failure to alert on, so it is a 405 like any other method the route does not take.
      if (ctx.status === 405 || ctx.status === 501) {
        const allow = ctx.response.get('Allow');
        throw new ApiError(405, 'method_not_allowed', `This route does not accept ${ctx.method}.`, allow ? { headers: { Allow: allow } } : {});
      }
    } catch (caught) {
      const error = caught instanceof ApiError
        ? caught
        : caught instanceof RedisStoreError
          ? new ApiError(503, 'temporarily_unavailable', 'The service is briefly unavailable. Nothing you entered was lost; please try again in a moment.', { cause: caught, headers: { 'Retry-After': '5' } })
          : typeof caught === 'object' && caught !== null ? fromHttpError(caught as HttpishError) : undefined;
      const log = ctx.state['log'] as Logger | undefined;
      // For the request's log line (request-context.ts): why it failed, as the caller was told.
      ctx.state['errorCode'] = error?.code ?? 'internal_error';
      if (error === undefined) {
        log?.error({ err: caught }, 'unexpected error');
        const internal = new ApiError(500, 'internal_error', 'Something went wrong on our side. Please try again; nothing you entered was lost.');
        ctx.status = 500;
        ctx.body = internal.toBody();
        return;
      }
      // `errorCode`, not `code`: the logger redacts any `code` (it could be a one-time code).
      if (error.status >= 500) log?.warn({ errorCode: error.code, err: error.cause instanceof Error ? error.cause : undefined }, 'upstream failure');
      ctx.status = error.status;
      ctx.set(error.headers);
      ctx.body = error.toBody();
    }
  };
}
