/**
 * The investor's status, live from the proxy's server-sent events (`GET …/kyc/events`), read over
 * `fetch` because the token must travel in the `Authorization` header (EventSource cannot send one, and
 * a token in the URL would end up in logs).
 *
 * - `status` events are delivered as they come; `unavailable` (the provider could not be read when the
 *   stream opened) is passed on; comments (the proxy's heartbeats) only prove the line is alive.
 * - After a drop (network, proxy restart, a silent connection) it reconnects with backoff, sending
 *   `Last-Event-ID` so the proxy replays exactly what was missed. The proxy's `retry` hint is the
 *   first delay.
 * - On `reauth` (the token is about to expire) it gets a fresh token from the session keeper and
 *   reconnects at once. A 401 on connecting goes through the keeper too.
 * - It stops for good on `close()`, on the caller's `AbortSignal`, when the keeper says the investor
 *   must sign in again, or when the proxy refuses the stream for good (403, 404): `onError` says why.
 */
import { ApiError, apiErrorFromResponse, CLIENT_ERROR_CODES, isApiError } from './api-error.js';
import { backoffDelay, sleep } from './backoff.js';
import type { ProxyClient } from './proxy-client.js';
import type { InvestorStatus } from './proxy-types.js';
import type { SessionKeeper } from './session-keeper.js';
import { createSseParser } from './sse-parser.js';

/** Where the stream is. */
export type StatusStreamState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Options of {@link openStatusStream}. */
export interface StatusStreamOptions {
  client: Pick<ProxyClient, 'statusEventsUrl' | 'fetch'>;
  keeper: Pick<SessionKeeper, 'authorized' | 'renew'>;
  /** A status event, with its event id ('' when the proxy gave none). */
  onStatus(status: InvestorStatus, eventId: string): void;
  /** The proxy could not read the status when the stream opened; it follows when known. */
  onUnavailable?(message: string): void;
  onStateChange?(state: StatusStreamState): void;
  /** Why the stream stopped for good (not called on `close()` or abort). */
  onError?(error: ApiError): void;
  /** Aborting it closes the stream (the element's controller). */
  signal?: AbortSignal;
  /** The longest wait between reconnections. Default 30 s. */
  maxRetryMs?: number;
  /** Reconnect when nothing (not even a heartbeat) came for this long. Default 45 s (three heartbeats). */
  idleTimeoutMs?: number;
  /** How long to wait for the stream's headers. Default 20 s. */
  connectTimeoutMs?: number;
  /** For the jitter (tests pass a fixed one). */
  random?: () => number;
}

/** An open status stream. */
export interface StatusStream {
  /** Stop: the connection is closed and no reconnection follows. */
  close(): void;
  /** The id of the last event received (sent as `Last-Event-ID` on reconnection). */
  readonly lastEventId: string;
  /** Resolves once the stream has stopped for good. */
  readonly closed: Promise<void>;
}

/** EventSource's default reconnection time, until the server sends `retry`. */
const DEFAULT_RETRY_MS = 3000;

