/**
 * The integrator routes' authentication: the sale's backend sends one of the sale's integrator keys as
 * `Authorization: Bearer <key>`. Used by `host-sessions` and the allowlist export, never by the widget.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import type { SaleServices } from '../proxy-deps.js';
import { ApiError } from './api-error.js';

/** Constant-time check of an integrator key against the sale's keys (compared as SHA-256 digests). */
function integratorKeyMatches(sale: SaleServices, presented: string): boolean {
  const digest = createHash('sha256').update(presented).digest();
  let match = false;
  for (const key of sale.config.integratorKeys) {
    if (timingSafeEqual(digest, createHash('sha256').update(key.reveal()).digest())) match = true;
  }
  return match;
}

/**
 * Require one of `sale`'s integrator keys as the bearer token.
 * @throws ApiError 401 `unauthorized` (with `WWW-Authenticate: Bearer`) when it is missing, malformed or
 *   not one of the sale's keys, and always when the sale has no integrator key configured.
 */
export function requireIntegratorKey(ctx: Context, sale: SaleServices): void {
  const presented = /^Bearer ([\x21-\x7e]{16,512})$/.exec(ctx.get('Authorization'))?.[1];
  if (sale.config.integratorKeys.length === 0 || presented === undefined || !integratorKeyMatches(sale, presented)) {
    throw new ApiError(401, 'unauthorized', 'A valid integrator key is required: send it as "Authorization: Bearer <key>".', { headers: { 'WWW-Authenticate': 'Bearer' } });
  }
}
