/**
 * Waiting between retries: exponential backoff with jitter (so many widgets cut off by the same outage
 * do not all come back in the same second), and a wait that an `AbortSignal` cuts short.
 */

/** How the delay grows. */
export interface BackoffOptions {
  /** The first delay, ms. */
  baseMs: number;
  /** The cap, ms. */
  maxMs: number;
  /** A number in [0, 1) (tests pass a fixed one). */
  random?: () => number;
}

/**
 * The delay before retry number `attempt` (0 for the first retry): `baseMs · 2^attempt`, capped at
 * `maxMs`, then drawn between half of it and all of it ("equal jitter").
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Resolve after `ms`, or reject with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
