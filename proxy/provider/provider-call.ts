/**
 * One signed call to the provider, with its retries: the transport under the typed client.
 *
 * Each attempt is signed afresh right before it is sent (`request_timestamp` is valid ±10 s only, and a
 * retry may come seconds later) with the provider's clock as learnt from its `Date` headers. GET params
 * travel as the query string and POST params as a form body, both `toQuery` of the signed params, which
 * is exactly the string the server rebuilds and checks (upstream §1.2).
 *
 * Retries. Which failures may be retried depends on whether sending the request again could make the
 * provider act twice:
 * - `idempotent` (the GETs): retried after a timeout, any connection failure, a 5xx or a 429.
 * - `connection-only` (POSTs that create something): retried only when no connection was made at all
 *   (refused, DNS failure, unreachable network, connect timeout), because then not one byte reached the
 *   provider. A connection that drops after the request was written (reset, "other side closed"), a
 *   timeout, a 5xx or a garbled answer may all follow a request the provider did process, so they are
 *   not retried here; `maybeProcessed` on the error tells the caller to check before sending again
 *   (see `submitKycOnce` and `findOrCreateUser`). This also covers a pooled keep-alive socket the server
 *   had just closed: the request may or may not have been read, and only a check can tell.
 * - `never`: no retries.
 * Whatever the mode, a 401 `um_vac_1` (our timestamp is outside the provider's window) is retried once
 * after re-learning the offset: the provider refused the request before doing anything. When the refusal's
 * own `Date` repeats the time that was just refused, that header is not the provider's clock (a gateway
 * in front of it runs on another): the retry is signed with our own clock instead.
 */
import { signRequest, toQuery, type ParamValue } from '../signer.js';
import type { ProviderTransport, TransportOutcome } from './provider-transport.js';
import { backoffDelayMs } from './retry-backoff.js';
import type { ProviderClock } from './provider-clock.js';
import { ProviderError } from './provider-error.js';
import { interpretAnswer, type AttemptFailure, type AttemptOutcome, type ExpectedResult } from './provider-answer.js';

/** Which failures of a call may be retried (see the module comment). */
export type RetryMode = 'idempotent' | 'connection-only' | 'never';

/** Options of one call. */
export interface CallOptions {
  retry: RetryMode;
  /**
   * The `data.result_type` a success must carry, and the key under `data` that must hold an object;
   * anything else is a `bad_response`.
   */
  expect?: ExpectedResult;
}

/** A call: resolves with the envelope's `data` (undefined when the provider left it out), or throws {@link ProviderError}. */
export type ProviderCall = (
  method: 'GET' | 'POST',
  path: string,
  params: Readonly<Record<string, ParamValue>>,
  options: CallOptions,
) => Promise<unknown>;

/** What {@link createProviderCall} needs. */
export interface ProviderCallSettings {
  /** The provider's origin, without a trailing slash. */
  origin: string;
  apiKey: string;
  apiSecret: string;
  timeoutMs: number;
  /** Retries after the first attempt. */
  retries: number;
  /** Sends one attempt (`provider-transport.ts`). */
  transport: ProviderTransport;
  /** Our clock, ms. */
  now: () => number;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
  clock: ProviderClock;
}

/**
 * Errors of a connection that was never made: nothing was sent, so even a POST may be sent again.
 * Everything else (ECONNRESET, EPIPE, UND_ERR_SOCKET "other side closed", …) may come after the request
 * was written.
 */
const NOT_CONNECTED_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  // A URL outside the provider's origin: refused before anything was sent.
  'ERR_OUTSIDE_ORIGIN',
]);

function connectionFailure(causeCode: string): AttemptFailure {
  const notConnected = NOT_CONNECTED_CODES.has(causeCode);
  return {
    error: {
      kind: 'unreachable',
      maybeProcessed: !notConnected,
      causeCode,
      detail: notConnected ? `could not connect (${causeCode})` : `connection lost before an answer (${causeCode})`,
    },
    transient: true,
    clockRefused: false,
  };
}

/** The provider's `request_timestamp` window (±10 s, upstream §1.5), in ms. */
const TIMESTAMP_WINDOW_MS = 10_000;

const GET_HEADERS = { accept: 'application/json' };
const POST_HEADERS = { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' };

/** Build the call function over the given settings. */
export function createProviderCall(settings: ProviderCallSettings): ProviderCall {
  const { clock } = settings;

  /**
   * One attempt, signed with the provider's clock as learnt, or with ours (`ownClock`). `dateUntrusted`
   * reports a timestamp refusal whose `Date` header repeats the refused time.
   */
  async function attempt(method: 'GET' | 'POST', path: string, params: Readonly<Record<string, ParamValue>>, options: CallOptions, ownClock: boolean): Promise<AttemptOutcome & { dateUntrusted?: boolean }> {
    const offsetUsed = ownClock ? 0 : clock.offsetMs();
    const wire = toQuery(signRequest(path, params, { apiKey: settings.apiKey, apiSecret: settings.apiSecret }, settings.now() + offsetUsed));
    const sentAt = settings.now();
    const sent: TransportOutcome = await settings.transport(method === 'POST'
      ? { method, url: `${settings.origin}${path}`, headers: POST_HEADERS, body: wire, timeoutMs: settings.timeoutMs }
      : { method, url: `${settings.origin}${path}?${wire}`, headers: GET_HEADERS, timeoutMs: settings.timeoutMs });
    if (sent.kind === 'timeout') {
      return {
        ok: false,
        failure: { error: { kind: 'timeout', maybeProcessed: true, detail: `no complete answer within ${settings.timeoutMs} ms` }, transient: true, clockRefused: false },
      };
    }
    if (sent.kind === 'failed') return { ok: false, failure: connectionFailure(sent.code) };
    // The provider read its clock before the answer was complete, which is when the outcome arrived.
    const receivedAt = settings.now();
    clock.observe(sent.date, sentAt, receivedAt);
    const outcome = interpretAnswer(sent.status, sent.text, options.expect);
    if (!outcome.ok && outcome.failure.clockRefused) {
      // What we knew about the provider's clock is wrong: keep only what this answer says.
      clock.forget();
      clock.observe(sent.date, sentAt, receivedAt);
      return { ...outcome, dateUntrusted: Math.abs(clock.offsetMs() - offsetUsed) < TIMESTAMP_WINDOW_MS };
    }
    return outcome;
  }

  function mayRetry(mode: RetryMode, failure: AttemptFailure): boolean {
    if (mode === 'idempotent') return failure.transient;
    if (mode === 'connection-only') return failure.transient && !failure.error.maybeProcessed;
    return false;
  }

  return async function call(method, path, params, options) {
    let attempts = 0;
    let retriesDone = 0;
    let clockRetried = false;
    let ownClock = false;
    for (;;) {
      attempts += 1;
      const outcome = await attempt(method, path, params, options, ownClock);
      if (outcome.ok) return outcome.data;
      const { failure } = outcome;
      if (failure.clockRefused && !clockRetried) {
        clockRetried = true;
        ownClock = outcome.dateUntrusted === true;
        continue;
      }
      if (retriesDone < settings.retries && mayRetry(options.retry, failure)) {
        await settings.sleep(backoffDelayMs(retriesDone, settings.random));
        retriesDone += 1;
        continue;
      }
      throw new ProviderError({ ...failure.error, method, path, attempts });
    }
  };
}
