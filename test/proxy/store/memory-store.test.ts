import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryStore } from '../../../proxy/store/memory-store.js';
import { describeSharedStoreContract } from './shared-store-contract.js';

let nowMs = Date.UTC(2030, 0, 1);
const clock = () => nowMs;

describeSharedStoreContract('memory', {
  create: ({ onError }) => createMemoryStore({ now: clock, ...(onError && { onError }) }),
  async passTime(ms) {
    nowMs += ms;
  },
  shortTtlMs: 1_000,
  sharedBetweenInstances: false,
});

describe('memory store on its own clock', () => {
  test('a value lives until exactly its TTL', async () => {
    const store = createMemoryStore({ now: clock });
    await store.set('k', 'v', { ttlMs: 1_000 });
    nowMs += 999;
    assert.equal(await store.get('k'), 'v');
    nowMs += 1;
    assert.equal(await store.get('k'), undefined);
    await store.close();
  });

  test('increment reports the time left in its fixed window', async () => {
    const store = createMemoryStore({ now: clock });
    assert.deepEqual(await store.increment('c', 10_000), { count: 1, ttlMs: 10_000 });
    nowMs += 4_000;
    assert.deepEqual(await store.increment('c', 10_000), { count: 2, ttlMs: 6_000 });
    nowMs += 6_000;
    assert.deepEqual(await store.increment('c', 10_000), { count: 1, ttlMs: 10_000 });
    await store.close();
  });

  test('pushRecent renews the expiry of the whole list from the latest push', async () => {
    const store = createMemoryStore({ now: clock });
    await store.pushRecent('l', 'a', { max: 5, ttlMs: 1_000 });
    nowMs += 900;
    await store.pushRecent('l', 'b', { max: 5, ttlMs: 1_000 });
    nowMs += 900;
    assert.deepEqual(await store.recent('l'), ['a', 'b']);
    nowMs += 100;
    assert.deepEqual(await store.recent('l'), []);
    await store.close();
  });

  test('close drops every subscription', async () => {
    const store = createMemoryStore({ now: clock });
    const heard: string[] = [];
    await store.subscribe('c', (message) => heard.push(message));
    await store.close();
    await store.publish('c', 'after close');
    assert.deepEqual(heard, []);
  });
});
