/**
 * The sandbox provider (API and S3 stand-in) in a process of its own, for the benchmarks:
 * `node --import tsx test/bench/sandbox-process.ts` with an IPC channel, `BENCH_SANDBOX_DIR` (its data
 * folder) and `BENCH_SANDBOX_CLIENT` (one client, as in a sandbox config file). It answers the probe
 * (`process-probe.ts`), sends `{ sandbox: { url, s3Url } }` once it listens, and stops on SIGTERM or when
 * the benchmark goes away. Webhooks are not sent: the benchmarks change no case.
 */
import './process-probe.js';
import { join } from 'node:path';
import { createSandbox } from '../../demo/sandbox/app.js';
import { parseClient } from '../../demo/sandbox/config.js';
import { createS3Server } from '../../demo/sandbox/s3/s3-server.js';

/** What the process sends once it listens. */
export interface SandboxReady {
  sandbox: { url: string; s3Url: string };
}

const dir = process.env['BENCH_SANDBOX_DIR'];
const clientJson = process.env['BENCH_SANDBOX_CLIENT'];
if (dir === undefined || clientJson === undefined || process.send === undefined) {
  throw new Error('Started by the benchmarks only: BENCH_SANDBOX_DIR, BENCH_SANDBOX_CLIENT and an IPC channel are needed.');
}
const s3 = await createS3Server({
  dataDir: join(dir, 's3'),
  bucket: 'kyc-bench',
  accessKeyId: 'BENCHACCESSKEY',
  secretAccessKey: 'bench-secret-access-key',
  allowedOrigins: [],
});
const sandbox = await createSandbox({
  dataDir: join(dir, 'sandbox'),
  clients: [parseClient(JSON.parse(clientJson), 0)],
  fileStore: s3.fileStore,
  events: { emit: () => undefined },
});

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await sandbox.close();
  await s3.close();
  process.exit(0);
}
process.once('SIGTERM', () => void stop());
process.once('disconnect', () => void stop());
process.send({ sandbox: { url: sandbox.url, s3Url: s3.url } } satisfies SandboxReady);
