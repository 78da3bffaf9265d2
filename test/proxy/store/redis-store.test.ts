import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { createRedisStore, type RedisStoreOptions } from '../../../proxy/store/redis-store.js';
import { RedisStoreError } from '../../../proxy/store/redis-store-error.js';
import type { SharedStore } from '../../../proxy/store/shared-store.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { describeSharedStoreContract } from './shared-store-contract.js';
import { waitFor } from './wait-for.js';

let server: RedisServer;
/** A plain client to look at Redis from the outside. */
let inspector: Redis;

before(async () => {
  server = await startRedisServer();
  inspector = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  // The inspector is not part of what is tested; a restart must not print its reconnect errors.
  inspector.on('error', () => {});
  await inspector.connect();
});

after(async () => {
  inspector.disconnect();
  await server.stop();
});

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describeSharedStoreContract('redis', {
  create: (options) => createRedisStore(server.url, options),
  // Redis expires keys to the millisecond; the margin covers the reply's trip. The suite still polls.
  passTime: (ms) => delay(ms + 20),
  shortTtlMs: 60,
  sharedBetweenInstances: true,
});

/** Names of the connections Redis has, by `CLIENT SETNAME` (the inspector's is unnamed). */
async function connectionNames(): Promise<string[]> {
  const list = (await inspector.call('CLIENT', 'LIST')) as string;
  return list
    .split('\n')
    .map((line) => /(?:^| )name=(\S*)/.exec(line)?.[1] ?? '')
    .filter((name) => name !== '');
}

async function subscribersOf(channel: string): Promise<number> {
  const reply = (await inspector.call('PUBSUB', 'NUMSUB', channel)) as [string, number];
  return Number(reply[1]);
}

function isUnavailable(error: unknown): boolean {
  return error instanceof RedisStoreError && error.kind === 'unavailable';
}

