/**
 * What the review console is given by the sandbox, and the little state it keeps itself.
 */
import type { ClientConfig } from '../config.js';
import type { FileStore } from '../ports.js';
import type { SandboxStore } from '../store.js';
import type { WebhookConfig } from '../webhooks/config.js';
import type { DeliveryAttempt, DeliverySummary, ListOptions } from '../webhooks/delivery-log.js';
import type { TestSendResult } from './webhook-test-send.js';

/** The parts of the webhook dispatcher the console reads (its settings and delivery log). */
export interface ConsoleWebhooks {
  settings: { list(clientId: number): WebhookConfig[] };
  listAttempts(clientId: number, options?: ListOptions): DeliveryAttempt[];
  listDeliveries(clientId: number, options?: ListOptions): DeliverySummary[];
}

/** What the code that starts the sandbox chooses about the console. */
export interface ConsoleWiring {
  /** The dispatcher, for the delivery log and the test sends; without it those pages say so. */
  webhooks?: ConsoleWebhooks | undefined;
  /** The name written to `last_acted_by` by the console's actions. Default "Sandbox admin". */
  adminName?: string | undefined;
  /** Timeout of a test webhook POST in ms. Default 10 s, as the provider. */
  testSendTimeoutMs?: number | undefined;
}

/** Everything the console works with. */
export interface ConsoleDeps extends ConsoleWiring {
  store: SandboxStore;
  fileStore: FileStore;
  /** The sandbox's clients (only their ids and webhooks are shown, never credentials). */
  clients: readonly ClientConfig[];
  /** The clock in ms. */
  now: () => number;
}

/** A test send, with the client it was for. */
export type ClientTestSend = TestSendResult & { clientId: number };

/** The console's own state, for the life of the process. */
export interface ConsoleState {
  /** The anti-CSRF token every form carries. */
  csrfToken: string;
  /** The latest test sends, newest first (a few only). */
  testSends: ClientTestSend[];
}

/** At most this many test sends are remembered. */
export const MAX_REMEMBERED_TEST_SENDS = 20;
