/**
 * `createProxy(config)`: build every service from the configuration, the Koa app on top, and a
 * `listen`/`close` pair with a graceful shutdown (stop accepting, end status streams with a reconnect
 * hint, let running requests finish, then close the store and mail connections). Tests and the demo use
 * it in-process; `server.ts` uses it from the command line.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DestinationStream, Logger } from 'pino';
import { createApp, type AppOptions } from './app.js';
import { createCodeBook } from './codes.js';
import type { ProxyConfig } from './config/load-config.js';
import { answerParserErrorsAsJson } from './http/client-error.js';
import { createLogger } from './http/logger.js';
import { createMetrics } from './http/metrics.js';
import { createMailer, type Mailer } from './mail.js';
import { createProviderClient } from './provider/provider-client.js';
import type { ProxyDeps, SaleServices } from './proxy-deps.js';
import { loadSigningKeys } from './session/signing-keys.js';
import { createTokenService } from './session/widget-token.js';
import { createStatusHub } from './status/status-hub.js';
import { createWebhookForwarder } from './status/webhook-forwarder.js';
import { createMemoryStore } from './store/memory-store.js';
import type { SharedStore } from './store/shared-store.js';

/** Options of {@link createProxy}: test seams. */
export interface ProxyOptions extends AppOptions {
  /** Where log lines go (default stdout). */
  logDestination?: DestinationStream;
  /** A logger to use instead of creating one. */
  logger?: Logger;
  /** The clock in ms. */
  now?: () => number;
  /** Use this store instead of the configured one (it is then not closed by `close`). */
  store?: SharedStore;
  /** Use this mailer instead of one built from `config.smtp`. */
  mailer?: Mailer;
  /** `fetch` for provider calls and forwarded webhooks. */
  fetch?: typeof fetch;
  /** How long `close` waits for running requests before cutting connections. Default 10 s. */
  shutdownGraceMs?: number;
}

/** A built proxy. */
export interface Proxy {
  deps: ProxyDeps;
  app: ReturnType<typeof createApp>;
  /** Start listening on `config.host:config.port` (or the given port); resolves with the URL. */
  listen(port?: number): Promise<{ url: string; port: number; server: Server }>;
  /** Graceful shutdown. */
  close(): Promise<void>;
}

/**
 * The configured shared store. The Redis store (and ioredis with it) is loaded only when Redis is
 * configured: loading it costs a single-instance proxy about 7 MB of memory for nothing.
 */
async function openStore(config: ProxyConfig, onError: (error: unknown) => void): Promise<SharedStore> {
  if (config.redis === undefined) return createMemoryStore({ onError });
  const { createSharedStore } = await import('./store/create-shared-store.js');
  return createSharedStore({ redisUrl: config.redis.url.reveal(), keyPrefix: config.redis.keyPrefix, onError });
}

/** Build the proxy from its configuration. */
export async function createProxy(config: ProxyConfig, options: ProxyOptions = {}): Promise<Proxy> {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? createLogger(config.logLevel, options.logDestination);
  const store = options.store ?? await openStore(config, (error) => logger.warn({ err: error as Error }, 'shared store error'));
  const keys = await loadSigningKeys({ current: config.tokens.current.reveal(), previous: config.tokens.previous.map((key) => key.reveal()) });
  const mailer = options.mailer ?? createMailer({ smtpUrl: config.smtp.url.reveal(), from: config.smtp.from });
  // One mailer per distinct sender: a sale may send as itself ("Acme sale" <kyc@acme.example>).
  const mailers = new Map<string, Mailer>([[config.smtp.from, mailer]]);
  const mailerFor = (from: string | undefined): Mailer => {
    if (from === undefined || options.mailer !== undefined) return mailer;
    let own = mailers.get(from);
    if (own === undefined) {
      own = createMailer({ smtpUrl: config.smtp.url.reveal(), from });
      mailers.set(from, own);
    }
    return own;
  };
  const sales = new Map<string, SaleServices>();
  for (const sale of config.sales.values()) {
    sales.set(sale.id, {
      config: sale,
      provider: createProviderClient({
        baseUrl: sale.provider.baseUrl,
        apiKey: sale.provider.apiKey,
        apiSecret: sale.provider.apiSecret.reveal(),
        timeoutMs: sale.provider.timeoutMs,
        now,
        ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
      }),
      tokens: createTokenService({ issuer: config.publicUrl, keys, lifetimeSeconds: sale.tokenLifetimeSeconds, now }),
      mailer: mailerFor(sale.mail.from),
    });
  }
  const deps: ProxyDeps = {
    config,
    sales,
    keys,
    store,
    codes: createCodeBook({ store, pepper: config.codePepper.reveal(), ttlMs: config.codes.ttlSeconds * 1000, maxAttempts: config.codes.maxAttempts, now }),
    mailer,
    statusHub: createStatusHub({ store, now }),
    forwarder: createWebhookForwarder({ log: logger, now, ...(options.fetch !== undefined ? { fetch: options.fetch } : {}) }),
    metrics: createMetrics(),
    logger,
    now,
    background: new Set(),
    streams: new Set(),
  };
  const app = createApp(deps, options);
  let server: Server | undefined;

  return {
    deps,
    app,
    async listen(port = config.port) {
      server = createServer(app.callback());
      // Status streams are long-lived, so no overall request timeout: request bodies get their own
      // deadline (http/request-body-guard.ts), and headers must arrive within 20 s.
      server.requestTimeout = 0;
      server.headersTimeout = 20_000;
      server.keepAliveTimeout = 5_000;
      answerParserErrorsAsJson(server);
      const listening = server;
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(port, config.host, () => {
          listening.off('error', reject);
          resolve();
        });
      });
      const address = listening.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return { url: `http://${host}:${address.port}`, port: address.port, server: listening };
    },
    async close() {
      const grace = options.shutdownGraceMs ?? 10_000;
      if (server !== undefined) {
        const closing = new Promise<void>((resolve) => server?.close(() => resolve()));
        for (const stream of [...deps.streams]) stream.close('shutdown');
        server.closeIdleConnections();
        // Connections become idle as their last responses finish; close those too, until none is left.
        const sweep = setInterval(() => server?.closeIdleConnections(), 100);
        const timer = setTimeout(() => server?.closeAllConnections(), grace);
        await closing;
        clearInterval(sweep);
        clearTimeout(timer);
      }
      for (const stream of [...deps.streams]) stream.close('shutdown');
      while (deps.background.size > 0) await Promise.allSettled([...deps.background]);
      deps.forwarder.close();
      await deps.forwarder.idle();
      for (const sale of deps.sales.values()) sale.provider.close();
      if (options.mailer === undefined) for (const each of mailers.values()) await each.close();
      if (options.store === undefined) await store.close();
    },
  };
}
