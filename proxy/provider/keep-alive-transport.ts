/**
 * The proxy's transport to the provider (see `provider-transport.ts`): `node:http`/`node:https` requests
 * over a pool of keep-alive connections to the provider's one origin.
 *
 * Why not the global `fetch`: it keeps connections alive too, but each call also builds the WHATWG
 * `Request`, `Headers`, `Response`, an `AbortSignal` and a web stream for the body. Measured with
 * `npm run bench proxyStatus`, that was about 0.3 ms of CPU per provider call, more than the rest of the
 * proxy's work on a status request. The proxy only ever sends a small form or query and reads a small
 * JSON answer whole, which `http.request` over an `Agent` does for a fraction of that, with one timer as
 * the attempt's time limit. (The `undici` package's `Pool` would do as well; it is not a dependency, and
 * `node:http` is all this needs.)
 *
 * Like `fetch`, it does not follow redirects, decodes the body as `Response.text()` does (UTF-8, a
 * leading byte-order mark dropped) and decompresses an answer the provider compressed unasked (it sends
 * no `Accept-Encoding`).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { systemErrorCode, type ClosableTransport, type TransportOutcome } from './provider-transport.js';

/** Options of {@link createKeepAliveTransport}. */
export interface KeepAliveTransportOptions {
  /**
   * How long an idle connection is kept, ms. Default 4000: below the 5 s idle timeout of Node's and many
   * other servers, so the proxy rarely reuses a connection the provider is closing at that moment. A
   * shorter `Keep-Alive: timeout=N` announced by the provider is honoured too.
   */
  idleMs?: number;
  /** Idle connections kept at most. Default 32. */
  maxIdle?: number;
}

const utf8 = new TextDecoder('utf-8');

/** The body as text, decompressed first if the provider compressed it. */
function decodeBody(chunks: Buffer[], encoding: string | undefined): string {
  let bytes: Buffer = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  const coding = encoding?.trim().toLowerCase();
  if (coding === 'gzip' || coding === 'x-gzip') bytes = gunzipSync(bytes);
  else if (coding === 'deflate') bytes = inflateSync(bytes);
  else if (coding === 'br') bytes = brotliDecompressSync(bytes);
  return utf8.decode(bytes);
}

/** The `Date` header as one string. */
function dateOf(answer: IncomingMessage): string | undefined {
  const date = answer.headers.date;
  return Array.isArray(date) ? date.join(', ') : date;
}

const TRUNCATED: TransportOutcome = { kind: 'failed', code: 'ECONNRESET' };
const TIMED_OUT: TransportOutcome = { kind: 'timeout' };

/**
 * A transport for URLs under `origin` (`http://host:port` or `https://host`).
 * @throws TypeError when `origin` is not an http(s) URL. An attempt at a URL outside the origin fails
 *   with the code `ERR_OUTSIDE_ORIGIN` (a bug in the caller: nothing is sent).
 */
export function createKeepAliveTransport(origin: string, options: KeepAliveTransportOptions = {}): ClosableTransport {
  const base = new URL(origin);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError('The provider origin must be http(s).');
  const prefix = base.origin;
  const secure = base.protocol === 'https:';
  // `[::1]` in a URL, `::1` for a socket.
  const hostname = base.hostname.startsWith('[') ? base.hostname.slice(1, -1) : base.hostname;
  const port = base.port === '' ? (secure ? 443 : 80) : Number(base.port);
  const agentOptions = { keepAlive: true, timeout: options.idleMs ?? 4000, maxFreeSockets: options.maxIdle ?? 32, scheduling: 'lifo' as const };
  const agent = secure ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  const send = secure ? httpsRequest : httpRequest;

  const transport = (request: Parameters<ClosableTransport>[0]): Promise<TransportOutcome> => {
    const { url } = request;
    if (!url.startsWith(prefix) || (url.length > prefix.length && url[prefix.length] !== '/' && url[prefix.length] !== '?')) {
      return Promise.resolve({ kind: 'failed', code: 'ERR_OUTSIDE_ORIGIN' });
    }
    return new Promise<TransportOutcome>((resolve) => {
      const headers: Record<string, string | number> = { ...request.headers };
      if (request.body !== undefined) headers['content-length'] = Buffer.byteLength(request.body);
      const req = send({ agent, hostname, port, method: request.method, path: url.slice(prefix.length) || '/', headers });
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const settle = (outcome: TransportOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      // The whole attempt, connecting and reading the body included, within the limit.
      timer = setTimeout(() => {
        settle(TIMED_OUT);
        req.destroy();
      }, request.timeoutMs);
      req.on('error', (error) => settle({ kind: 'failed', code: systemErrorCode(error) ?? 'unknown' }));
      req.on('response', (answer: IncomingMessage) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('error', () => settle(TRUNCATED));
        answer.on('close', () => {
          if (!answer.complete) settle(TRUNCATED);
        });
        answer.on('end', () => {
          let text: string;
          try {
            text = decodeBody(chunks, answer.headers['content-encoding']);
          } catch (error) {
            settle({ kind: 'failed', code: systemErrorCode(error) ?? 'unknown' });
            return;
          }
          settle({ kind: 'answer', status: answer.statusCode ?? 0, date: dateOf(answer), text });
        });
      });
      req.end(request.body);
    });
  };
  return Object.assign(transport, { close: () => agent.destroy() });
}
