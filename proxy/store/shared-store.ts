/**
 * The small shared state every proxy instance needs to agree on: one-time codes, rate-limit counters,
 * seen webhook ids, SIWE nonces and the fan-out of status changes to open streams.
 *
 * Two implementations: in memory (one instance, the default) and Redis (several instances behind a
 * load balancer, when `REDIS_URL` is set). Keys are plain strings; callers namespace them
 * (`code:<sale>:<email-hash>`, `rate:…`, `webhook:<sale>:<id>`). Values are strings (callers JSON-encode).
 */
export interface SharedStore {
  /**
   * Store `value` under `key` for `ttlMs`. With `onlyIfAbsent`, nothing is written when the key exists.
   * @returns whether the value was written.
   */
  set(key: string, value: string, options: { ttlMs: number; onlyIfAbsent?: boolean }): Promise<boolean>;
  /** The value under `key`, or `undefined` when absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Remove `key` (no error when absent). */
  delete(key: string): Promise<void>;
  /**
   * Atomically add 1 to the counter under `key` and return the new count. The first increment starts a
   * window of `ttlMs`; later increments do not extend it (a fixed window).
   */
  increment(key: string, ttlMs: number): Promise<{ count: number; ttlMs: number }>;
  /**
   * Append `value` to the list under `key`, keep only the last `max` entries, and (re)set its expiry.
   * Used for the recent status events a resumed stream replays.
   */
  pushRecent(key: string, value: string, options: { max: number; ttlMs: number }): Promise<void>;
  /** The list under `key`, oldest first (empty when absent). */
  recent(key: string): Promise<string[]>;
  /** Deliver `message` to every subscriber of `channel` on every instance. */
  publish(channel: string, message: string): Promise<void>;
  /**
   * Call `listener` for each message published on `channel` from now on (by any instance).
   * @returns a function that stops the subscription.
   */
  subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>>;
  /** Resolve when the backing service answers; reject otherwise (for `/readyz`). */
  ping(): Promise<void>;
  /** Release connections and timers. */
  close(): Promise<void>;
}
