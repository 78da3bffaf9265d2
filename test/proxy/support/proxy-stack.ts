/**
 * Test support: the whole backend on 127.0.0.1, as in production but in-process: the sandbox provider
 * (API, S3 stand-in, signed webhooks), a real SMTP catcher, and the proxy configured through
 * `loadConfig` from environment variables and a config file, with every log line captured.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { createSandbox, type Sandbox } from '../../../demo/sandbox/app.js';
import { parseClient } from '../../../demo/sandbox/config.js';
import { startSmtpCatcher, type SmtpCatcher } from '../../../demo/mail-catcher/smtp-catcher.js';
import { createS3Server, type S3Server } from '../../../demo/sandbox/s3/s3-server.js';
import { startWebhookDispatcher, type WebhookDispatcher } from '../../../demo/sandbox/webhooks/dispatcher.js';
import { loadConfig } from '../../../proxy/config/load-config.js';
import { createProxy, type Proxy, type ProxyOptions } from '../../../proxy/create-proxy.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';

/** The sale's embedding origin in tests. */
export const SALE_ORIGIN = 'https://sale.test';
export const SALE_ID = 'acme';
export const CLIENT_ID = 7;
export const INTEGRATOR_KEY = 'integrator-key-0123456789abcdef';
const API_KEY = 'a1'.repeat(16);
/** The sale's provider API key (not a secret: it travels with every request), for a `sale.provider` override. */
export const PROVIDER_API_KEY = API_KEY;
/** The environment variable holding the provider's API secret, for a `sale.provider` override. */
export const PROVIDER_SECRET_ENV = 'TEST_PROVIDER_SECRET';
const API_SECRET = 'b2'.repeat(16);
export const WEBHOOK_SECRET = 'c3'.repeat(16);

/** Every file field and limit the sale collects in the default stack. */
const OPTIONAL_FIELDS = ['ethereumAddress', 'estimatedParticipationAmount', 'streetAddress', 'city', 'state', 'postalCode', 'residenceProofFile', 'investorProofFiles'];

/** A free TCP port on 127.0.0.1 (the proxy's port must be known before the sandbox's webhooks are set). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Options of {@link startStack}. */
export interface StackOptions {
  /** Extra keys merged into the sale's config-file entry. */
  sale?: Record<string, unknown>;
  /**
   * More sales after the default one, each a config-file entry merged over a copy of the default sale's
   * (same sandbox account and secrets), so `{ id: 'beta', origins: [...] }` is a whole second sale.
   */
  extraSales?: Record<string, unknown>[];
  /** Extra top-level keys of the config file (e.g. `codes` limits, `maxBodyBytes`). */
  config?: Record<string, unknown>;
  /** Extra proxy environment variables (e.g. REDIS_URL). */
  env?: Record<string, string>;
  /** How many proxy instances (sharing the store when REDIS_URL is set). Default 1. */
  instances?: number;
  /** Start a throw-away redis-server for the proxies' shared store (REDIS_URL), stopped with the stack. */
  redis?: boolean;
  /** createProxy options for every instance. */
  proxyOptions?: ProxyOptions;
  /** The sandbox's clock. */
  sandboxNow?: () => number;
  /** The sandbox's port (default: a free one), e.g. to start a relay to it before the stack. */
  sandboxPort?: number;
  /** More browser origins the S3 stand-in allows (CORS) besides the sale's, e.g. a test page's origin. */
  s3Origins?: readonly string[];
  /** The S3 stand-in's clock (tests move it past a presigned form's expiry). */
  s3Now?: () => number;
}

/** A running stack. */
export interface Stack {
  dir: string;
  sandbox: Sandbox;
  s3: S3Server;
  webhooks: WebhookDispatcher;
  catcher: SmtpCatcher;
  proxies: Proxy[];
  /** The first instance's URL (webhooks go to it). */
  proxyUrl: string;
  urls: string[];
  /** Every log line every proxy instance wrote, as text. */
  logs: string[];
  /** The redis-server the proxies share, when `redis` was asked for. */
  redis: RedisServer | undefined;
  close(): Promise<void>;
}

