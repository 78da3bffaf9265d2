/**
 * The dispatcher's SQLite tables. They live in the sandbox's own database (passed in), all prefixed
 * `webhook_`, and are created idempotently so that reopening a database resumes where it stopped.
 */
import type { Database } from 'better-sqlite3';

/** Create the webhook tables if they do not exist yet. */
export function ensureWebhookSchema(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS webhook_endpoints (
      client_id INTEGER NOT NULL,
      position INTEGER NOT NULL,
      url TEXT NOT NULL,
      secret TEXT NOT NULL,
      sources TEXT NOT NULL,
      types TEXT NOT NULL,
      PRIMARY KEY (client_id, position)
    );
    CREATE TABLE IF NOT EXISTS webhook_events (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      client_id INTEGER NOT NULL,
      name TEXT NOT NULL,
      source TEXT NOT NULL,
      data TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );
    -- One row per (event, webhook): its id is the payload's id and stays the same on retries.
    -- url and secret are copied at emit time, so later changes to the settings do not alter queued ones.
    CREATE TABLE IF NOT EXISTS webhook_deliveries (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      event_id INTEGER NOT NULL REFERENCES webhook_events(id),
      client_id INTEGER NOT NULL,
      url TEXT NOT NULL,
      secret TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'expired')),
      failed_count INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER,
      created_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
    CREATE TABLE IF NOT EXISTS webhook_attempts (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries(id),
      client_id INTEGER NOT NULL,
      attempt INTEGER NOT NULL,
      attempted_at INTEGER NOT NULL,
      request_timestamp INTEGER NOT NULL,
      http_status INTEGER,
      error TEXT,
      state TEXT NOT NULL,
      next_attempt_at INTEGER
    );
    CREATE INDEX IF NOT EXISTS webhook_attempts_client ON webhook_attempts (client_id, attempted_at);
  `);
}
