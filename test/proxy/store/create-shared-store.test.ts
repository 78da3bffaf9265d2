import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
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
    const unused = await startRedisServer();
    const url = unused.url;
    await unused.stop();
    const reported: unknown[] = [];
    const store = open({ redisUrl: url, timeoutMs: 100, onError: (error) => reported.push(error) });
    await assert.rejects(store.ping(), (error) => error instanceof RedisStoreError && error.kind === 'unavailable' && /within 100 ms/.test(error.message));
    assert.ok(reported.length > 0);
  });
});
