/**
 * The behaviour every {@link SharedStore} must have, as one suite run against each implementation
 * (`memory-store.test.ts`, `redis-store.test.ts`). Time is the harness's: the memory store's clock is
 * moved, Redis is waited for (short real TTLs, then a bounded poll).
 */
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SharedStore } from '../../../proxy/store/shared-store.js';
import { waitFor } from './wait-for.js';

/** What the suite needs from an implementation. */
export interface ContractHarness {
  /**
   * A new store instance. Two instances with the same `keyPrefix` share their state when
   * {@link ContractHarness.sharedBetweenInstances} says so (an implementation without prefixes ignores it).
   */
  create(options: { keyPrefix: string; onError?: (error: unknown) => void }): SharedStore;
  /** Let `ms` pass for the stores: move a fake clock, or wait. */
  passTime(ms: number): Promise<void>;
  /** A TTL the suite can wait out: anything for a fake clock, tens of ms for a real one. */
  shortTtlMs: number;
  /** Whether two instances share keys and channels (Redis) or each has its own (memory). */
  sharedBetweenInstances: boolean;
}

let namespaceCounter = 0;

/**
 * Register the contract tests under `name`. `harness.create` is only called inside tests, so it may use
 * what a `before` hook set up (e.g. a started redis-server).
 */
