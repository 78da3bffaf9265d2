/**
 * The dispatcher over real HTTP: payload, signature, transport, filtering, and what counts as success.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type Database from 'better-sqlite3';
import { verifyWebhook } from '../../../proxy/signer.js';
import type { SandboxEvent } from '../../../demo/sandbox/ports.js';
import { InvalidEventError, ManualClock, WebhookDispatcher, type WebhookConfig } from '../../../demo/sandbox/webhooks/index.js';
import { SECRET_A, SECRET_B, startReceiver, T0, tempDatabaseDir, type Receiver } from './helpers.js';

const USER_DATA = {
  result_type: 'user',
  user: { id: 11493, email: 'yogesh+13233@ost.com', properties: ['doptin_mail_sent'], created_at: 1541144915 },
};

const KYC_DATA = {
  result_type: 'user_kyc',
  user_kyc: {
    id: 7,
    user_id: 11493,
    kyc_status: 'pending',
    admin_status: 'unprocessed',
    aml_status: 'cleared',
    whitelist_status: 'unprocessed',
    admin_action_types: [],
    submission_count: 1,
    last_acted_by: null,
    created_at: 1541144999,
  },
};

function event(overrides: Partial<SandboxEvent> = {}): SandboxEvent {
  return { clientId: 1, name: 'user_register', source: 'web', data: USER_DATA, createdAt: 1541144915, ...overrides };
}

describe('webhook delivery over HTTP', () => {
  let receiver: Receiver;
  let clock: ManualClock;
  let db: Database.Database;
  let dispatcher: WebhookDispatcher;
  let cleanup: () => Promise<void>;

  async function setup(webhooks: (origin: string) => WebhookConfig[], options: { requestTimeoutMs?: number } = {}) {
    const temp = await tempDatabaseDir();
    cleanup = temp.cleanup;
    db = temp.open();
    dispatcher = new WebhookDispatcher({ db, clock, ...options });
    const configs = webhooks(receiver.origin);
    dispatcher.settings.set(1, configs);
    for (const config of configs) {
      const path = new URL(config.url).pathname;
      if (!receiver.endpoints.has(path)) receiver.endpoints.set(path, { registeredUrl: config.url, secret: config.secret, replies: [200] });
    }
    dispatcher.start();
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

  it('POSTs the §4 payload as a signed form that verifies, with the same id as the delivery', async () => {
    await setup((origin) => [{ url: `${origin}/hook`, secret: SECRET_A, sources: ['web', 'api'], types: ['user', 'user_kyc'] }]);
    const [id] = dispatcher.emit(event());
    assert.equal(typeof id, 'number');
    await dispatcher.idle();

    const [delivery, ...more] = receiver.received;
    assert.equal(more.length, 0);
    assert.ok(delivery);
    assert.equal(delivery.method, 'POST');
    assert.equal(delivery.path, '/hook');
    assert.equal(delivery.contentType, 'application/x-www-form-urlencoded');
    assert.deepEqual(delivery.verified.ok, true);
    assert.deepEqual(delivery.event, {
      id: String(id),
      name: 'user_register',
      type: 'user',
      description: 'User has signed up',
      version: 'v1',
      source: 'web',
      data: { result_type: 'user', user: { id: '11493', email: 'yogesh+13233@ost.com', properties: ['doptin_mail_sent'], created_at: '1541144915' } },
      created_at: '1541144915',
      request_timestamp: String(T0 / 1000),
    });
    // The body is the sorted to_query, signature included.
    assert.match(delivery.body, /^created_at=1541144915&data%5Bresult_type%5D=user&.*&signature=[0-9a-f]{64}&source=web&type=user&version=v1$/);
    assert.equal(dispatcher.listDeliveries(1)[0]?.state, 'delivered');
  });

  it('signs with the URL exactly as registered, trailing slash included', async () => {
    await setup((origin) => [
      { url: `${origin}/with-slash/`, secret: SECRET_A, sources: ['web'], types: ['user'] },
      { url: `${origin}/no-slash`, secret: SECRET_B, sources: ['web'], types: ['user'] },
    ]);
    dispatcher.emit(event());
    await dispatcher.idle();

    const [slash] = receiver.receivedAt('/with-slash/');
    const [plain] = receiver.receivedAt('/no-slash');
    assert.ok(slash && plain);
    assert.equal(slash.verified.ok, true);
    assert.equal(plain.verified.ok, true);
    // The other spelling of each URL does not verify: the registered string is what is signed.
    const nowMs = clock.now();
    assert.deepEqual(verifyWebhook(`${receiver.origin}/with-slash`, slash.body, SECRET_A, { nowMs }), { ok: false, rejection: 'bad_signature' });
    assert.deepEqual(verifyWebhook(`${receiver.origin}/no-slash/`, plain.body, SECRET_B, { nowMs }), { ok: false, rejection: 'bad_signature' });
    // One delivery per (event, webhook), each with its own id.
    assert.notEqual(slash.event?.['id'], plain.event?.['id']);
  });

  it('sends each event only to the webhooks subscribed to its source and type', async () => {
    await setup((origin) => [
      { url: `${origin}/web-users`, secret: SECRET_A, sources: ['web'], types: ['user'] },
      { url: `${origin}/kyc-system`, secret: SECRET_B, sources: ['kyc_system'], types: ['user_kyc'] },
      { url: `${origin}/everything`, secret: SECRET_A, sources: ['web', 'api', 'kyc_system'], types: ['user', 'user_kyc'] },
    ]);
    dispatcher.emit(event({ name: 'user_register', source: 'web' }));
    dispatcher.emit(event({ name: 'user_register', source: 'api' }));
    dispatcher.emit(event({ name: 'kyc_status_update', source: 'kyc_system', data: KYC_DATA }));
    dispatcher.emit(event({ name: 'kyc_submit', source: 'web', data: KYC_DATA }));
    // A client without webhooks gets nothing queued.
    assert.deepEqual(dispatcher.emit(event({ clientId: 2 })), []);
    await dispatcher.idle();

    const names = (path: string) => receiver.receivedAt(path).map((r) => `${r.event?.['name']}/${r.event?.['source']}`).sort();
    assert.deepEqual(names('/web-users'), ['user_register/web']);
    assert.deepEqual(names('/kyc-system'), ['kyc_status_update/kyc_system']);
    assert.deepEqual(names('/everything'), ['kyc_status_update/kyc_system', 'kyc_submit/web', 'user_register/api', 'user_register/web']);
    assert.ok(receiver.received.every((r) => r.verified.ok));
  });

  it('does not transmit empty arrays, and sends null as an empty value', async () => {
    await setup((origin) => [{ url: `${origin}/kyc`, secret: SECRET_A, sources: ['kyc_system'], types: ['user_kyc'] }]);
    dispatcher.emit(event({ name: 'kyc_status_update', source: 'kyc_system', data: KYC_DATA }));
    await dispatcher.idle();

    const [delivery] = receiver.received;
    assert.ok(delivery?.verified.ok);
    assert.ok(!delivery.body.includes('admin_action_types'), delivery.body);
    assert.ok(delivery.body.includes('data%5Buser_kyc%5D%5Blast_acted_by%5D=&'), delivery.body);
    assert.equal(delivery.event?.['description'], 'user kyc state has changed');
    assert.equal(delivery.event?.['type'], 'user_kyc');
  });

  it('counts 201, 204 and 500 as failures, to be retried after 1 h', async () => {
    await setup((origin) => [
      { url: `${origin}/created`, secret: SECRET_A, sources: ['web'], types: ['user'] },
      { url: `${origin}/no-content`, secret: SECRET_A, sources: ['web'], types: ['user'] },
      { url: `${origin}/broken`, secret: SECRET_A, sources: ['web'], types: ['user'] },
    ]);
    receiver.endpoints.set('/created', { registeredUrl: `${receiver.origin}/created`, secret: SECRET_A, replies: [201] });
    receiver.endpoints.set('/no-content', { registeredUrl: `${receiver.origin}/no-content`, secret: SECRET_A, replies: [204] });
    receiver.endpoints.set('/broken', { registeredUrl: `${receiver.origin}/broken`, secret: SECRET_A, replies: [500] });
    dispatcher.emit(event());
    await dispatcher.idle();

    const attempts = dispatcher.listAttempts(1);
    assert.equal(attempts.length, 3);
    const byUrl = new Map(attempts.map((a) => [new URL(a.url).pathname, a]));
    for (const [path, status] of [['/created', 201], ['/no-content', 204], ['/broken', 500]] as const) {
      const attempt = byUrl.get(path);
      assert.equal(attempt?.httpStatus, status, path);
      assert.equal(attempt?.error, null);
      assert.equal(attempt?.state, 'pending', `${path} is retried`);
      assert.equal(attempt?.nextAttemptAt, T0 + 3600_000, `${path} retries after 1 h`);
    }
    assert.ok(receiver.received.every((r) => r.verified.ok));
  });

  it('counts a connection refused as a failure with its error', async () => {
    const closed = await startReceiver(() => clock.now());
    const deadOrigin = closed.origin;
    await closed.close();
    await setup(() => [{ url: `${deadOrigin}/gone`, secret: SECRET_A, sources: ['web'], types: ['user'] }]);
    dispatcher.emit(event());
    await dispatcher.idle();
    const [attempt] = dispatcher.listAttempts(1);
    assert.equal(attempt?.httpStatus, null);
    assert.equal(attempt?.error, 'ECONNREFUSED');
    assert.equal(attempt?.state, 'pending');
  });

  it('counts a receiver that does not answer in time as a failure (timeout)', async () => {
    await setup((origin) => [{ url: `${origin}/slow`, secret: SECRET_A, sources: ['web'], types: ['user'] }], { requestTimeoutMs: 150 });
    receiver.endpoints.set('/slow', { registeredUrl: `${receiver.origin}/slow`, secret: SECRET_A, replies: ['hang'] });
    dispatcher.emit(event());
    await dispatcher.idle();

    assert.equal(receiver.received.length, 1, 'the request arrived');
    assert.equal(receiver.received[0]?.verified.ok, true);
    const [attempt] = dispatcher.listAttempts(1);
    assert.equal(attempt?.httpStatus, null);
    assert.equal(attempt?.error, 'timeout after 150 ms');
    assert.equal(attempt?.state, 'pending');
  });

  it('throws a programming error for events a source can never emit, and queues nothing', async () => {
    await setup((origin) => [{ url: `${origin}/all`, secret: SECRET_A, sources: ['web', 'api', 'kyc_system'], types: ['user', 'user_kyc'] }]);
    const impossible: Array<Pick<SandboxEvent, 'name' | 'source'>> = [
      { name: 'user_register', source: 'kyc_system' },
      { name: 'user_dopt_in', source: 'api' },
      { name: 'user_deleted', source: 'kyc_system' },
      { name: 'kyc_submit', source: 'kyc_system' },
      { name: 'update_ethereum_address', source: 'api' },
      { name: 'kyc_status_update', source: 'api' },
      { name: 'kyc_reopen', source: 'kyc_system' },
    ];
    for (const bad of impossible) {
      assert.throws(() => dispatcher.emit(event(bad)), InvalidEventError, `${bad.name} from ${bad.source}`);
    }
    assert.throws(() => dispatcher.emit(event({ name: 'user_login' as never })), InvalidEventError);
    assert.deepEqual(dispatcher.listDeliveries(1), []);
  });
});
