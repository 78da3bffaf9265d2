/**
 * CORS for the widget routes: only the sale's own origins may call `/v1/sales/<sale>/…` from a browser
 * (the integrator routes `host-sessions` and `allowlist` are server-to-server and get no CORS at all). No credentials:
 * the widget sends its token in the `Authorization` header, never a cookie.
 */
import cors from '@koa/cors';
import type { Middleware } from 'koa';
import type { ProxyDeps } from '../proxy-deps.js';

// Case-insensitive like the router: `/Host-Sessions` reaches the integrator route and must get no CORS either.
const WIDGET_PATH = /^\/v1\/sales\/([a-z0-9][a-z0-9-]{0,39})\/(?!(?:host-sessions|allowlist)(?:\/|$))/i;

/** The CORS middleware (applies only to widget paths; other paths pass through untouched). */
export function saleCors(deps: ProxyDeps): Middleware {
  const handler = cors({
    origin: (ctx) => {
      const sale = deps.sales.get(WIDGET_PATH.exec(ctx.path)?.[1] ?? '');
      const origin = ctx.get('Origin');
      return sale !== undefined && sale.config.origins.includes(origin) ? origin : '';
    },
    allowMethods: ['GET', 'POST'],
    allowHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID', 'X-Request-Id'],
    exposeHeaders: ['Retry-After', 'X-Request-Id'],
    maxAge: 600,
    // A sale may run its site on a private network (an intranet pilot, or the local demo).
    privateNetworkAccess: true,
  });
  return async (ctx, next) => {
    if (!WIDGET_PATH.test(ctx.path)) return next();
    return handler(ctx, next);
  };
}
