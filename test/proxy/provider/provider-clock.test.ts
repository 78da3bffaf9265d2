// Clock skew: the offset estimate from `Date` headers, and a client and provider 60 s apart that still
// agree after one refused request, the refusal retried even for a POST.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createProviderClock } from '../../../proxy/provider/provider-clock.js';
import { answer, clientFor, isValidlySigned, MINIMAL_CLIENT, providerFailure, startRelay, startSandbox, startScriptedServer, type Harness, type Relay } from './helpers.js';

const SECOND = 1000;
const AUTH_MESSAGE = 'We could not authenticate the request. Please review your credentials and authentication method.';
const STALE_TIMESTAMP = { success: false, err: { internal_id: 'um_vac_1', msg: AUTH_MESSAGE, code: 'UNAUTHORIZED' } };

describe('the provider clock estimate', () => {
  const header = (ms: number): string => new Date(ms).toUTCString();

  it('is 0 before any Date was seen, and ignores missing or invalid headers', () => {
    const clock = createProviderClock(() => 50_000);
    clock.observe(undefined, 0, 10);
    clock.observe('yesterday-ish', 0, 10);
    assert.equal(clock.offsetMs(), 0);
    assert.equal(clock.now(), 50_000);
  });

  it('takes the middle of what one 1-second Date allows', () => {
    // Sent at 10.000 s, received at 10.200 s; the provider said 70 s: its clock read [70, 71) somewhere
    // in between, so the offset is in [59.8 s, 61 s].
    const clock = createProviderClock(() => 10_200);
    clock.observe(header(70 * SECOND), 10_000, 10_200);
    assert.equal(clock.offsetMs(), 60_400);
    assert.equal(clock.now(), 70_600);
  });

  it('narrows the estimate with further answers', () => {
    const clock = createProviderClock(() => 0);
    clock.observe(header(70 * SECOND), 10_000, 10_200); // offset in [59_800, 61_000]
    clock.observe(header(71 * SECOND), 10_700, 10_800); // offset in [60_200, 61_300]
    assert.equal(clock.offsetMs(), 60_600);
  });

  it('starts over when an answer contradicts what it knew (a clock was stepped)', () => {
    const clock = createProviderClock(() => 0);
    clock.observe(header(70 * SECOND), 10_000, 10_200);
    clock.observe(header(12 * SECOND), 11_000, 11_100); // offset in [900, 2000]: disjoint
    assert.equal(clock.offsetMs(), 1450);
  });

  it('forgets what it learnt on request', () => {
    const clock = createProviderClock(() => 0);
    clock.observe(header(70 * SECOND), 10_000, 10_200);
    clock.forget();
    assert.equal(clock.offsetMs(), 0);
  });
});

describe('a client and a provider 60 s apart', () => {
  let h: Harness;
  let relay: Relay;
  before(async () => {
    h = await startSandbox();
    relay = await startRelay(h.sandbox.url);
  });
  after(async () => {
    await relay.close();
    await h.stop();
  });

  it('learn the offset from the refusal, retry once, even a POST, and then sign right first time', async () => {
    relay.requests.length = 0;
    const provider = clientFor(relay.url, { now: () => Date.now() - 60 * SECOND, retries: 0 });
    const user = await provider.createUser('skewed.client@example.com');
    assert.equal(user.email, 'skewed.client@example.com');
    // The first POST was refused (stale timestamp) and nothing was stored; the second was accepted.
    assert.equal(relay.requests.length, 2);
    assert.equal((await provider.listUsers({ filters: { email: 'skewed.client@' } })).meta.total, 1);
    assert.ok(Math.abs(provider.clockOffsetMs() - 60 * SECOND) <= 1500, `offset ${provider.clockOffsetMs()}`);
    const before = relay.requests.length;
    assert.equal((await provider.getUser(user.id)).id, user.id);
    assert.equal(relay.requests.length, before + 1);
    assert.ok(relay.requests.every((r) => isValidlySigned(r, MINIMAL_CLIENT.apiSecret)));
  });

  it('a provider whose clock runs 60 s ahead is followed the same way', async () => {
    const ahead = (): number => Date.now() + 60 * SECOND;
    const skewed = await startSandbox({ now: ahead });
    // The relay stamps answers with the provider's clock, as a server does with its own.
    const front = await startRelay(skewed.sandbox.url, { dateFrom: ahead });
    try {
      const provider = clientFor(front.url, { retries: 0 });
      const user = await provider.createUser('skewed.provider@example.com');
      assert.equal(front.requests.length, 2);
      assert.ok(Math.abs(provider.clockOffsetMs() - 60 * SECOND) <= 1500, `offset ${provider.clockOffsetMs()}`);
      await provider.submitKyc(user.id, {
        first_name: 'Ada', last_name: 'Lovelace', birthdate: '10/12/1985', country: 'united kingdom', nationality: 'british',
        document_id_number: 'P1', document_id_file_path: '10/i/4ae058629d4b384edcda8decdfbf0dd1', selfie_file_path: '10/i/4ae058629d4b384edcda8decdfbf0dd2',
      });
      assert.equal(front.requests.length, 3);
      const signedAt = Number(front.requests[2]?.params['request_timestamp']) * SECOND;
      assert.ok(Math.abs(signedAt - ahead()) <= 3 * SECOND, 'signed with the provider clock');
    } finally {
      await front.close();
      await skewed.stop();
    }
  });

  it('retries a stale-timestamp refusal only once', async () => {
    const server = await startScriptedServer([answer.json(401, STALE_TIMESTAMP, { date: new Date(Date.now() + 60 * SECOND).toUTCString() })]);
    try {
      const error = await providerFailure(clientFor(server.url, { retries: 2 }).createUser('twice@example.com'));
      assert.equal(error.kind, 'rejected');
      assert.equal(error.httpStatus, 401);
      assert.equal(error.internalId, 'um_vac_1');
      assert.equal(error.attempts, 2);
      assert.equal(server.requests.length, 2);
      const [first, second] = server.requests.map((r) => Number(r.params['request_timestamp']));
      assert.ok(second! - first! >= 58, `re-signed with the learnt offset: ${first} then ${second}`);
    } finally {
      await server.close();
    }
  });
});
