/**
 * Start the sandbox: `node --import tsx demo/sandbox/main.ts [config.json]` (or `SANDBOX_CONFIG`).
 *
 * The file store and the event sink are injected: {@link runSandbox} takes the real S3 stand-in
 * (`demo/sandbox/s3/`) and webhook dispatcher (`demo/sandbox/webhooks/`) once they are wired in. Run
 * directly, it uses the explicit stand-ins below, which say what they cannot do instead of faking it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createSandbox, type Sandbox } from './app.js';
import { CREDENTIALS_FILE, loadConfig, type SandboxConfig } from './config.js';
import type { ConsoleWebhooks } from './console/console-deps.js';
import type { EventSink, FileStore } from './ports.js';

/** What {@link runSandbox} needs besides the config. */
export interface SandboxServices {
  fileStore: FileStore;
  events: EventSink;
  /** The webhook dispatcher, for the review console's delivery log and test sends. */
  webhooks?: ConsoleWebhooks;
}

/** Start the sandbox for `config` with the given services and print where it listens. */
export async function runSandbox(config: SandboxConfig, services: SandboxServices, log: (line: string) => void = console.log): Promise<Sandbox> {
  const sandbox = await createSandbox({
    port: config.port,
    dataDir: config.dataDir,
    clients: config.clients,
    fileStore: services.fileStore,
    events: services.events,
    reviewConsole: { webhooks: services.webhooks },
  });
  const main = config.clients[0];
  log(`OST KYC API v2 sandbox listening on ${sandbox.url} (data in ${config.dataDir})`);
  log(`review console: ${sandbox.url}/console/ (no login: local use only)`);
  if (main) {
    log(`default client ${main.clientId}: API key ${main.apiKey}`);
    // A secret is never printed, even a generated local one: the log says where to read it.
    if (config.generatedCredentials) log(`default client ${main.clientId}: API secret generated, in ${join(config.dataDir, CREDENTIALS_FILE)} (readable by you only)`);
  }
  return sandbox;
}

/** Until the S3 stand-in is wired: no files exist, and presigning is refused (500 `swr`). */
export const unwiredFileStore: FileStore = {
  presignPost: () => Promise.reject(new Error('no file store wired into demo/sandbox/main.ts')),
  presignPut: () => Promise.reject(new Error('no file store wired into demo/sandbox/main.ts')),
  presignGet: () => Promise.reject(new Error('no file store wired into demo/sandbox/main.ts')),
  stat: () => Promise.resolve(undefined),
};

/** Until the webhook dispatcher is wired: events are logged, not delivered. */
export const loggingEvents: EventSink = {
  emit(event) {
    console.log(`[sandbox] event ${event.name} (${event.source}) for client ${event.clientId}: not delivered, no dispatcher wired`);
  },
};

/** Local S3 credentials: fixed, since the S3 stand-in only ever listens on 127.0.0.1. */
const LOCAL_S3 = { bucket: 'kyc-sandbox', accessKeyId: 'SANDBOXLOCALACCESSKEY', secretAccessKey: 'sandbox-local-secret-access-key' };

/**
 * Start the sandbox with its real parts: the S3 stand-in (files in `<dataDir>/s3`) on
 * `SANDBOX_S3_PORT` (default: the API port + 1) and the webhook dispatcher (state in
 * `<dataDir>/webhooks.sqlite`; `SANDBOX_WEBHOOK_TIME_FACTOR` divides the 1 h…32 h retry delays).
 * Browsers may upload from the origins in `SANDBOX_S3_ORIGINS` (comma-separated).
 */
export async function startLocalSandbox(config: SandboxConfig, env: NodeJS.ProcessEnv = process.env, log: (line: string) => void = console.log): Promise<{ url: string; s3Url: string; close(): Promise<void> }> {
  const { createS3Server } = await import('./s3/s3-server.js');
  const { startWebhookDispatcher } = await import('./webhooks/index.js');
  const { createAutoReview } = await import('./console/auto-review.js');
  const { default: Database } = await import('better-sqlite3');
  const s3Port = Number(env['SANDBOX_S3_PORT'] ?? (config.port === 0 ? 0 : config.port + 1));
  const origins = (env['SANDBOX_S3_ORIGINS'] ?? '').split(',').map((origin) => origin.trim()).filter(Boolean);
  const s3 = await createS3Server({ ...LOCAL_S3, dataDir: join(config.dataDir, 's3'), port: s3Port, allowedOrigins: origins });
  mkdirSync(config.dataDir, { recursive: true });
  const db = new Database(join(config.dataDir, 'webhooks.sqlite'));
  db.pragma('journal_mode = WAL');
  const webhooks = startWebhookDispatcher({ db, retryTimeFactor: Number(env['SANDBOX_WEBHOOK_TIME_FACTOR'] ?? 1) });
  for (const client of config.clients) webhooks.settings.set(client.clientId, client.webhooks as never);
  const autoReview = config.autoReviewSeconds === undefined ? undefined : createAutoReview({ dataDir: config.dataDir, delaySeconds: config.autoReviewSeconds, log });
  const events = autoReview ? autoReview.observe(webhooks) : webhooks;
  let sandbox: Awaited<ReturnType<typeof runSandbox>>;
  try {
    sandbox = await runSandbox(config, { fileStore: s3.fileStore, events, webhooks }, log);
  } catch (error) {
    // The API could not start (its port taken, say): close what was opened for it, so a caller that
    // reports the error and goes on (the demo, a test) is not left with a listening S3 port and timers.
    autoReview?.close();
    await webhooks.close();
    db.close();
    await s3.close();
    throw error;
  }
  autoReview?.start(sandbox.store);
  log(`S3 stand-in listening on ${s3.url} (bucket ${LOCAL_S3.bucket}; uploads allowed from ${origins.length ? origins.join(', ') : 'no browser origin: set SANDBOX_S3_ORIGINS'})`);
  log(autoReview ? `auto-review on: ${config.autoReviewSeconds} s after each KYC submission, AML cleared and qualified (last name DENY: AML rejected)` : 'auto-review off (set SANDBOX_AUTO_REVIEW_SECONDS to turn it on)');
  return {
    url: sandbox.url,
    s3Url: s3.url,
    async close() {
      autoReview?.close();
      await sandbox.close();
      await webhooks.close();
      db.close();
      await s3.close();
    },
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const config = loadConfig(process.env, process.argv[2] ?? process.env['SANDBOX_CONFIG']);
    const sandbox = await startLocalSandbox(config);
    const stop = (): void => {
      void sandbox.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (error) {
    const issues = (error as { issues?: unknown[] }).issues;
    console.error(`sandbox: ${(error as Error).message}${issues ? '\n' + JSON.stringify(issues, null, 2) : ''}`);
    process.exit(1);
  }
}
