/**
 * Investors who keep their status page open: a fixed number of status streams held open for as long as
 * a soak runs. A stream the proxy ends (its `reauth` shortly before the token expires, as every widget
 * sees it) is opened again with a fresh token from the sale's backend (a host session for the same
 * email), as the widget would after renewing its token; so the proxy sees streams come and go all along.
 */
import { hostSession } from '../../bench/bench-stack.js';
import { openStatusStream, type StatusStream } from './status-streams.js';

/** A running pool. */
export interface StreamPool {
  /** Streams open now. */
  open(): number;
  /** Streams opened again after the proxy ended them. */
  reopened(): number;
  /** Attempts to open one that failed (a token or the stream refused): must stay 0. */
  failures(): number;
  /** The first failure's message. */
  firstFailure(): string | undefined;
  /** Close every stream and stop reopening. */
  close(): void;
}

const CHECK_INTERVAL_MS = 1000;

/** Open `count` streams (at most `concurrency` at a time) and keep them open until `close()`. */
export async function startStreamPool(proxyUrl: string, count: number, label: string): Promise<StreamPool> {
  const slots: Array<StatusStream | undefined> = new Array<StatusStream | undefined>(count).fill(undefined);
  let reopened = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  let closed = false;
  const busy = new Set<number>();

  const fill = async (slot: number): Promise<void> => {
    busy.add(slot);
    try {
      const { token } = await hostSession(proxyUrl, `soak.${label}.${slot}@example.com`);
      const stream = await openStatusStream(proxyUrl, token, 30_000);
      if (closed) stream.close();
      else slots[slot] = stream;
    } catch (error) {
      failures += 1;
      firstFailure ??= (error as Error).message;
    } finally {
      busy.delete(slot);
    }
  };

  for (let start = 0; start < count; start += 50) {
    await Promise.all(Array.from({ length: Math.min(50, count - start) }, (_, offset) => fill(start + offset)));
  }
  const timer = setInterval(() => {
    slots.forEach((stream, slot) => {
      if (closed || busy.has(slot) || (stream !== undefined && stream.ended === undefined)) return;
      if (stream !== undefined) reopened += 1;
      slots[slot] = undefined;
      void fill(slot);
    });
  }, CHECK_INTERVAL_MS);

  return {
    open: () => slots.filter((stream) => stream !== undefined && stream.ended === undefined).length,
    reopened: () => reopened,
    failures: () => failures,
    firstFailure: () => firstFailure,
    close() {
      closed = true;
      clearInterval(timer);
      for (const stream of slots) stream?.close();
    },
  };
}
