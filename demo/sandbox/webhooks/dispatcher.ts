/**
 * The provider's webhook delivery, as an {@link EventSink} (upstream §4).
 *
 * `emit` stores the event and one delivery per matching webhook in SQLite, then returns; attempts run in
 * the background. Each attempt signs the payload afresh (new `request_timestamp`, same `id`) and POSTs it;
 * only HTTP 200 is success. Failures are retried on the provider's schedule (1 h, 2 h, … 32 h, divided by
 * `retryTimeFactor`) until the 7th failure expires the delivery. Because the queue is the database, pending
 * deliveries survive a restart: `start()` resumes those already due and arms a timer for the rest.
 */
import type { Database } from 'better-sqlite3';
import { signWebhook, type ParamValue } from '../../../proxy/signer.js';
import type { EventName, EventSink, EventSource, SandboxEvent } from '../ports.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import {
  listDeliveries,
  listDeliveryAttempts,
  type DeliveryAttempt,
  type DeliveryState,
  type DeliverySummary,
  type ListOptions,
} from './delivery-log.js';
import { eventDefinitionFor, InvalidEventError } from './events.js';
import { buildWebhookPayload, serialiseEventData } from './payload.js';
import { nextAttemptAt } from './retry.js';
import { ensureWebhookSchema } from './schema.js';
import { WebhookSettings } from './settings.js';
import { postForm, WEBHOOK_TIMEOUT_MS, type PostOutcome } from './transport.js';

/** Options of {@link WebhookDispatcher}. */
export interface WebhookDispatcherOptions {
  /** The sandbox's database; the dispatcher creates its `webhook_*` tables in it. Close it after `close()`. */
  db: Database;
  /** Time and timers for the retry schedule. Default: the system clock. */
  clock?: Clock;
  /** Divides every retry delay: 1 (default) is the real 1 h…32 h; 3600 gives 1 s…32 s. Must be > 0. */
  retryTimeFactor?: number;
  /** Timeout of one POST, in real milliseconds. Default 10 000, as the provider. */
  requestTimeoutMs?: number;
  /** At most this many POSTs at once (default 10, the provider's batch size). */
  maxConcurrentAttempts?: number;
  /** Called with unexpected internal errors (e.g. the database closed under an attempt). Default: console.error. */
  onError?: (error: unknown) => void;
}

interface DueRow {
  id: number;
  url: string;
  secret: string;
  failed_count: number;
  name: EventName;
  source: EventSource;
  data: string;
  created_at: number;
}

/** Sends a client's events to its webhooks, with retries that survive restarts. */
export class WebhookDispatcher implements EventSink {
  /** The clients' webhook settings (stored in the same database). */
  readonly settings: WebhookSettings;
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #retryTimeFactor: number;
  readonly #timeoutMs: number;
  readonly #maxConcurrent: number;
  readonly #onError: (error: unknown) => void;
  readonly #inFlight = new Map<number, Promise<void>>();
  #running = false;
  #closed = false;
  #timer: { handle: TimerHandle; at: number } | undefined;
  #pumpQueued: NodeJS.Immediate | undefined;
  #idleWaiters: Array<() => void> = [];

