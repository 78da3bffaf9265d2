/**
 * The retry schedule, expiry and the delivery log, driven by a manual clock over real HTTP.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type Database from 'better-sqlite3';
import { ManualClock, MAX_FAILED_ATTEMPTS, nextAttemptAt, WebhookDispatcher } from '../../../demo/sandbox/webhooks/index.js';
import { SECRET_A, startReceiver, T0, tempDatabaseDir, type Reply, type Receiver } from './helpers.js';

const HOUR = 3600_000;

describe('nextAttemptAt', () => {
  it('follows 1, 2, 4, 8, 16, 32 h after failures 1..6 and expires at the 7th', () => {
    const delays = [1, 2, 3, 4, 5, 6].map((n) => (nextAttemptAt(n, T0) as number) - T0);
    assert.deepEqual(delays, [1, 2, 4, 8, 16, 32].map((h) => h * HOUR));
    assert.equal(nextAttemptAt(7, T0), null);
    assert.equal(MAX_FAILED_ATTEMPTS, 7);
  });

  it('divides every delay by the retry time factor', () => {
    const delays = [1, 2, 3, 4, 5, 6].map((n) => (nextAttemptAt(n, T0, 3600) as number) - T0);
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 32000]);
  });
});

describe('retries over HTTP with a manual clock', () => {
  let receiver: Receiver;
  let clock: ManualClock;
  let db: Database.Database;
  let dispatcher: WebhookDispatcher;
  let cleanup: () => Promise<void>;

  async function setup(replies: Reply[], options: { retryTimeFactor?: number; requestTimeoutMs?: number } = {}) {
    const temp = await tempDatabaseDir();
    cleanup = temp.cleanup;
    db = temp.open();
    dispatcher = new WebhookDispatcher({ db, clock, ...options });
    const url = `${receiver.origin}/retry/`;
    dispatcher.settings.set(7, [{ url, secret: SECRET_A, sources: ['kyc_system'], types: ['user_kyc'] }]);
    receiver.endpoints.set('/retry/', { registeredUrl: url, secret: SECRET_A, replies });
    dispatcher.start();
  }

  function emitKycUpdate(): number {
    const [id] = dispatcher.emit({
      clientId: 7,
      name: 'kyc_status_update',
      source: 'kyc_system',
      data: { result_type: 'user_kyc', user_kyc: { id: 3, kyc_status: 'approved', admin_action_types: [] } },
      createdAt: T0 / 1000,
    });
    assert.ok(id !== undefined);
    return id;
  }

  beforeEach(async () => {
    clock = new ManualClock(T0);
    receiver = await startReceiver(() => clock.now());
  });

  afterEach(async () => {
    await dispatcher.close();
    db.close();
    await receiver.close();
    await cleanup();
  });

  it('retries after 1..32 h with the same id, a fresh timestamp and a valid signature, then expires', async () => {
    await setup([500]);
    const id = emitKycUpdate();
    await dispatcher.idle();
    assert.equal(receiver.received.length, 1);

    for (const hours of [1, 2, 4, 8, 16, 32]) {
      const countBefore: number = receiver.received.length;
      // One millisecond early: nothing happens.
      clock.advance(hours * HOUR - 1);
      await dispatcher.idle();
      assert.equal(receiver.received.length, countBefore, `not before ${hours} h`);
      clock.advance(1);
      await dispatcher.idle();
      assert.equal(receiver.received.length, countBefore + 1, `retried after ${hours} h`);
    }

    // 7 attempts at T0 + 0, 1, 3, 7, 15, 31, 63 h; then nothing more is scheduled.
    assert.equal(receiver.received.length, 7);
    assert.equal(clock.pendingTimers, 0);
    clock.advance(1000 * HOUR);
    await dispatcher.idle();
    assert.equal(receiver.received.length, 7);

    const offsetsHours = [0, 1, 3, 7, 15, 31, 63];
    receiver.received.forEach((request, i) => {
      assert.equal(request.verified.ok, true, `attempt ${i + 1} verifies`);
      assert.equal(request.event?.['id'], String(id), 'same id on every attempt');
      assert.equal(request.event?.['request_timestamp'], String((T0 + (offsetsHours[i] as number) * HOUR) / 1000), 'fresh timestamp');
      assert.equal(request.event?.['created_at'], String(T0 / 1000), 'created_at is the event time');
    });
    const [summary] = dispatcher.listDeliveries(7);
    assert.deepEqual(summary && { state: summary.state, failedCount: summary.failedCount, next: summary.nextAttemptAt }, {
      state: 'expired',
      failedCount: 7,
      next: null,
    });
  });

  it('logs every attempt, newest first, with status, state and next time', async () => {
    await setup([500, 204, 'hang', 200], { retryTimeFactor: 3600, requestTimeoutMs: 150 });
    const id = emitKycUpdate();
    await dispatcher.idle();
    for (const seconds of [1, 2, 4]) {
      clock.advance(seconds * 1000);
      await dispatcher.idle();
    }

    const log = dispatcher.listAttempts(7).map(({ attemptId: _a, ...rest }) => rest);
    const url = `${receiver.origin}/retry/`;
    const common = { deliveryId: id, eventName: 'kyc_status_update', source: 'kyc_system', url };
    assert.deepEqual(log, [
      { ...common, attempt: 4, attemptedAt: T0 + 7000, requestTimestamp: (T0 + 7000) / 1000, httpStatus: 200, error: null, state: 'delivered', nextAttemptAt: null },
      { ...common, attempt: 3, attemptedAt: T0 + 3000, requestTimestamp: (T0 + 3000) / 1000, httpStatus: null, error: 'timeout after 150 ms', state: 'pending', nextAttemptAt: T0 + 7000 },
      { ...common, attempt: 2, attemptedAt: T0 + 1000, requestTimestamp: (T0 + 1000) / 1000, httpStatus: 204, error: null, state: 'pending', nextAttemptAt: T0 + 3000 },
      { ...common, attempt: 1, attemptedAt: T0, requestTimestamp: T0 / 1000, httpStatus: 500, error: null, state: 'pending', nextAttemptAt: T0 + 1000 },
    ]);
    assert.equal(dispatcher.listDeliveries(7)[0]?.state, 'delivered');
    assert.ok(receiver.received.every((r) => r.verified.ok));
    // Other clients see nothing of it.
    assert.deepEqual(dispatcher.listAttempts(8), []);
  });
});
