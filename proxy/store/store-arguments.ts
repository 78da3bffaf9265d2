/**
 * The argument checks every {@link SharedStore} implementation makes, so that both refuse the same
 * mistakes: Redis rejects `PX 0` and a negative `LTRIM` bound, and the memory store must not quietly
 * accept what Redis would refuse (a test against memory would then pass and production fail).
 */
import type { SharedStore } from './shared-store.js';

/**
 * Throw a `RangeError` unless `ttlMs` is a positive, finite number of milliseconds.
 * @param operation the store method, named in the message.
 */
export function checkTtlMs(ttlMs: number, operation: keyof SharedStore): void {
  if (!(Number.isFinite(ttlMs) && ttlMs > 0)) {
    throw new RangeError(`SharedStore.${operation}: ttlMs must be a positive number of milliseconds, got ${ttlMs}`);
  }
}

/** Throw a `RangeError` unless `max` (the length `pushRecent` keeps) is a positive integer. */
export function checkListMax(max: number): void {
  if (!(Number.isSafeInteger(max) && max > 0)) {
    throw new RangeError(`SharedStore.pushRecent: max must be a positive integer, got ${max}`);
  }
}

/**
 * Whole milliseconds for Redis (`PX`, `PEXPIRE` take integers). Rounded up, so a TTL is never shortened
 * and a fraction of a millisecond never becomes 0.
 */
export function wholeMs(ttlMs: number): number {
  return Math.ceil(ttlMs);
}