  constructor(options: WebhookDispatcherOptions) {
    this.#db = options.db;
    this.#clock = options.clock ?? systemClock;
    this.#retryTimeFactor = options.retryTimeFactor ?? 1;
    if (!(this.#retryTimeFactor > 0)) throw new RangeError('retryTimeFactor must be > 0');
    this.#timeoutMs = options.requestTimeoutMs ?? WEBHOOK_TIMEOUT_MS;
    this.#maxConcurrent = Math.max(1, options.maxConcurrentAttempts ?? 10);
    this.#onError = options.onError ?? ((error) => console.error('webhook dispatcher:', error));
    ensureWebhookSchema(this.#db);
    this.settings = new WebhookSettings(this.#db);
  }

  /** Begin delivering: resume every pending delivery that is due, and arm a timer for the next one. */
  start(): void {
    if (this.#closed) throw new Error('The webhook dispatcher is closed');
    this.#running = true;
    this.#pump();
  }

  /**
   * Queue `event` for each of its client's webhooks that subscribes to its source and result type.
   * Delivery happens in the background; before `start()` (or after `close()`) the deliveries are only
   * stored, to be sent by the next started dispatcher on this database.
   *
   * @returns the new deliveries' ids (the payloads' `id`), one per matching webhook.
   * @throws InvalidEventError for an event the provider could never emit (unknown name or source, or a
   *   source listed as "never from" in §4), or a bad clientId/createdAt: a bug in the caller.
   */
  emit(event: SandboxEvent): number[] {
    const definition = eventDefinitionFor(event.name, event.source);
    if (!Number.isSafeInteger(event.clientId)) throw new InvalidEventError('clientId must be an integer');
    if (!Number.isFinite(event.createdAt)) throw new InvalidEventError('createdAt must be unix seconds');
    const webhooks = this.settings
      .list(event.clientId)
      .filter((webhook) => webhook.sources.includes(event.source) && webhook.types.includes(definition.type));
    if (webhooks.length === 0) return [];
    const now = this.#clock.now();
    const ids = this.#db.transaction(() => {
      const eventId = this.#db
        .prepare('INSERT INTO webhook_events (client_id, name, source, data, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(event.clientId, event.name, event.source, serialiseEventData(event.data), event.createdAt).lastInsertRowid;
      const insert = this.#db.prepare(
        `INSERT INTO webhook_deliveries (event_id, client_id, url, secret, state, failed_count, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)`,
      );
      return webhooks.map((webhook) => Number(insert.run(eventId, event.clientId, webhook.url, webhook.secret, now, now).lastInsertRowid));
    })();
    // Asynchronous on purpose: the caller (an API request) never waits for, or fails with, a delivery.
    if (this.#running && this.#pumpQueued === undefined) {
      this.#pumpQueued = setImmediate(() => {
        this.#pumpQueued = undefined;
        this.#pump();
      });
    }
    return ids;
  }

  /** Every attempt for the client's webhooks, newest first (for the review console). */
  listAttempts(clientId: number, options?: ListOptions): DeliveryAttempt[] {
    return listDeliveryAttempts(this.#db, clientId, options);
  }

  /** The client's deliveries and their state, newest first (for the review console). */
  listDeliveries(clientId: number, options?: ListOptions): DeliverySummary[] {
    return listDeliveries(this.#db, clientId, options);
  }

  /**
   * Resolves once nothing is in flight and no pending delivery is due by the clock (deliveries scheduled
   * for later do not count). Resolves at once when the dispatcher is not running. Meant for tests and
   * for a graceful shutdown.
   */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.#idleWaiters.push(resolve);
      if (this.#running) this.#pump();
      this.#checkIdle();
    });
  }

  /** Stop the timers, wait for the attempts in flight (their results are recorded), then stop. */
  async close(): Promise<void> {
    this.#running = false;
    this.#closed = true;
    this.#timer?.handle.cancel();
    this.#timer = undefined;
    if (this.#pumpQueued !== undefined) clearImmediate(this.#pumpQueued);
    this.#pumpQueued = undefined;
    await Promise.allSettled([...this.#inFlight.values()]);
    this.#checkIdle();
  }

  /** Start the due deliveries that fit, then arm the timer for the earliest later one. */
  #pump(): void {
    if (!this.#running) return;
    try {
      const now = this.#clock.now();
      const free = this.#maxConcurrent - this.#inFlight.size;
      if (free > 0) {
        const due = this.#db
          .prepare(
            `SELECT d.id, d.url, d.secret, d.failed_count, e.name, e.source, e.data, e.created_at
               FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
              WHERE d.state = 'pending' AND d.next_attempt_at <= ?
              ORDER BY d.next_attempt_at, d.id
              LIMIT ?`,
          )
          .all(now, free + this.#inFlight.size) as DueRow[];
        for (const row of due.filter((r) => !this.#inFlight.has(r.id)).slice(0, free)) {
          this.#inFlight.set(row.id, this.#attempt(row));
        }
      }
      this.#armTimer(now);
    } catch (error) {
      this.#onError(error);
    }
  }

  #armTimer(now: number): void {
    const next = this.#db
      .prepare(`SELECT MIN(next_attempt_at) AS at FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at > ?`)
      .get(now) as { at: number | null };
    if (next.at === null) {
      this.#timer?.handle.cancel();
      this.#timer = undefined;
      return;
    }
    if (this.#timer?.at === next.at) return;
    this.#timer?.handle.cancel();
    const at = next.at;
    const handle = this.#clock.setTimer(() => {
      if (this.#timer?.at === at) this.#timer = undefined;
      this.#pump();
    }, at - now);
    this.#timer = { handle, at };
  }

  async #attempt(row: DueRow): Promise<void> {
    // Yield first, so the caller has registered this attempt as in flight before anything can finish.
    await Promise.resolve();
    const attemptedAt = this.#clock.now();
    let requestTimestamp = Math.floor(attemptedAt / 1000);
    let outcome: PostOutcome;
    try {
      const payload = buildWebhookPayload(row.id, {
        name: row.name,
        source: row.source,
        data: JSON.parse(row.data) as Record<string, ParamValue>,
        createdAt: row.created_at,
      });
      const signed = signWebhook(row.url, payload, row.secret, attemptedAt);
      requestTimestamp = signed.requestTimestamp;
      outcome = await postForm(row.url, signed.body, this.#timeoutMs);
    } catch (error) {
      // A bug or corrupt row: counted as a failed attempt, so it cannot spin in a loop.
      this.#onError(error);
      outcome = { error: `internal error: ${error instanceof Error ? error.message : String(error)}` };
    }
    try {
      this.#record(row, attemptedAt, requestTimestamp, outcome);
    } catch (error) {
      this.#onError(error);
    } finally {
      this.#inFlight.delete(row.id);
      this.#pump();
      this.#checkIdle();
    }
  }

  /** Store the attempt and the delivery's new state, with the next attempt time on failure. */
  #record(row: DueRow, attemptedAt: number, requestTimestamp: number, outcome: PostOutcome): void {
    // Only 200 (Net::HTTPOK) is success: 201, 204 and redirects are failures, as on the real server.
    const succeeded = 'status' in outcome && outcome.status === 200;
    const failedCount = succeeded ? row.failed_count : row.failed_count + 1;
    const next = succeeded ? null : nextAttemptAt(failedCount, this.#clock.now(), this.#retryTimeFactor);
    const state: DeliveryState = succeeded ? 'delivered' : next === null ? 'expired' : 'pending';
    this.#db.transaction(() => {
      this.#db
        .prepare('UPDATE webhook_deliveries SET state = ?, failed_count = ?, next_attempt_at = ? WHERE id = ?')
        .run(state, failedCount, next, row.id);
      this.#db
        .prepare(
          `INSERT INTO webhook_attempts (delivery_id, client_id, attempt, attempted_at, request_timestamp, http_status, error, state, next_attempt_at)
           SELECT id, client_id, ?, ?, ?, ?, ?, ?, ? FROM webhook_deliveries WHERE id = ?`,
        )
        .run(
          row.failed_count + 1,
          attemptedAt,
          requestTimestamp,
          'status' in outcome ? outcome.status : null,
          'error' in outcome ? outcome.error : null,
          state,
          next,
          row.id,
        );
    })();
  }

  #checkIdle(): void {
    if (this.#idleWaiters.length === 0) return;
    if (this.#running) {
      if (this.#inFlight.size > 0) return;
      const due = this.#db
        .prepare(`SELECT COUNT(*) AS n FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= ?`)
        .get(this.#clock.now()) as { n: number };
      if (due.n > 0) return;
    } else if (this.#inFlight.size > 0) {
      return;
    }
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** Create a dispatcher on `options.db` and start it (resuming pending deliveries). */
export function startWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const dispatcher = new WebhookDispatcher(options);
  dispatcher.start();
  return dispatcher;
}
