/**
 * KYC submission (upstream §2.4), get and list (§2.5), detail (§2.6) and the email endpoints (§2.7).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ParamValue } from '../../../proxy/signer.js';
import { call, createUser, startHarness, type Harness } from './helpers.js';

const INVALID = "At least one parameter is invalid or missing. See 'err.error_data' array for more details.";
const DOC = '7/i/4ae058629d4b384edcda8decdfbf0dd1';
const SELFIE = '7/i/4ae058629d4b384edcda8decdfbf0dd2';
const RESIDENCE = '7/d/4ae058629d4b384edcda8decdfbf0dd3';
const PROOF1 = '7/d/4ae058629d4b384edcda8decdfbf0da1';
const PROOF2 = '7/d/4ae058629d4b384edcda8decdfbf0da2';
const SMALL = '7/i/small';
const BIG = '7/i/big';

/** A complete valid submission for client 7. */
function validKyc(): Record<string, ParamValue> {
  return {
    first_name: 'Tom & Jerry',
    last_name: 'SAWANT',
    birthdate: '29/07/1992',
    ethereum_address: '04d39e0b112c20917868ffd5c42372ecc5df577b',
    document_id_number: 'ABCD123',
    nationality: 'indian',
    document_id_file_path: DOC,
    selfie_file_path: SELFIE,
    country: 'russian federation',
    estimated_participation_amount: '1.2',
    street_address: 'hadapsar',
    city: 'pune',
    state: 'maharashtra',
    postal_code: '411028',
    residence_proof_file_path: RESIDENCE,
    investor_proof_files_path: [PROOF1, PROOF2],
    occupation: 'pilot',
  };
}

const e = (parameter: string, msg: string) => ({ parameter, msg });

