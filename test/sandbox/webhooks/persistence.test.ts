/**
 * Pending deliveries survive a restart: they live in the SQLite file, and a new dispatcher on the same
 * file resumes them. Also: close() waits for the attempt in flight and records it.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type Database from 'better-sqlite3';
import type { SandboxEvent } from '../../../demo/sandbox/ports.js';
import { ManualClock, WebhookDispatcher } from '../../../demo/sandbox/webhooks/index.js';
import { SECRET_B, startReceiver, T0, tempDatabaseDir, type Receiver } from './helpers.js';

const HOUR = 3600_000;

const EVENT: SandboxEvent = {
  clientId: 3,
  name: 'user_dopt_in',
  source: 'web',
  data: { result_type: 'user', user: { id: 5, email: 'a@example.com', properties: [], created_at: 1 } },
  createdAt: 1_767_225_600,
};

describe('persistence across restarts', () => {
  let receiver: Receiver;
  let temp: Awaited<ReturnType<typeof tempDatabaseDir>>;
  const opened: Array<{ db: Database.Database; dispatcher: WebhookDispatcher }> = [];

  /** A dispatcher on the shared SQLite file, as a freshly started process would make it. */
  function boot(clock: ManualClock, options: { requestTimeoutMs?: number } = {}): WebhookDispatcher {
    const db = temp.open();
    const dispatcher = new WebhookDispatcher({ db, clock, ...options });
    opened.push({ db, dispatcher });
    return dispatcher;
  }

  async function shutDown(dispatcher: WebhookDispatcher): Promise<void> {
    const entry = opened.find((o) => o.dispatcher === dispatcher);
    assert.ok(entry);
    await dispatcher.close();
    entry.db.close();
    opened.splice(opened.indexOf(entry), 1);
  }

  let clockForReceiver: ManualClock;

  beforeEach(async () => {
    temp = await tempDatabaseDir();
    clockForReceiver = new ManualClock(T0);
    receiver = await startReceiver(() => clockForReceiver.now());
  });

  afterEach(async () => {
    for (const { dispatcher } of [...opened]) await shutDown(dispatcher);
    await receiver.close();
    await temp.cleanup();
  });

  function register(dispatcher: WebhookDispatcher, replies: Array<number | 'hang'>): string {
    const url = `${receiver.origin}/persist`;
    dispatcher.settings.set(3, [{ url, secret: SECRET_B, sources: ['web'], types: ['user'] }]);
    receiver.endpoints.set('/persist', { registeredUrl: url, secret: SECRET_B, replies });
    return url;
  }

  it('delivers a failed delivery after a restart, with the same id, once it is due', async () => {
    const first = boot(clockForReceiver);
    register(first, [500, 200]);
    first.start();
    const [id] = first.emit(EVENT);
    await first.idle();
    assert.equal(receiver.received.length, 1);
    await shutDown(first);

    // The process comes back 30 minutes later: the retry (due at 1 h) is not due yet.
    clockForReceiver.set(T0 + HOUR / 2);
    const second = boot(clockForReceiver);
    second.start();
    await second.idle();
    assert.equal(receiver.received.length, 1, 'not before it is due');
    assert.equal(second.listDeliveries(3)[0]?.state, 'pending');

    clockForReceiver.advance(HOUR / 2);
    await second.idle();
    assert.equal(receiver.received.length, 2);
    const retry = receiver.received[1];
    assert.equal(retry?.verified.ok, true);
    assert.equal(retry?.event?.['id'], String(id));
    assert.equal(retry?.event?.['request_timestamp'], String((T0 + HOUR) / 1000));
    assert.deepEqual(
      second.listAttempts(3).map((a) => [a.attempt, a.httpStatus, a.state]),
      [[2, 200, 'delivered'], [1, 500, 'pending']],
    );
  });

  it('resumes at once a retry that fell due while the process was down', async () => {
    const first = boot(clockForReceiver);
    register(first, [500, 200]);
    first.start();
    first.emit(EVENT);
    await first.idle();
    await shutDown(first);

    clockForReceiver.set(T0 + 5 * HOUR);
    const second = boot(clockForReceiver);
    second.start();
    await second.idle();
    assert.equal(receiver.received.length, 2);
    assert.equal(receiver.received[1]?.verified.ok, true);
    assert.equal(second.listDeliveries(3)[0]?.state, 'delivered');
  });

  it('keeps events emitted while stopped and sends them on start', async () => {
    const first = boot(clockForReceiver);
    register(first, [200]);
    // Not started: the event is only stored.
    const [id] = first.emit(EVENT);
    await first.idle();
    assert.equal(receiver.received.length, 0);
    await shutDown(first);

    const second = boot(clockForReceiver);
    second.start();
    await second.idle();
    assert.equal(receiver.received.length, 1);
    assert.equal(receiver.received[0]?.event?.['id'], String(id));
    // The settings were persisted too.
    assert.equal(second.settings.list(3)[0]?.secret, SECRET_B);
  });

  it('close() waits for the attempt in flight and records it', async () => {
    const dispatcher = boot(clockForReceiver, { requestTimeoutMs: 150 });
    register(dispatcher, ['hang']);
    dispatcher.start();
    dispatcher.emit(EVENT);
    await receiver.waitForRequests(1);
    assert.deepEqual(dispatcher.listAttempts(3), [], 'still in flight');
    await shutDown(dispatcher);

    const reopened = boot(clockForReceiver);
    const [attempt] = reopened.listAttempts(3);
    assert.equal(attempt?.error, 'timeout after 150 ms');
    assert.equal(attempt?.state, 'pending');
  });
});
