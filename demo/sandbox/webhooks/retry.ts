/**
 * The provider's retry schedule (upstream §4, `crons/webhooks/base.rb#increase_failed_count`): one attempt,
 * then retries 1 h, 2 h, 4 h, 8 h, 16 h and 32 h after each failure; the 7th failure expires the delivery.
 */

/** The failure count at which a delivery expires. */
export const MAX_FAILED_ATTEMPTS = 7;

/** One hour, the first retry delay on the real server. */
const BASE_DELAY_MS = 3600 * 1000;

/**
 * When to try again after a failure, or `null` when the delivery has expired.
 *
 * @param failedCount failures so far, this one included (1 after the first attempt failed).
 * @param nowMs the time of the failure, in milliseconds.
 * @param retryTimeFactor divides every delay (1 is the real schedule; 3600 turns hours into seconds).
 */
export function nextAttemptAt(failedCount: number, nowMs: number, retryTimeFactor = 1): number | null {
  if (failedCount >= MAX_FAILED_ATTEMPTS) return null;
  return nowMs + (BASE_DELAY_MS * 2 ** (failedCount - 1)) / retryTimeFactor;
}
