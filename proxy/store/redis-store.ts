/**
 * The Redis {@link SharedStore}: what lets several proxy instances behind a load balancer act as one
 * (a code sent by one instance is checked by another, a rate limit counts across all, a webhook
 * received by one reaches the status stream open on another).
 *
 * Two connections: one for commands, one that only subscribes (a subscribed connection cannot run
 * commands under RESP2, and keeping them apart means a burst of status messages never delays a
 * command). Every operation is atomic on the server: `SET … PX … NX`, a Lua script for the fixed-window
 * counter, `MULTI` for the recent-events list. How outages are handled: `redis-connection.ts`.
 */
import type { Redis } from 'ioredis';
import { openRedisConnection } from './redis-connection.js';
import { createRedisChannels } from './redis-channels.js';
import { RedisStoreError } from './redis-store-error.js';
import type { SharedStore } from './shared-store.js';
import { checkListMax, checkTtlMs, wholeMs } from './store-arguments.js';

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions {
  /**
   * Put before every key and channel (e.g. `kyc:`), so one Redis can serve several deployments. Pub/sub
   * channels are shared by all databases of a Redis (`/1`, `/2` do not separate them); the prefix does.
   * Default: none.
   */
  keyPrefix?: string;
  /**
   * The longest an operation may take, in ms: waiting for a connection attempt under way (at start, or
   * just after a drop) and for Redis' answer included; then it rejects with a {@link RedisStoreError} of
   * kind `unavailable`. While Redis is known to be unreachable, operations reject at once. Default 2000.
   */
  timeoutMs?: number;
  /**
   * Told about what no caller awaits: a lost connection (once per outage; ioredis reconnects by itself)
   * and a subscriber's listener that threw. Messages hold no secret. Default: ignored; pass the logger.
   */
  onError?: (error: unknown) => void;
}

/**
 * The fixed-window counter in one atomic step. KEYS[1] is the counter, ARGV[1] the window in ms. The
 * first increment starts the window; later ones leave it alone. A counter found without an expiry (it
 * cannot happen through this script, but a hand-made key would lock someone out forever) gets one too.
 * Returns `{ count, remaining ms }`.
 */
const INCREMENT_IN_WINDOW = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }
`;

/** The commands client with the script above, registered by `defineCommand` (EVALSHA, EVAL on NOSCRIPT). */
type CommandsClient = Redis & {
  incrementInWindow(key: string, ttlMs: number): Promise<[number, number]>;
};

/**
 * Create a shared store on the Redis at `url` (`redis://[[user]:password@]host[:port][/db]`, or
 * `rediss://` for TLS). It connects at once and reconnects by itself; operations made while Redis is
 * unreachable reject with a {@link RedisStoreError} (at once, or within `timeoutMs`).
 */
export function createRedisStore(url: string, options: RedisStoreOptions = {}): SharedStore {
  const prefix = options.keyPrefix ?? '';
  const timeoutMs = options.timeoutMs ?? 2_000;
  const onError = options.onError ?? (() => {});
  const commands = openRedisConnection(url, { role: 'commands', timeoutMs, onError });
  const subscriber = openRedisConnection(url, { role: 'subscriber', timeoutMs, onError });
  const channels = createRedisChannels(subscriber, onError);
  commands.client.defineCommand('incrementInWindow', { numberOfKeys: 1, lua: INCREMENT_IN_WINDOW });

  return {
    async set(key, value, { ttlMs, onlyIfAbsent = false }) {
      checkTtlMs(ttlMs, 'set');
      const reply = await commands.run('SET', (redis) =>
        onlyIfAbsent
          ? redis.set(prefix + key, value, 'PX', wholeMs(ttlMs), 'NX')
          : redis.set(prefix + key, value, 'PX', wholeMs(ttlMs)),
      );
      return reply === 'OK';
    },
    async get(key) {
      const value = await commands.run('GET', (redis) => redis.get(prefix + key));
      return value ?? undefined;
    },
    async delete(key) {
      await commands.run('DEL', (redis) => redis.del(prefix + key));
    },
    async increment(key, ttlMs) {
      checkTtlMs(ttlMs, 'increment');
      const [count, remainingMs] = await commands.run('EVALSHA (increment)', (redis) =>
        (redis as CommandsClient).incrementInWindow(prefix + key, wholeMs(ttlMs)),
      );
      return { count, ttlMs: remainingMs };
    },
    async pushRecent(key, value, { max, ttlMs }) {
      checkListMax(max);
      checkTtlMs(ttlMs, 'pushRecent');
      const name = prefix + key;
      const replies = await commands.run('MULTI (push recent)', (redis) =>
        redis.multi().rpush(name, value).ltrim(name, -max, -1).pexpire(name, wholeMs(ttlMs)).exec(),
      );
      // exec() answers null when the transaction was discarded, and [error, reply] per command.
      const failed = replies === null ? 'the transaction was discarded' : replies.find(([error]) => error !== null)?.[0]?.message;
      if (failed !== undefined) throw new RedisStoreError('failed', `Redis MULTI (push recent) failed: ${failed}`);
    },
    async recent(key) {
      return commands.run('LRANGE', (redis) => redis.lrange(prefix + key, 0, -1));
    },
    async publish(channel, message) {
      await commands.run('PUBLISH', (redis) => redis.publish(prefix + channel, message));
    },
    async subscribe(channel, listener) {
      return channels.subscribe(prefix + channel, listener);
    },
    async ping() {
      // Both connections: a proxy whose subscriber is cut off cannot push status, so it is not ready.
      await Promise.all([
        commands.run('PING', (redis) => redis.ping()),
        subscriber.run('PING', (redis) => redis.ping()),
      ]);
    },
    async close() {
      channels.clear();
      await Promise.all([commands.close(), subscriber.close()]);
    },
  };
}
