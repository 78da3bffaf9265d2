/**
 * The clients' webhook settings, stored in SQLite next to the deliveries so that they survive a restart.
 */
import type { Database } from 'better-sqlite3';
import type { EventSource } from '../ports.js';
import { validateWebhookConfigs, WebhookConfigError, type WebhookConfig } from './config.js';
import type { WebhookResultType } from './events.js';
import { ensureWebhookSchema } from './schema.js';

interface EndpointRow {
  url: string;
  secret: string;
  sources: string;
  types: string;
}

/** Read and replace each client's list of webhooks. */
export class WebhookSettings {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
    ensureWebhookSchema(db);
  }

  /** The client's webhooks, in the order they were set (empty when it has none). */
  list(clientId: number): WebhookConfig[] {
    const rows = this.#db
      .prepare('SELECT url, secret, sources, types FROM webhook_endpoints WHERE client_id = ? ORDER BY position')
      .all(clientId) as EndpointRow[];
    return rows.map((row) => ({
      url: row.url,
      secret: row.secret,
      sources: JSON.parse(row.sources) as EventSource[],
      types: JSON.parse(row.types) as WebhookResultType[],
    }));
  }

  /**
   * Replace the client's whole list (an empty list removes them all). Deliveries already queued keep
   * the URL and secret they were created with.
   *
   * @throws WebhookConfigError when the list breaks a rule of {@link validateWebhookConfigs}.
   */
  set(clientId: number, configs: readonly WebhookConfig[]): void {
    const issues = validateWebhookConfigs(configs);
    if (issues.length > 0) throw new WebhookConfigError(issues);
    const insert = this.#db.prepare(
      'INSERT INTO webhook_endpoints (client_id, position, url, secret, sources, types) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM webhook_endpoints WHERE client_id = ?').run(clientId);
      configs.forEach((config, position) => {
        insert.run(clientId, position, config.url, config.secret, JSON.stringify(config.sources), JSON.stringify(config.types));
      });
    })();
  }
}
