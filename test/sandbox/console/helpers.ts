/**
 * Test support for the review console: a sandbox started in-process with the console mounted, a real
 * webhook dispatcher (SQLite in the temp dir) delivering to a real receiver that verifies every webhook
 * with `verifyWebhook`, and small HTTP helpers for pages and form posts.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signRequest, toQuery, type ParamValue, type QueryParams } from '../../../proxy/signer.js';
import { createSandbox, type Sandbox } from '../../../demo/sandbox/app.js';
import { parseClient, type ClientConfig } from '../../../demo/sandbox/config.js';
import type { EventSink } from '../../../demo/sandbox/ports.js';
import { startWebhookDispatcher, type WebhookDispatcher } from '../../../demo/sandbox/webhooks/index.js';
import { call, MemoryFileStore } from '../api/helpers.js';
import { SECRET_A, startReceiver, type Receiver } from '../webhooks/helpers.js';
import { eventually as pollUntil } from '../../support/eventually.js';

/** Client 7's API key and secret (the docs' test values). */
export const KEY_7 = '28ad8ebb00c8469e1e32156849e94b3f';
/** See {@link KEY_7}. */
export const SECRET_7 = '35f346e5ef825ed4499da98a6ac6b401';
const KEY_8 = 'a'.repeat(32);
const SECRET_8 = 'b'.repeat(32);

/** The ID document (a PDF) every client 7 test submission uses. */
export const DOCUMENT_KEY = '7/d/4ae058629d4b384edcda8decdfbf0dd1';
/** The selfie (a JPEG) every client 7 test submission uses. */
export const SELFIE_KEY = '7/i/4ae058629d4b384edcda8decdfbf0dd2';
/** Client 8's ID document (a PDF). */
export const CLIENT_8_DOCUMENT_KEY = '8/d/4ae058629d4b384edcda8decdfbf0dd1';
/** Client 8's selfie (a PNG). */
export const CLIENT_8_SELFIE_KEY = '8/i/4ae058629d4b384edcda8decdfbf0dd2';

/** Where client 7's webhook is registered on the receiver (trailing slash included: it is signed). */
export const HOOK_PATH = '/hooks/kyc/';

/** Client 7 collects the Ethereum address and has a webhook; client 8 has the mandatory fields only. */
export function consoleTestClients(): ClientConfig[] {
  return [
    parseClient({ clientId: 7, apiKey: KEY_7, apiSecret: SECRET_7, kycFields: ['ethereum_address'] }, 0),
    parseClient({ clientId: 8, apiKey: KEY_8, apiSecret: SECRET_8 }, 1),
  ];
}

/** A running sandbox with the console, its dispatcher and the receiver. */
export interface ConsoleHarness {
  sandbox: Sandbox;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  files: MemoryFileStore;
  dispatcher: WebhookDispatcher;
  receiver: Receiver;
  dataDir: string;
  /** Create a user of `clientId` and submit a valid KYC through the signed API; returns the user id. */
  submitCase(person: { email: string; firstName?: string; lastName?: string; clientId?: 7 | 8 }): Promise<number>;
  /** Wait (bounded) for a verified webhook named `name` for `userId`, not among `seen`, and return it. */
  webhook(name: string, userId: number, options?: { after?: number }): Promise<QueryParams>;
  stop(): Promise<void>;
}

/** Options of {@link startConsoleHarness}. */
export interface ConsoleHarnessOptions {
  /** Wrap the dispatcher as the sandbox's event sink (e.g. the auto-review's observer). */
  events?: (dispatcher: WebhookDispatcher) => EventSink;
  /** Omit the dispatcher from the console (the "no dispatcher wired" pages). */
  consoleWithoutWebhooks?: boolean;
  /** A short test-send timeout. */
  testSendTimeoutMs?: number;
}

/** Resolve `promise`, or reject after `ms` with `what` in the message (so no test can hang). */
export function within<T>(promise: Promise<T>, what: string, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Poll `check` every 20 ms until it returns a value (not undefined), for at most `ms`. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, what: string, ms = 5000): Promise<T> {
  return pollUntil(check, (value): value is T => value !== undefined, what, { timeoutMs: ms });
}

