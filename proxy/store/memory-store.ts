/**
 * The in-memory {@link SharedStore}: the default for a single proxy instance (and for tests). Expiry is
 * checked on read, and a sweep every minute drops expired keys so an idle process does not grow.
 *
 * It behaves as the Redis store does where a caller could tell: the same argument checks, every
 * subscription is its own (subscribing one function twice delivers twice), and a listener that throws
 * neither stops delivery to the others nor fails the publisher.
 */
import type { SharedStore } from './shared-store.js';
import { checkListMax, checkTtlMs } from './store-arguments.js';

interface Entry {
  value: string;
  expiresAt: number;
}

interface Counter {
  count: number;
  expiresAt: number;
}

interface RecentList {
  values: string[];
  expiresAt: number;
}

/** One `subscribe` call; a wrapper object so that the same function subscribed twice counts twice. */
interface Subscription {
  listener: (message: string) => void;
}

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** The clock in ms (tests pin it). Default `Date.now`. */
  now?: () => number;
  /**
   * Told when a subscriber's listener throws (delivery to the others goes on). Default: ignored; pass
   * the logger's error method.
   */
  onError?: (error: unknown) => void;
}

/** Create an in-memory shared store for one process. */
export function createMemoryStore(options: MemoryStoreOptions = {}): SharedStore {
  const now = options.now ?? Date.now;
  const onError = options.onError ?? (() => {});
  const values = new Map<string, Entry>();
  const counters = new Map<string, Counter>();
  const lists = new Map<string, RecentList>();
  // Not an EventEmitter: a channel named `error` would make `emit` throw when nobody listens, and a
  // throwing listener would skip the listeners after it. A status stream per open widget subscribes
  // here; thousands are normal.
  const channels = new Map<string, Set<Subscription>>();

  function live<T extends { expiresAt: number }>(map: Map<string, T>, key: string): T | undefined {
    const entry = map.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now()) {
      map.delete(key);
      return undefined;
    }
    return entry;
  }

  const sweep = setInterval(() => {
    for (const map of [values, counters, lists] as Map<string, { expiresAt: number }>[]) {
      for (const key of map.keys()) live(map, key);
    }
  }, 60_000);
  sweep.unref();

  return {
    async set(key, value, { ttlMs, onlyIfAbsent = false }) {
      checkTtlMs(ttlMs, 'set');
      if (onlyIfAbsent && live(values, key) !== undefined) return false;
      values.set(key, { value, expiresAt: now() + ttlMs });
      return true;
    },
    async get(key) {
      return live(values, key)?.value;
    },
    async delete(key) {
      values.delete(key);
      counters.delete(key);
      lists.delete(key);
    },
    async increment(key, ttlMs) {
      checkTtlMs(ttlMs, 'increment');
      const counter = live(counters, key) ?? { count: 0, expiresAt: now() + ttlMs };
      counter.count += 1;
      counters.set(key, counter);
      return { count: counter.count, ttlMs: counter.expiresAt - now() };
    },
    async pushRecent(key, value, { max, ttlMs }) {
      checkListMax(max);
      checkTtlMs(ttlMs, 'pushRecent');
      const list = live(lists, key) ?? { values: [], expiresAt: 0 };
      list.values.push(value);
      if (list.values.length > max) list.values.splice(0, list.values.length - max);
      list.expiresAt = now() + ttlMs;
      lists.set(key, list);
    },
    async recent(key) {
      return [...(live(lists, key)?.values ?? [])];
    },
    async publish(channel, message) {
      // A copy: a listener may subscribe or unsubscribe while we deliver.
      for (const subscription of [...(channels.get(channel) ?? [])]) {
        try {
          subscription.listener(message);
        } catch (error) {
          onError(error);
        }
      }
    },
    async subscribe(channel, listener) {
      const subscription: Subscription = { listener };
      let subscriptions = channels.get(channel);
      if (subscriptions === undefined) {
        subscriptions = new Set();
        channels.set(channel, subscriptions);
      }
      subscriptions.add(subscription);
      return async () => {
        const current = channels.get(channel);
        if (current === undefined || !current.delete(subscription)) return;
        if (current.size === 0) channels.delete(channel);
      };
    },
    async ping() {},
    async close() {
      clearInterval(sweep);
      channels.clear();
      values.clear();
      counters.clear();
      lists.clear();
    },
  };
}
