/**
 * Forwards investors' status changes to the sale's own backend (optional, per sale), so the sale can
 * react (allowlist an address, send its own mail) without talking to the provider.
 *
 * The body is JSON; the header `X-Kyc-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`
 * (the Stripe scheme, well understood and easy to verify in any language) proves it comes from the proxy
 * and when. Failed deliveries are retried a few times with backoff in the background; they live in
 * memory, so a restart drops pending retries (the sale can always read the status through the proxy).
 */
import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import type { InvestorStatus } from './investor-status.js';

/** What the sale's backend receives. */
export interface ForwardedStatus {
  /** The provider's webhook event id this change came from. */
  eventId: string;
  /** The provider's event name (`kyc_status_update`, …). */
  event: string;
  sale: string;
  /** The provider user id. */
  userId: string;
  status: InvestorStatus;
}

/** Options of {@link createWebhookForwarder}. */
export interface ForwarderOptions {
  log: Logger;
  fetch?: typeof fetch;
  now?: () => number;
  /** Delays before each retry, in ms. Default 1 s, 10 s, 60 s. */
  retryDelaysMs?: readonly number[];
  timeoutMs?: number;
}

/** The forwarder. */
export interface WebhookForwarder {
  /** Queue a delivery (returns at once). */
  forward(target: { url: string; secret: string }, change: ForwardedStatus): void;
  /** Resolve when every queued delivery has finished (tests, shutdown). */
  idle(): Promise<void>;
  /** Stop retrying. */
  close(): void;
}

/** The signature header value for `body` at `timestampSeconds`. */
export function forwardSignature(secret: string, timestampSeconds: number, body: string): string {
  return `t=${timestampSeconds},v1=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

/** Create a forwarder. */
export function createWebhookForwarder(options: ForwarderOptions): WebhookForwarder {
  const send = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const delays = options.retryDelaysMs ?? [1000, 10_000, 60_000];
  const timeoutMs = options.timeoutMs ?? 5000;
  const pending = new Set<Promise<void>>();
  // Each pending wait, so close() can end it at once instead of leaving deliveries hanging.
  const waits = new Map<NodeJS.Timeout, () => void>();
  let closed = false;

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        waits.delete(timer);
        resolve();
      }, ms);
      waits.set(timer, resolve);
    });

  async function deliver(target: { url: string; secret: string }, change: ForwardedStatus): Promise<void> {
    const body = JSON.stringify(change);
    for (let attempt = 0; attempt <= delays.length && !closed; attempt++) {
      if (attempt > 0) await wait(delays[attempt - 1] ?? 0);
      if (closed) return;
      try {
        const response = await send(target.url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Kyc-Signature': forwardSignature(target.secret, Math.floor(now() / 1000), body) },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.body?.cancel();
        if (response.ok) return;
        options.log.warn({ sale: change.sale, status: response.status, attempt: attempt + 1 }, 'status forward refused');
      } catch (error) {
        options.log.warn({ sale: change.sale, err: error as Error, attempt: attempt + 1 }, 'status forward failed');
      }
    }
    if (!closed) options.log.error({ sale: change.sale, eventId: change.eventId }, 'status forward gave up');
  }

  return {
    forward(target, change) {
      const delivery = deliver(target, change).finally(() => pending.delete(delivery));
      pending.add(delivery);
    },
    async idle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    close() {
      closed = true;
      for (const [timer, resolve] of waits) {
        clearTimeout(timer);
        resolve();
      }
      waits.clear();
    },
  };
}
