/**
 * Refuses, before a byte is read, a request body the proxy would refuse anyway, and gives every body a
 * deadline.
 *
 * Why not leave it to the body parser: co-body reads `Content-Length` as a 32-bit integer (`~~length`),
 * so a declared length of 2^31 bytes or more slips past its own limit (1 TB turns negative, 2^32 + 100
 * turns into 100) and it then waits for bytes that never come. And the server has no overall request
 * timeout (the status streams live for minutes), so without a deadline such a request, or any body sent
 * a byte a minute, would hold its socket for good.
 */
import type { Middleware } from 'koa';
import { ApiError } from './api-error.js';

/** How long a request body may take to arrive in full. */
export const BODY_DEADLINE_MS = 30_000;

/**
 * The middleware: 413 `body_too_large` when the declared length exceeds `maxBodyBytes`; the connection
 * closed when a body has not fully arrived within `deadlineMs`.
 */
export function requestBodyGuard(maxBodyBytes: number, deadlineMs = BODY_DEADLINE_MS): Middleware {
  return async (ctx, next) => {
    const declared = ctx.get('content-length');
    // Node's parser has already refused a Content-Length that is not a number.
    if (declared !== '' && Number(declared) > maxBodyBytes) throw new ApiError(413, 'body_too_large', 'The request body is too large.');
    const hasBody = (declared !== '' && declared !== '0') || ctx.get('transfer-encoding') !== '';
    if (!hasBody || ctx.req.complete) return next();

    const request = ctx.req;
    const deadline = setTimeout(() => {
      // A client that stalls its body gets no answer: it is not reading one. Closing the socket makes the
      // body parser fail, and the error handler's answer goes nowhere.
      if (!request.complete) request.socket.destroy();
    }, deadlineMs);
    deadline.unref();
    const done = () => clearTimeout(deadline);
    request.once('end', done);
    request.once('close', done);
    try {
      await next();
    } finally {
      done();
    }
  };
}
