/**
 * The review actions through the console's forms over real HTTP: each changes the case as the provider
 * would and emits its webhook, which a real receiver verifies with `verifyWebhook`; actions that do not
 * apply are refused with a 4xx page; forms without the token or from another origin are refused; the
 * delivery log and the test send show what was delivered.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { QueryParams } from '../../../proxy/signer.js';
import { SECRET_B } from '../webhooks/helpers.js';
import { csrfFrom, getPage, postForm, startConsoleHarness, type ConsoleHarness, type Page } from './helpers.js';

type KycData = { user_kyc: Record<string, unknown> };
type ApiError = { error: { code: string; message: string } };

describe('review console actions', () => {
  let h: ConsoleHarness;
  let token: string;

  before(async () => {
    h = await startConsoleHarness({ testSendTimeoutMs: 2000 });
    // Client 8's webhook always answers 500, for a failed test send.
    h.receiver.endpoints.set('/failing/', { registeredUrl: `${h.receiver.origin}/failing/`, secret: SECRET_B, replies: [500] });
    h.dispatcher.settings.set(8, [{ url: `${h.receiver.origin}/failing/`, secret: SECRET_B, sources: ['web'], types: ['user_kyc'] }]);
    token = csrfFrom((await getPage(h.url, '/console/webhooks')).text);
  });

  after(async () => {
    await h.stop();
  });

  const casePath = (userId: number) => `/console/clients/7/cases/${userId}`;

  /** Post an action's form, check the redirect, and return the verified webhook it caused. */
  async function act(userId: number, action: string, event: string, fields: [string, string][] = []): Promise<QueryParams> {
    const seen = h.receiver.received.length;
    const reply = await postForm(h.url, `${casePath(userId)}/${action}`, [['csrf', token], ...fields]);
    assert.equal(reply.status, 303, reply.text);
    const location = reply.headers.get('location') ?? '';
    assert.equal(location, action === 'delete' ? `/console/?client=7&done=delete` : `${casePath(userId)}?done=${action}`);
    const landing = await getPage(h.url, location);
    assert.equal(landing.status, 200);
    assert.match(landing.text, new RegExp(`class="notice notice-success" role="status">[^<]*${event} event was queued`));
    return h.webhook(event, userId, { after: seen });
  }

  /** Post an action that must be refused, and check that the case did not change. */
  async function refused(userId: number, action: string, fields: [string, string][] = []): Promise<Page> {
    const before = h.sandbox.store.getKyc(7, userId);
    const reply = await postForm(h.url, `${casePath(userId)}/${action}`, [['csrf', token], ...fields]);
    assert.deepEqual(h.sandbox.store.getKyc(7, userId), before, 'the case is unchanged');
    return reply;
  }

  it('walks a case through every action, each with its verified webhook', async () => {
    const userId = await h.submitCase({ email: 'walk@example.com' });
    await h.webhook('kyc_submit', userId);

    let event = await act(userId, 'report', 'kyc_status_update', [['types', 'data_mismatch'], ['types', 'document_issue']]);
    let kyc = (event['data'] as KycData).user_kyc;
    assert.equal(event['source'], 'web');
    assert.deepEqual(kyc['admin_action_types'], ['data_mismatch', 'document_issue']);
    assert.equal(kyc['last_acted_by'], 'Sandbox admin');

    event = await act(userId, 'qualify', 'kyc_status_update');
    kyc = (event['data'] as KycData).user_kyc;
    assert.equal(kyc['admin_status'], 'qualified');
    assert.equal(kyc['kyc_status'], 'pending');
    assert.equal(kyc['admin_action_types'], undefined, 'qualifying clears the issues (an empty list is not sent)');

    event = await act(userId, 'aml', 'kyc_status_update', [['status', 'cleared']]);
    kyc = (event['data'] as KycData).user_kyc;
    assert.equal(event['source'], 'kyc_system', 'the AML vendor clears');
    assert.equal(kyc['aml_status'], 'cleared');
    assert.equal(kyc['kyc_status'], 'approved');

    event = await act(userId, 'whitelist', 'kyc_status_update', [['status', 'started']]);
    assert.equal((event['data'] as KycData).user_kyc['whitelist_status'], 'started');
    event = await act(userId, 'whitelist', 'kyc_status_update', [['status', 'done']]);
    assert.equal((event['data'] as KycData).user_kyc['whitelist_status'], 'done');

    event = await act(userId, 'reopen', 'kyc_reopen');
    kyc = (event['data'] as KycData).user_kyc;
    assert.equal(event['source'], 'web');
    assert.equal(kyc['kyc_status'], 'pending');
    assert.equal(kyc['admin_status'], 'unprocessed');
    assert.equal(kyc['whitelist_status'], 'unprocessed');

    event = await act(userId, 'aml', 'kyc_status_update', [['status', 'approved']]);
    assert.equal(event['source'], 'web', 'approving an AML match is an admin decision');

    event = await act(userId, 'deny', 'kyc_status_update');
    assert.equal((event['data'] as KycData).user_kyc['kyc_status'], 'denied');

    event = await act(userId, 'eth', 'update_ethereum_address', [['address', ' 0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359 ']]);
    assert.equal(event['source'], 'web');
    assert.equal(h.sandbox.store.getKycDetail(7, userId)?.detail.ethereum_address, '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359');
    const detail = await getPage(h.url, casePath(userId));
    assert.match(detail.text, /<td>0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359<\/td>/);
    assert.match(detail.text, /<dt>Last acted by<\/dt><dd>Sandbox admin<\/dd>/);

    event = await act(userId, 'delete', 'user_deleted');
    assert.equal(event['type'], 'user');
    assert.equal((event['data'] as { user: Record<string, unknown> }).user['email'], 'walk@example.com', 'the user as it was');
    assert.equal(h.sandbox.store.getUser(7, userId), undefined);
    assert.equal((await getPage(h.url, casePath(userId))).status, 404);
  });

  it('refuses actions that do not apply, with the reason and a 409 page', async () => {
    const userId = await h.submitCase({ email: 'refused@example.com' });
    let reply = await refused(userId, 'reopen');
    assert.equal(reply.status, 409);
    assert.match(reply.text, /<h1>That action does not apply<\/h1>/);
    assert.match(reply.text, /The case is pending: only an approved or denied case can be reopened\./);
    assert.ok(reply.text.includes(`href="${casePath(userId)}"`), 'links back to the case');

    reply = await refused(userId, 'whitelist', [['status', 'started']]);
    assert.equal(reply.status, 409);
    assert.match(reply.text, /only an approved case is whitelisted/);

    const set = await postForm(h.url, `${casePath(userId)}/aml`, [['csrf', token], ['status', 'cleared']]);
    assert.equal(set.status, 303, 'AML can be set on a pending case');
    reply = await refused(userId, 'aml', [['status', 'cleared']]);
    assert.equal(reply.status, 409);
    assert.match(reply.text, /The AML status is already cleared\./);

    await postForm(h.url, `${casePath(userId)}/deny`, [['csrf', token]]);
    for (const action of ['qualify', 'deny', 'report']) {
      reply = await refused(userId, action, [['types', 'other_issue']]);
      assert.equal(reply.status, 409, action);
      assert.match(reply.text, /The case is denied/);
    }
  });

  it('refuses bad input with a 400 page', async () => {
    const userId = await h.submitCase({ email: 'input@example.com' });
    const cases: [string, [string, string][], RegExp][] = [
      ['report', [], /Choose at least one issue type/],
      ['report', [['types', 'fraud']], /Unknown issue type &quot;fraud&quot;/],
      ['aml', [['status', 'pending']], /The AML status must be one of cleared, approved, rejected, failed\./],
      ['whitelist', [['status', 'unprocessed']], /The whitelist status must be one of started, done, failed\./],
      ['eth', [['address', '0x1234']], /not an Ethereum address/],
      ['eth', [['address', '0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed']], /fails its EIP-55 checksum \(did you mean 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\?\)/],
      ['promote', [], /Unknown action &quot;promote&quot;/],
    ];
    for (const [action, fields, message] of cases) {
      const reply = await refused(userId, action, fields);
      assert.equal(reply.status, 400, `${action} ${JSON.stringify(fields)}`);
      assert.match(reply.text, message);
    }
    const missing = await postForm(h.url, '/console/clients/7/cases/999999/qualify', [['csrf', token]]);
    assert.equal(missing.status, 404);
  });

  it('refuses a form without the token, with a wrong token, or from another site', async () => {
    const userId = await h.submitCase({ email: 'csrf@example.com' });
    const attempts: { fields: [string, string][]; headers: Record<string, string>; message: RegExp }[] = [
      { fields: [], headers: {}, message: /The form has expired or did not come from this console/ },
      { fields: [['csrf', '0'.repeat(64)]], headers: {}, message: /The form has expired/ },
      { fields: [['csrf', token]], headers: { origin: 'https://evil.example' }, message: /Requests from another origin are refused/ },
      { fields: [['csrf', token]], headers: { 'sec-fetch-site': 'cross-site' }, message: /Cross-site requests are refused/ },
    ];
    for (const attempt of attempts) {
      const reply = await postForm(h.url, `${casePath(userId)}/qualify`, attempt.fields, attempt.headers);
      assert.equal(reply.status, 403);
      assert.match(reply.text, attempt.message);
    }
    assert.equal(h.sandbox.store.getKyc(7, userId)?.admin_status, 'unprocessed');
  });

  it('refuses JSON API calls that a web page could forge', async () => {
    const userId = await h.submitCase({ email: 'json@example.com' });
    const path = `${h.url}/console/api/clients/7/cases/${userId}/qualify`;
    const asForm = await fetch(path, { method: 'POST', body: 'x=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(asForm.status, 415);
    assert.equal(((await asForm.json()) as ApiError).error.code, 'unsupported_media_type');
    const crossOrigin = await fetch(path, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', origin: 'https://evil.example' } });
    assert.equal(crossOrigin.status, 403);
    assert.equal(((await crossOrigin.json()) as ApiError).error.code, 'forbidden');
    assert.equal(h.sandbox.store.getKyc(7, userId)?.admin_status, 'unprocessed');
    const allowed = await fetch(path, { method: 'POST', body: JSON.stringify({ admin: 'Cli Reviewer' }), headers: { 'content-type': 'application/json' } });
    assert.equal(allowed.status, 200);
    assert.equal(((await allowed.json()) as { user_kyc: { last_acted_by: string } }).user_kyc.last_acted_by, 'Cli Reviewer');
  });

  it('shows each delivery attempt in the delivery log', async () => {
    const userId = await h.submitCase({ email: 'log@example.com' });
    await h.webhook('kyc_submit', userId);
    const page = await getPage(h.url, '/console/deliveries?client=7');
    assert.equal(page.status, 200);
    assert.match(page.text, /<h1>Webhook delivery log<\/h1>/);
    assert.ok(page.text.includes(`<code>${h.receiver.origin}/hooks/kyc/</code>`));
    assert.match(page.text, /<td>kyc_submit<\/td><td><code>[^<]+<\/code><\/td><td>1<\/td><td>HTTP 200<\/td><td>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC<\/td><td><span class="state state-delivered">delivered<\/span><\/td><td>—<\/td>/);
    const other = await getPage(h.url, '/console/deliveries?client=8');
    assert.match(other.text, /No delivery yet/);
    const unknown = await getPage(h.url, '/console/deliveries?client=5');
    assert.equal(unknown.status, 404);
  });

  it('sends a signed test webhook once and shows the result', async () => {
    const page = await getPage(h.url, '/console/webhooks');
    assert.ok(page.text.includes(`<code>${h.receiver.origin}/hooks/kyc/</code>`));
    assert.ok(!page.text.includes('0123456789abcdef'), 'the webhook secret is never shown');
    const seen = h.receiver.received.length;
    const reply = await postForm(h.url, '/console/webhooks/test', [['csrf', token], ['client', '7'], ['index', '0'], ['type', 'user_kyc']]);
    assert.equal(reply.status, 303);
    assert.equal(reply.headers.get('location'), '/console/webhooks?sent=1');
    const test = h.receiver.received.slice(seen).find((request) => request.path === '/hooks/kyc/');
    assert.ok(test?.verified.ok, 'the receiver verified the test webhook');
    assert.equal(test.event?.['name'], 'kyc_status_update');
    assert.equal((test.event?.['data'] as KycData).user_kyc['user_id'], '0');
    const result = await getPage(h.url, '/console/webhooks?sent=1');
    assert.match(result.text, /The test webhook was delivered \(HTTP 200\)\./);
    assert.match(result.text, /<td>HTTP 200 \(delivered\)<\/td>/);

    const failing = await postForm(h.url, '/console/webhooks/test', [['csrf', token], ['client', '8'], ['index', '0'], ['type', 'user_kyc']]);
    assert.equal(failing.status, 303);
    const failed = await getPage(h.url, '/console/webhooks?sent=1');
    assert.match(failed.text, /The test webhook was not delivered/);
    assert.match(failed.text, /HTTP 500 \(counts as failed: only 200 is success\)/);
    assert.equal(h.receiver.receivedAt('/failing/').length, 1, 'a test send is never retried');

    const wrongType = await postForm(h.url, '/console/webhooks/test', [['csrf', token], ['client', '8'], ['index', '0'], ['type', 'user']]);
    assert.equal(wrongType.status, 400);
    const noToken = await postForm(h.url, '/console/webhooks/test', [['client', '7'], ['index', '0'], ['type', 'user']]);
    assert.equal(noToken.status, 403);
  });
});
