/**
 * Test support for the provider client: a sandbox provider (the one of the sandbox API tests), a relay
 * that stands between the client and the sandbox and can lose answers after the sandbox acted, a small
 * scripted HTTP server that misbehaves on demand, and a fake clock that only moves when the client
 * waits between retries (so retries are instant and still carry later timestamps).
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseQuery, verifyRequest, type QueryParams } from '../../../proxy/signer.js';
import { createProviderClient, type ProviderClient, type ProviderClientOptions } from '../../../proxy/provider/provider-client.js';
import { ProviderError } from '../../../proxy/provider/provider-error.js';
import { startHarness, type Harness } from '../../sandbox/api/helpers.js';

export type { Harness };

/** Client 10 of the sandbox test clients: only the mandatory KYC fields. */
export const MINIMAL_CLIENT = { clientId: 10, apiKey: 'minimalkey', apiSecret: 'minimalsecret' } as const;

/** Start a sandbox with the standard test clients, and put two valid uploaded files for client 10. */
export async function startSandbox(options: { now?: () => number } = {}): Promise<Harness> {
  const harness = await startHarness(options);
  harness.files.put(DOCUMENT_PATH, 300_000);
  harness.files.put(SELFIE_PATH, 300_000);
  return harness;
}

export const DOCUMENT_PATH = '10/i/4ae058629d4b384edcda8decdfbf0dd1';
export const SELFIE_PATH = '10/i/4ae058629d4b384edcda8decdfbf0dd2';

/** A complete valid KYC submission for client 10. */
export function validKyc(): {
  first_name: string;
  last_name: string;
  birthdate: string;
  country: string;
  nationality: string;
  document_id_number: string;
  document_id_file_path: string;
  selfie_file_path: string;
} {
  return {
    first_name: 'Ada',
    last_name: 'Lovelace',
    birthdate: '10/12/1985',
    country: 'united kingdom',
    nationality: 'british',
    document_id_number: 'P1234567',
    document_id_file_path: DOCUMENT_PATH,
    selfie_file_path: SELFIE_PATH,
  };
}

/** A client of client 10 at `baseUrl`, with no real waiting between retries. */
export function clientFor(baseUrl: string, options: Partial<ProviderClientOptions> = {}): ProviderClient {
  return createProviderClient({ baseUrl, ...MINIMAL_CLIENT, sleep: async () => {}, random: () => 0.5, ...options });
}

/** A request as a test server received it. */
export interface SeenRequest {
  method: string;
  path: string;
  /** The signed params: the query for GET, the form body for POST. */
  params: QueryParams;
  rawTarget: string;
  body: string;
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function seen(req: IncomingMessage, body: string): SeenRequest {
  const target = req.url ?? '/';
  const question = target.indexOf('?');
  const path = question === -1 ? target : target.slice(0, question);
  const query = question === -1 ? '' : target.slice(question + 1);
  const params = req.method === 'GET' ? parseQuery(query, { semicolons: true }) : parseQuery(body);
  return { method: req.method ?? '', path, params, rawTarget: target, body };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** What a scripted server does with one request. */
export type Script = (res: ServerResponse, request: SeenRequest) => void;

/** A server that answers the n-th request with the n-th script (the last one repeats). */
export interface ScriptedServer {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** Start a scripted server. */
export async function startScriptedServer(scripts: readonly Script[]): Promise<ScriptedServer> {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    readAll(req).then((body) => {
      const request = seen(req, body);
      requests.push(request);
      const script = scripts[Math.min(requests.length, scripts.length) - 1];
      script?.(res, request);
    }, () => req.socket.destroy());
  });
  const url = await listen(server);
  return { url, requests, close: () => closeServer(server) };
}

/** Scripts for {@link startScriptedServer}. */
export const answer = {
  /** Never answer (the client times out). */
  hang: (): Script => () => {},
  /** Answer with `status` and a JSON body. */
  json: (status: number, body: unknown, headers: Record<string, string> = {}): Script => (res) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  },
  /** Answer with `status` and a raw body. */
  text: (status: number, body: string, contentType = 'text/html'): Script => (res) => {
    res.writeHead(status, { 'content-type': contentType });
    res.end(body);
  },
  /** Close the connection without answering, after reading the whole request. */
  drop: (): Script => (res) => {
    res.socket?.destroy();
  },
};

