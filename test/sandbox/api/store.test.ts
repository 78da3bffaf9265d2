/**
 * The store's review actions (for the console), tested at the store level: state changes, guards, and
 * the §4 events with their sources.
 */
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, ReviewError, type SandboxStore } from '../../../demo/sandbox/store.js';
import type { KycSubmission } from '../../../demo/sandbox/kyc-model.js';
import { formatUserKyc } from '../../../demo/sandbox/kyc-model.js';
import { RecordingEvents } from './helpers.js';

const submission: KycSubmission = {
  first_name: 'A',
  last_name: 'B',
  birthdate: '1990-01-01',
  country: 'INDIA',
  nationality: 'INDIAN',
  document_id_number: 'x1',
  document_id_file_path: '7/i/a',
  selfie_file_path: '7/i/b',
  residence_proof_file_path: null,
  investor_proof_files_path: [],
  ethereum_address: null,
  estimated_participation_amount: null,
  street_address: null,
  city: null,
  state: null,
  postal_code: null,
  extra: {},
};

describe('sandbox store review actions', () => {
  const dirs: string[] = [];
  let store: SandboxStore;
  let events: RecordingEvents;
  let userId: number;
  beforeEach(() => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-store-'));
    dirs.push(dir);
    events = new RecordingEvents();
    store = openStore({ dataDir: dir, events, now: () => 1_700_000_000_000 });
    const user = store.createUser(7, 'r@example.com');
    assert.notEqual(user, 'duplicate');
    userId = (user as { id: number }).id;
    assert.equal(store.submitKyc(7, userId, submission).kind, 'ok');
  });
  afterEach(() => {
    store.close();
  });
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('qualify + AML cleared → approved; event kyc_status_update from web', () => {
    const kyc = store.qualify(7, userId, 'Ann');
    assert.equal(kyc.admin_status, 'qualified');
    assert.equal(kyc.last_acted_by, 'Ann');
    const last = events.events.at(-1);
    assert.equal(last?.name, 'kyc_status_update');
    assert.equal(last?.source, 'web');
    assert.equal(last?.createdAt, 1_700_000_000);
    const cleared = store.setAmlStatus(7, userId, 'cleared', 'kyc_system');
    assert.equal(formatUserKyc(cleared)['kyc_status'], 'approved');
    assert.equal(events.events.at(-1)?.source, 'kyc_system');
    assert.throws(() => store.deny(7, userId, 'Ann'), ReviewError);
  });

  it('the auto-approver acts as "KYC system"', () => {
    const kyc = store.setAmlStatus(7, userId, 'approved', 'kyc_system', true);
    assert.equal(kyc.last_acted_by, 'KYC system');
    assert.equal(formatUserKyc(kyc)['kyc_status'], 'approved');
  });

  it('deny, then reopen (kyc_reopen from web), then resubmission is allowed', () => {
    store.deny(7, userId, 'Ann');
    assert.equal(store.submitKyc(7, userId, submission).kind, 'closed');
    const reopened = store.reopen(7, userId, 'Bob');
    assert.equal(reopened.admin_status, 'unprocessed');
    assert.equal(events.events.at(-1)?.name, 'kyc_reopen');
    assert.equal(store.submitKyc(7, userId, submission).kind, 'ok');
    assert.throws(() => store.reopen(7, userId, 'Bob'), ReviewError);
  });

  it('report issue types in bit order', () => {
    const kyc = store.reportIssue(7, userId, ['other_issue', 'data_mismatch'], 'Ann');
    assert.deepEqual(formatUserKyc(kyc)['admin_action_types'], ['data_mismatch', 'other_issue']);
    assert.equal(formatUserKyc(kyc)['kyc_status'], 'pending');
    assert.throws(() => store.reportIssue(7, userId, [], 'Ann'), ReviewError);
  });

  it('whitelist status comes from kyc_system', () => {
    const kyc = store.setWhitelistStatus(7, userId, 'done');
    assert.equal(kyc.whitelist_status, 'done');
    assert.equal(events.events.at(-1)?.source, 'kyc_system');
  });

  it('update ethereum address changes the latest submission (update_ethereum_address, web)', () => {
    store.updateEthereumAddress(7, userId, '0x32be343b94f860124dc4fee278fdcbd38c102d88', 'Ann');
    assert.equal(store.getKycDetail(7, userId)?.detail.ethereum_address, '0x32be343b94f860124dc4fee278fdcbd38c102d88');
    assert.equal(events.events.at(-1)?.name, 'update_ethereum_address');
  });

  it('delete user frees the email and hides the case (user_deleted, web)', () => {
    store.deleteUser(7, userId);
    assert.equal(store.getUser(7, userId), undefined);
    assert.equal(store.getKyc(7, userId), undefined);
    assert.equal(events.events.at(-1)?.name, 'user_deleted');
    assert.equal(events.events.at(-1)?.source, 'web');
    assert.notEqual(store.createUser(7, 'R@example.com'), 'duplicate');
    assert.throws(() => store.deleteUser(7, userId), ReviewError);
  });

  it('actions on another client’s case are refused', () => {
    assert.throws(() => store.qualify(8, userId, 'Ann'), ReviewError);
    assert.equal(store.submitKyc(8, userId, submission).kind, 'other_client');
  });
});
