/**
 * Polling with a bound, for what arrives asynchronously (Redis pub/sub deliveries, real TTLs, a
 * reconnect). Never a timing assertion: the bound only stops a broken test from hanging.
 */

/**
 * Resolve once `check` returns true (it may be async); reject after `timeoutMs` naming `what`.
 * Errors thrown by `check` count as "not yet" until the deadline, then are reported.
 */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
