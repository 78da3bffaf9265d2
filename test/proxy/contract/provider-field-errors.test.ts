/**
 * Provider error bodies onto our field errors, with real bodies from the sandbox provider over HTTP.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ParamValue } from '../../../proxy/signer.js';
import { providerErrorData, providerFieldErrors } from '../../../proxy/contract/provider-field-errors.js';
import { call, createUser, startHarness, type Harness, type Reply } from '../../sandbox/api/helpers.js';

const DOC = '7/i/4ae058629d4b384edcda8decdfbf0dd1';
const SELFIE = '7/i/4ae058629d4b384edcda8decdfbf0dd2';
const RESIDENCE = '7/d/4ae058629d4b384edcda8decdfbf0dd3';
const PROOF = '7/d/4ae058629d4b384edcda8decdfbf0da1';
const SMALL = '7/i/small';

/** A valid submission for the harness's client 7 (all fields, an extra field `occupation`). */
function validKyc(): Record<string, ParamValue> {
  return {
    first_name: 'Tom',
    last_name: 'Sawant',
    birthdate: '29/07/1992',
    ethereum_address: '04d39e0b112c20917868ffd5c42372ecc5df577b',
    document_id_number: 'ABCD123',
    nationality: 'indian',
    document_id_file_path: DOC,
    selfie_file_path: SELFIE,
    country: 'india',
    estimated_participation_amount: '1.2',
    street_address: 'hadapsar',
    city: 'pune',
    state: 'maharashtra',
    postal_code: '411028',
    residence_proof_file_path: RESIDENCE,
    investor_proof_files_path: [PROOF],
    occupation: 'pilot',
  };
}

describe('providerFieldErrors with the sandbox provider’s bodies', () => {
  let h: Harness;
  let userId: number;
  before(async () => {
    h = await startHarness();
    for (const key of [DOC, SELFIE, RESIDENCE, PROOF]) h.files.put(key, 300000);
    h.files.put(SMALL, 1000);
    userId = await createUser(h.sandbox.url, 'errors@example.com');
  });
  after(async () => {
    await h.stop();
  });

  const submit = async (change: Record<string, ParamValue>): Promise<Reply> => {
    const reply = await call(h.sandbox.url, 'POST', `/api/v2/users-kyc/${userId}`, { ...validKyc(), ...change });
    assert.equal(reply.status, 400, reply.text);
    return reply;
  };

  it('maps every field error onto our field, keeping the provider’s message and recognising the rule', async () => {
    const reply = await submit({
      first_name: ' ',
      last_name: 'x'.repeat(101),
      birthdate: '01/01/2020',
      ethereum_address: '0x1234',
      nationality: 'martian',
      document_id_file_path: SMALL,
      selfie_file_path: '7/i/nothere',
      country: 'cuba',
      estimated_participation_amount: '0.001',
      city: '',
      investor_proof_files_path: [PROOF, PROOF, PROOF],
    });
    assert.deepEqual(providerFieldErrors(reply.json), [
      { field: 'firstName', rule: 'required', message: 'First Name is a mandatory field.' },
      { field: 'lastName', rule: 'too_long', message: 'First Name is invalid. Allowed max length is 100 characters.'.replace('First', 'Last'), params: { max: 100 } },
      { field: 'birthdate', rule: 'age', message: 'Minimum age required to proceed is 18 years.' },
      { field: 'ethereumAddress', rule: 'format', message: 'Please ensure a valid Ethereum Address is provided.' },
      { field: 'nationality', rule: 'unknown_nationality', message: 'Please provide a valid Nationality.' },
      { field: 'country', rule: 'blocked_country', message: 'This Country is blacklisted by client.' },
      { field: 'estimatedParticipationAmount', rule: 'format', message: 'Estimated Participation Amount is invalid. It can be a float value greater than equal to 0.01' },
      { field: 'city', rule: 'required', message: 'City is a mandatory field.' },
      { field: 'investorProofFiles', rule: 'too_many_files', message: 'Maximum 2 documents are allowed to be uploaded as Investor Proof.', params: { max: 2 } },
      // The provider asks S3 about the files after every other check.
      { field: 'documentIdFile', rule: 'file_size', message: 'Please make sure the file size is between 200kB & 20MB.' },
      { field: 'selfieFile', rule: 'file_not_found', message: 'Oops. File is not present on S3.' },
    ]);
  });

  it('recognises the other rules: unknown country, a malformed path, a missing residence proof', async () => {
    const reply = await submit({ country: 'atlantis', document_id_file_path: '2/i/abc', residence_proof_file_path: '' });
    assert.deepEqual(providerFieldErrors(reply.json).map((e) => [e.field, e.rule]), [
      ['documentIdFile', 'format'],
      ['country', 'unknown_country'],
      ['residenceProofFile', 'required'],
    ]);
  });

  it('keeps an error the provider repeats only once', async () => {
    const reply = await submit({ investor_proof_files_path: ['7/d/gone', '7/d/gone'] });
    assert.equal(providerErrorData(reply.json).length, 2, 'the provider reports each missing file');
    assert.deepEqual(providerFieldErrors(reply.json), [{ field: 'investorProofFiles', rule: 'file_not_found', message: 'Oops. File is not present on S3.' }]);
  });

  it('turns a parameter that is none of our fields into an error on the whole form', async () => {
    const reply = await submit({ occupation: '' });
    assert.deepEqual(providerFieldErrors(reply.json), [{ field: null, rule: 'provider', message: 'Occupation is mandatory', params: { parameter: 'occupation' } }]);
  });

  it('gives no field errors for a body without error_data (404 of an unknown user)', async () => {
    const reply = await call(h.sandbox.url, 'POST', '/api/v2/users-kyc/999999', validKyc());
    assert.equal(reply.status, 404);
    assert.deepEqual(providerFieldErrors(reply.json), []);
  });
});

describe('providerFieldErrors with malformed bodies', () => {
  it('ignores what is not an error body, and entries without a parameter and a message', () => {
    for (const body of [null, undefined, 'x', 42, [], { err: null }, { err: { error_data: 'x' } }, { success: true, data: {} }]) {
      assert.deepEqual(providerFieldErrors(body), []);
    }
    const body = { err: { error_data: [null, { parameter: 'city' }, { parameter: 1, msg: 'x' }, { parameter: 'city', msg: 'City is a mandatory field.' }] } };
    assert.deepEqual(providerFieldErrors(body), [{ field: 'city', rule: 'required', message: 'City is a mandatory field.' }]);
  });

  it('reads the err object alone, and knows no field by an inherited name', () => {
    assert.deepEqual(providerFieldErrors({ error_data: [{ parameter: 'constructor', msg: 'x' }] }), [{ field: null, rule: 'provider', message: 'x', params: { parameter: 'constructor' } }]);
  });

  it('shortens long messages and parameter names', () => {
    const [error] = providerFieldErrors({ err: { error_data: [{ parameter: 'p'.repeat(100), msg: 'm'.repeat(1000) }] } });
    assert.equal(error?.message.length, 300);
    assert.equal(String(error?.params?.['parameter']).length, 64);
  });
});
