// The typed provider client against an in-process sandbox over real HTTP: every method's answer, and the
// provider's error envelopes as ProviderError. The sandbox verifies every signature and timestamp.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createProviderClient, type ProviderClient } from '../../../proxy/provider/provider-client.js';
import { clientFor, isCleanMessage, MINIMAL_CLIENT, providerFailure, startSandbox, validKyc, type Harness } from './helpers.js';

describe('provider client against the sandbox', () => {
  let h: Harness;
  let provider: ProviderClient;
  before(async () => {
    h = await startSandbox();
    provider = clientFor(h.sandbox.url);
  });
  after(async () => {
    await h.stop();
  });

  it('creates a user, reads it back and lists it', async () => {
    const created = await provider.createUser('Listed.User@example.com');
    assert.equal(created.email, 'Listed.User@example.com');
    assert.deepEqual(created.properties, []);
    assert.ok(Number.isInteger(created.id) && created.created_at > 0);
    assert.deepEqual(await provider.getUser(created.id), created);
    const page = await provider.listUsers({ filters: { email: 'listed.user@' }, limit: 5 });
    assert.equal(page.result_type, 'users');
    assert.deepEqual(page.users, [created]);
    assert.equal(page.meta.total, 1);
    assert.equal(page.meta.next_page_payload, undefined);
  });

  it('lists with paging: the next page payload echoes the applied filters', async () => {
    for (const n of [1, 2, 3]) await provider.createUser(`paged${n}@example.com`);
    const first = await provider.listUsers({ filters: { email: 'paged' }, limit: 2, order: 'asc' });
    assert.deepEqual(first.users.map((u) => u.email), ['paged1@example.com', 'paged2@example.com']);
    assert.deepEqual(first.meta.next_page_payload, { page_number: 2, filters: { email: 'paged' }, order: 'asc', limit: 2 });
    const second = await provider.listUsers({ filters: { email: 'paged' }, limit: 2, order: 'asc', page_number: 2 });
    assert.deepEqual(second.users.map((u) => u.email), ['paged3@example.com']);
  });

  it('submits KYC, then reads the case, its detail and the case list', async () => {
    const user = await provider.createUser('kyc.submitter@example.com');
    const kyc = await provider.submitKyc(user.id, validKyc());
    assert.equal(kyc.user_id, user.id);
    assert.equal(kyc.kyc_status, 'pending');
    assert.equal(kyc.submission_count, 1);
    assert.deepEqual(await provider.getKyc(user.id), kyc);
    const detail = await provider.getKycDetail(user.id);
    assert.equal(detail.first_name, 'Ada');
    assert.equal(detail.birthdate, '1985-12-10');
    assert.equal(detail.country, 'UNITED KINGDOM');
    assert.equal(detail.document_id_number, 'p1234567');
    assert.match(detail.document_id_file_path ?? '', /^http:\/\/files\.test\/bucket\/10\/i\//);
    const cases = await provider.listKyc({ filters: { admin_status: 'unprocessed' }, limit: 10 });
    assert.equal(cases.result_type, 'users_kyc');
    assert.ok(cases.users_kyc.some((c) => c.user_id === user.id && c.submission_count === 1));
    assert.equal((await provider.getUser(user.id)).properties.includes('kyc_submitted'), true);
  });

  it('gets presigned POST forms and PUT URLs for the files named', async () => {
    const forms = await provider.presignedPost({ document_id: 'image/jpeg', selfie: 'application/pdf' });
    assert.deepEqual(Object.keys(forms).sort(), ['document_id', 'selfie']);
    assert.match(forms['document_id']?.fields['key'] ?? '', /^10\/i\/[0-9a-f]{32}$/);
    assert.equal(forms['selfie']?.fields['Content-Type'], 'application/pdf');
    assert.match(forms['selfie']?.fields['key'] ?? '', /^10\/d\/[0-9a-f]{32}$/);
    const puts = await provider.presignedPut({ residence_proof: 'image/png' });
    assert.match(puts['residence_proof']?.fields.key ?? '', /^10\/i\/[0-9a-f]{32}$/);
    assert.ok(puts['residence_proof']?.url.startsWith('http://files.test/bucket/10/i/'));
  });

  it('validates Ethereum addresses: valid, lowercase, bad checksum, not hex', async () => {
    assert.equal(await provider.validateEthereumAddress('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'), true);
    assert.equal(await provider.validateEthereumAddress('0x32be343b94f860124dc4fee278fdcbd38c102d88'), true);
    assert.equal(await provider.validateEthereumAddress('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD'), false);
    assert.equal(await provider.validateEthereumAddress('0x12345'), false);
  });

  it('maps a missing user to a rejected 404 with the provider fields', async () => {
    const error = await providerFailure(provider.getUser(999_999));
    assert.equal(error.kind, 'rejected');
    assert.equal(error.httpStatus, 404);
    assert.equal(error.code, 'NOT_FOUND');
    assert.equal(error.internalId, 'um_u_g_favu_2');
    assert.equal(error.providerMessage, 'The requested resource could not be located.');
    assert.deepEqual(error.errorData, []);
    assert.equal(error.maybeProcessed, false);
    assert.equal(error.attempts, 1);
  });

  it('maps a 400 with error_data, keeping every field error in order', async () => {
    const user = await provider.createUser('incomplete@example.com');
    const { first_name: _first, birthdate: _birth, ...partial } = validKyc();
    const error = await providerFailure(provider.submitKyc(user.id, { ...partial, first_name: '', birthdate: '1985-12-10' }));
    assert.equal(error.kind, 'rejected');
    assert.equal(error.httpStatus, 400);
    assert.equal(error.code, 'BAD_REQUEST');
    assert.equal(error.internalId, 'um_ks_vasp_1');
    assert.deepEqual(error.errorData, [
      { parameter: 'first_name', msg: 'First Name is a mandatory field.' },
      { parameter: 'birthdate', msg: 'Please provide birthdate in dd/mm/yyyy format.' },
    ]);
    const invalidEmail = await providerFailure(provider.createUser('not-an-email'));
    assert.equal(invalidEmail.internalId, 'um_u_c_ve_1');
    assert.deepEqual(invalidEmail.errorData, [{ parameter: 'email', msg: 'Please provide a valid email address.' }]);
    assert.ok(isCleanMessage(invalidEmail, MINIMAL_CLIENT.apiSecret, [], 'not-an-email'));
  });

  it('maps a submission to a closed case to a rejected 422', async () => {
    const user = await provider.createUser('closed.case@example.com');
    await provider.submitKyc(user.id, validKyc());
    h.sandbox.store.deny(MINIMAL_CLIENT.clientId, user.id, 'Ann');
    assert.equal((await provider.getKyc(user.id)).kyc_status, 'denied');
    const error = await providerFailure(provider.submitKyc(user.id, validKyc()));
    assert.equal(error.kind, 'rejected');
    assert.equal(error.httpStatus, 422);
    assert.equal(error.code, 'UNPROCESSABLE_ENTITY');
    assert.equal(error.internalId, 'um_ks_vs_4');
    assert.equal(error.providerMessage, 'Case cannot be updated. It is already approved or denied.');
  });

  it('maps no case yet to a rejected 404', async () => {
    const user = await provider.createUser('no.case@example.com');
    const error = await providerFailure(provider.getKyc(user.id));
    assert.equal(error.httpStatus, 404);
    assert.equal(error.internalId, 'um_k_g_favukd_1');
    assert.equal((await providerFailure(provider.getKycDetail(user.id))).internalId, 'um_kd_g_fukd_1');
  });

  it('maps wrong credentials to a rejected 401 that is not retried', async () => {
    const wrong = createProviderClient({ baseUrl: h.sandbox.url, apiKey: MINIMAL_CLIENT.apiKey, apiSecret: 'f'.repeat(32), sleep: async () => {} });
    const error = await providerFailure(wrong.getUser(1));
    assert.equal(error.kind, 'rejected');
    assert.equal(error.httpStatus, 401);
    assert.equal(error.internalId, 'a_ar_b_vc_1');
    assert.equal(error.attempts, 1);
  });

  describe('findOrCreateUser', () => {
    it('creates a new user', async () => {
      const user = await provider.findOrCreateUser('brand.new@example.com');
      assert.equal(user.email, 'brand.new@example.com');
      assert.deepEqual(await provider.getUser(user.id), user);
    });

    it('finds the existing user whatever the case of the address', async () => {
      const existing = await provider.createUser('Mixed.Case@Example.com');
      assert.deepEqual(await provider.findOrCreateUser('mixed.case@example.com'), existing);
      assert.deepEqual(await provider.findOrCreateUser('MIXED.CASE@EXAMPLE.COM'), existing);
      const all = await provider.listUsers({ filters: { email: 'mixed.case@' } });
      assert.equal(all.meta.total, 1);
    });

    it('matches exactly, although the filter is a prefix match with wildcards', async () => {
      // `_` is a LIKE wildcard: the filter `a_b@…` also returns `axb@…`, which must not be taken.
      const lookalike = await provider.createUser('axb@wild.example.com');
      const longer = await provider.createUser('a_b@wild.example.com.au');
      const wanted = await provider.createUser('A_B@wild.example.com');
      const filtered = await provider.listUsers({ filters: { email: 'a_b@wild.example.com' }, limit: 100 });
      assert.deepEqual(filtered.users.map((u) => u.id).sort(), [lookalike.id, longer.id, wanted.id].sort());
      const found = await provider.findOrCreateUser('a_b@wild.example.com');
      assert.equal(found.id, wanted.id);
      assert.notEqual(found.id, lookalike.id);
      assert.notEqual(found.id, longer.id);
    });

    it('reads further pages until the exact match', async () => {
      // 100 older users whose addresses start with the wanted one fill the first page.
      const letters = 'abcdefghij';
      for (const a of letters) for (const b of letters) await provider.createUser(`many@pages.example.co${a}${b}`);
      const wanted = await provider.createUser('many@pages.example.co');
      const filtered = await provider.listUsers({ filters: { email: 'many@pages.example.co' }, limit: 100, order: 'asc' });
      assert.equal(filtered.meta.total, 101);
      assert.equal(filtered.users.some((u) => u.id === wanted.id), false);
      assert.equal((await provider.findOrCreateUser('Many@Pages.Example.co')).id, wanted.id);
    });
  });
});
