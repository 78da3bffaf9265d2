/**
 * The sandbox provider (API and S3 stand-in) in a process of its own, for the benchmarks:
 * `node --import tsx test/bench/sandbox-process.ts` with an IPC channel, `BENCH_SANDBOX_DIR` (its data
 * folder) and `BENCH_SANDBOX_CLIENT` (one client, as in a sandbox config file). It answers the probe
 * (`process-probe.ts`), `BENCH_SANDBOX_DB_DIR` (optional: where its SQLite databases go instead), sends `{ sandbox: { url, s3Url } }` once it listens, and stops on SIGTERM or when
 * the benchmark goes away. Webhooks are not sent unless `BENCH_SANDBOX_WEBHOOKS=1`: the status benchmarks
 * change no case. With it, a webhook dispatcher delivers the case events to the webhook registered over
 * IPC, and the reviewer's commands (`sandbox-reviewer.ts`) decide cases, for runs of whole journeys.
 */
import './process-probe.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createSandbox } from '../../demo/sandbox/app.js';
import { parseClient } from '../../demo/sandbox/config.js';
import type { EventSink } from '../../demo/sandbox/ports.js';
import { createS3Server } from '../../demo/sandbox/s3/s3-server.js';
import { startWebhookDispatcher, type WebhookDispatcher } from '../../demo/sandbox/webhooks/dispatcher.js';
import { serveReviewer } from './sandbox-reviewer.js';

/** What the process sends once it listens. */
export interface SandboxReady {
  sandbox: { url: string; s3Url: string };
}

const dir = process.env['BENCH_SANDBOX_DIR'];
const clientJson = process.env['BENCH_SANDBOX_CLIENT'];
if (dir === undefined || clientJson === undefined || process.send === undefined) {
  throw new Error('Started by the benchmarks only: BENCH_SANDBOX_DIR, BENCH_SANDBOX_CLIENT and an IPC channel are needed.');
}
const databaseDir = process.env['BENCH_SANDBOX_DB_DIR'] ?? dir;
const s3 = await createS3Server({
  dataDir: join(dir, 's3'),
  bucket: 'kyc-bench',
  accessKeyId: 'BENCHACCESSKEY',
  secretAccessKey: 'bench-secret-access-key',
  allowedOrigins: [],
});
const client = parseClient(JSON.parse(clientJson), 0);
let webhooks: { dispatcher: WebhookDispatcher; db: Database.Database } | undefined;
if (process.env['BENCH_SANDBOX_WEBHOOKS'] === '1') {
  mkdirSync(databaseDir, { recursive: true });
  const db = new Database(join(databaseDir, 'webhooks.sqlite'));
  // Failed deliveries are retried after a few seconds, not hours: a run must see them land.
  webhooks = { db, dispatcher: startWebhookDispatcher({ db, retryTimeFactor: 3600, onError: (error) => console.error('webhook dispatcher:', error) }) };
}
const events: EventSink = webhooks?.dispatcher ?? { emit: () => undefined };
const sandbox = await createSandbox({
  dataDir: join(databaseDir, 'sandbox'),
  clients: [client],
  fileStore: s3.fileStore,
  events,
});
if (webhooks !== undefined) serveReviewer({ clientId: client.clientId, store: sandbox.store, webhooks: webhooks.dispatcher, db: webhooks.db });

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await webhooks?.dispatcher.close();
  await sandbox.close();
  webhooks?.db.close();
  await s3.close();
  process.exit(0);
}
process.once('SIGTERM', () => void stop());
process.once('disconnect', () => void stop());
process.send({ sandbox: { url: sandbox.url, s3Url: s3.url } } satisfies SandboxReady);