/** Start a sandbox with the console on a fresh temp dir. */
export async function startConsoleHarness(options: ConsoleHarnessOptions = {}): Promise<ConsoleHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sandbox-console-'));
  const files = new MemoryFileStore();
  files.put(DOCUMENT_KEY, 300_000, 'application/pdf');
  files.put(SELFIE_KEY, 250_000, 'image/jpeg');
  files.put(CLIENT_8_DOCUMENT_KEY, 300_000, 'application/pdf');
  files.put(CLIENT_8_SELFIE_KEY, 250_000, 'image/png');
  const db = new Database(join(dataDir, 'webhooks.sqlite'));
  const dispatcher = startWebhookDispatcher({ db });
  const receiver = await startReceiver(() => Date.now());
  receiver.endpoints.set(HOOK_PATH, { registeredUrl: `${receiver.origin}${HOOK_PATH}`, secret: SECRET_A, replies: [200] });
  dispatcher.settings.set(7, [{ url: `${receiver.origin}${HOOK_PATH}`, secret: SECRET_A, sources: ['api', 'web', 'kyc_system'], types: ['user', 'user_kyc'] }]);
  const clients = consoleTestClients();
  const sandbox = await createSandbox({
    port: 0,
    dataDir,
    clients,
    fileStore: files,
    events: options.events ? options.events(dispatcher) : dispatcher,
    reviewConsole: {
      webhooks: options.consoleWithoutWebhooks ? undefined : dispatcher,
      ...(options.testSendTimeoutMs === undefined ? {} : { testSendTimeoutMs: options.testSendTimeoutMs }),
    },
  });
  const credentials = (clientId: 7 | 8) => (clientId === 7 ? { apiKey: KEY_7, apiSecret: SECRET_7 } : { apiKey: KEY_8, apiSecret: SECRET_8 });

  return {
    sandbox,
    url: sandbox.url,
    files,
    dispatcher,
    receiver,
    dataDir,
    async submitCase({ email, firstName = 'Ada', lastName = 'Lovelace', clientId = 7 }) {
      const creds = credentials(clientId);
      const created = await call(sandbox.url, 'POST', '/api/v2/users', { email }, creds);
      if (created.status !== 200) throw new Error(`create user failed: ${created.text}`);
      const userId = created.json.data.user.id as number;
      const submitted = await call(
        sandbox.url,
        'POST',
        `/api/v2/users-kyc/${userId}`,
        {
          first_name: firstName,
          last_name: lastName,
          birthdate: '10/12/1990',
          country: 'india',
          nationality: 'indian',
          document_id_number: 'P1234567',
          document_id_file_path: clientId === 7 ? DOCUMENT_KEY : CLIENT_8_DOCUMENT_KEY,
          selfie_file_path: clientId === 7 ? SELFIE_KEY : CLIENT_8_SELFIE_KEY,
          ...(clientId === 7 ? { ethereum_address: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed' } : {}),
        },
        creds,
      );
      if (submitted.status !== 200) throw new Error(`submit failed: ${submitted.text}`);
      return userId;
    },
    async webhook(name, userId, { after = 0 } = {}) {
      return eventually(
        () =>
          receiver.received.slice(after).find((request) => {
            const data = request.event?.['data'] as { user_kyc?: { user_id?: string }; user?: { id?: string } } | undefined;
            return request.event?.['name'] === name && (data?.user_kyc?.user_id ?? data?.user?.id) === String(userId);
          })?.event,
        `a verified ${name} webhook for user ${userId}`,
      );
    },
    async stop() {
      await sandbox.close();
      await dispatcher.close();
      db.close();
      await receiver.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A fetched page. */
export interface Page {
  status: number;
  headers: Headers;
  text: string;
}

/** GET a console path (no redirects followed). */
export async function getPage(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<Page> {
  const response = await fetch(baseUrl + path, { redirect: 'manual', headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The anti-CSRF token from any page with a form. */
export function csrfFrom(html: string): string {
  const token = /name="csrf" value="([0-9a-f]{64})"/.exec(html)?.[1];
  if (token === undefined) throw new Error('no csrf field on the page');
  return token;
}

/** POST a form, as a browser on the console's own page would (no redirects followed). */
export async function postForm(baseUrl: string, path: string, fields: [string, string][], headers: Record<string, string> = {}): Promise<Page> {
  const response = await fetch(baseUrl + path, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: baseUrl, 'sec-fetch-site': 'same-origin', ...headers },
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** A 1×1 PNG, padded to the provider's 200 KB minimum (decoders ignore what follows the image). */
export function paddedPng(): Uint8Array {
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
  const bytes = new Uint8Array(210 * 1024);
  bytes.set(png);
  return bytes;
}

/**
 * Against a sandbox with the real S3 stand-in (`startLocalSandbox`): create a user, upload the ID
 * document and the selfie (both PNG) through the presigned POST forms, and submit KYC with every field
 * the default client collects. Returns the user id.
 */
export async function submitWithUploads(sandboxUrl: string, credentials: { apiKey: string; apiSecret: string }, person: { email: string; lastName?: string }): Promise<number> {
  const api = async (method: 'GET' | 'POST', path: string, params: Record<string, ParamValue> = {}): Promise<{ status: number; body: any }> => {
    const wire = toQuery(signRequest(path, params, credentials));
    const response =
      method === 'GET'
        ? await fetch(`${sandboxUrl}${path}?${wire}`)
        : await fetch(`${sandboxUrl}${path}`, { method, body: wire, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    return { status: response.status, body: await response.json() };
  };
  const created = await api('POST', '/api/v2/users', { email: person.email });
  if (created.status !== 200) throw new Error(`create user failed: ${JSON.stringify(created.body)}`);
  const userId = created.body.data.user.id as number;
  const forms = await api('GET', '/api/v2/users-kyc/pre-signed-urls/for-post', { files: { document_id: 'image/png', selfie: 'image/png' } });
  const paths: Record<string, string> = {};
  for (const [name, form] of Object.entries(forms.body.data.file_upload_post as Record<string, { url: string; fields: Record<string, string> }>)) {
    const data = new FormData();
    for (const [field, value] of Object.entries(form.fields)) data.append(field, value);
    data.append('file', new Blob([paddedPng()], { type: 'image/png' }), `${name}.png`);
    const upload = await fetch(form.url, { method: 'POST', body: data });
    if (upload.status !== 204) throw new Error(`upload failed: ${upload.status} ${await upload.text()}`);
    paths[name] = form.fields['key'] as string;
  }
  const submitted = await api('POST', `/api/v2/users-kyc/${userId}`, {
    first_name: 'Ada', last_name: person.lastName ?? 'Lovelace', birthdate: '10/12/1990', country: 'india', nationality: 'indian', document_id_number: 'P1',
    document_id_file_path: paths['document_id'] ?? '', selfie_file_path: paths['selfie'] ?? '', ethereum_address: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
    estimated_participation_amount: 1, street_address: '1 Main St', city: 'Pune', state: 'MH', postal_code: '411028',
  });
  if (submitted.status !== 200) throw new Error(`submit failed: ${JSON.stringify(submitted.body)}`);
  return userId;
}
