/**
 * Security headers for a JSON API: nothing here is meant to be rendered, framed or sniffed, and
 * responses about an investor must not be cached by shared caches.
 */
import type { Middleware } from 'koa';

/** Set the API's security headers on every response. */
export function securityHeaders(): Middleware {
  return async (ctx, next) => {
    ctx.set({
      'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'X-Frame-Options': 'DENY',
      'Cache-Control': 'no-store',
    });
    await next();
  };
}
