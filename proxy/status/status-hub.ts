/**
 * Fan-out of investors' status changes to their open event streams, across every proxy instance (the
 * {@link SharedStore}'s publish/subscribe), with numbered events so a reconnecting stream can resume:
 * the events it missed are replayed from a short recent list, or, past that, it gets the latest status.
 */
import type { SharedStore } from '../store/shared-store.js';
import type { InvestorStatus } from './investor-status.js';

/** One status change, numbered per investor. */
export interface StatusEvent {
  /**
   * The SSE `id`: increases by one per change of this investor's status, and jumps ahead (never back)
   * when the store lost the numbering (a Redis restart without persistence, an expiry), since an open
   * stream ignores ids it has already passed.
   */
  id: number;
  status: InvestorStatus;
  /** When the proxy learnt it (ms). */
  at: number;
}

/** Options of {@link createStatusHub}. */
export interface StatusHubOptions {
  store: SharedStore;
  now?: () => number;
  /** How long the latest status and the recent events are kept. Default 30 days. */
  retentionMs?: number;
  /** How many recent events are kept for resumption. Default 20. */
  recentCount?: number;
}

/** The status hub. */
export interface StatusHub {
  /** Record `status` as the investor's latest and push it to every open stream, unless it is unchanged. */
  publish(sale: string, userId: string, status: InvestorStatus): Promise<StatusEvent | undefined>;
  /** The latest known status event. */
  latest(sale: string, userId: string): Promise<StatusEvent | undefined>;
  /** The events after `lastId`, oldest first; `undefined` when they are no longer all kept. */
  since(sale: string, userId: string, lastId: number): Promise<StatusEvent[] | undefined>;
  /** Receive this investor's status events as they are published by any instance. */
  subscribe(sale: string, userId: string, listener: (event: StatusEvent) => void): Promise<() => Promise<void>>;
}

function sameStatus(a: InvestorStatus, b: InvestorStatus): boolean {
  return a.state === b.state && a.whitelist === b.whitelist && a.submissionCount === b.submissionCount && a.reasons.join() === b.reasons.join();
}

/** Create a status hub on a shared store. */
export function createStatusHub(options: StatusHubOptions): StatusHub {
  const { store } = options;
  const now = options.now ?? Date.now;
  const retentionMs = options.retentionMs ?? 30 * 24 * 3600 * 1000;
  const recentCount = options.recentCount ?? 20;
  // Sale ids are [a-z0-9-] and user ids are the provider's numeric ids: safe in keys as they are.
  const key = (kind: string, sale: string, userId: string): string => `status:${kind}:${sale}:${userId}`;

  async function latest(sale: string, userId: string): Promise<StatusEvent | undefined> {
    const text = await store.get(key('latest', sale, userId));
    return text === undefined ? undefined : (JSON.parse(text) as StatusEvent);
  }

  return {
    latest,
    async publish(sale, userId, status) {
      const previous = await latest(sale, userId);
      if (previous !== undefined && sameStatus(previous.status, status)) return undefined;
      // Ids are a base plus a counter of that base. The base is the clock (ms) when the numbering
      // started: should the store lose it, a new one starts past every id given out before (there are
      // far fewer events than milliseconds), and streams that passed the old ids see the new ones.
      const proposed = String(now());
      const started = await store.set(key('base', sale, userId), proposed, { ttlMs: retentionMs, onlyIfAbsent: true });
      const base = Number(started ? proposed : ((await store.get(key('base', sale, userId))) ?? proposed));
      if (!Number.isSafeInteger(base)) throw new Error('The status event numbering in the store is not a number.');
      const { count } = await store.increment(key(`seq:${base}`, sale, userId), retentionMs);
      const event: StatusEvent = { id: base + count, status, at: now() };
      const text = JSON.stringify(event);
      await store.set(key('latest', sale, userId), text, { ttlMs: retentionMs });
      await store.pushRecent(key('recent', sale, userId), text, { max: recentCount, ttlMs: retentionMs });
      await store.publish(key('channel', sale, userId), text);
      return event;
    },
    async since(sale, userId, lastId) {
      const events = (await store.recent(key('recent', sale, userId))).map((text) => JSON.parse(text) as StatusEvent);
      const missed = events.filter((event) => event.id > lastId);
      const newest = events.at(-1);
      if (newest === undefined) return lastId === 0 ? [] : undefined;
      if (lastId > newest.id) return undefined; // an id the store no longer knows: resume from the latest
      // Complete only if the event right after lastId is still kept (or nothing was missed).
      if (missed.length === 0 || missed[0]?.id === lastId + 1) return missed;
      return undefined;
    },
    async subscribe(sale, userId, listener) {
      return store.subscribe(key('channel', sale, userId), (text) => listener(JSON.parse(text) as StatusEvent));
    },
  };
}
