/**
 * Everything the routes use, built once from the configuration (`createProxyDeps`) or by a test.
 * Passed explicitly to each route factory: no globals, no container.
 */
import type { Logger } from 'pino';
import type { CodeBook } from './codes.js';
import type { ProxyConfig } from './config/load-config.js';
import type { SaleConfig } from './config/sale-config.js';
import type { ProxyMetrics } from './http/metrics.js';
import type { Mailer } from './mail.js';
import type { ProviderClient } from './provider/provider-client.js';
import type { SigningKeySet } from './session/signing-keys.js';
import type { TokenService } from './session/widget-token.js';
import type { StatusHub } from './status/status-hub.js';
import type { TickedStream } from './status/stream-ticker.js';
import type { WebhookForwarder } from './status/webhook-forwarder.js';
import type { SharedStore } from './store/shared-store.js';

/** One sale with the services bound to it. */
export interface SaleServices {
  config: SaleConfig;
  provider: ProviderClient;
  tokens: TokenService;
  /** Sends this sale's code mails (its own sender, or the proxy's). */
  mailer: Mailer;
}

/** The proxy's services. */
export interface ProxyDeps {
  config: ProxyConfig;
  sales: ReadonlyMap<string, SaleServices>;
  keys: SigningKeySet;
  store: SharedStore;
  codes: CodeBook;
  mailer: Mailer;
  statusHub: StatusHub;
  forwarder: WebhookForwarder;
  metrics: ProxyMetrics;
  logger: Logger;
  now: () => number;
  /** Work done after answering (webhook follow-ups), so shutdown and tests can wait for it. */
  background: Set<Promise<unknown>>;
  /** Open status streams register here: one ticker beats and expires them, and shutdown ends them cleanly. */
  streams: Set<TickedStream>;
}
