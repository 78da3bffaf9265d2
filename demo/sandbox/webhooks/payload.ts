/**
 * The webhook payload before signing (upstream §4, `crons/webhooks/base.rb#get_formatted_data`).
 */
import type { ParamValue, WebhookEvent } from '../../../proxy/signer.js';
import type { EventName, EventSource } from '../ports.js';
import { EVENT_DEFINITIONS } from './events.js';

/** What a stored delivery knows of its event. */
export interface StoredEvent {
  name: EventName;
  source: EventSource;
  /** The event's `data` object as stored (JSON-compatible). */
  data: Record<string, ParamValue>;
  /** Unix seconds. */
  createdAt: number;
}

/**
 * The payload of one delivery: `id` (the delivery's id, the same on every retry), `name`, `type`,
 * `description`, `version`, `source`, `data` and `created_at`. `request_timestamp` and `signature` are
 * added per attempt by `signWebhook`.
 */
export function buildWebhookPayload(deliveryId: number, event: StoredEvent): WebhookEvent {
  const definition = EVENT_DEFINITIONS[event.name];
  return {
    id: deliveryId,
    name: event.name,
    type: definition.type,
    description: definition.description,
    version: 'v1',
    source: event.source,
    data: event.data,
    created_at: event.createdAt,
  };
}

/**
 * `data` as JSON for storage. `undefined` is dropped (as `toQuery` drops it) and bigints become their
 * decimal string (as they would be sent).
 */
export function serialiseEventData(data: Record<string, unknown>): string {
  return JSON.stringify(data, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}
