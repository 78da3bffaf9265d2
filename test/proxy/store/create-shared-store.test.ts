import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { createSharedStore } from '../../../proxy/store/create-shared-store.js';
import { RedisStoreError } from '../../../proxy/store/redis-store-error.js';
import type { SharedStore } from '../../../proxy/store/shared-store.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';

describe('createSharedStore', () => {
  let server: RedisServer;
  const opened: SharedStore[] = [];
  const open = (settings: Parameters<typeof createSharedStore>[0]) => {
    const store = createSharedStore(settings);
    opened.push(store);
    return store;
  };
  before(async () => {
    server = await startRedisServer();
  });
  after(async () => {
    await Promise.all(opened.map((store) => store.close()));
    await server.stop();
  });

  test('without a Redis URL (absent or empty), each store is its own, in memory', async () => {
    for (const settings of [{}, { redisUrl: '' }, { redisUrl: undefined, keyPrefix: 'kyc:' }]) {
      const first = open(settings);
      const second = open(settings);
      await first.set('k', 'only in the first', { ttlMs: 60_000 });
      assert.equal(await first.get('k'), 'only in the first');
      assert.equal(await second.get('k'), undefined);
    }
  });

  test('with a Redis URL, stores with the same prefix share state and others do not', async () => {
    const first = open({ redisUrl: server.url, keyPrefix: 'kyc-factory:' });
    const second = open({ redisUrl: server.url, keyPrefix: 'kyc-factory:' });
    const other = open({ redisUrl: server.url, keyPrefix: 'kyc-other:' });
    await first.set('k', 'shared', { ttlMs: 60_000 });
    assert.equal(await second.get('k'), 'shared');
    assert.equal(await other.get('k'), undefined);
  });

  test('passes the deadline and the error hook to the Redis store', async () => {
    // A server that accepts connections and never answers: only the deadline ends the wait.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const hanging = open({ redisUrl: `redis://127.0.0.1:${port}`, timeoutMs: 100 });
      await assert.rejects(hanging.ping(), (error) => error instanceof RedisStoreError && error.kind === 'unavailable' && /no connection within 100 ms/.test(error.message));
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }

    const reported: unknown[] = [];
    const refused = open({ redisUrl: `redis://127.0.0.1:${port}`, onError: (error) => reported.push(error) });
    await assert.rejects(refused.ping(), (error) => error instanceof RedisStoreError && /ECONNREFUSED/.test(error.message));
    assert.ok(reported.some((error) => error instanceof RedisStoreError && /ECONNREFUSED/.test(error.message)));
  });
});
