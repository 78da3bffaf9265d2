/**
 * The optional auto-review: off by default; when configured, `delaySeconds` after each KYC submission it
 * clears AML and qualifies (or rejects AML for the last name DENY) through the store, so the webhooks go
 * out; it leaves alone what a reviewer acted on; pending decisions survive a restart. Time is a
 * `ManualClock`, so nothing here waits for real seconds.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../../demo/sandbox/config.js';
import { autoReviewDecision, createAutoReview, type AutoReview } from '../../../demo/sandbox/console/auto-review.js';
import { startLocalSandbox } from '../../../demo/sandbox/main.js';
import { ManualClock } from '../../../demo/sandbox/webhooks/manual-clock.js';
import { T0 } from '../webhooks/helpers.js';
import { call } from '../api/helpers.js';
import { csrfFrom, DOCUMENT_KEY, eventually, getPage, KEY_7, postForm, SECRET_7, SELFIE_KEY, startConsoleHarness, submitWithUploads, type ConsoleHarness } from './helpers.js';

type KycData = { user_kyc: Record<string, string> };
/** The console API's answer for one case (the parts read here). */
type ShownCase = { user_kyc: { kyc_status: string; last_acted_by: string } };

describe('auto-review rule', () => {
  it('rejects the last name DENY (any case, spaces ignored) and approves every other', () => {
    assert.equal(autoReviewDecision('DENY'), 'reject');
    assert.equal(autoReviewDecision(' deny '), 'reject');
    assert.equal(autoReviewDecision('Denyson'), 'approve');
    assert.equal(autoReviewDecision('Lovelace'), 'approve');
  });

  it('is off unless SANDBOX_AUTO_REVIEW_SECONDS is set, and refuses a value that is not seconds', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'auto-review-config-'));
    try {
      assert.equal(loadConfig({ SANDBOX_DATA_DIR: dataDir }).autoReviewSeconds, undefined);
      assert.equal(loadConfig({ SANDBOX_DATA_DIR: dataDir, SANDBOX_AUTO_REVIEW_SECONDS: '' }).autoReviewSeconds, undefined);
      assert.equal(loadConfig({ SANDBOX_DATA_DIR: dataDir, SANDBOX_AUTO_REVIEW_SECONDS: '5' }).autoReviewSeconds, 5);
      assert.equal(loadConfig({ SANDBOX_DATA_DIR: dataDir, SANDBOX_AUTO_REVIEW_SECONDS: '0' }).autoReviewSeconds, 0);
      for (const bad of ['soon', '-1', '1e9']) {
        assert.throws(() => loadConfig({ SANDBOX_DATA_DIR: dataDir, SANDBOX_AUTO_REVIEW_SECONDS: bad }), /SANDBOX_AUTO_REVIEW_SECONDS must be a number of seconds/);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('auto-review with the console sandbox', () => {
  let h: ConsoleHarness;
  let clock: ManualClock;
  let auto: AutoReview;
  let reviewDir: string;

  before(async () => {
    clock = new ManualClock(T0);
    reviewDir = mkdtempSync(join(tmpdir(), 'auto-review-'));
    auto = createAutoReview({ dataDir: reviewDir, delaySeconds: 30, clock });
    h = await startConsoleHarness({ events: (dispatcher) => auto.observe(dispatcher) });
    auto.start(h.sandbox.store);
  });

  after(async () => {
    auto.close();
    await h.stop();
    rmSync(reviewDir, { recursive: true, force: true });
  });

  /** Submit and wait (bounded) until the auto-review has noted the submission and armed its timer. */
  async function submitNoted(person: { email: string; lastName: string }, pendingBefore = auto.pendingCount()): Promise<number> {
    const userId = await h.submitCase(person);
    await eventually(() => (auto.pendingCount() > pendingBefore && clock.pendingTimers > 0 ? true : undefined), 'the submission to be noted');
    return userId;
  }

  it('decides each case the delay after its submission, through the store, with verified webhooks', async () => {
    const seen = h.receiver.received.length;
    const approved = await submitNoted({ email: 'auto-ok@example.com', lastName: 'Lovelace' });
    const denied = await submitNoted({ email: 'auto-deny@example.com', lastName: 'DENY' });
    const reviewed = await submitNoted({ email: 'auto-reviewed@example.com', lastName: 'Hopper' });
    // A reviewer acts on the third case first: the auto-review must leave it alone.
    const token = csrfFrom((await getPage(h.url, `/console/clients/7/cases/${reviewed}`)).text);
    assert.equal((await postForm(h.url, `/console/clients/7/cases/${reviewed}/report`, [['csrf', token], ['types', 'document_issue']])).status, 303);

    clock.advance(29_000);
    for (const userId of [approved, denied]) assert.equal(h.sandbox.store.getKyc(7, userId)?.aml_status, 'unprocessed', 'nothing before the delay');

    clock.advance(1_000);
    const ok = h.sandbox.store.getKyc(7, approved);
    assert.deepEqual([ok?.aml_status, ok?.admin_status, ok?.last_acted_by], ['cleared', 'qualified', 'KYC system']);
    const no = h.sandbox.store.getKyc(7, denied);
    assert.deepEqual([no?.aml_status, no?.admin_status], ['rejected', 'unprocessed']);
    const untouched = h.sandbox.store.getKyc(7, reviewed);
    assert.deepEqual([untouched?.aml_status, untouched?.admin_status, untouched?.last_acted_by], ['unprocessed', 'unprocessed', 'Sandbox admin']);
    assert.equal(auto.pendingCount(), 0);

    const approvedEvent = await h.webhook('kyc_status_update', approved, { after: seen });
    assert.equal(approvedEvent['source'], 'kyc_system');
    assert.equal((approvedEvent['data'] as KycData).user_kyc['kyc_status'], 'approved');
    assert.equal((approvedEvent['data'] as KycData).user_kyc['last_acted_by'], 'KYC system');
    const deniedEvent = await h.webhook('kyc_status_update', denied, { after: seen });
    assert.equal(deniedEvent['source'], 'kyc_system');
    assert.equal((deniedEvent['data'] as KycData).user_kyc['kyc_status'], 'denied');
  });

  it('starts the delay again when the user resubmits', async () => {
    const userId = await submitNoted({ email: 'auto-resubmit@example.com', lastName: 'Curie' });
    clock.advance(20_000);
    const resubmitted = await call(h.url, 'POST', `/api/v2/users-kyc/${userId}`, {
      first_name: 'Marie', last_name: 'Curie', birthdate: '10/12/1990', country: 'india', nationality: 'indian', document_id_number: 'P7654321',
      document_id_file_path: DOCUMENT_KEY, selfie_file_path: SELFIE_KEY, ethereum_address: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
    }, { apiKey: KEY_7, apiSecret: SECRET_7 });
    assert.equal(resubmitted.status, 200, resubmitted.text);
    assert.equal(resubmitted.json.data.user_kyc.submission_count, 2);
    assert.equal(auto.pendingCount(), 1, 'the resubmission replaced the pending decision');
    clock.advance(10_000);
    assert.equal(h.sandbox.store.getKyc(7, userId)?.admin_status, 'unprocessed', '30 s after the first submission is only 10 s after the second');
    clock.advance(20_000);
    assert.equal(h.sandbox.store.getKyc(7, userId)?.admin_status, 'qualified');
  });
});

describe('auto-review across a restart', () => {
  it('makes the decisions that fell due while it was stopped as soon as it starts', async () => {
    const clock = new ManualClock(T0);
    const reviewDir = mkdtempSync(join(tmpdir(), 'auto-review-restart-'));
    const first = createAutoReview({ dataDir: reviewDir, delaySeconds: 60, clock });
    const h = await startConsoleHarness({ events: (dispatcher) => first.observe(dispatcher) });
    try {
      first.start(h.sandbox.store);
      const userId = await h.submitCase({ email: 'restart@example.com' });
      await eventually(() => (first.pendingCount() === 1 ? true : undefined), 'the submission to be noted');
      first.close();
      clock.advance(120_000);
      assert.equal(h.sandbox.store.getKyc(7, userId)?.admin_status, 'unprocessed', 'a stopped auto-review decides nothing');

      const second = createAutoReview({ dataDir: reviewDir, delaySeconds: 60, clock });
      try {
        assert.equal(second.pendingCount(), 1, 'the pending decision was kept');
        second.start(h.sandbox.store);
        assert.equal(h.sandbox.store.getKyc(7, userId)?.admin_status, 'qualified');
        assert.equal(second.pendingCount(), 0);
        const event = await h.webhook('kyc_status_update', userId);
        assert.equal((event['data'] as KycData).user_kyc['kyc_status'], 'approved');
      } finally {
        second.close();
      }
    } finally {
      await h.stop();
      rmSync(reviewDir, { recursive: true, force: true });
    }
  });
});

describe('auto-review in npm run sandbox', () => {
  const credentials = { apiKey: 'e'.repeat(32), apiSecret: 'f'.repeat(32) };

  it('is off by default', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'auto-review-local-off-'));
    const lines: string[] = [];
    const sandbox = await startLocalSandbox(loadConfig({ SANDBOX_DATA_DIR: dataDir, SANDBOX_PORT: '0', SANDBOX_API_KEY: credentials.apiKey, SANDBOX_API_SECRET: credentials.apiSecret }), { SANDBOX_S3_PORT: '0' }, (line) => lines.push(line));
    try {
      assert.ok(lines.includes('auto-review off (set SANDBOX_AUTO_REVIEW_SECONDS to turn it on)'));
      assert.ok(lines.some((line) => line === `review console: ${sandbox.url}/console/ (no login: local use only)`));
      assert.equal(existsSync(join(dataDir, 'auto-review.sqlite')), false);
      const userId = await submitWithUploads(sandbox.url, credentials, { email: 'local@example.com' });
      const shown = (await (await fetch(`${sandbox.url}/console/api/clients/1/cases/${userId}`)).json()) as ShownCase;
      assert.equal(shown.user_kyc.kyc_status, 'pending');
    } finally {
      await sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('approves a submitted case when SANDBOX_AUTO_REVIEW_SECONDS is set (0: at once)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'auto-review-local-on-'));
    const lines: string[] = [];
    const env = { SANDBOX_DATA_DIR: dataDir, SANDBOX_PORT: '0', SANDBOX_API_KEY: credentials.apiKey, SANDBOX_API_SECRET: credentials.apiSecret, SANDBOX_AUTO_REVIEW_SECONDS: '0' };
    const sandbox = await startLocalSandbox(loadConfig(env), { SANDBOX_S3_PORT: '0' }, (line) => lines.push(line));
    try {
      assert.ok(lines.some((line) => line.startsWith('auto-review on: 0 s after each KYC submission')));
      const userId = await submitWithUploads(sandbox.url, credentials, { email: 'local@example.com' });
      const approved = await eventually(async () => {
        const shown = (await (await fetch(`${sandbox.url}/console/api/clients/1/cases/${userId}`)).json()) as ShownCase;
        return shown.user_kyc.kyc_status === 'approved' ? shown : undefined;
      }, 'the auto-review to approve the case');
      assert.equal(approved.user_kyc.last_acted_by, 'KYC system');
      assert.ok(lines.includes(`auto-review: client 1 user ${userId} approved (AML cleared, qualified)`));
    } finally {
      await sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
