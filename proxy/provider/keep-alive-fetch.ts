/**
 * How provider calls travel: a small `fetch`-shaped function over `node:http`/`node:https` with a pool of
 * keep-alive connections to the provider's one origin.
 *
 * Why not the global `fetch`: it does keep connections alive, but each call also builds the WHATWG
 * `Request`, `Headers`, `Response` and a web stream for the body, which profiling put at about 0.3 ms of
 * CPU per provider call, more than the rest of the proxy's work on a status request. The proxy only ever
 * sends a small form or query and reads a small JSON answer whole, which `http.request` over an `Agent`
 * does for a fraction of that. (The `undici` package would offer a `Pool` for this; it is not a
 * dependency, and `node:http` is all this needs.)
 *
 * It keeps what `provider-call.ts` relies on from `fetch`: an `AbortSignal` that ends the attempt wherever
 * it is (connecting, sending, or reading the body), redirects left alone, the body decoded as
 * `Response.text()` does, and failures as a `TypeError` whose `cause` is the system error
 * (`ECONNREFUSED`, `ECONNRESET` …), as `fetch` reports them. One difference: it resolves once the whole
 * answer is in, not at its headers. The provider's answers are small, and the clock estimate, which
 * takes "when the headers arrived" as the latest moment the provider could have read its clock, stays
 * right with a moment a little later (its interval is wider by the time the body took).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/** What a provider call sends: the subset of `RequestInit` the provider client uses. */
export interface ProviderRequestInit {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** The form body of a POST. */
  body?: string;
  /** Aborting it ends the attempt, even while the body is being read. */
  signal: AbortSignal;
  /** Only `manual` is supported: the provider never redirects, and a redirect is not followed. */
  redirect?: 'manual';
}

/** The answer: the subset of `Response` the provider client reads. */
export interface ProviderResponse {
  status: number;
  headers: { get(name: string): string | null };
  /** The whole body as text (UTF-8, a leading byte-order mark dropped, as `Response.text()`). */
  text(): Promise<string>;
}

/** A `fetch`-shaped function for provider calls; the global `fetch` is one too. */
export type ProviderFetch = (url: string, init: ProviderRequestInit) => Promise<ProviderResponse>;

/** A {@link ProviderFetch} with its connection pool. */
export interface KeepAliveFetch extends ProviderFetch {
  /** Close every pooled connection (calls still running fail); a later call connects again. */
  close(): void;
}

/** Options of {@link createKeepAliveFetch}. */
export interface KeepAliveFetchOptions {
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

/** The body as text, decompressed first if the provider compressed it unasked (we send no Accept-Encoding). */
function decodeBody(chunks: Buffer[], encoding: string | undefined): string {
  let bytes: Buffer = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  const coding = encoding?.trim().toLowerCase();
  if (coding === 'gzip' || coding === 'x-gzip') bytes = gunzipSync(bytes);
  else if (coding === 'deflate') bytes = inflateSync(bytes);
  else if (coding === 'br') bytes = brotliDecompressSync(bytes);
  return utf8.decode(bytes);
}

/** A failure as `fetch` reports it: a `TypeError` with the underlying error as `cause`. */
function fetchFailure(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * A {@link ProviderFetch} for URLs under `origin` (`http://host:port` or `https://host`), over a pool of
 * keep-alive connections.
 * @throws TypeError when `origin` is not an http(s) origin; the function itself rejects with a TypeError
 *   for a URL outside it.
 */
export function createKeepAliveFetch(origin: string, options: KeepAliveFetchOptions = {}): KeepAliveFetch {
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

  const keepAliveFetch = (url: string, init: ProviderRequestInit): Promise<ProviderResponse> => {
    if (!url.startsWith(prefix) || (url.length > prefix.length && url[prefix.length] !== '/')) {
      return Promise.reject(new TypeError('This provider fetch only sends to its own origin.'));
    }
    const { signal } = init;
    if (signal.aborted) return Promise.reject(abortReason(signal));
    const headers: Record<string, string | number> = { ...init.headers };
    if (init.body !== undefined) headers['content-length'] = Buffer.byteLength(init.body);

    return new Promise<ProviderResponse>((resolve, reject) => {
      const req = send({ agent, hostname, port, method: init.method, path: url.slice(prefix.length) || '/', headers });
      let settled = false;
      const onAbort = (): void => {
        req.destroy(abortReason(signal) as Error);
      };
      const settle = (error: unknown, response?: ProviderResponse): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        if (response !== undefined) resolve(response);
        else reject(signal.aborted ? abortReason(signal) : fetchFailure(error));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      req.once('error', settle);
      req.once('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('error', settle);
        res.once('close', () => {
          if (!res.complete) settle(Object.assign(new Error('The connection closed before the whole answer arrived.'), { code: 'ECONNRESET' }));
        });
        res.once('end', () => {
          let text: string;
          try {
            text = decodeBody(chunks, res.headers['content-encoding']);
          } catch (error) {
            settle(error);
            return;
          }
          const answer = res.headers;
          settle(undefined, {
            status: res.statusCode ?? 0,
            headers: {
              get(name) {
                const value = answer[name.toLowerCase()];
                if (value === undefined) return null;
                return Array.isArray(value) ? value.join(', ') : value;
              },
            },
            text: () => Promise.resolve(text),
          });
        });
      });
      req.end(init.body);
    });
  };
  return Object.assign(keepAliveFetch, { close: () => agent.destroy() });
}