/** Start sandbox + S3 + SMTP catcher + proxy instance(s). */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'proxy-stack-'));
  const logs: string[] = [];
  const ports = await Promise.all(Array.from({ length: options.instances ?? 1 }, () => freePort()));
  const proxyUrl = `http://127.0.0.1:${ports[0]}`;
  const s3 = await createS3Server({ dataDir: join(dir, 's3'), bucket: 'kyc-test', accessKeyId: 'TESTACCESSKEY', secretAccessKey: 'test-secret-access-key', allowedOrigins: [SALE_ORIGIN, ...(options.s3Origins ?? [])], ...(options.s3Now ? { now: options.s3Now } : {}) });
  const db = new Database(join(dir, 'webhooks.sqlite'));
  const webhooks = startWebhookDispatcher({ db, retryTimeFactor: 3600 * 100, onError: () => undefined });
  const client = parseClient({
    clientId: CLIENT_ID,
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    kycFields: ['ethereum_address', 'estimated_participation_amount', 'street_address', 'city', 'state', 'postal_code', 'residence_proof_file_path', 'investor_proof_files_path'],
    residencyProofNationalities: ['INDIAN'],
    blacklistedCountries: ['KOREA, NORTH'],
  }, 0);
  webhooks.settings.set(CLIENT_ID, [{ url: `${proxyUrl}/webhooks/${SALE_ID}`, secret: WEBHOOK_SECRET, sources: ['api', 'web', 'kyc_system'], types: ['user', 'user_kyc'] }] as never);
  const sandbox = await createSandbox({ dataDir: join(dir, 'sandbox'), clients: [client], fileStore: s3.fileStore, events: webhooks, ...(options.sandboxNow ? { now: options.sandboxNow } : {}), ...(options.sandboxPort === undefined ? {} : { port: options.sandboxPort }) });
  const catcher = await startSmtpCatcher();
  const redis = options.redis ? await startRedisServer() : undefined;

  const configFile = join(dir, 'proxy.json');
  const defaultSale = {
    id: SALE_ID,
    name: 'Acme Token Sale',
    provider: { url: sandbox.url, apiKey: API_KEY, apiSecret: { env: 'TEST_PROVIDER_SECRET' } },
    origins: [SALE_ORIGIN],
    fields: { optional: OPTIONAL_FIELDS },
    countries: { blocked: ['NORTH KOREA'] },
    residenceProofNationalities: ['INDIAN'],
    webhook: { secrets: [{ env: 'TEST_WEBHOOK_SECRET' }] },
    integratorKeys: [INTEGRATOR_KEY],
    confirmations: [{ id: 'terms', label: 'I accept the terms of the sale.' }],
  };
  writeFileSync(configFile, JSON.stringify({
    ...options.config,
    sales: [{ ...defaultSale, ...options.sale }, ...(options.extraSales ?? []).map((sale) => ({ ...defaultSale, ...sale }))],
  }));
  const env = {
    PROXY_CONFIG_FILE: configFile,
    PROXY_DATA_DIR: join(dir, 'proxy-data'),
    PROXY_PUBLIC_URL: proxyUrl,
    SMTP_URL: `smtp://127.0.0.1:${catcher.port}`,
    MAIL_FROM: 'Acme KYC <kyc@acme.test>',
    TEST_PROVIDER_SECRET: API_SECRET,
    TEST_WEBHOOK_SECRET: WEBHOOK_SECRET,
    LOG_LEVEL: 'debug',
    ...(redis === undefined ? {} : { REDIS_URL: redis.url }),
    ...options.env,
  };
  const config = await loadConfig(env);
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
      callback();
    },
  });
  const proxies: Proxy[] = [];
  const urls: string[] = [];
  for (const port of ports) {
    const proxy = await createProxy(config, { logDestination: destination, shutdownGraceMs: 1000, ...options.proxyOptions });
    urls.push((await proxy.listen(port)).url);
    proxies.push(proxy);
  }

  return {
    dir,
    sandbox,
    s3,
    webhooks,
    catcher,
    proxies,
    proxyUrl,
    urls,
    logs,
    redis,
    async close() {
      for (const proxy of proxies) await proxy.close();
      await redis?.stop();
      await webhooks.close();
      await sandbox.close();
      db.close();
      await s3.close();
      await catcher.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
