/**
 * Fixed-window rate limits on the {@link SharedStore}, so every proxy instance counts against the same
 * budget. A window starts with the first request for a key and lasts `windowMs`; within it at most
 * `limit` requests are allowed. Denied requests count too, so hammering does not shorten the wait.
 *
 * A fixed window lets up to twice the limit through around a window's end (the last moments of one and
 * the first of the next); for the limits here (codes per hour) that is acceptable, and it costs one
 * atomic increment per check.
 *
 * Keys are used as given: callers namespace them (`rate:codes-ip:<sale>:<ip>`) and hash what must not be
 * stored in clear (emails).
 */
import type { SharedStore } from './store/shared-store.js';

/** A limit: at most `limit` requests per `windowMs`. */
export interface RateLimitRule {
  /** Requests allowed per window (0 denies every request). */
  limit: number;
  /** The window's length in ms. */
  windowMs: number;
}

/** The answer for one request. */
export interface RateLimitResult {
  allowed: boolean;
  /** Requests still allowed in the current window after this one. */
  remaining: number;
  /** When denied, whole seconds until the window ends (at least 1, for a `Retry-After` header); else 0. */
  retryAfterSeconds: number;
}

/** One of several limits checked together by {@link checkRateLimits}. */
export interface NamedRateLimit<Name extends string> extends RateLimitRule {
  /** Says which limit denied, e.g. `ip` or `email`. */
  name: Name;
  key: string;
}

/** The answer of {@link checkRateLimits}: the first denial, or the tightest `remaining` when all allow. */
export interface RateLimitsResult<Name extends string> extends RateLimitResult {
  /** The limit that denied the request, when one did. */
  deniedBy: Name | undefined;
}

/**
 * Count one request against `key` and say whether it is allowed.
 * @example
 * const result = await checkRateLimit(store, `rate:codes-ip:${sale}:${ip}`, { limit: 20, windowMs: 3_600_000 });
 * if (!result.allowed) ctx.set('Retry-After', String(result.retryAfterSeconds));
 */
export async function checkRateLimit(store: SharedStore, key: string, rule: RateLimitRule): Promise<RateLimitResult> {
  const { limit, windowMs } = rule;
  if (!(Number.isSafeInteger(limit) && limit >= 0)) {
    throw new RangeError(`checkRateLimit: limit must be a whole number of requests, got ${limit}`);
  }
  const { count, ttlMs } = await store.increment(key, windowMs);
  const allowed = count <= limit;
  return {
    allowed,
    remaining: Math.max(0, limit - count),
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(ttlMs / 1000)),
  };
}

/**
 * Check several limits for one request (e.g. per IP and per email), in order, stopping at the first that
 * denies: a denied request does not use up the budgets after it, so someone hammering from one address
 * runs into the address limit without also locking the email they type out for its owner.
 * @example
 * const result = await checkRateLimits(store, [
 *   { name: 'ip', key: `rate:codes-ip:${sale}:${ip}`, limit: 20, windowMs: HOUR_MS },
 *   { name: 'email', key: `rate:codes-email:${emailMac}`, limit: 5, windowMs: HOUR_MS },
 * ]);
 * if (result.deniedBy === 'email') …
 */
export async function checkRateLimits<Name extends string>(
  store: SharedStore,
  limits: readonly NamedRateLimit<Name>[],
): Promise<RateLimitsResult<Name>> {
  if (limits.length === 0) throw new RangeError('checkRateLimits: give at least one limit');
  let remaining = Number.POSITIVE_INFINITY;
  for (const { name, key, limit, windowMs } of limits) {
    const result = await checkRateLimit(store, key, { limit, windowMs });
    if (!result.allowed) return { ...result, deniedBy: name };
    remaining = Math.min(remaining, result.remaining);
  }
  return { allowed: true, remaining, retryAfterSeconds: 0, deniedBy: undefined };
}
