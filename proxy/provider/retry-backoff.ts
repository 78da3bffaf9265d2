/**
 * How long to wait before retrying a provider call: exponential backoff with "full jitter" (a uniformly
 * random wait between 0 and the exponential bound). The randomness spreads the retries of several proxy
 * instances, or of many investors' requests that failed together, so they do not hit a recovering
 * provider in lockstep; the cap keeps an investor's request from waiting long between attempts.
 */

/** The bound of the first retry's wait, in ms; it doubles with each further retry. */
export const BACKOFF_BASE_MS = 250;
/** No wait is longer than this, in ms. */
export const BACKOFF_CAP_MS = 2000;

/**
 * The wait before retry number `retryIndex` (0 for the first retry): `random() × min(cap, base × 2^retryIndex)`.
 * @param random a uniform number in [0, 1) (injected, so tests are deterministic).
 */
export function backoffDelayMs(retryIndex: number, random: () => number): number {
  const bound = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** retryIndex);
  return Math.floor(random() * bound);
}
