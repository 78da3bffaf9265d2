/**
 * Many channel listeners over one subscribed Redis connection. Every open status stream of the widget
 * subscribes to its own channel; thousands of streams must not mean thousands of connections, so the
 * store keeps one subscriber connection and fans each message out here.
 *
 * A Redis channel is subscribed when its first listener arrives and unsubscribed after its last one
 * leaves. After a reconnect ioredis subscribes the channels again by itself (`autoResubscribe`). An
 * unsubscribe that cannot reach Redis (it is down) still takes effect here at once; the channel is
 * remembered and unsubscribed on Redis after the reconnect, so no stale subscription piles up.
 */
import type { RedisConnection } from './redis-connection.js';

/** One `subscribe` call: a wrapper, so the same function subscribed twice counts twice. */
interface Subscription {
  listener: (message: string) => void;
}

interface Channel {
  subscriptions: Set<Subscription>;
  /** Settles when Redis confirmed the SUBSCRIBE; every listener of the channel waits for it. */
  subscribed: Promise<void>;
}

/** The fan-out of one subscriber connection. */
export interface RedisChannels {
  /**
   * Call `listener` with each message on the Redis channel `name` (already prefixed). Resolves once Redis
   * confirmed the subscription, so a message published afterwards is delivered.
   * @returns a function that ends this subscription (idempotent; never rejects).
   */
  subscribe(name: string, listener: (message: string) => void): Promise<() => Promise<void>>;
  /** Forget every listener (for close; the connection is closed by its owner). */
  clear(): void;
}

/** Fan out the messages of `connection`, which must be used for nothing but subscriptions. */
export function createRedisChannels(connection: RedisConnection, onError: (error: unknown) => void): RedisChannels {
  const { client } = connection;
  const channels = new Map<string, Channel>();
  /** Channels whose UNSUBSCRIBE could not be sent; retried after the next reconnect. */
  const stale = new Set<string>();

  client.on('message', (name: string, message: string) => {
    const channel = channels.get(name);
    if (channel === undefined) return;
    // A copy: a listener may subscribe or unsubscribe while we deliver.
    for (const subscription of [...channel.subscriptions]) {
      try {
        subscription.listener(message);
      } catch (error) {
        onError(error);
      }
    }
  });

  client.on('ready', () => {
    // After ioredis has re-sent its SUBSCRIBEs (it does so right after emitting `ready`), or our
    // UNSUBSCRIBE would go first and be undone by them.
    setImmediate(() => {
      const names = [...stale].filter((name) => !channels.has(name));
      stale.clear();
      if (names.length === 0) return;
      connection.run('UNSUBSCRIBE', (redis) => redis.unsubscribe(...names)).catch(() => {
        for (const name of names) stale.add(name);
      });
    });
  });

  /** Unsubscribe `name` on Redis now if possible, otherwise after the next reconnect. */
  async function release(name: string): Promise<void> {
    if (client.status !== 'ready') {
      stale.add(name);
      return;
    }
    try {
      await connection.run('UNSUBSCRIBE', (redis) => redis.unsubscribe(name));
    } catch {
      stale.add(name);
    }
  }

  /** Drop `subscription`; the last one out unsubscribes the channel. */
  async function leave(name: string, channel: Channel, subscription: Subscription): Promise<void> {
    if (!channel.subscriptions.delete(subscription)) return;
    if (channel.subscriptions.size > 0 || channels.get(name) !== channel) return;
    channels.delete(name);
    await release(name);
  }

  return {
    async subscribe(name, listener) {
      let channel = channels.get(name);
      if (channel === undefined) {
        stale.delete(name);
        const subscribed = connection.run('SUBSCRIBE', async (redis) => {
          await redis.subscribe(name);
        });
        const created: Channel = { subscriptions: new Set(), subscribed };
        channel = created;
        channels.set(name, created);
        // A failed SUBSCRIBE fails every listener waiting on it; the next subscribe starts afresh. It may
        // still have reached Redis (an answer after our deadline), so unsubscribe to be sure.
        subscribed.catch(() => {
          if (channels.get(name) !== created) return;
          channels.delete(name);
          void release(name);
        });
      }
      const subscription: Subscription = { listener };
      channel.subscriptions.add(subscription);
      try {
        await channel.subscribed;
      } catch (error) {
        channel.subscriptions.delete(subscription);
        throw error;
      }
      const joined = channel;
      return () => leave(name, joined, subscription);
    },
    clear() {
      channels.clear();
      stale.clear();
    },
  };
}
