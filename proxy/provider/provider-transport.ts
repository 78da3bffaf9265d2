/**
 * How one attempt of a provider call travels: the request out, and the whole answer back or why there is
 * none, within a time limit. Two implementations: the proxy's own pool of keep-alive connections
 * (`keep-alive-transport.ts`, the default) and {@link fetchTransport} over a `fetch` function (tests put
 * a stand-in between the proxy and the provider with it).
 *
 * A transport never throws: its outcome says what happened, so `provider-call.ts` decides alone what is
 * retried and how a failure is reported.
 */

/** One attempt's request. */
export interface TransportRequest {
  method: 'GET' | 'POST';
  /** Absolute URL under the provider's origin, query included. */
  url: string;
  headers: Readonly<Record<string, string>>;
  /** The form body of a POST. */
  body?: string;
  /** The attempt's time limit, answer body included, ms. */
  timeoutMs: number;
}

/** What became of the attempt. */
export type TransportOutcome =
  /** An answer, read whole (redirects are answers too: they are not followed). */
  | { kind: 'answer'; status: number; /** The `Date` header. */ date: string | undefined; text: string }
  /** No complete answer within the time limit. */
  | { kind: 'timeout' }
  /** The connection failed: `code` is the system error's (`ECONNREFUSED`, `ECONNRESET` …) or `unknown`. */
  | { kind: 'failed'; code: string };

/** Sends one attempt. */
export type ProviderTransport = (request: TransportRequest) => Promise<TransportOutcome>;

/** A transport that can close its pooled connections. */
export interface ClosableTransport extends ProviderTransport {
  /** Close every pooled connection (attempts still running fail); a later attempt connects again. */
  close(): void;
}

/** The code of an error, or of the first of several (an AggregateError when several addresses were tried). */
export function systemErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, errors } = error as { code?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  const first: unknown = Array.isArray(errors) ? errors[0] : undefined;
  return typeof first === 'object' && first !== null && typeof (first as { code?: unknown }).code === 'string' ? (first as { code: string }).code : undefined;
}

/**
 * A transport over `fetch`: aborted at the time limit, redirects not followed, the body read within the
 * limit. `fetch` reports a connection failure as a TypeError whose `cause` holds the system error.
 */
export function fetchTransport(fetchFunction: typeof fetch): ProviderTransport {
  return async (request) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), request.timeoutMs);
    try {
      const response = await fetchFunction(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        redirect: 'manual',
        signal: controller.signal,
      });
      const text = await response.text();
      return { kind: 'answer', status: response.status, date: response.headers.get('date') ?? undefined, text };
    } catch (error) {
      if (controller.signal.aborted) return { kind: 'timeout' };
      return { kind: 'failed', code: systemErrorCode((error as { cause?: unknown } | null)?.cause) ?? systemErrorCode(error) ?? 'unknown' };
    } finally {
      clearTimeout(timer);
    }
  };
}
