/**
 * Test support for the sandbox API: in-memory fakes of the file store and event sink, a sandbox on a
 * temp data dir, and two independent ways to sign and send requests over real HTTP: ours
 * (`proxy/signer.ts`) and one written the way the official JS SDK signs (qs, localeCompare sort).
 */
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import qs from 'qs';
import { signRequest, toQuery, type ApiCredentials, type ParamValue } from '../../../proxy/signer.js';
import { createSandbox, type Sandbox } from '../../../demo/sandbox/app.js';
import { parseClient, type ClientConfig } from '../../../demo/sandbox/config.js';
import type { EventSink, FileStore, PresignedPost, PresignedPut, SandboxEvent, StoredObject } from '../../../demo/sandbox/ports.js';

/** A file store that keeps object sizes in a map and makes recognisable fake URLs. */
export class MemoryFileStore implements FileStore {
  readonly objects = new Map<string, StoredObject>();
  readonly presigned: { kind: string; key: string; contentType?: string; expires?: number }[] = [];
  put(key: string, size: number, contentType = 'image/jpeg'): void {
    this.objects.set(key, { size, contentType });
  }
  async presignPost(key: string, contentType: string): Promise<PresignedPost> {
    this.presigned.push({ kind: 'post', key, contentType });
    return { url: 'http://files.test/bucket', fields: { key, 'Content-Type': contentType } };
  }
  async presignPut(key: string, contentType: string): Promise<PresignedPut> {
    this.presigned.push({ kind: 'put', key, contentType });
    return { url: `http://files.test/bucket/${key}?put`, fields: { key } };
  }
  async presignGet(key: string, expiresInSeconds: number): Promise<string> {
    this.presigned.push({ kind: 'get', key, expires: expiresInSeconds });
    return `http://files.test/bucket/${key}?expires=${expiresInSeconds}`;
  }
  async stat(key: string): Promise<StoredObject | undefined> {
    return this.objects.get(key);
  }
}

/** An event sink that records what it is given. */
export class RecordingEvents implements EventSink {
  readonly events: SandboxEvent[] = [];
  emit(event: SandboxEvent): void {
    this.events.push(event);
  }
}

export const SECRET = '35f346e5ef825ed4499da98a6ac6b401';
export const KEY = '28ad8ebb00c8469e1e32156849e94b3f';

/** The default test clients: 7 (all fields), 8 (inactive), 9 (web host), 10 (minimal fields). */
export function testClients(): ClientConfig[] {
  return [
    parseClient(
      {
        clientId: 7,
        apiKey: KEY,
        apiSecret: SECRET,
        kycFields: ['ethereum_address', 'estimated_participation_amount', 'street_address', 'city', 'state', 'postal_code', 'residence_proof_file_path', 'investor_proof_files_path'],
        extraKycFields: [{ key: 'occupation', label: 'Occupation', required: true }],
        blacklistedCountries: ['CUBA'],
        residencyProofNationalities: ['INDIAN'],
        webhooks: [{ url: 'https://hooks.example.com/x' }],
      },
      0,
    ),
    parseClient({ clientId: 8, apiKey: 'inactivekey', apiSecret: 'inactivesecret', active: false }, 1),
    parseClient({ clientId: 9, apiKey: 'webhostkey', apiSecret: 'webhostsecret', webHost: true }, 2),
    parseClient({ clientId: 10, apiKey: 'minimalkey', apiSecret: 'minimalsecret' }, 3),
  ];
}

export const CREDS: ApiCredentials = { apiKey: KEY, apiSecret: SECRET };

/** A running sandbox with its fakes and temp dir. */
export interface Harness {
  sandbox: Sandbox;
  files: MemoryFileStore;
  events: RecordingEvents;
  dataDir: string;
  /** Stop and remove the data dir. */
  stop(): Promise<void>;
  /** Stop and start again on the same data dir (same fakes). */
  restart(): Promise<void>;
}

/** Start a sandbox on a fresh temp dir. */
export async function startHarness(options: { now?: () => number } = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sandbox-api-'));
  const files = new MemoryFileStore();
  const events = new RecordingEvents();
  const start = (): Promise<Sandbox> => createSandbox({ port: 0, dataDir, clients: testClients(), fileStore: files, events, ...(options.now ? { now: options.now } : {}) });
  const harness: Harness = {
    sandbox: await start(),
    files,
    events,
    dataDir,
    async stop() {
      await harness.sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
    async restart() {
      await harness.sandbox.close();
      harness.sandbox = await start();
    },
  };
  return harness;
}

/** An HTTP answer. */
export interface Reply {
  status: number;
  contentType: string | undefined;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/** Send raw bytes over HTTP. `chunked` sends the body without Content-Length. */
export function raw(baseUrl: string, method: string, target: string, body?: string | Buffer, options: { contentType?: string | null; chunked?: boolean } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const url = new URL(baseUrl);
    const headers: Record<string, string | number> = {};
    if (body !== undefined && options.contentType !== null) headers['Content-Type'] = options.contentType ?? 'application/x-www-form-urlencoded';
    if (body !== undefined && !options.chunked) headers['Content-Length'] = Buffer.byteLength(body);
    const req = request({ host: url.hostname, port: url.port, method, path: target, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], text, json });
      });
    });
    req.on('error', reject);
    if (body !== undefined) {
      if (options.chunked) {
        const buf = Buffer.from(body);
        const mid = Math.floor(buf.length / 2);
        req.write(buf.subarray(0, mid));
        req.write(buf.subarray(mid));
      } else req.write(body);
    }
    req.end();
  });
}

/** Sign with our signer and send: GET params in the query, POST params in the form body. */
export function call(baseUrl: string, method: 'GET' | 'POST', path: string, params: Record<string, ParamValue> = {}, creds: ApiCredentials = CREDS, options: { nowMs?: number; chunked?: boolean } = {}): Promise<Reply> {
  const signed = signRequest(path, params, creds, options.nowMs);
  const encoded = toQuery(signed);
  return method === 'GET' ? raw(baseUrl, 'GET', `${path}?${encoded}`) : raw(baseUrl, 'POST', path, encoded, { chunked: options.chunked ?? false });
}

/** The query the official JS SDK builds (`lib/request.js`): qs with localeCompare sort, brackets, then `%20→+`, `~→%7E`. */
export function sdkQuery(params: Record<string, unknown>): string {
  return qs
    .stringify(params, { sort: (a: string, b: string) => a.localeCompare(b), arrayFormat: 'brackets' })
    .replace(/%20/g, '+')
    .replace(/~/g, '%7E');
}

/** Sign and send the way the JS SDK does. */
export function sdkCall(baseUrl: string, method: 'GET' | 'POST', path: string, params: Record<string, unknown> = {}, creds: ApiCredentials = CREDS): Promise<Reply> {
  const query = sdkQuery({ ...params, api_key: creds.apiKey, request_timestamp: Math.round(Date.now() / 1000) });
  const signature = createHmac('sha256', creds.apiSecret).update(`${path}?${query}`).digest('hex');
  const wire = `${query}&signature=${signature}`;
  return method === 'GET' ? raw(baseUrl, 'GET', `${path}?${wire}`) : raw(baseUrl, 'POST', path, wire, { chunked: true });
}

/** Create a user through the API and return its id. */
export async function createUser(baseUrl: string, email: string): Promise<number> {
  const reply = await call(baseUrl, 'POST', '/api/v2/users', { email });
  if (reply.status !== 200) throw new Error(`create user failed: ${reply.text}`);
  return reply.json.data.user.id as number;
}