/** What the relay does with one request. */
export type RelayAction =
  /** Forward and pass the answer back. */
  | 'pass'
  /** Forward, let the sandbox act, then close the client's connection without an answer. */
  | 'drop-after'
  /** Forward, let the sandbox act, then never answer (the client times out). */
  | 'stall-after'
  /** Close the client's connection without forwarding: the sandbox never sees the request. */
  | 'drop-before';

/** A relay in front of a sandbox. */
export interface Relay {
  url: string;
  requests: SeenRequest[];
  /** Actions for the next requests, in order; when empty, requests pass. */
  plan: RelayAction[];
  close(): Promise<void>;
}

/**
 * Start a relay to `target`. With `dateFrom`, answers carry a `Date` header from that clock (a provider
 * whose whole server, HTTP layer included, runs on that clock); otherwise the sandbox's header passes.
 */
export async function startRelay(target: string, options: { dateFrom?: () => number } = {}): Promise<Relay> {
  const upstream = new URL(target);
  const relay: Relay = { url: '', requests: [], plan: [], close: async () => {} };
  const server = createServer((req, res) => {
    readAll(req).then((body) => {
      relay.requests.push(seen(req, body));
      const action = relay.plan.shift() ?? 'pass';
      if (action === 'drop-before') {
        req.socket.destroy();
        return;
      }
      const headers = { ...req.headers, host: upstream.host };
      const forward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent: false }, (answerFromSandbox) => {
        readAll(answerFromSandbox).then((answerBody) => {
          if (action === 'drop-after') return req.socket.destroy();
          if (action === 'stall-after') return;
          const answerHeaders = { ...answerFromSandbox.headers };
          if (options.dateFrom) answerHeaders['date'] = new Date(options.dateFrom()).toUTCString();
          res.writeHead(answerFromSandbox.statusCode ?? 502, answerHeaders);
          res.end(answerBody);
        }, () => req.socket.destroy());
      });
      forward.on('error', () => req.socket.destroy());
      forward.end(body);
    }, () => req.socket.destroy());
  });
  relay.url = await listen(server);
  relay.close = () => closeServer(server);
  return relay;
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await listen(server);
  const { port } = server.address() as AddressInfo;
  await closeServer(server);
  return port;
}

/**
 * A clock that stands still except when the client waits: `sleep` moves it on by the wait plus
 * `stepMs`, so every retry is signed at a later second without the test waiting. `waits` records the
 * backoff delays asked for.
 */
export function fakeTime(stepMs = 1500): { now: () => number; sleep: (ms: number) => Promise<void>; waits: number[] } {
  let time = Date.now();
  const waits: number[] = [];
  return {
    now: () => time,
    sleep: async (ms) => {
      waits.push(ms);
      time += ms + stepMs;
    },
    waits,
  };
}

/** Assert-friendly: whether a request a test server received is signed right for `secret` (signature only, any time). */
export function isValidlySigned(request: SeenRequest, secret: string): boolean {
  const timestamp = Number(request.params['request_timestamp']);
  return verifyRequest(request.path, request.params, secret, { nowMs: timestamp * 1000 }).ok;
}

/** Await `promise`, which must reject with a ProviderError, and return that error. */
export async function providerFailure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error('expected a ProviderError, but the call succeeded');
}

/** True when nothing secret or identifying leaks into the error's message: no secret, no signature, no query. */
export function isCleanMessage(error: Error, secret: string, requests: readonly SeenRequest[], email?: string): boolean {
  const text = `${error.message} ${JSON.stringify(error)}`;
  if (text.includes(secret) || error.message.includes('?') || text.includes('signature')) return false;
  if (email !== undefined && text.toLowerCase().includes(email.toLowerCase())) return false;
  return requests.every((r) => typeof r.params['signature'] !== 'string' || !text.includes(r.params['signature']));
}
