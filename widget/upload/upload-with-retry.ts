/**
 * One file's whole upload: retries what a retry can fix and nothing else.
 * - A network failure (dropped connection, stall, S3 busy) is retried with exponential backoff and
 *   jitter, up to `attempts` tries in all (3 by default).
 * - An expired form (its `expiresAt` passed before sending, or S3's "Policy expired") asks `getTicket`
 *   for a fresh one and goes on; forms last 15 minutes, so an investor who chose a file and went for
 *   coffee still gets it sent.
 * - A real rejection (too small, wrong type) is never retried: the same bytes would be refused again.
 */
import { backoffDelay, sleep } from '../api/backoff.js';
import type { UploadTicket } from '../api/proxy-types.js';
import { uploadToS3, type UploadedFile, type UploadOptions } from './presigned-upload.js';
import { UploadError } from './upload-error.js';

/** Why a ticket is asked for: the first one, or a fresh one after the last expired. */
export type TicketReason = 'first' | 'expired';

/** Options of {@link uploadWithRetry}. */
export interface RetryUploadOptions extends UploadOptions {
  /** Tries in all for network failures. Default 3. */
  attempts?: number;
  /** First backoff delay, ms. Default 1000. */
  baseDelayMs?: number;
  /** Longest backoff delay, ms. Default 8000. */
  maxDelayMs?: number;
  /** Told before each retry (the UI may say "retrying…"). */
  onRetry?: (info: { reason: 'network' | 'expired'; error: UploadError; delayMs: number }) => void;
  /** The clock, ms (to compare with the ticket's `expiresAt`). */
  now?: () => number;
  /** For the jitter. */
  random?: () => number;
  /** One attempt (default {@link uploadToS3}). */
  attempt?: (ticket: UploadTicket, file: Blob, options: UploadOptions) => Promise<UploadedFile>;
}

/** A form this close to its expiry is not worth starting with: the upload might outlast it. */
const EXPIRY_MARGIN_MS = 10_000;
/** Fresh forms asked for in a row before giving up (a clock far off would expire every one). */
const MAX_FRESH_TICKETS = 2;

/**
 * Upload `file` with the ticket `getTicket` gives, retrying as described above. Resolves with the key
 * to submit and the ticket used; rejects with an {@link UploadError} (or the ApiError of `getTicket`).
 */
export async function uploadWithRetry(
  getTicket: (reason: TicketReason) => Promise<UploadTicket>,
  file: Blob,
  options: RetryUploadOptions = {},
): Promise<UploadedFile & { ticket: UploadTicket }> {
  const attempts = options.attempts ?? 3;
  const now = options.now ?? Date.now;
  const attempt = options.attempt ?? uploadToS3;
  const { signal } = options;
  const attemptOptions: UploadOptions = {
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(signal ? { signal } : {}),
    ...(options.stallTimeoutMs !== undefined ? { stallTimeoutMs: options.stallTimeoutMs } : {}),
  };
  let ticket = await getTicket('first');
  let networkFailures = 0;
  let freshTickets = 0;
  for (;;) {
    if (signal?.aborted) throw new UploadError('aborted', 'The upload was cancelled.', { cause: signal.reason });
    // Checked on the first ticket only: a fresh one is as good as the proxy can give, and a browser
    // clock that is off would make every ticket look expired. S3 has the last word.
    if (freshTickets === 0 && ticket.expiresAt * 1000 - EXPIRY_MARGIN_MS <= now()) {
      freshTickets += 1;
      ticket = await getTicket('expired');
      continue;
    }
    try {
      const uploaded = await attempt(ticket, file, attemptOptions);
      return { ...uploaded, ticket };
    } catch (error) {
      if (!(error instanceof UploadError)) throw error;
      if (error.kind === 'expired' && freshTickets < MAX_FRESH_TICKETS) {
        freshTickets += 1;
        options.onRetry?.({ reason: 'expired', error, delayMs: 0 });
        ticket = await getTicket('expired');
        continue;
      }
      if (error.kind === 'network' && networkFailures + 1 < attempts) {
        const delayMs = backoffDelay(networkFailures, { baseMs: options.baseDelayMs ?? 1000, maxMs: options.maxDelayMs ?? 8000, ...(options.random ? { random: options.random } : {}) });
        networkFailures += 1;
        options.onRetry?.({ reason: 'network', error, delayMs });
        try {
          await sleep(delayMs, signal);
        } catch (cause) {
          throw new UploadError('aborted', 'The upload was cancelled.', { cause });
        }
        continue;
      }
      throw error;
    }
  }
}
