/**
 * The sandbox HTTP server: a faithful local stand-in of the OST KYC API v2 (upstream §1–§3).
 *
 * Per request: route (unknown → 404 `ac_1` without auth), read the raw body with a size cap, decode it
 * strictly as UTF-8, parse it the way Rack does, authenticate (§1), sanitise (§2.9), then run the
 * endpoint. Every failure is answered in the server's envelope; nothing a client sends can crash it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseQuery, QueryParseError, type QueryParams } from '../../proxy/ost-query.js';
import { authenticate } from './auth.js';
import type { ClientConfig } from './config.js';
import type { ConsoleWiring } from './console/console-deps.js';
import { createConsoleHandler, isConsolePath } from './console/routes.js';
import type { SandboxDeps } from './context.js';
import { failure, MESSAGES, notFound, type ApiResponse } from './envelope.js';
import type { EventSink, FileStore } from './ports.js';
import { matchRoute } from './routes.js';
import { sanitizeParams } from './sanitize.js';
import { BodyTooLarge, readBody } from './read-body.js';
import { openStore, type SandboxStore } from './store.js';

/** Options of {@link createSandbox}. */
export interface SandboxOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Where the SQLite database lives. */
  dataDir: string;
  clients: readonly ClientConfig[];
  fileStore: FileStore;
  events: EventSink;
  /** The clock in ms (for the timestamp window, ages and created_at). Default `Date.now`. */
  now?: () => number;
  /** Largest accepted body in bytes; larger gets 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Serve the review console under `/console/` (see `console/routes.ts`); without it, `/console` is unknown like any other path. */
  reviewConsole?: ConsoleWiring;
}

/** A running sandbox. */
export interface Sandbox {
  /** `http://127.0.0.1:<port>`: the origin to give an SDK or the proxy. */
  url: string;
  port: number;
  /** The store, for the review console and tests. */
  store: SandboxStore;
  /** Stop listening and close the database. */
  close(): Promise<void>;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function badRequest(message: string): ApiResponse {
  return failure(400, 'sandbox_bad_request', message);
}

/** Rack reads a form body only for form content types (or none at all). */
function isFormBody(contentType: string | undefined): boolean {
  if (contentType === undefined || contentType.trim() === '') return true;
  return contentType.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

function send(res: ServerResponse, response: ApiResponse, nowMs: number, closeConnection = false): void {
  const body = JSON.stringify(response.body);
  const headers: Record<string, string | number> = {
    // The server's own clock (tests move it), which clients read to correct their request_timestamp.
    Date: new Date(nowMs).toUTCString(),
    'Content-Type': response.plain ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  };
  if (!response.plain) headers['X-Robots-Tag'] = 'noindex, nofollow';
  if (closeConnection) headers['Connection'] = 'close';
  res.writeHead(response.status, headers);
  res.end(body);
}

/** Start a sandbox. */
export async function createSandbox(options: SandboxOptions): Promise<Sandbox> {
  const now = options.now ?? Date.now;
  const store = openStore({ dataDir: options.dataDir, events: options.events, now });
  const deps: SandboxDeps = { store, fileStore: options.fileStore, now };
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const reviewConsole = options.reviewConsole && createConsoleHandler({ ...options.reviewConsole, store, fileStore: options.fileStore, clients: options.clients, now });

  async function handle(req: IncomingMessage): Promise<{ response: ApiResponse; close?: boolean }> {
    const rawUrl = req.url ?? '/';
    // The request target arrives as bytes (Node hands them over as latin1): decode it strictly as UTF-8.
    let target: string;
    try {
      target = strictUtf8.decode(Buffer.from(rawUrl, 'latin1'));
    } catch {
      return { response: badRequest('The request URL is not valid UTF-8.') };
    }
    const question = target.indexOf('?');
    const path = question === -1 ? target : target.slice(0, question);
    const queryString = question === -1 ? '' : target.slice(question + 1);
    const match = matchRoute(req.method ?? 'GET', path);
    if (!match) {
      req.resume();
      return { response: notFound('ac_1') };
    }
    let bodyText = '';
    try {
      const bytes = await readBody(req, maxBody);
      bodyText = strictUtf8.decode(bytes);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        return { response: failure(413, 'sandbox_body_too_large', `The request body exceeds ${maxBody} bytes.`), close: true };
      }
      if (error instanceof TypeError) return { response: badRequest('The request body is not valid UTF-8.') };
      throw error;
    }
    let query: QueryParams;
    let body: QueryParams = {};
    try {
      // Rack splits query strings on ';' too, but not form bodies.
      query = parseQuery(queryString, { semicolons: true });
      if (match.route.method === 'POST' && isFormBody(req.headers['content-type'])) body = parseQuery(bodyText);
    } catch (error) {
      if (error instanceof QueryParseError) return { response: badRequest(`The request parameters could not be parsed: ${error.message}.`) };
      throw error;
    }
    const allParams: QueryParams = { ...query, ...body };
    const auth = authenticate({
      path,
      allParams,
      signedParams: match.route.method === 'GET' ? query : body,
      clients: options.clients,
      nowMs: now(),
      allowWebHost: match.route.allowWebHost,
    });
    if (!auth.ok) return { response: auth.response };
    const params = sanitizeParams(allParams);
    return { response: await match.route.handler({ client: auth.client, params, routeParams: match.params, deps }) };
  }

  const server = createServer((req, res) => {
    // The console is not part of the provider's API: it is routed before the API's 404 `ac_1` catch-all.
    if (reviewConsole && isConsolePath(req.url ?? '/')) return reviewConsole(req, res);
    handle(req).then(
      ({ response, close }) => send(res, response, now(), close),
      (error: unknown) => {
        // Any bug answers like Rails' rescue: 500 `swr`, and the server keeps serving.
        console.error('[sandbox] unhandled error', error);
        if (!res.headersSent) send(res, failure(500, 'swr', MESSAGES.somethingWentWrong), now());
        else res.destroy();
      },
    );
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    store,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          store.close();
          resolve();
        });
      }),
  };
}
