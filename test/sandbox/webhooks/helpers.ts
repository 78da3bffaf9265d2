/**
 * Test support for the webhook dispatcher: a real HTTP receiver on 127.0.0.1 that verifies every delivery
 * with the proxy's `verifyWebhook`, and throw-away SQLite databases.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { verifyWebhook, type QueryParams } from '../../../proxy/signer.js';

/** How the receiver answers a path: a status, or `hang` (never answer, to provoke a timeout). */
export type Reply = number | 'hang';

/** What one endpoint of the receiver expects. */
export interface Endpoint {
  /** The URL exactly as registered with the provider (what the signature covers). */
  registeredUrl: string;
  secret: string;
  /** Replies in order; the last one repeats. */
  replies: Reply[];
}

/** One request the receiver got. */
export interface Received {
  path: string;
  method: string;
  contentType: string | undefined;
  body: string;
  /** `verifyWebhook` with the endpoint's registered URL and secret, at the test clock's time. */
  verified: ReturnType<typeof verifyWebhook>;
  /** The verified event (without `signature`), for convenience; undefined when verification failed. */
  event: QueryParams | undefined;
  reply: Reply;
}

/** A receiver server with its log. */
export interface Receiver {
  origin: string;
  endpoints: Map<string, Endpoint>;
  received: Received[];
  receivedAt(path: string): Received[];
  /** Resolves once at least `count` requests have arrived (whatever the reply). */
  waitForRequests(count: number): Promise<void>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Start a receiver on 127.0.0.1 with an ephemeral port.
 *
 * @param nowMs the clock the signatures are checked against (the dispatcher's clock).
 */
export async function startReceiver(nowMs: () => number): Promise<Receiver> {
  const endpoints = new Map<string, Endpoint>();
  const received: Received[] = [];
  let waiters: Array<{ count: number; resolve: () => void }> = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const body = await readBody(req);
      const path = req.url ?? '';
      const endpoint = endpoints.get(path);
      const count = received.filter((r) => r.path === path).length;
      const reply: Reply = endpoint ? (endpoint.replies[Math.min(count, endpoint.replies.length - 1)] ?? 200) : 404;
      const verified = endpoint
        ? verifyWebhook(endpoint.registeredUrl, body, endpoint.secret, { nowMs: nowMs() })
        : ({ ok: false, rejection: 'bad_signature' } as const);
      received.push({
        path,
        method: req.method ?? '',
        contentType: req.headers['content-type'],
        body,
        verified,
        event: verified.ok ? verified.event : undefined,
        reply,
      });
      for (const waiter of waiters) if (received.length >= waiter.count) waiter.resolve();
      waiters = waiters.filter((waiter) => received.length < waiter.count);
      if (reply === 'hang') return;
      res.writeHead(reply).end(reply === 204 ? undefined : 'ignored body');
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    endpoints,
    received,
    receivedAt: (path) => received.filter((r) => r.path === path),
    waitForRequests: (count) =>
      received.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A temporary directory holding a SQLite file; `cleanup` removes it. */
export async function tempDatabaseDir(): Promise<{ file: string; open: () => Database.Database; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'webhooks-test-'));
  const file = join(dir, 'sandbox.sqlite');
  return { file, open: () => new Database(file), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Two fixed secrets, 32 lowercase hex. */
export const SECRET_A = '0123456789abcdef0123456789abcdef';
export const SECRET_B = 'fedcba9876543210fedcba9876543210';

/** A fixed start time for the manual clock: 2026-01-01T00:00:00Z. */
export const T0 = Date.UTC(2026, 0, 1);