export function describeSharedStoreContract(name: string, harness: ContractHarness): void {
  describe(`SharedStore contract: ${name}`, () => {
    const opened: SharedStore[] = [];
    // Every test gets its own key prefix, so a Redis shared by the tests never leaks state between them.
    let namespace = '';

    beforeEach(() => {
      namespaceCounter += 1;
      namespace = `contract-${process.pid}-${namespaceCounter}:`;
    });

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    /** A store for this test (closed after it); `keyPrefix` is added to the test's own namespace. */
    function open(keyPrefix = '', onError?: (error: unknown) => void): SharedStore {
      const store = harness.create({ keyPrefix: namespace + keyPrefix, ...(onError && { onError }) });
      opened.push(store);
      return store;
    }

    /** A listener that records what it receives. */
    function recorder(): { messages: string[]; listener: (message: string) => void } {
      const messages: string[] = [];
      return { messages, listener: (message) => void messages.push(message) };
    }

    test('get answers what set stored, and undefined for a key never set', async () => {
      const store = open();
      assert.equal(await store.set('greeting', 'hello', { ttlMs: 60_000 }), true);
      assert.equal(await store.get('greeting'), 'hello');
      assert.equal(await store.get('never-set'), undefined);
    });

    test('set overwrites an existing value and keeps values byte-exact', async () => {
      const store = open();
      await store.set('k', 'first', { ttlMs: 60_000 });
      const awkward = '{"a":"ü € 😀\\n\\u0000"}\r\n\t ';
      assert.equal(await store.set('k', awkward, { ttlMs: 60_000 }), true);
      assert.equal(await store.get('k'), awkward);
      await store.set('empty', '', { ttlMs: 60_000 });
      assert.equal(await store.get('empty'), '');
    });

    test('delete removes a value, a counter and a list, and ignores a missing key', async () => {
      const store = open();
      await store.set('value', 'v', { ttlMs: 60_000 });
      await store.increment('counter', 60_000);
      await store.pushRecent('list', 'a', { max: 5, ttlMs: 60_000 });
      await store.delete('value');
      await store.delete('counter');
      await store.delete('list');
      await store.delete('missing');
      assert.equal(await store.get('value'), undefined);
      assert.equal((await store.increment('counter', 60_000)).count, 1);
      assert.deepEqual(await store.recent('list'), []);
    });

    test('a value is gone after its TTL, while one with a longer TTL stays', async () => {
      const { shortTtlMs, passTime } = harness;
      const store = open();
      await store.set('short', 'x', { ttlMs: shortTtlMs });
      await store.set('long', 'y', { ttlMs: 60_000 });
      await passTime(shortTtlMs);
      await waitFor('the short-lived value to expire', async () => (await store.get('short')) === undefined);
      assert.equal(await store.get('long'), 'y');
    });

    test('onlyIfAbsent writes only when the key is absent, and again once the old value expired', async () => {
      const { shortTtlMs, passTime } = harness;
      const store = open();
      assert.equal(await store.set('claim', 'first', { ttlMs: shortTtlMs, onlyIfAbsent: true }), true);
      // The refusal is checked on a long-lived key: with a real clock the short one might already be gone.
      assert.equal(await store.set('held', 'first', { ttlMs: 60_000, onlyIfAbsent: true }), true);
      assert.equal(await store.set('held', 'second', { ttlMs: 60_000, onlyIfAbsent: true }), false);
      assert.equal(await store.get('held'), 'first');
      await passTime(shortTtlMs);
      await waitFor('the first claim to expire', async () => (await store.get('claim')) === undefined);
      assert.equal(await store.set('claim', 'again', { ttlMs: 60_000, onlyIfAbsent: true }), true);
      assert.equal(await store.get('claim'), 'again');
    });

    test('only one of many parallel onlyIfAbsent writers wins', async () => {
      const store = open();
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, index) => store.set('race', `writer-${index}`, { ttlMs: 60_000, onlyIfAbsent: true })),
      );
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal(await store.get('race'), `writer-${results.indexOf(true)}`);
    });

    test('rejects a TTL that is not a positive number and a list length that is not a positive integer', async () => {
      const store = open();
      for (const ttlMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        await assert.rejects(store.set('k', 'v', { ttlMs }), RangeError);
        await assert.rejects(store.increment('c', ttlMs), RangeError);
        await assert.rejects(store.pushRecent('l', 'v', { max: 3, ttlMs }), RangeError);
      }
      for (const max of [0, -1, 1.5]) {
        await assert.rejects(store.pushRecent('l', 'v', { max, ttlMs: 60_000 }), RangeError);
      }
      assert.equal(await store.get('k'), undefined);
      assert.deepEqual(await store.recent('l'), []);
    });

    test('increment counts from 1 and does not extend its window', async () => {
      const store = open();
      const first = await store.increment('hits', 60_000);
      assert.equal(first.count, 1);
      assert.ok(first.ttlMs > 0 && first.ttlMs <= 60_000, `first window ${first.ttlMs} ms`);
      // A longer window asked for later must not lengthen the one already running.
      const second = await store.increment('hits', 600_000);
      assert.equal(second.count, 2);
      assert.ok(second.ttlMs > 0 && second.ttlMs <= first.ttlMs, `second window ${second.ttlMs} ms`);
      assert.equal((await store.increment('other', 60_000)).count, 1);
    });

    test('increment starts a new window once the old one expired', async () => {
      const { shortTtlMs, passTime } = harness;
      const store = open();
      await store.increment('hits', shortTtlMs);
      await store.increment('hits', shortTtlMs);
      // Set after the window started, with the same TTL: once it is gone, the window is over too
      // (polling `hits` itself would count).
      await store.set('window-marker', '1', { ttlMs: shortTtlMs });
      await passTime(shortTtlMs);
      await waitFor('the window to end', async () => (await store.get('window-marker')) === undefined);
      const next = await store.increment('hits', 60_000);
      assert.equal(next.count, 1);
      assert.ok(next.ttlMs > shortTtlMs, `the new window has the new length (${next.ttlMs} ms)`);
    });

    test('100 parallel increments get the counts 1 to 100, each once', async () => {
      const store = open();
      const results = await Promise.all(Array.from({ length: 100 }, () => store.increment('parallel', 60_000)));
      const counts = results.map((result) => result.count).sort((a, b) => a - b);
      assert.deepEqual(counts, Array.from({ length: 100 }, (_, index) => index + 1));
    });

    test('pushRecent keeps the last max entries, oldest first; recent of a missing list is empty', async () => {
      const store = open();
      assert.deepEqual(await store.recent('events'), []);
      for (const event of ['e1', 'e2', 'e3', 'e4', 'e5']) await store.pushRecent('events', event, { max: 3, ttlMs: 60_000 });
      assert.deepEqual(await store.recent('events'), ['e3', 'e4', 'e5']);
      const copy = await store.recent('events');
      copy.push('not stored');
      assert.deepEqual(await store.recent('events'), ['e3', 'e4', 'e5']);
    });

    test('pushRecent renews the list expiry, and a list not pushed to expires', async () => {
      const { shortTtlMs, passTime } = harness;
      const store = open();
      await store.pushRecent('renewed', 'a', { max: 5, ttlMs: shortTtlMs });
      await store.pushRecent('renewed', 'b', { max: 5, ttlMs: 60_000 });
      await store.pushRecent('dropped', 'a', { max: 5, ttlMs: shortTtlMs });
      await passTime(shortTtlMs);
      await waitFor('the list not pushed to again to expire', async () => (await store.recent('dropped')).length === 0);
      assert.deepEqual(await store.recent('renewed'), ['a', 'b']);
    });

    test('a subscriber gets the messages of its channel in order, and no other channel’s', async () => {
      const store = open();
      const one = recorder();
      await store.subscribe('one', one.listener);
      await store.publish('two', 'for two');
      for (const message of ['m1', 'm2', 'm3']) await store.publish('one', message);
      await waitFor('three messages', () => one.messages.length >= 3);
      // Had `two` been delivered, it would have come first: one connection delivers in publish order.
      assert.deepEqual(one.messages, ['m1', 'm2', 'm3']);
    });

    test('a message to a channel nobody listens to is dropped quietly, whatever the channel is called', async () => {
      const store = open();
      for (const channel of ['nobody', 'error', '__proto__', 'status:acme:user-1']) await store.publish(channel, 'x');
      const probe = recorder();
      await store.subscribe('error', probe.listener);
      await store.publish('error', 'now heard');
      await waitFor('the message on "error"', () => probe.messages.length >= 1);
      assert.deepEqual(probe.messages, ['now heard']);
    });

    test('an ended subscription gets nothing more, the others on the channel go on', async () => {
      const store = open();
      const leaving = recorder();
      const staying = recorder();
      const stop = await store.subscribe('news', leaving.listener);
      await store.subscribe('news', staying.listener);
      await store.publish('news', 'before');
      await waitFor('both to hear "before"', () => leaving.messages.length >= 1 && staying.messages.length >= 1);
      await stop();
      await stop(); // ending twice must not end someone else's subscription
      await store.publish('news', 'after');
      await waitFor('the remaining subscriber to hear "after"', () => staying.messages.includes('after'));
      assert.deepEqual(leaving.messages, ['before']);
      assert.deepEqual(staying.messages, ['before', 'after']);
    });

    test('the same function subscribed twice is called twice, and once after one of them ended', async () => {
      const store = open();
      const twice = recorder();
      const sentinel = recorder();
      const first = await store.subscribe('dup', twice.listener);
      await store.subscribe('dup', twice.listener);
      await store.subscribe('dup', sentinel.listener);
      await store.publish('dup', 'a');
      await waitFor('the sentinel to hear "a"', () => sentinel.messages.length >= 1);
      assert.deepEqual(twice.messages, ['a', 'a']);
      await first();
      await store.publish('dup', 'b');
      await waitFor('the sentinel to hear "b"', () => sentinel.messages.length >= 2);
      assert.deepEqual(twice.messages, ['a', 'a', 'b']);
    });

    test('many subscribers on many channels each get exactly their channel’s messages', async () => {
      const store = open();
      const channels = 50;
      const perChannel = 10;
      const listeners = Array.from({ length: channels }, () => Array.from({ length: perChannel }, recorder));
      await Promise.all(listeners.flatMap((group, channel) => group.map((entry) => store.subscribe(`stream-${channel}`, entry.listener))));
      await Promise.all(listeners.map((_, channel) => store.publish(`stream-${channel}`, `message-${channel}`)));
      await waitFor('every subscriber to hear its message', () => listeners.every((group) => group.every((entry) => entry.messages.length >= 1)));
      listeners.forEach((group, channel) => {
        for (const entry of group) assert.deepEqual(entry.messages, [`message-${channel}`]);
      });
    });

    test('a listener that throws neither stops delivery to the others nor fails the publisher', async () => {
      const errors: unknown[] = [];
      const store = open('', (error) => errors.push(error));
      const before = recorder();
      const after = recorder();
      await store.subscribe('fragile', before.listener);
      await store.subscribe('fragile', () => {
        throw new Error('listener bug');
      });
      await store.subscribe('fragile', after.listener);
      await store.publish('fragile', 'm');
      await waitFor('both healthy listeners to hear the message', () => before.messages.length >= 1 && after.messages.length >= 1);
      assert.deepEqual([before.messages, after.messages], [['m'], ['m']]);
      assert.ok(errors.some((error) => error instanceof Error && error.message === 'listener bug'), 'the error is reported');
    });

    test('two instances sharing the backing store see each other’s keys, counts and messages', { skip: !harness.sharedBetweenInstances && 'this implementation is per process' }, async () => {
      const proxyA = open('shared:');
      const proxyB = open('shared:');
      await proxyA.set('code', 'from A', { ttlMs: 60_000 });
      assert.equal(await proxyB.get('code'), 'from A');
      const counts = await Promise.all(Array.from({ length: 40 }, (_, index) => (index % 2 === 0 ? proxyA : proxyB).increment('both', 60_000)));
      assert.deepEqual(counts.map((result) => result.count).sort((a, b) => a - b), Array.from({ length: 40 }, (_, index) => index + 1));
      const heardOnA = recorder();
      await proxyA.subscribe('status', heardOnA.listener);
      await proxyB.publish('status', 'approved');
      await waitFor('A to hear what B published', () => heardOnA.messages.length >= 1);
      assert.deepEqual(heardOnA.messages, ['approved']);
    });

    test('instances with different key prefixes see neither each other’s keys nor messages', async () => {
      const saleA = open('deployment-a:');
      const saleB = open('deployment-b:');
      await saleA.set('same-key', 'a', { ttlMs: 60_000 });
      assert.equal(await saleB.get('same-key'), undefined);
      await saleB.set('same-key', 'b', { ttlMs: 60_000 });
      assert.equal(await saleA.get('same-key'), 'a');
      assert.equal((await saleA.increment('same-counter', 60_000)).count, 1);
      assert.equal((await saleB.increment('same-counter', 60_000)).count, 1);
      await saleA.pushRecent('same-list', 'a', { max: 5, ttlMs: 60_000 });
      assert.deepEqual(await saleB.recent('same-list'), []);

      const heardOnA = recorder();
      const heardOnB = recorder();
      await saleA.subscribe('same-channel', heardOnA.listener);
      await saleB.subscribe('same-channel', heardOnB.listener);
      await saleA.publish('same-channel', 'from a');
      await waitFor('A to hear its own message', () => heardOnA.messages.length >= 1);
      await saleB.publish('same-channel', 'from b');
      await waitFor('B to hear its own message', () => heardOnB.messages.length >= 1);
      // Had B's subscriber got A's message, it would have come before B's own (published later).
      assert.deepEqual(heardOnA.messages, ['from a']);
      assert.deepEqual(heardOnB.messages, ['from b']);
    });

    test('ping resolves while the backing store is up', async () => {
      const store = open();
      await store.ping();
      await store.set('after-ping', 'ok', { ttlMs: 60_000 });
      assert.equal(await store.get('after-ping'), 'ok');
    });
  });
}
