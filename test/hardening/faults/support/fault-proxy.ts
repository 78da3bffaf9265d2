/**
 * Test support: a fault-injecting HTTP proxy (node:http) put in front of a real server (the sandbox
 * provider, the S3 stand-in, a proxy's webhook route). Every request passes through unless a rule
 * matches it; a matching rule applies its fault: answer late, drop the connection before or after the
 * server acted, stall after the server acted, cut an upload half-way, answer 500 or garbage in its
 * place, or rewrite the real answer's body. Every answer can carry a `Date` header moved by some
 * minutes. `down()` and `up()` stop and start listening on the same port (a server that is down).
 */
import { createServer, request, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the fault proxy does with one request. */
export type Fault =
  /** Forward and pass the answer back. */
  | { kind: 'pass' }
  /** Wait `ms`, then forward (the server acts late) and pass the answer back. */
  | { kind: 'delay'; ms: number }
  /** Close the connection without forwarding: the server never sees the request. */
  | { kind: 'drop-before' }
  /** Forward, let the server act, then close the connection without an answer. */
  | { kind: 'drop-after' }
  /** Forward, let the server act, then never answer (the client times out). */
  | { kind: 'stall-after' }
  /** Read `bytes` of the request body, then close the connection (an upload cut half-way). */
  | { kind: 'drop-during'; bytes: number }
  /** Answer in the server's place, without forwarding (a 500 page, a load balancer's 503, garbage). */
  | { kind: 'answer'; status: number; body: string; contentType?: string }
  /** Forward (the server acts), then answer `status` (default the server's) with `body(serverBody)` instead. */
  | { kind: 'rewrite'; body: (serverBody: string) => string; status?: number; contentType?: string };

/** One request as the fault proxy saw it. */
export interface SeenRequest {
  method: string;
  /** The path without the query. */
  path: string;
  /** The fault applied to it. */
  fault: Fault['kind'];
  /** The status answered (undefined while pending, or when no answer was given). */
  status?: number;
  /** The request body as text, with the `keepBodies` option. */
  body?: string;
}

/** A rule: which requests get the fault, and how many times. */
export interface FaultRule {
  fault: Fault;
  /** Default: every request. */
  match?: (request: { method: string; path: string }) => boolean;
  /** How many matching requests get it (default: every one until removed). */
  times?: number;
}

/** A running fault proxy. */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** Every request, in order of arrival. */
  requests: SeenRequest[];
  /** Add a rule after the existing ones (the first rule that matches a request applies). */
  inject(rule: FaultRule): void;
  /** Remove every rule: everything passes again. */
  clear(): void;
  /**
   * The offset (ms) added to the `Date` header of every answer, or undefined to leave the server's
   * header as it is (a middlebox or a provider host whose clock is off).
   */
  dateOffsetMs: number | undefined;
  /** Stop listening and cut every connection: clients get "connection refused" until {@link up}. */
  down(): Promise<void>;
  /** Listen again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /**
   * Answers made up here (`answer` faults) carry `Access-Control-Allow-Origin` for the request's
   * `Origin`, so a browser can read them as it would read S3's own error answers.
   */
  cors?: boolean;
  /** Keep every request's body in {@link SeenRequest.body} (to replay it later). */
  keepBodies?: boolean;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Start a fault proxy in front of `target`, an origin such as `http://127.0.0.1:4010`, or a function
 * that gives it when a request arrives (for a server that starts after the fault proxy).
 */
export async function startFaultProxy(target: string | (() => string), options: FaultProxyOptions = {}): Promise<FaultProxy> {
  const upstreamOf = (): URL => new URL(typeof target === 'string' ? target : target());
  const rules: (FaultRule & { left: number })[] = [];
  const sockets = new Set<Socket>();
  const requests: SeenRequest[] = [];

  const choose = (method: string, path: string): Fault => {
    const index = rules.findIndex((rule) => rule.left > 0 && (rule.match?.({ method, path }) ?? true));
    const rule = rules[index];
    if (rule === undefined) return { kind: 'pass' };
    rule.left -= 1;
    if (rule.left === 0) rules.splice(index, 1);
    return rule.fault;
  };

  const dated = (headers: OutgoingHttpHeaders, serverDate: string | undefined): OutgoingHttpHeaders => {
    if (proxy.dateOffsetMs === undefined) return headers;
    const base = serverDate === undefined ? Date.now() : Date.parse(serverDate);
    return { ...headers, date: new Date(base + proxy.dateOffsetMs).toUTCString() };
  };

  /** Forward the request and resolve with the server's whole answer. */
  const forward = (req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const upstream = upstreamOf();
      const outgoing = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host }, agent: false },
        (answer) => {
          readBody(answer).then((answerBody) => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: answerBody }), reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const target = req.url ?? '/';
    const path = target.split('?')[0] ?? target;
    const fault = choose(method, path);
    const seen: SeenRequest = { method, path, fault: fault.kind };
    requests.push(seen);

    if (fault.kind === 'drop-during') {
      let seen = 0;
      req.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen >= fault.bytes) req.socket.destroy();
      });
      req.on('end', () => req.socket.destroy());
      return;
    }
    const body = await readBody(req);
    if (options.keepBodies === true) seen.body = body.toString('utf8');
    if (fault.kind === 'drop-before') {
      req.socket.destroy();
      return;
    }
    if (fault.kind === 'answer') {
      const headers: OutgoingHttpHeaders = { 'content-type': fault.contentType ?? 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(fault.body) };
      const origin = req.headers.origin;
      if (options.cors === true && origin !== undefined) Object.assign(headers, { 'access-control-allow-origin': origin, vary: 'Origin' });
      res.writeHead(fault.status, dated(headers, undefined));
      res.end(fault.body);
      seen.status = fault.status;
      return;
    }
    if (fault.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    const answer = await forward(req, body);
    if (fault.kind === 'drop-after') {
      req.socket.destroy();
      return;
    }
    if (fault.kind === 'stall-after') return;
    const headers: OutgoingHttpHeaders = { ...answer.headers };
    let answerBody = answer.body;
    let status = answer.status;
    if (fault.kind === 'rewrite') {
      answerBody = Buffer.from(fault.body(answer.body.toString('utf8')), 'utf8');
      status = fault.status ?? status;
      if (fault.contentType !== undefined) headers['content-type'] = fault.contentType;
      delete headers['transfer-encoding'];
      headers['content-length'] = answerBody.length;
    }
    res.writeHead(status, dated(headers, answer.headers.date));
    res.end(answerBody);
    seen.status = status;
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const listen = (port: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (!server.listening) {
        resolve();
        return;
      }
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });

  await listen(0);
  const port = (server.address() as AddressInfo).port;
  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    dateOffsetMs: undefined,
    inject(rule) {
      rules.push({ ...rule, left: rule.times ?? Number.POSITIVE_INFINITY });
    },
    clear() {
      rules.length = 0;
    },
    down: stop,
    up: () => listen(port),
    close: stop,
  };
  return proxy;
}
