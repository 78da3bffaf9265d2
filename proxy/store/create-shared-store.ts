/**
 * Pick the shared store from configuration: Redis when a URL is given (several proxy instances share
 * it), memory otherwise (one instance; nothing to share).
 */
import { createMemoryStore } from './memory-store.js';
import { createRedisStore } from './redis-store.js';
import type { SharedStore } from './shared-store.js';

/** Options of {@link createSharedStore}. */
export interface SharedStoreSettings {
  /** `redis://…` or `rediss://…` (typically `REDIS_URL`). Absent or empty: the in-memory store. */
  redisUrl?: string | undefined;
  /** Put before every Redis key and channel (e.g. `kyc:`). Not used in memory, which nobody shares. */
  keyPrefix?: string | undefined;
  /** Redis only: the deadline of each operation in ms (default 2000), see `RedisStoreOptions`. */
  timeoutMs?: number | undefined;
  /** Told about errors no caller awaits (lost Redis connection, a throwing listener). Default: ignored. */
  onError?: ((error: unknown) => void) | undefined;
}

/** Create the store the settings ask for. */
export function createSharedStore(settings: SharedStoreSettings = {}): SharedStore {
  const { redisUrl, keyPrefix, timeoutMs, onError } = settings;
  if (redisUrl !== undefined && redisUrl !== '') {
    return createRedisStore(redisUrl, {
      ...(keyPrefix !== undefined && { keyPrefix }),
      ...(timeoutMs !== undefined && { timeoutMs }),
      ...(onError !== undefined && { onError }),
    });
  }
  return createMemoryStore(onError === undefined ? {} : { onError });
}