describe('Redis store', () => {
  const opened: SharedStore[] = [];
  function open(options: RedisStoreOptions = {}, url = server.url): SharedStore {
    const store = createRedisStore(url, options);
    opened.push(store);
    return store;
  }
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  test('puts the key prefix before every key and channel in Redis', async () => {
    const store = open({ keyPrefix: 'kyc-prefix-test:' });
    await store.set('code:acme:abc', 'v', { ttlMs: 60_000 });
    await store.increment('rate:ip', 60_000);
    await store.pushRecent('events', 'e', { max: 3, ttlMs: 60_000 });
    assert.deepEqual((await inspector.keys('kyc-prefix-test:*')).sort(), ['kyc-prefix-test:code:acme:abc', 'kyc-prefix-test:events', 'kyc-prefix-test:rate:ip']);
    assert.equal(await inspector.get('kyc-prefix-test:code:acme:abc'), 'v');
    await store.subscribe('status:acme:1', () => {});
    assert.equal(await subscribersOf('kyc-prefix-test:status:acme:1'), 1);
  });

  test('stores real expiries: PX for values, the window for counters, the latest TTL for lists', async () => {
    const store = open({ keyPrefix: 'kyc-ttl-test:' });
    await store.set('value', 'v', { ttlMs: 30_000 });
    await store.increment('counter', 20_000);
    await store.pushRecent('list', 'a', { max: 3, ttlMs: 10_000 });
    await store.pushRecent('list', 'b', { max: 3, ttlMs: 40_000 });
    const ttl = async (key: string) => inspector.pttl(`kyc-ttl-test:${key}`);
    const [value, counter, list] = [await ttl('value'), await ttl('counter'), await ttl('list')];
    assert.ok(value > 20_000 && value <= 30_000, `value ${value}`);
    assert.ok(counter > 10_000 && counter <= 20_000, `counter ${counter}`);
    assert.ok(list > 30_000 && list <= 40_000, `list ${list}`);
  });

  test('a counter found without an expiry gets one, so it cannot lock anyone out for ever', async () => {
    const store = open({ keyPrefix: 'kyc-noexpiry-test:' });
    await inspector.set('kyc-noexpiry-test:counter', '7');
    const result = await store.increment('counter', 5_000);
    assert.equal(result.count, 8);
    assert.ok(result.ttlMs > 0 && result.ttlMs <= 5_000);
    assert.ok((await inspector.pttl('kyc-noexpiry-test:counter')) > 0);
  });

  test('thousands of subscriptions share one subscriber connection per store', async () => {
    const before = await connectionNames();
    const store = open({ keyPrefix: 'kyc-fanout-test:' });
    const heard = new Map<number, number>();
    await Promise.all(
      Array.from({ length: 2_000 }, (_, index) =>
        store.subscribe(`stream-${index % 200}`, () => heard.set(index, (heard.get(index) ?? 0) + 1)),
      ),
    );
    await store.publish('stream-7', 'm');
    await waitFor('the ten subscribers of stream-7 to hear it', () => heard.size >= 10);
    const after = await connectionNames();
    const added = (name: string) => after.filter((entry) => entry === name).length - before.filter((entry) => entry === name).length;
    assert.equal(added('kyc-proxy:subscriber'), 1);
    assert.equal(added('kyc-proxy:commands'), 1);
    assert.deepEqual([...heard.keys()].sort((a, b) => a - b), Array.from({ length: 10 }, (_, index) => 7 + 200 * index));
  });

  test('a Redis channel is subscribed with its first listener and unsubscribed after its last', async () => {
    const store = open({ keyPrefix: 'kyc-numsub-test:' });
    const channel = 'kyc-numsub-test:status';
    assert.equal(await subscribersOf(channel), 0);
    const first = await store.subscribe('status', () => {});
    assert.equal(await subscribersOf(channel), 1);
    const second = await store.subscribe('status', () => {});
    assert.equal(await subscribersOf(channel), 1);
    await first();
    assert.equal(await subscribersOf(channel), 1);
    await second();
    assert.equal(await subscribersOf(channel), 0);
    // And subscribed again by a newcomer.
    await store.subscribe('status', () => {});
    assert.equal(await subscribersOf(channel), 1);
  });

  test('close quits both connections, and operations after it reject as closed', async () => {
    const before = await connectionNames();
    const store = createRedisStore(server.url, { keyPrefix: 'kyc-close-test:' });
    await store.subscribe('c', () => {});
    await store.ping();
    assert.equal((await connectionNames()).length, before.length + 2);
    await store.close();
    await store.close();
    await waitFor('both connections to be gone', async () => (await connectionNames()).length === before.length);
    assert.equal(await subscribersOf('kyc-close-test:c'), 0);
    await assert.rejects(store.get('k'), (error) => error instanceof RedisStoreError && error.kind === 'closed');
    await assert.rejects(store.ping(), (error) => error instanceof RedisStoreError && error.kind === 'closed');
  });

  test('an error answer from Redis is a "failed" error that quotes neither key nor value', async () => {
    const store = open({ keyPrefix: 'kyc-wrongtype-test:' });
    await store.set('code:secret-key-part', 'secret-value-123', { ttlMs: 60_000 });
    const error = await store.increment('code:secret-key-part', 60_000).then(
      () => assert.fail('an increment of a text value must fail'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof RedisStoreError);
    assert.equal(error.kind, 'failed');
    assert.match(error.message, /not an integer/);
    const everything = JSON.stringify({ ...error, message: error.message, stack: error.stack, cause: error.cause });
    assert.doesNotMatch(everything, /secret-(value|key)/);
  });

  test('an operation Redis does not answer in time rejects instead of hanging', async () => {
    const store = open({ keyPrefix: 'kyc-paused-test:', timeoutMs: 200 });
    await store.ping();
    // Redis holds every write (and answers the inspector's UNPAUSE) for up to 5 s: a server that is up
    // but not answering.
    await inspector.call('CLIENT', 'PAUSE', '5000', 'WRITE');
    try {
      await assert.rejects(
        store.set('k', 'v', { ttlMs: 60_000 }),
        (error) => isUnavailable(error) && /did not answer SET within 200 ms/.test((error as Error).message),
      );
    } finally {
      await inspector.call('CLIENT', 'UNPAUSE');
    }
    await waitFor('the store to answer again', async () => (await store.set('k', 'again', { ttlMs: 60_000 })) && (await store.get('k')) === 'again');
  });

  test('an operation waiting for the connection when the store closes rejects as closed', async () => {
    // A server that accepts connections and never answers keeps the store waiting for its handshake.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const store = createRedisStore(`redis://127.0.0.1:${(silent.address() as AddressInfo).port}`, { timeoutMs: 60_000 });
      const pending = store.get('k');
      await waitFor('the store to connect', () => sockets.size >= 1);
      await store.close();
      await assert.rejects(pending, (error) => error instanceof RedisStoreError && error.kind === 'closed' && /GET not sent/.test(error.message));
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test('a Redis that cannot be reached fails ping with a clear error that names no password', async () => {
    const unused = await startRedisServer();
    const url = `redis://:hunter2-password@127.0.0.1:${unused.port}`;
    await unused.stop(); // now nothing listens on that port
    const reported: unknown[] = [];
    const store = open({ timeoutMs: 150, onError: (error) => reported.push(error) }, url);
    const error = await store.ping().then(
      () => assert.fail('ping must fail'),
      (caught: unknown) => caught,
    );
    assert.ok(isUnavailable(error));
    assert.match((error as Error).message, new RegExp(`127\\.0\\.0\\.1:${unused.port} is unreachable`));
    assert.match((error as Error).message, /ECONNREFUSED/);
    await assert.rejects(store.set('k', 'v', { ttlMs: 1_000 }), isUnavailable);
    await assert.rejects(store.subscribe('c', () => {}), isUnavailable);
    // Several reconnect attempts have failed by now; each connection reports the outage once.
    assert.equal(reported.length, 2);
    for (const item of [error, ...reported]) assert.doesNotMatch(String((item as Error).message), /hunter2/);
  });

  test('survives a Redis restart: fails fast while it is down, then recovers with its subscriptions', async () => {
    const reported: unknown[] = [];
    const store = open({ keyPrefix: 'kyc-restart-test:', timeoutMs: 300, onError: (error) => reported.push(error) });
    const publisher = open({ keyPrefix: 'kyc-restart-test:' });
    const heard: string[] = [];
    await store.subscribe('status', (message) => heard.push(message));
    const dropped: string[] = [];
    const endWhileDown = await store.subscribe('dropped', (message) => dropped.push(message));
    await publisher.publish('status', 'before');
    await waitFor('the message before the restart', () => heard.includes('before'));

    await server.restart(async () => {
      const error = await store.ping().then(
        () => assert.fail('ping must fail while Redis is down'),
        (caught: unknown) => caught,
      );
      assert.ok(isUnavailable(error), String(error));
      assert.match((error as Error).message, new RegExp(`127\\.0\\.0\\.1:${server.port}`));
      await assert.rejects(store.set('k', 'v', { ttlMs: 60_000 }), isUnavailable);
      await assert.rejects(store.increment('k', 60_000), isUnavailable);
      await assert.rejects(store.subscribe('new-while-down', () => {}), isUnavailable);
      // Ending a subscription while Redis is away works at once, and is settled on Redis later.
      await endWhileDown();
    });

    await waitFor('the store to reconnect', async () => {
      await store.ping();
      return true;
    });
    await store.set('k', 'after restart', { ttlMs: 60_000 });
    assert.equal(await store.get('k'), 'after restart');
    // The restarted Redis has lost its script cache: the counter script is loaded again.
    assert.equal((await store.increment('counter-after', 60_000)).count, 1);
    assert.equal((await store.increment('counter-after', 60_000)).count, 2);
    // Publish until the automatic re-subscription is in place; then the message must arrive.
    await waitFor('a message after the restart', async () => {
      await publisher.publish('status', 'after');
      return heard.includes('after');
    });
    await waitFor('the channel ended while down to be unsubscribed on Redis', async () => (await subscribersOf('kyc-restart-test:dropped')) === 0);
    assert.equal(await subscribersOf('kyc-restart-test:status'), 1);
    await publisher.publish('dropped', 'nobody listens');
    await publisher.publish('status', 'sentinel');
    await waitFor('the sentinel, published after the message to the ended channel', () => heard.includes('sentinel'));
    assert.deepEqual(dropped, []);
    const fresh: string[] = [];
    await store.subscribe('new-after', (message) => fresh.push(message));
    await publisher.publish('new-after', 'welcome');
    await waitFor('a channel subscribed after the restart to work', () => fresh.includes('welcome'));
    assert.ok(reported.some(isUnavailable), 'the outage was reported: ' + reported.map(String).join());
  });
});
