// Submit-once: a relay between the client and the sandbox loses answers after the sandbox acted (or
// before it saw the request), and the client must end with exactly one submission either way. The same
// for creating a user whose answer was lost.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ProviderClient } from '../../../proxy/provider/provider-client.js';
import { ProviderError } from '../../../proxy/provider/provider-error.js';
import type { ProviderUserKyc } from '../../../proxy/provider/provider-types.js';
import { submitKycOnce, type KycCases } from '../../../proxy/provider/submit-kyc-once.js';
import { clientFor, isValidlySigned, MINIMAL_CLIENT, providerFailure, startRelay, startSandbox, validKyc, type Harness, type Relay } from './helpers.js';

describe('submitting KYC once through a lossy connection', () => {
  let h: Harness;
  let relay: Relay;
  let provider: ProviderClient;
  let direct: ProviderClient;
  let userCount = 0;
  before(async () => {
    h = await startSandbox();
    relay = await startRelay(h.sandbox.url);
    provider = clientFor(relay.url, { timeoutMs: 300 });
    direct = clientFor(h.sandbox.url);
  });
  beforeEach(() => {
    relay.plan.length = 0;
    relay.requests.length = 0;
  });
  after(async () => {
    await relay.close();
    await h.stop();
  });

  const newUser = async (): Promise<number> => (await direct.createUser(`once${++userCount}@example.com`)).id;
  const submissionsSent = (): number => relay.requests.filter((r) => r.method === 'POST').length;

  it('the answer is lost after the provider stored it: confirmed by reading, not sent again', async () => {
    const userId = await newUser();
    relay.plan.push('pass', 'drop-after'); // the first read, then the submission
    const result = await provider.submitKycOnce(userId, validKyc());
    assert.equal(result.sends, 1);
    assert.equal(result.confirmedByReading, true);
    assert.equal(result.kyc.submission_count, 1);
    assert.equal(submissionsSent(), 1);
    assert.equal((await direct.getKyc(userId)).submission_count, 1);
  });

  it('the submission times out after the provider stored it: confirmed by reading, not sent again', async () => {
    const userId = await newUser();
    relay.plan.push('pass', 'stall-after');
    const result = await provider.submitKycOnce(userId, validKyc());
    assert.equal(result.sends, 1);
    assert.equal(result.confirmedByReading, true);
    assert.equal(submissionsSent(), 1);
    assert.equal((await direct.getKyc(userId)).submission_count, 1);
  });

  it('a resubmission whose answer is lost counts from the case as it was', async () => {
    const userId = await newUser();
    await direct.submitKyc(userId, validKyc());
    relay.plan.push('pass', 'drop-after');
    const result = await provider.submitKycOnce(userId, { ...validKyc(), first_name: 'Augusta' });
    assert.equal(result.sends, 1);
    assert.equal(result.kyc.submission_count, 2);
    assert.equal((await direct.getKyc(userId)).submission_count, 2);
    assert.equal((await direct.getKycDetail(userId)).first_name, 'Augusta');
  });

  it('the connection drops before the provider saw it: sent once more, freshly signed, and stored once', async () => {
    const userId = await newUser();
    relay.plan.push('pass', 'drop-before');
    const result = await provider.submitKycOnce(userId, validKyc());
    assert.equal(result.sends, 2);
    assert.equal(result.confirmedByReading, false);
    assert.equal(result.kyc.submission_count, 1);
    assert.equal(submissionsSent(), 2);
    assert.ok(relay.requests.every((r) => isValidlySigned(r, MINIMAL_CLIENT.apiSecret)));
    assert.equal((await direct.getKyc(userId)).submission_count, 1);
  });

  it('a plain submitKyc whose answer is lost is not sent again', async () => {
    const userId = await newUser();
    relay.plan.push('stall-after');
    const error = await providerFailure(provider.submitKyc(userId, validKyc()));
    assert.equal(error.kind, 'timeout');
    assert.equal(error.httpStatus, 504);
    assert.equal(error.maybeProcessed, true);
    assert.equal(submissionsSent(), 1);
    assert.equal((await direct.getKyc(userId)).submission_count, 1);
  });

  it('a refused submission is not resent', async () => {
    const userId = await newUser();
    const error = await providerFailure(provider.submitKycOnce(userId, { ...validKyc(), birthdate: 'soon' }));
    assert.equal(error.httpStatus, 400);
    assert.equal(error.internalId, 'um_ks_vasp_1');
    assert.equal(submissionsSent(), 1);
  });

  it('findOrCreateUser whose create answer is lost finds the user it created, and creates no other', async () => {
    relay.plan.push('drop-after');
    const user = await provider.findOrCreateUser('Lost.Answer@example.com');
    assert.equal(user.email, 'Lost.Answer@example.com');
    assert.equal(relay.requests.filter((r) => r.method === 'POST').length, 1);
    const listed = await direct.listUsers({ filters: { email: 'lost.answer@' } });
    assert.deepEqual(listed.users, [user]);
  });

  it('findOrCreateUser whose create never arrived creates the user on a second try', async () => {
    relay.plan.push('drop-before');
    const user = await provider.findOrCreateUser('never.arrived@example.com');
    assert.equal(relay.requests.filter((r) => r.method === 'POST').length, 2);
    assert.deepEqual((await direct.listUsers({ filters: { email: 'never.arrived@' } })).users, [user]);
  });
});

