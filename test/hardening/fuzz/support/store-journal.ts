/**
 * A shared store that writes down every change made through it (key and operation), so a fuzz case can
 * prove that a rejected request stored nothing: the proxy runs on it (`createProxy`'s `store` option) and
 * the case compares the journal before and after its request.
 */
import { createMemoryStore } from '../../../../proxy/store/memory-store.js';
import type { SharedStore } from '../../../../proxy/store/shared-store.js';

/** One change: which operation, on which key (or channel). */
export interface StoreWrite {
  operation: 'set' | 'delete' | 'increment' | 'pushRecent' | 'publish';
  key: string;
}

/** A memory store with its journal. */
export interface JournaledStore {
  store: SharedStore;
  /** Every change so far, oldest first. */
  writes: StoreWrite[];
}

/** A memory store (as the proxy uses by default) that journals every change. */
export function createJournaledStore(): JournaledStore {
  const inner = createMemoryStore();
  const writes: StoreWrite[] = [];
  const store: SharedStore = {
    set: (key, value, options) => (writes.push({ operation: 'set', key }), inner.set(key, value, options)),
    get: (key) => inner.get(key),
    delete: (key) => (writes.push({ operation: 'delete', key }), inner.delete(key)),
    increment: (key, ttlMs) => (writes.push({ operation: 'increment', key }), inner.increment(key, ttlMs)),
    pushRecent: (key, value, options) => (writes.push({ operation: 'pushRecent', key }), inner.pushRecent(key, value, options)),
    recent: (key) => inner.recent(key),
    publish: (channel, message) => (writes.push({ operation: 'publish', key: channel }), inner.publish(channel, message)),
    subscribe: (channel, listener) => inner.subscribe(channel, listener),
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
  return { store, writes };
}

/**
 * What a refused request may leave in the store: counters that exist to count refusals (rate limits,
 * resend cooldowns, wrong-code attempts). A submission lock must be gone again by the time the answer
 * is sent; that is checked apart, with the store.
 */
export function isBookkeeping(write: StoreWrite): boolean {
  if (write.operation === 'increment') return write.key.startsWith('rate:') || write.key.startsWith('cooldown:') || /^code:[^:]+:[^:]+:tries:/.test(write.key);
  if (write.key.startsWith('lock:')) return write.operation === 'set' || write.operation === 'delete';
  // A mail that could not be sent gives the investor their cooldown back.
  return write.operation === 'delete' && write.key.startsWith('cooldown:');
}

/**
 * The changes among `writes` that a refused request must not make, and the locks it left behind
 * (`lock:` keys set and still present).
 */
export async function storedByRefusal(journal: JournaledStore, since: number): Promise<StoreWrite[]> {
  const writes = journal.writes.slice(since);
  const offending = writes.filter((write) => !isBookkeeping(write));
  const locks = [...new Set(writes.filter((write) => write.key.startsWith('lock:') && write.operation === 'set').map((write) => write.key))];
  for (const key of locks) if ((await journal.store.get(key)) !== undefined) offending.push({ operation: 'set', key });
  return offending;
}
