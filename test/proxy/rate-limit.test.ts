import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRateLimit, checkRateLimits } from '../../proxy/rate-limit.js';
import { createMemoryStore } from '../../proxy/store/memory-store.js';
import { createRedisStore } from '../../proxy/store/redis-store.js';
import type { SharedStore } from '../../proxy/store/shared-store.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

const MINUTE_MS = 60_000;

describe('checkRateLimit on a clock the test moves', () => {
  let nowMs = Date.UTC(2030, 0, 1);
  const store = createMemoryStore({ now: () => nowMs });
  after(() => store.close());

  test('allows `limit` requests in a window, counting down, and denies the rest', async () => {
    const rule = { limit: 3, windowMs: MINUTE_MS };
    const results = [];
    for (let request = 0; request < 5; request += 1) results.push(await checkRateLimit(store, 'rate:countdown', rule));
    assert.deepEqual(
      results.map(({ allowed, remaining }) => ({ allowed, remaining })),
      [
        { allowed: true, remaining: 2 },
        { allowed: true, remaining: 1 },
        { allowed: true, remaining: 0 },
        { allowed: false, remaining: 0 },
        { allowed: false, remaining: 0 },
      ],
    );
    assert.deepEqual(results.map((result) => result.retryAfterSeconds), [0, 0, 0, 60, 60]);
  });

  test('retryAfterSeconds is the time left in the window, rounded up, and never 0 when denied', async () => {
    const rule = { limit: 1, windowMs: MINUTE_MS };
    await checkRateLimit(store, 'rate:retry', rule);
    nowMs += 20_500;
    assert.equal((await checkRateLimit(store, 'rate:retry', rule)).retryAfterSeconds, 40);
    nowMs += 39_400;
    assert.equal((await checkRateLimit(store, 'rate:retry', rule)).retryAfterSeconds, 1);
    nowMs += 99;
    assert.equal((await checkRateLimit(store, 'rate:retry', rule)).retryAfterSeconds, 1);
  });

  test('the window resets after windowMs, and denied requests do not extend it', async () => {
    const rule = { limit: 2, windowMs: MINUTE_MS };
    await checkRateLimit(store, 'rate:reset', rule);
    await checkRateLimit(store, 'rate:reset', rule);
    nowMs += 59_000;
    assert.equal((await checkRateLimit(store, 'rate:reset', rule)).allowed, false);
    nowMs += 1_000;
    assert.deepEqual(await checkRateLimit(store, 'rate:reset', rule), { allowed: true, remaining: 1, retryAfterSeconds: 0 });
  });

  test('keys are counted separately and used as given', async () => {
    const rule = { limit: 1, windowMs: MINUTE_MS };
    assert.equal((await checkRateLimit(store, 'rate:codes-ip:acme:192.0.2.1', rule)).allowed, true);
    assert.equal((await checkRateLimit(store, 'rate:codes-ip:acme:192.0.2.2', rule)).allowed, true);
    assert.equal((await checkRateLimit(store, 'rate:codes-ip:acme:192.0.2.1', rule)).allowed, false);
    // The counter lives under exactly the key the caller gave.
    assert.equal((await store.increment('rate:codes-ip:acme:192.0.2.2', MINUTE_MS)).count, 2);
  });

  test('a limit of 0 denies every request; a limit that is not a whole number is refused', async () => {
    assert.equal((await checkRateLimit(store, 'rate:zero', { limit: 0, windowMs: MINUTE_MS })).allowed, false);
    for (const limit of [-1, 1.5, Number.NaN]) {
      await assert.rejects(checkRateLimit(store, 'rate:bad', { limit, windowMs: MINUTE_MS }), RangeError);
    }
    await assert.rejects(checkRateLimit(store, 'rate:bad', { limit: 1, windowMs: 0 }), RangeError);
  });

  test('checkRateLimits stops at the first limit that denies and names it', async () => {
    const limits = (ip: string) => [
      { name: 'ip' as const, key: `rate:multi-ip:${ip}`, limit: 2, windowMs: MINUTE_MS },
      { name: 'email' as const, key: 'rate:multi-email:mac-of-victim', limit: 3, windowMs: MINUTE_MS },
    ];
    assert.deepEqual(await checkRateLimits(store, limits('198.51.100.1')), { allowed: true, remaining: 1, retryAfterSeconds: 0, deniedBy: undefined });
    assert.deepEqual(await checkRateLimits(store, limits('198.51.100.1')), { allowed: true, remaining: 0, retryAfterSeconds: 0, deniedBy: undefined });
    const denied = await checkRateLimits(store, limits('198.51.100.1'));
    assert.deepEqual(denied, { allowed: false, remaining: 0, retryAfterSeconds: 60, deniedBy: 'ip' });
    // The address that was denied did not use up the email's budget: one request is left for it.
    const fromElsewhere = await checkRateLimits(store, limits('203.0.113.9'));
    assert.deepEqual(fromElsewhere, { allowed: true, remaining: 0, retryAfterSeconds: 0, deniedBy: undefined });
    assert.equal((await checkRateLimits(store, limits('203.0.113.10'))).deniedBy, 'email');
    await assert.rejects(checkRateLimits(store, []), RangeError);
  });
});

describe('checkRateLimit shared by parallel callers', () => {
  let server: RedisServer;
  const stores: SharedStore[] = [];
  before(async () => {
    server = await startRedisServer();
  });
  after(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await server.stop();
  });

  async function countAllowed(storesUnderTest: SharedStore[], key: string, requests: number, limit: number): Promise<number> {
    const results = await Promise.all(
      Array.from({ length: requests }, (_, index) => checkRateLimit(storesUnderTest[index % storesUnderTest.length]!, key, { limit, windowMs: MINUTE_MS })),
    );
    const remaining = results.filter((result) => result.allowed).map((result) => result.remaining).sort((a, b) => a - b);
    // Each allowed request saw its own count: remaining 0, 1, … limit-1, each once.
    assert.deepEqual(remaining, Array.from({ length: remaining.length }, (_, index) => index));
    return results.filter((result) => result.allowed).length;
  }

  test('in memory, 200 parallel requests with a limit of 25 let exactly 25 through', async () => {
    const store = createMemoryStore();
    stores.push(store);
    assert.equal(await countAllowed([store], 'rate:parallel', 200, 25), 25);
  });

  test('on Redis, 200 parallel requests spread over three proxy instances let exactly 25 through', async () => {
    const instances = [1, 2, 3].map(() => createRedisStore(server.url, { keyPrefix: 'kyc-rate-test:' }));
    stores.push(...instances);
    assert.equal(await countAllowed(instances, 'rate:parallel', 200, 25), 25);
    const denied = await checkRateLimit(instances[0]!, 'rate:parallel', { limit: 25, windowMs: MINUTE_MS });
    assert.equal(denied.allowed, false);
    assert.ok(denied.retryAfterSeconds >= 1 && denied.retryAfterSeconds <= 60, `retry after ${denied.retryAfterSeconds} s`);
  });
});