describe('sandbox users-kyc', () => {
  let h: Harness;
  let userId: number;
  before(async () => {
    h = await startHarness();
    for (const key of [DOC, SELFIE, RESIDENCE, PROOF1, PROOF2]) h.files.put(key, 300000);
    h.files.put(SMALL, 204799);
    h.files.put(BIG, 20971521);
    userId = await createUser(h.sandbox.url, 'kyc@example.com');
  });
  after(async () => {
    await h.stop();
  });

  const submit = (params: Record<string, ParamValue>, id: number | string = userId) => call(h.sandbox.url, 'POST', `/api/v2/users-kyc/${id}`, params);

  // Each row: what to change, and the complete error_data expected (validation order, §2.4).
  const rows: { name: string; change: Record<string, ParamValue>; errors: { parameter: string; msg: string }[] }[] = [
    { name: 'missing first name', change: { first_name: ' ' }, errors: [e('first_name', 'First Name is a mandatory field.')] },
    { name: 'first name of 101 chars', change: { first_name: 'x'.repeat(101) }, errors: [e('first_name', 'First Name is invalid. Allowed max length is 100 characters.')] },
    { name: 'last name growing past 100 by sanitisation', change: { last_name: '&'.repeat(30) }, errors: [e('last_name', 'Last Name is invalid. Allowed max length is 100 characters.')] },
    { name: 'missing birthdate', change: { birthdate: '' }, errors: [e('birthdate', 'Birthdate is a mandatory field. The format accepted is dd/mm/yyyy.')] },
    { name: 'birthdate with dashes', change: { birthdate: '29-07-1992' }, errors: [e('birthdate', 'Please provide birthdate in dd/mm/yyyy format.')] },
    { name: 'birthdate month 13', change: { birthdate: '01/13/1992' }, errors: [e('birthdate', 'Please provide birthdate in dd/mm/yyyy format.')] },
    { name: 'too young', change: { birthdate: '01/01/2020' }, errors: [e('birthdate', 'Minimum age required to proceed is 18 years.')] },
    { name: 'too old', change: { birthdate: '01/01/1900' }, errors: [e('birthdate', 'Minimum age required to proceed is 18 years.')] },
    { name: 'short ethereum address', change: { ethereum_address: '0x1234' }, errors: [e('ethereum_address', 'Please ensure a valid Ethereum Address is provided.')] },
    { name: 'missing ethereum address', change: { ethereum_address: '' }, errors: [e('ethereum_address', 'Ethereum Address is a mandatory field. It is a 42-character hexadecimal string.')] },
    { name: 'missing document id', change: { document_id_number: '' }, errors: [e('document_id_number', 'Document ID Number is a mandatory field.')] },
    { name: 'document id as an array', change: { document_id_number: ['a'] }, errors: [e('document_id_number', 'Please provide a valid Document ID Number.')] },
    { name: 'unknown nationality', change: { nationality: 'martian' }, errors: [e('nationality', 'Please provide a valid Nationality.')] },
    { name: 'missing nationality', change: { nationality: '' }, errors: [e('nationality', 'Nationality is a mandatory field.')] },
    { name: 'another client’s document path', change: { document_id_file_path: '2/i/abc' }, errors: [e('document_id_file_path', 'Please make sure to provide a valid Document ID File Path.')] },
    { name: 'selfie path with a dot', change: { selfie_file_path: '7/i/a.jpg' }, errors: [e('selfie_file_path', 'Please make sure the Selfie File Path provided is valid.')] },
    { name: 'selfie not on S3', change: { selfie_file_path: '7/i/nothere' }, errors: [e('selfie_file_path', 'Oops. File is not present on S3.')] },
    { name: 'document too small', change: { document_id_file_path: SMALL }, errors: [e('document_id_file_path', 'Please make sure the file size is between 200kB & 20MB.')] },
    { name: 'document too big', change: { document_id_file_path: BIG }, errors: [e('document_id_file_path', 'Please make sure the file size is between 200kB & 20MB.')] },
    { name: 'unknown country', change: { country: 'atlantis' }, errors: [e('country', 'Please provide a valid Country. Make sure its spelled correctly.')] },
    { name: 'blacklisted country', change: { country: 'cuba' }, errors: [e('country', 'This Country is blacklisted by client.')] },
    { name: 'missing country', change: { country: '' }, errors: [e('country', 'Country is a mandatory field.')] },
    {
      name: 'amount below 0.01',
      change: { estimated_participation_amount: '0.001' },
      errors: [e('estimated_participation_amount', 'Estimated Participation Amount is invalid. It can be a float value greater than equal to 0.01')],
    },
    { name: 'amount not a Float()', change: { estimated_participation_amount: '1.2.3' }, errors: [e('estimated_participation_amount', 'Estimated Participation Amount is invalid. It can be a float value greater than equal to 0.01')] },
    { name: 'missing city', change: { city: '' }, errors: [e('city', 'City is a mandatory field.')] },
    { name: 'postal code as a hash', change: { postal_code: { a: '1' } }, errors: [e('postal_code', 'Please provide a valid Postal Code.')] },
    { name: 'residence proof required for INDIAN', change: { residence_proof_file_path: '' }, errors: [e('residence_proof_file_path', 'Residence Proof File Path is a mandatory field.')] },
    { name: 'three investor proofs', change: { investor_proof_files_path: [PROOF1, PROOF2, PROOF1] }, errors: [e('investor_proof_files_path', 'Maximum 2 documents are allowed to be uploaded as Investor Proof.')] },
    { name: 'investor proof as a string', change: { investor_proof_files_path: PROOF1 }, errors: [e('investor_proof_files_path', 'Please make sure the Investor Proof File Paths provided are valid.')] },
    { name: 'investor proof missing on S3', change: { investor_proof_files_path: ['7/d/gone'] }, errors: [e('investor_proof_files_path', 'Oops. File is not present on S3.')] },
    { name: 'missing required extra field', change: { occupation: '' }, errors: [e('occupation', 'Occupation is mandatory')] },
    { name: 'extra field as an array', change: { occupation: ['x'] }, errors: [e('occupation', 'Please provide a valid Occupation')] },
    {
      name: 'several errors, in validation order',
      change: { first_name: '', country: 'cuba', birthdate: 'x', nationality: 'x', selfie_file_path: '7/i/nothere', occupation: '' },
      errors: [
        e('first_name', 'First Name is a mandatory field.'),
        e('birthdate', 'Please provide birthdate in dd/mm/yyyy format.'),
        e('nationality', 'Please provide a valid Nationality.'),
        e('country', 'This Country is blacklisted by client.'),
        e('selfie_file_path', 'Oops. File is not present on S3.'),
        e('occupation', 'Occupation is mandatory'),
      ],
    },
  ];
  for (const row of rows) {
    it(`submit: ${row.name} → 400 um_ks_vasp_1`, async () => {
      const reply = await submit({ ...validKyc(), ...row.change });
      assert.equal(reply.status, 400, reply.text);
      assert.equal(reply.text, JSON.stringify({ success: false, err: { internal_id: 'um_ks_vasp_1', msg: INVALID, error_data: row.errors, code: 'BAD_REQUEST' } }));
    });
  }

  it('submit: validation comes before the user check, then 404 um_ks_4 for an unknown user', async () => {
    const invalid = await submit({ first_name: '' }, 999999);
    assert.equal(invalid.json.err.internal_id, 'um_ks_vasp_1');
    const unknown = await submit(validKyc(), 999999);
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.json.err, { internal_id: 'um_ks_4', msg: 'The requested resource could not be located.', code: 'NOT_FOUND' });
  });

  it('submit: success, effects and event', async () => {
    const reply = await submit(validKyc());
    assert.equal(reply.status, 200, reply.text);
    const kyc = reply.json.data.user_kyc;
    assert.equal(reply.json.data.result_type, 'user_kyc');
    assert.deepEqual(Object.keys(kyc), ['id', 'user_kyc_detail_id', 'user_id', 'kyc_status', 'admin_status', 'aml_status', 'whitelist_status', 'admin_action_types', 'submission_count', 'last_acted_by', 'created_at']);
    assert.equal(kyc.user_id, userId);
    assert.equal(kyc.kyc_status, 'pending');
    assert.equal(kyc.submission_count, 1);
    assert.deepEqual(kyc.admin_action_types, []);
    const event = h.events.events.at(-1);
    assert.equal(event?.name, 'kyc_submit');
    assert.equal(event?.source, 'api');
    assert.deepEqual(event?.data, { result_type: 'user_kyc', user_kyc: kyc });
    const user = await call(h.sandbox.url, 'GET', `/api/v2/users/${userId}`);
    assert.deepEqual(user.json.data.user.properties, ['kyc_submitted']);
  });

  it('resubmission: count +1, statuses reset, new detail id, same created_at', async () => {
    const first = (await call(h.sandbox.url, 'GET', `/api/v2/users-kyc/${userId}`)).json.data.user_kyc;
    h.sandbox.store.setAmlStatus(7, userId, 'pending', 'kyc_system');
    h.sandbox.store.reportIssue(7, userId, ['document_issue'], 'Ann');
    const reply = await submit({ ...validKyc(), first_name: 'Second' });
    assert.equal(reply.status, 200);
    const kyc = reply.json.data.user_kyc;
    assert.equal(kyc.submission_count, 2);
    assert.equal(kyc.aml_status, 'unprocessed');
    assert.deepEqual(kyc.admin_action_types, []);
    assert.ok(kyc.user_kyc_detail_id > first.user_kyc_detail_id);
    assert.equal(kyc.created_at, first.created_at);
    assert.equal(kyc.id, first.id);
  });

  it('GET users-kyc-detail: presigned 12 h URLs, padded proofs, ISO birthdate, downcased id, sanitised name', async () => {
    const reply = await call(h.sandbox.url, 'GET', `/api/v2/users-kyc-detail/${userId}`);
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.json.data.result_type, 'user_kyc_detail');
    const d = reply.json.data.user_kyc;
    assert.deepEqual(Object.keys(d).slice(0, 2), ['id', 'created_at']);
    assert.equal(d.first_name, 'Second');
    assert.equal(d.birthdate, '1992-07-29');
    assert.equal(d.document_id_number, 'abcd123');
    assert.equal(d.country, 'RUSSIA');
    assert.equal(d.nationality, 'INDIAN');
    assert.equal(d.ethereum_address, '0x04d39e0b112c20917868ffd5c42372ecc5df577b');
    assert.equal(d.estimated_participation_amount, 1.2);
    assert.equal(d.document_id_file_path, `http://files.test/bucket/${DOC}?expires=43200`);
    assert.deepEqual(d.investor_proof_files_path, [`http://files.test/bucket/${PROOF1}?expires=43200`, `http://files.test/bucket/${PROOF2}?expires=43200`]);
    const other = await createUser(h.sandbox.url, 'one-proof@example.com');
    await submit({ ...validKyc(), last_name: 'Tom & Jerry', investor_proof_files_path: [PROOF1] }, other);
    const padded = (await call(h.sandbox.url, 'GET', `/api/v2/users-kyc-detail/${other}`)).json.data.user_kyc;
    assert.equal(padded.last_name, 'Tom &amp; Jerry');
    assert.deepEqual(padded.investor_proof_files_path, [`http://files.test/bucket/${PROOF1}?expires=43200`, null]);
    const bad = await call(h.sandbox.url, 'GET', '/api/v2/users-kyc-detail/x');
    assert.equal(bad.json.err.internal_id, 'um_kd_g_vasp_1');
    const none = await call(h.sandbox.url, 'GET', '/api/v2/users-kyc-detail/999999');
    assert.equal(none.status, 404);
    assert.equal(none.json.err.internal_id, 'um_kd_g_fukd_1');
  });

  it('GET users-kyc/{id}: found, invalid id, not found', async () => {
    const found = await call(h.sandbox.url, 'GET', `/api/v2/users-kyc/${userId}`);
    assert.equal(found.status, 200);
    assert.equal(found.json.data.user_kyc.user_id, userId);
    const invalid = await call(h.sandbox.url, 'GET', '/api/v2/users-kyc/x.y');
    assert.deepEqual(invalid.json.err, { internal_id: 'um_k_g_vasp_1', msg: INVALID, error_data: [e('user_id', 'Please provide a valid user_id. Must be an integer.')], code: 'BAD_REQUEST' });
    const none = await call(h.sandbox.url, 'GET', '/api/v2/users-kyc/999999');
    assert.deepEqual(none.json.err, { internal_id: 'um_k_g_favukd_1', msg: 'The requested resource could not be located.', code: 'NOT_FOUND' });
  });

  it('GET users-kyc: ordered by latest submission, filters, paging, errors', async () => {
    const third = await createUser(h.sandbox.url, 'third@example.com');
    await submit(validKyc(), third);
    h.sandbox.store.setAmlStatus(7, third, 'cleared', 'kyc_system');
    const all = await call(h.sandbox.url, 'GET', '/api/v2/users-kyc', { limit: 2 });
    assert.equal(all.status, 200);
    assert.equal(all.json.data.result_type, 'users_kyc');
    assert.equal(all.json.data.meta.total, 3);
    assert.equal(all.json.data.users_kyc[0].user_id, third);
    assert.deepEqual(all.json.data.meta.next_page_payload, { page_number: 2, filters: {}, order: 'desc', limit: 2 });
    const cleared = await call(h.sandbox.url, 'GET', '/api/v2/users-kyc', { filters: { aml_status: 'cleared:approved' } });
    assert.deepEqual(cleared.json.data.users_kyc.map((k: { user_id: number }) => k.user_id), [third]);
    assert.equal(cleared.json.data.meta.next_page_payload, undefined);
    const noAction = await call(h.sandbox.url, 'GET', '/api/v2/users-kyc', { filters: { admin_action_types: 'no_admin_action' } });
    assert.equal(noAction.json.data.meta.total, 3);
    const bad = await call(h.sandbox.url, 'GET', '/api/v2/users-kyc', { limit: 'x', filters: { admin_status: 'maybe', whitelist_status: 'no' } });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json.err.error_data, [e('limit', 'Limit is invalid. Default: 10, min:1, max: 100'), e('filters', 'Filters is invalid.')]);
    assert.equal(bad.json.err.internal_id, 'um_k_l_vasp_1');
  });

  it('closed case: 422 um_ks_vs_4; a case under another client: 404', async () => {
    const closed = await createUser(h.sandbox.url, 'closed@example.com');
    await submit(validKyc(), closed);
    h.sandbox.store.deny(7, closed, 'Ann');
    const reply = await submit(validKyc(), closed);
    assert.equal(reply.status, 422);
    assert.equal(reply.text, JSON.stringify({ success: false, err: { internal_id: 'um_ks_vs_4', msg: 'Case cannot be updated. It is already approved or denied.', code: 'UNPROCESSABLE_ENTITY' } }));
  });

  it('email endpoints: 422 unless the state matches, then {"success":true}', async () => {
    const id = await createUser(h.sandbox.url, 'mail@example.com');
    await submit(validKyc(), id);
    const post = (kind: string, params: Record<string, ParamValue> = {}) => call(h.sandbox.url, 'POST', `/api/v2/users-kyc/${id}/email/${kind}`, params);
    for (const kind of ['approve', 'deny', 'report-issue']) {
      const reply = await post(kind);
      assert.equal(reply.status, 422, kind);
      assert.equal(reply.json.err.code, 'UNPROCESSABLE_ENTITY');
    }
    h.sandbox.store.reportIssue(7, id, ['other_issue'], 'Ann');
    assert.equal((await post('report-issue', { template_vars: { a: 'b' } })).text, '{"success":true}');
    h.sandbox.store.setAmlStatus(7, id, 'approved', 'kyc_system', true);
    assert.equal((await post('approve')).text, '{"success":true}');
    const none = await call(h.sandbox.url, 'POST', '/api/v2/users-kyc/999999/email/approve');
    assert.equal(none.status, 404);
    const bad = await post('approve', { template_vars: 'x' });
    assert.equal(bad.status, 400);
  });

  it('keeps KYC data across a restart', async () => {
    await h.restart();
    const reply = await call(h.sandbox.url, 'GET', `/api/v2/users-kyc/${userId}`);
    assert.equal(reply.status, 200);
    assert.equal(reply.json.data.user_kyc.submission_count, 2);
  });
});
