/**
 * Start the sandbox: `node --import tsx demo/sandbox/main.ts [config.json]` (or `SANDBOX_CONFIG`).
 *
 * The file store and the event sink are injected: {@link runSandbox} takes the real S3 stand-in
 * (`demo/sandbox/s3/`) and webhook dispatcher (`demo/sandbox/webhooks/`) once they are wired in. Run
 * directly, it uses the explicit stand-ins below, which say what they cannot do instead of faking it.
 */
import { pathToFileURL } from 'node:url';
import { createSandbox, type Sandbox } from './app.js';
import { loadConfig, type SandboxConfig } from './config.js';
import type { EventSink, FileStore } from './ports.js';

/** What {@link runSandbox} needs besides the config. */
export interface SandboxServices {
  fileStore: FileStore;
  events: EventSink;
}

/** Start the sandbox for `config` with the given services and print where it listens. */
export async function runSandbox(config: SandboxConfig, services: SandboxServices, log: (line: string) => void = console.log): Promise<Sandbox> {
  const sandbox = await createSandbox({ port: config.port, dataDir: config.dataDir, clients: config.clients, fileStore: services.fileStore, events: services.events });
  const main = config.clients[0];
  log(`OST KYC API v2 sandbox listening on ${sandbox.url} (data in ${config.dataDir})`);
  if (main) {
    log(`default client ${main.clientId}: API key ${main.apiKey}`);
    // The secret is printed only when it was generated for this local data dir, never when configured.
    if (config.generatedCredentials) log(`default client ${main.clientId}: API secret ${main.apiSecret} (generated, kept in ${config.dataDir})`);
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

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const config = loadConfig(process.env, process.argv[2] ?? process.env['SANDBOX_CONFIG']);
  const sandbox = await runSandbox(config, { fileStore: unwiredFileStore, events: loggingEvents });
  const stop = (): void => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