describe('submitKycOnce when the outcome stays unknown', () => {
  const kyc = (count: number): ProviderUserKyc => ({
    id: 1, user_kyc_detail_id: count, user_id: 7, kyc_status: 'pending', admin_status: 'unprocessed', aml_status: 'unprocessed',
    whitelist_status: 'unprocessed', admin_action_types: [], submission_count: count, last_acted_by: '', created_at: 1,
  });
  const lost = (): ProviderError =>
    new ProviderError({ kind: 'timeout', method: 'POST', path: '/api/v2/users-kyc/7', attempts: 1, maybeProcessed: true, detail: 'no complete answer within 10 ms' });
  /** The connection dropped after the request was sent: it may have landed, but it is not still on its way. */
  const dropped = (): ProviderError =>
    new ProviderError({ kind: 'unreachable', method: 'POST', path: '/api/v2/users-kyc/7', attempts: 1, maybeProcessed: true, causeCode: 'ECONNRESET', detail: 'the connection was reset after sending' });
  const down = (): ProviderError =>
    new ProviderError({ kind: 'unreachable', method: 'GET', path: '/api/v2/users-kyc/7', attempts: 3, maybeProcessed: false, detail: 'could not connect (ECONNREFUSED)' });

  it('throws the submit failure when the case cannot be read back, without resending', async () => {
    let reads = 0;
    let sends = 0;
    const cases: KycCases = {
      getKyc: async () => {
        reads += 1;
        if (reads === 1) return kyc(1);
        throw down();
      },
      submitKyc: async () => {
        sends += 1;
        throw lost();
      },
    };
    const error = await providerFailure(submitKycOnce(cases, 7, validKyc()));
    assert.equal(error.kind, 'timeout');
    assert.equal(sends, 1);
  });

  it('sends at most twice when the connection drops both times and neither landed', async () => {
    let sends = 0;
    const cases: KycCases = {
      getKyc: async () => kyc(3),
      submitKyc: async () => {
        sends += 1;
        throw dropped();
      },
    };
    const error = await providerFailure(submitKycOnce(cases, 7, validKyc()));
    assert.equal(error.kind, 'unreachable');
    assert.equal(sends, 2);
  });

  it('never resends after a timeout, even when the case shows nothing landed: the request may still be on its way', async () => {
    let sends = 0;
    const cases: KycCases = {
      getKyc: async () => kyc(3),
      submitKyc: async () => {
        sends += 1;
        throw lost();
      },
    };
    const error = await providerFailure(submitKycOnce(cases, 7, validKyc()));
    assert.equal(error.kind, 'timeout');
    assert.equal(sends, 1);
  });

  it('does not submit when the case cannot be read first', async () => {
    let sends = 0;
    const cases: KycCases = {
      getKyc: async () => {
        throw down();
      },
      submitKyc: async () => {
        sends += 1;
        return kyc(1);
      },
    };
    const error = await providerFailure(submitKycOnce(cases, 7, validKyc()));
    assert.equal(error.kind, 'unreachable');
    assert.equal(sends, 0);
  });
});
