/**
 * The in-memory {@link SharedStore}: the default for a single proxy instance (and for tests). Expiry is
 * checked on read, and a sweep every minute drops expired keys so an idle process does not grow.
 */
import { EventEmitter } from 'node:events';
import type { SharedStore } from './shared-store.js';

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

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** The clock in ms (tests pin it). Default `Date.now`. */
  now?: () => number;
}

/** Create an in-memory shared store for one process. */
export function createMemoryStore(options: MemoryStoreOptions = {}): SharedStore {
  const now = options.now ?? Date.now;
  const values = new Map<string, Entry>();
  const counters = new Map<string, Counter>();
  const lists = new Map<string, RecentList>();
  const channels = new EventEmitter();
  // A status stream per open widget subscribes here; thousands are normal, so no leak warning.
  channels.setMaxListeners(0);

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
      const counter = live(counters, key) ?? { count: 0, expiresAt: now() + ttlMs };
      counter.count += 1;
      counters.set(key, counter);
      return { count: counter.count, ttlMs: counter.expiresAt - now() };
    },
    async pushRecent(key, value, { max, ttlMs }) {
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
      channels.emit(channel, message);
    },
    async subscribe(channel, listener) {
      channels.on(channel, listener);
      return async () => {
        channels.off(channel, listener);
      };
    },
    async ping() {},
    async close() {
      clearInterval(sweep);
      channels.removeAllListeners();
      values.clear();
      counters.clear();
      lists.clear();
    },
  };
}
