/**
 * Bounded polling for the Node tests: wait for something another process or a timer makes true (a
 * webhook delivered, `/readyz` back), failing with what was awaited instead of hanging the run.
 */
import assert from 'node:assert/strict';

/** How often and for how long {@link eventually} polls. */
export interface PollOptions {
  /** Give up after this many ms (default 5,000). */
  timeoutMs?: number;
  /** Wait this many ms between two reads (default 20). */
  intervalMs?: number;
}

/**
 * Read until `done` holds for the value read, and resolve with that value; fails after `timeoutMs`,
 * naming `what` and the last value read.
 */
export async function eventually<T, U extends T>(read: () => T | Promise<T>, done: (value: T) => value is U, what: string, options?: PollOptions): Promise<U>;
export async function eventually<T>(read: () => T | Promise<T>, done: (value: T) => boolean, what: string, options?: PollOptions): Promise<T>;
export async function eventually<T>(read: () => T | Promise<T>, done: (value: T) => boolean, what: string, options: PollOptions = {}): Promise<T> {
  const { timeoutMs = 5_000, intervalMs = 20 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}: still ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Wait until `check` answers true (see {@link eventually}). */
export async function until(check: () => boolean | Promise<boolean>, what: string, options: PollOptions = {}): Promise<void> {
  await eventually(check, (ok) => ok, what, options);
}