/** Open the status stream; it runs until closed. */
export function openStatusStream(options: StatusStreamOptions): StatusStream {
  const maxRetryMs = options.maxRetryMs ?? 30_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 45_000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 20_000;
  const stopper = new AbortController();
  const onOuterAbort = (): void => stopper.abort();
  if (options.signal?.aborted) stopper.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });

  let retryMs = DEFAULT_RETRY_MS;
  let state: StatusStreamState | undefined;
  /** What the current connection's events asked for. */
  let reauthRequested = false;
  let receivedEvent = false;
  const parser = createSseParser({
    onRetry: (ms) => {
      retryMs = ms;
    },
    onEvent: (event) => {
      if (event.event === 'status') {
        let status: InvestorStatus;
        try {
          status = JSON.parse(event.data) as InvestorStatus;
        } catch {
          return;
        }
        receivedEvent = true;
        options.onStatus(status, event.id);
      } else if (event.event === 'reauth') {
        reauthRequested = true;
      } else if (event.event === 'unavailable') {
        let message = '';
        try {
          message = String((JSON.parse(event.data) as { message?: unknown }).message ?? '');
        } catch {
          // An unreadable explanation is still news that the status is unknown.
        }
        options.onUnavailable?.(message);
      }
    },
  });

  function setState(next: StatusStreamState): void {
    if (state === next) return;
    state = next;
    options.onStateChange?.(next);
  }

  /** One connection: resolves when it ends (dropped, or closed after `reauth`). */
  async function connectAndRead(): Promise<void> {
    const connection = new AbortController();
    const onStop = (): void => connection.abort();
    stopper.signal.addEventListener('abort', onStop, { once: true });
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    const arm = (ms: number): void => {
      if (watchdog !== undefined) clearTimeout(watchdog);
      watchdog = setTimeout(() => connection.abort(), ms);
    };
    try {
      arm(connectTimeoutMs);
      const response = await options.keeper.authorized(async (token) => {
        const headers: Record<string, string> = { Accept: 'text/event-stream', Authorization: `Bearer ${token}` };
        if (parser.lastEventId !== '') headers['Last-Event-ID'] = parser.lastEventId;
        let answer: Response;
        try {
          answer = await options.client.fetch(options.client.statusEventsUrl, { headers, signal: connection.signal, cache: 'no-store', credentials: 'omit', mode: 'cors' });
        } catch (cause) {
          throw new ApiError({ status: 0, code: CLIENT_ERROR_CODES.network, kind: 'network', message: 'The status stream could not connect.', cause });
        }
        if (!answer.ok) throw await apiErrorFromResponse(answer);
        if (answer.body === null || !(answer.headers.get('Content-Type') ?? '').startsWith('text/event-stream')) {
          throw new ApiError({ status: answer.status, code: CLIENT_ERROR_CODES.invalidResponse, kind: 'http', message: 'The server did not answer with an event stream.' });
        }
        return answer;
      });
      setState('open');
      parser.reset();
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      try {
        for (;;) {
          arm(idleTimeoutMs);
          const { done, value } = await reader.read();
          if (done) break;
          parser.feed(decoder.decode(value, { stream: true }));
          if (reauthRequested) break;
        }
      } finally {
        // Ends the connection whatever stopped the reading (reauth, abort, an error).
        connection.abort();
        reader.releaseLock();
      }
    } catch (error) {
      // A connection cut by our own watchdog or by close() is a drop, not a failure to report.
      if (connection.signal.aborted && !isApiError(error)) return;
      throw error;
    } finally {
      if (watchdog !== undefined) clearTimeout(watchdog);
      stopper.signal.removeEventListener('abort', onStop);
    }
  }

  /** Errors after which reconnecting cannot help. */
  function isFatal(error: unknown): error is ApiError {
    if (!isApiError(error)) return false;
    if (error.code === CLIENT_ERROR_CODES.reauthNeeded) return true;
    return error.kind === 'http' && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;
  }

  async function run(): Promise<void> {
    let attempt = 0;
    let first = true;
    while (!stopper.signal.aborted) {
      setState(first ? 'connecting' : 'reconnecting');
      first = false;
      reauthRequested = false;
      receivedEvent = false;
      let waitMs: number | undefined;
      try {
        await connectAndRead();
      } catch (error) {
        if (stopper.signal.aborted) break;
        if (isFatal(error)) {
          options.onError?.(error);
          break;
        }
        if (isApiError(error) && error.retryAfterSeconds !== undefined) waitMs = error.retryAfterSeconds * 1000;
      }
      if (stopper.signal.aborted) break;
      if (reauthRequested) {
        try {
          await options.keeper.renew();
          attempt = 0;
          continue;
        } catch (error) {
          if (stopper.signal.aborted) break;
          if (isFatal(error)) {
            options.onError?.(error);
            break;
          }
        }
      }
      if (receivedEvent) attempt = 0;
      const delay = waitMs ?? (attempt === 0 ? Math.min(retryMs, maxRetryMs) : backoffDelay(attempt, { baseMs: retryMs, maxMs: maxRetryMs, ...(options.random ? { random: options.random } : {}) }));
      attempt += 1;
      setState('reconnecting');
      try {
        await sleep(delay, stopper.signal);
      } catch {
        break;
      }
    }
    options.signal?.removeEventListener('abort', onOuterAbort);
    setState('closed');
  }

  const closed = run();
  return {
    close: () => stopper.abort(),
    get lastEventId() {
      return parser.lastEventId;
    },
    closed,
  };
}
