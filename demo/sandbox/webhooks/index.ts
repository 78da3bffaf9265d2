/**
 * The sandbox provider's webhooks: settings per client, and a dispatcher that signs, delivers and retries
 * events as the OST KYC server does (upstream §4). Entry point for the sandbox API and the review console.
 *
 * One deliberate difference from the real server: webhook URLs may also be `http://` (or `https://`) to
 * `127.0.0.1` or `localhost`, so a local receiver can be registered. The real server accepts only `https`
 * with a public host name (see `config.ts`).
 *
 * Typical wiring: `const webhooks = startWebhookDispatcher({ db })`, pass `webhooks` as the API's
 * `EventSink`, set a client's list with `webhooks.settings.set(clientId, [...])`, show
 * `webhooks.listAttempts(clientId)` in the review console, and `await webhooks.close()` before `db.close()`.
 */
export { WebhookDispatcher, startWebhookDispatcher, type WebhookDispatcherOptions } from './dispatcher.js';
export { WebhookSettings } from './settings.js';
export {
  MAX_WEBHOOKS_PER_CLIENT,
  WebhookConfigError,
  generateWebhookSecret,
  validateWebhookConfigs,
  type WebhookConfig,
  type WebhookConfigIssue,
} from './config.js';
export {
  EVENT_DEFINITIONS,
  EVENT_SOURCES,
  InvalidEventError,
  WEBHOOK_RESULT_TYPES,
  eventDefinitionFor,
  type EventDefinition,
  type WebhookResultType,
} from './events.js';
export {
  listDeliveries,
  listDeliveryAttempts,
  type DeliveryAttempt,
  type DeliveryState,
  type DeliverySummary,
  type ListOptions,
} from './delivery-log.js';
export { MAX_FAILED_ATTEMPTS, nextAttemptAt } from './retry.js';
export { systemClock, type Clock, type TimerHandle } from './clock.js';
export { ManualClock } from './manual-clock.js';
export { WEBHOOK_TIMEOUT_MS, postForm, type PostOutcome } from './transport.js';
export { buildWebhookPayload } from './payload.js';
