/**
 * Read-only views of the deliveries and their attempts, for the review console.
 */
import type { Database } from 'better-sqlite3';
import type { EventName, EventSource } from '../ports.js';

/** Where a delivery stands. */
export type DeliveryState = 'pending' | 'delivered' | 'expired';

/** One attempt to deliver one event to one webhook. */
export interface DeliveryAttempt {
  /** The attempt's own id. */
  attemptId: number;
  /** The delivery's id, which is the payload's `id`. */
  deliveryId: number;
  eventName: EventName;
  source: EventSource;
  url: string;
  /** 1 for the first attempt, up to 7. */
  attempt: number;
  /** When the attempt started, in milliseconds since the epoch. */
  attemptedAt: number;
  /** The `request_timestamp` sent (unix seconds). */
  requestTimestamp: number;
  /** The HTTP status received, or null when no response came. */
  httpStatus: number | null;
  /** Why no response came (e.g. `ECONNREFUSED`, `timeout after 10000 ms`), or null. */
  error: string | null;
  /** The delivery's state after this attempt. */
  state: DeliveryState;
  /** When the next attempt is due (ms), or null when none will be made. */
  nextAttemptAt: number | null;
}

/** One delivery (event × webhook) and where it stands. */
export interface DeliverySummary {
  deliveryId: number;
  eventName: EventName;
  source: EventSource;
  url: string;
  state: DeliveryState;
  failedCount: number;
  nextAttemptAt: number | null;
  /** When the delivery was queued, in milliseconds since the epoch. */
  createdAt: number;
}

/** Options for the listings. */
export interface ListOptions {
  /** At most this many rows (default 100). */
  limit?: number;
}

/** Every attempt for the client's webhooks, newest first. */
export function listDeliveryAttempts(db: Database, clientId: number, options: ListOptions = {}): DeliveryAttempt[] {
  return db
    .prepare(
      `SELECT a.id AS attemptId, a.delivery_id AS deliveryId, e.name AS eventName, e.source AS source, d.url AS url,
              a.attempt AS attempt, a.attempted_at AS attemptedAt, a.request_timestamp AS requestTimestamp,
              a.http_status AS httpStatus, a.error AS error, a.state AS state, a.next_attempt_at AS nextAttemptAt
         FROM webhook_attempts a
         JOIN webhook_deliveries d ON d.id = a.delivery_id
         JOIN webhook_events e ON e.id = d.event_id
        WHERE a.client_id = ?
        ORDER BY a.attempted_at DESC, a.id DESC
        LIMIT ?`,
    )
    .all(clientId, options.limit ?? 100) as DeliveryAttempt[];
}

/** The client's deliveries, newest first, whatever their state (queued ones included). */
export function listDeliveries(db: Database, clientId: number, options: ListOptions = {}): DeliverySummary[] {
  return db
    .prepare(
      `SELECT d.id AS deliveryId, e.name AS eventName, e.source AS source, d.url AS url, d.state AS state,
              d.failed_count AS failedCount, d.next_attempt_at AS nextAttemptAt, d.created_at AS createdAt
         FROM webhook_deliveries d
         JOIN webhook_events e ON e.id = d.event_id
        WHERE d.client_id = ?
        ORDER BY d.created_at DESC, d.id DESC
        LIMIT ?`,
    )
    .all(clientId, options.limit ?? 100) as DeliverySummary[];
}
