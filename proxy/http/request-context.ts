/**
 * Per-request id and access log. The id comes from a well-formed `X-Request-Id` set by a load balancer
 * in front, or is generated, and is echoed back so an investor's support ticket can be matched to logs.
 */
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';

const INCOMING_ID = /^[A-Za-z0-9._:-]{8,100}$/;

/** State every request carries. */
export interface RequestState {
  requestId: string;
  log: Logger;
}

/** Assign the request id, a child logger, and log one line per request when it ends. */
export function requestContext(logger: Logger): Middleware {
  return async (ctx, next) => {
    const incoming = ctx.get('X-Request-Id');
    const requestId = INCOMING_ID.test(incoming) ? incoming : randomUUID();
    const log = logger.child({ reqId: requestId });
    ctx.state['requestId'] = requestId;
    ctx.state['log'] = log;
    ctx.set('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      // Event streams are logged when they end, with their duration, like any request.
      // Why a request failed, as codes only: the error code answered, and which token check refused it.
      const errorCode = ctx.state['errorCode'] as string | undefined;
      const tokenRefusal = ctx.state['tokenRefusal'] as string | undefined;
      log.info({
        method: ctx.method,
        route,
        status: ctx.status,
        ms: Math.round(ms * 10) / 10,
        sale: ctx.params?.['sale'],
        ...(errorCode === undefined ? {} : { errorCode }),
        ...(tokenRefusal === undefined ? {} : { tokenRefusal }),
      }, 'request');
    }
  };
}
