/**
 * `POST /webhooks/:sale` over HTTP with webhooks signed here as the provider signs them (`signWebhook`):
 * a valid one reaches the investor's open status stream and is forwarded, signed, to the sale's backend
 * (retried after a failure); a bad signature, a stale or future timestamp or a replayed id changes
 * nothing; out-of-order events end on the provider's state; a second secret works during a rotation.
 *
 * The sandbox's own deliveries are switched off: the reviewer's actions change the case at the sandbox
 * (which the proxy reads back), and the test sends the matching webhook itself.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { formatUserKyc } from '../../../demo/sandbox/kyc-model.js';
import type { UserKycRow } from '../../../demo/sandbox/kyc-model.js';
import { signWebhook, type ParamValue } from '../../../proxy/signer.js';
import { forwardSignature } from '../../../proxy/status/webhook-forwarder.js';
import { api, openStatusStream, signIn, statusOf, uniqueEmail, uploadDocuments, validSubmission, type Investor, type StatusStream } from '../support/investor.js';
import { CLIENT_ID, SALE_ID, startStack, WEBHOOK_SECRET, type Stack } from '../support/proxy-stack.js';

const NEW_WEBHOOK_SECRET = 'd4'.repeat(16);
const FORWARD_SECRET = 'forward-secret-0123456789abcdef';

/** One request the sale's backend received. */
interface Forwarded {
  headers: IncomingHttpHeaders;
  body: string;
}

/** The sale's backend: records every forwarded change; answers 500 to the first delivery of listed event ids. */
async function startSaleBackend(): Promise<{ url: string; received: Forwarded[]; failFirst: Set<string>; close(): Promise<void> }> {
  const received: Forwarded[] = [];
  const failFirst = new Set<string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, body });
      const eventId = (JSON.parse(body) as { eventId?: string }).eventId ?? '';
      if (failFirst.delete(eventId)) {
        res.writeHead(500).end('try again');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/kyc-hook`,
    received,
    failFirst,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

let nextEventId = 900_000;

/** A `user_kyc` event as the provider sends it, about `row` (a case as the sandbox store returns it). */
function caseEvent(row: UserKycRow, options: { id?: string; createdAt?: number; name?: string } = {}): Record<string, ParamValue> {
  nextEventId += 1;
  return {
    id: options.id ?? String(nextEventId),
    name: options.name ?? 'kyc_status_update',
    type: 'user_kyc',
    description: 'KYC status was updated',
    version: 'v1',
    source: 'web',
    data: { user_kyc: formatUserKyc(row) as Record<string, ParamValue> },
    created_at: options.createdAt ?? Math.floor(Date.now() / 1000),
  };
}

describe('POST /webhooks/:sale', () => {
  let backend: Awaited<ReturnType<typeof startSaleBackend>>;
  let stack: Stack;
  let webhookUrl: string;

  before(async () => {
    backend = await startSaleBackend();
    stack = await startStack({
      env: { TEST_NEW_WEBHOOK_SECRET: NEW_WEBHOOK_SECRET, TEST_FORWARD_SECRET: FORWARD_SECRET },
      sale: { webhook: { secrets: [{ env: 'TEST_WEBHOOK_SECRET' }, { env: 'TEST_NEW_WEBHOOK_SECRET' }], forward: { url: backend.url, secret: { env: 'TEST_FORWARD_SECRET' } } } },
    });
    webhookUrl = `${stack.proxyUrl}/webhooks/${SALE_ID}`;
    // Only the webhooks this test signs reach the proxy.
    stack.webhooks.settings.set(CLIENT_ID, []);
  });
  after(async () => {
    await stack.close();
    await backend.close();
  });
  beforeEach(() => settled());

  /** Wait until the proxy's follow-ups (case read back, forwarding) are done. */
  async function settled(): Promise<void> {
    const proxy = stack.proxies[0];
    assert.ok(proxy !== undefined);
    while (proxy.deps.background.size > 0) await Promise.allSettled([...proxy.deps.background]);
    await proxy.deps.forwarder.idle();
  }

  /** POST a form body to the webhook route. */
  async function deliver(body: string, contentType = 'application/x-www-form-urlencoded'): Promise<{ status: number; body: { received?: boolean; duplicate?: boolean; error?: { code: string } } }> {
    const response = await fetch(webhookUrl, { method: 'POST', headers: { 'Content-Type': contentType }, body, signal: AbortSignal.timeout(10_000) });
    return { status: response.status, body: (await response.json()) as { received?: boolean } };
  }

  /** An investor with a submitted case (pending), and their stream open past its first event. */
  async function investorWithStream(label: string): Promise<{ investor: Investor; userId: number; stream: StatusStream }> {
    const investor = await signIn(stack, uniqueEmail(label));
    const keys = await uploadDocuments(stack, investor.token);
    assert.equal((await api(stack, 'kyc', { token: investor.token, body: validSubmission(keys) })).status, 201);
    const stream = await openStatusStream(stack, investor.token);
    assert.equal(statusOf(await stream.nextEvent()).state, 'pending');
    return { investor, userId: Number(investor.userId), stream };
  }

  const latestEvent = (investor: Investor) => stack.proxies[0]?.deps.statusHub.latest(SALE_ID, investor.userId);

  test('a valid webhook is 200 and its status reaches the open stream', async () => {
    const { userId, stream } = await investorWithStream('valid');
    try {
      const row = stack.sandbox.store.reportIssue(CLIENT_ID, userId, ['document_issue'], 'Admin');
      const answer = await deliver(signWebhook(webhookUrl, caseEvent(row), WEBHOOK_SECRET).body);
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, { received: true });
      const event = await stream.nextEvent();
      assert.deepEqual(statusOf(event), { state: 'needs_action', reasons: ['document_issue'], whitelist: 'unprocessed', submissionCount: 1 });
    } finally {
      stream.close();
    }
  });

  test('a bad signature is 401 and changes nothing', async () => {
    const { investor, userId, stream } = await investorWithStream('bad-signature');
    try {
      const before = await latestEvent(investor);
      // What a forger would like the investor to see.
      const approved = { ...stack.sandbox.store.getKyc(CLIENT_ID, userId), admin_status: 'qualified', aml_status: 'cleared' } as UserKycRow;
      const wrongSecret = signWebhook(webhookUrl, caseEvent(approved), 'e5'.repeat(16)).body;
      const wrongUrl = signWebhook(`${webhookUrl}/`, caseEvent(approved), WEBHOOK_SECRET).body;
      const tampered = signWebhook(webhookUrl, caseEvent(stack.sandbox.store.getKyc(CLIENT_ID, userId) as UserKycRow), WEBHOOK_SECRET).body.replace('admin_status%5D=unprocessed', 'admin_status%5D=qualified');
      assert.match(tampered, /admin_status%5D=qualified/);
      const unsigned = signWebhook(webhookUrl, caseEvent(approved), WEBHOOK_SECRET).body.replace(/&?signature=[0-9a-f]+/, '');
      for (const [body, code] of [[wrongSecret, 'webhook_bad_signature'], [wrongUrl, 'webhook_bad_signature'], [tampered, 'webhook_bad_signature'], [unsigned, 'webhook_missing_signature']] as const) {
        const answer = await deliver(body);
        assert.equal(answer.status, 401, code);
        assert.equal(answer.body.error?.code, code);
      }
      await assert.rejects(stream.nextEvent(400), /No stream item/);
      assert.deepEqual(await latestEvent(investor), before);
    } finally {
      stream.close();
    }
  });

  test('a timestamp older or newer than 300 s is 401 and changes nothing', async () => {
    const { investor, userId, stream } = await investorWithStream('stale');
    try {
      const before = await latestEvent(investor);
      const row = stack.sandbox.store.reportIssue(CLIENT_ID, userId, ['other_issue'], 'Admin');
      for (const offsetSeconds of [-301, 301, -3600]) {
        const answer = await deliver(signWebhook(webhookUrl, caseEvent(row), WEBHOOK_SECRET, Date.now() + offsetSeconds * 1000).body);
        assert.equal(answer.status, 401, String(offsetSeconds));
        assert.equal(answer.body.error?.code, 'webhook_timestamp_out_of_window');
      }
      await assert.rejects(stream.nextEvent(400), /No stream item/);
      assert.deepEqual(await latestEvent(investor), before);
      // Within the window it is accepted (the same event, sent on time).
      assert.equal((await deliver(signWebhook(webhookUrl, caseEvent(row), WEBHOOK_SECRET, Date.now() - 290_000).body)).status, 200);
      assert.equal(statusOf(await stream.nextEvent()).state, 'needs_action');
    } finally {
      stream.close();
    }
  });

  test('a replayed event id is 200 duplicate and is not applied again', async () => {
    const { investor, userId, stream } = await investorWithStream('replay');
    try {
      const createdAt = Math.floor(Date.now() / 1000);
      const issue = caseEvent(stack.sandbox.store.reportIssue(CLIENT_ID, userId, ['data_mismatch'], 'Admin'), { createdAt });
      const first = signWebhook(webhookUrl, issue, WEBHOOK_SECRET).body;
      assert.deepEqual((await deliver(first)).body, { received: true });
      assert.equal(statusOf(await stream.nextEvent()).state, 'needs_action');
      await settled();

      // The investor resubmits (pending again, submission 2); then the old event comes again, as the
      // provider's retry (re-signed, same id) and as a byte-for-byte replay, in the same second.
      const keys = await uploadDocuments(stack, investor.token);
      assert.equal((await api(stack, 'kyc', { token: investor.token, body: validSubmission(keys) })).status, 201);
      assert.equal(statusOf(await stream.nextEvent()).submissionCount, 2);
      const pushedBefore = await latestEvent(investor);
      for (const body of [signWebhook(webhookUrl, issue, WEBHOOK_SECRET).body, first]) {
        const answer = await deliver(body);
        assert.equal(answer.status, 200);
        assert.deepEqual(answer.body, { received: true, duplicate: true });
      }
      await settled();
      await assert.rejects(stream.nextEvent(400), /No stream item/);
      assert.deepEqual(await latestEvent(investor), pushedBefore);
      assert.equal(backend.received.filter((request) => JSON.parse(request.body).eventId === issue['id']).length, 1, 'forwarded once');
    } finally {
      stream.close();
    }
  });

  test('events out of order (newer first): the stream ends on the provider\'s state', async () => {
    const { investor, userId, stream } = await investorWithStream('order');
    try {
      const now = Math.floor(Date.now() / 1000);
      const older = caseEvent(stack.sandbox.store.setAmlStatus(CLIENT_ID, userId, 'cleared', 'kyc_system'), { createdAt: now - 10 });
      const newer = caseEvent(stack.sandbox.store.qualify(CLIENT_ID, userId, 'Admin'), { createdAt: now });
      assert.equal((await deliver(signWebhook(webhookUrl, newer, WEBHOOK_SECRET).body)).status, 200);
      assert.equal(statusOf(await stream.nextEvent()).state, 'approved');
      assert.equal((await deliver(signWebhook(webhookUrl, older, WEBHOOK_SECRET).body)).status, 200);
      await settled();
      await assert.rejects(stream.nextEvent(400), /No stream item/, 'the older event is not pushed');
      assert.equal((await latestEvent(investor))?.status.state, 'approved');
    } finally {
      stream.close();
    }
  });

  test('an older event arriving alone is corrected by the case read back from the provider', async () => {
    const { investor, userId, stream } = await investorWithStream('stale-alone');
    try {
      // The reviewer reports an issue, then denies the case; only the first event has arrived so far.
      const issue = caseEvent(stack.sandbox.store.reportIssue(CLIENT_ID, userId, ['document_issue'], 'Admin'));
      stack.sandbox.store.deny(CLIENT_ID, userId, 'Admin');
      assert.equal((await deliver(signWebhook(webhookUrl, issue, WEBHOOK_SECRET).body)).status, 200);
      const states: string[] = [];
      while (states.at(-1) !== 'denied') states.push(statusOf(await stream.nextEvent()).state);
      assert.deepEqual(states, ['needs_action', 'denied']);
      assert.equal((await latestEvent(investor))?.status.state, 'denied');
    } finally {
      stream.close();
    }
  });

  test('a malformed body is 400, another content type 415, an event without id or name 400', async () => {
    const malformed = await deliver('id=1&name=%zz&signature=00');
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error?.code, 'webhook_malformed_body');
    const json = await deliver(JSON.stringify({ id: 1 }), 'application/json');
    assert.equal(json.status, 415);
    const row = { id: 1, user_id: 1, admin_status: 'unprocessed', aml_status: 'unprocessed' } as unknown as UserKycRow;
    const { id: _id, ...withoutId } = caseEvent(row);
    const noId = await deliver(signWebhook(webhookUrl, withoutId, WEBHOOK_SECRET).body);
    assert.equal(noId.status, 400);
    assert.equal(noId.body.error?.code, 'webhook_malformed');
    const unknownSale = await fetch(`${stack.proxyUrl}/webhooks/other-sale`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: signWebhook(`${stack.proxyUrl}/webhooks/other-sale`, caseEvent(row), WEBHOOK_SECRET).body });
    assert.equal(unknownSale.status, 404);
    await unknownSale.body?.cancel();
  });

  test('during a secret rotation, webhooks signed with the second secret are accepted', async () => {
    const { userId, stream } = await investorWithStream('rotation');
    try {
      const row = stack.sandbox.store.reportIssue(CLIENT_ID, userId, ['other_issue'], 'Admin');
      const answer = await deliver(signWebhook(webhookUrl, caseEvent(row), NEW_WEBHOOK_SECRET).body);
      assert.equal(answer.status, 200);
      assert.equal(statusOf(await stream.nextEvent()).state, 'needs_action');
    } finally {
      stream.close();
    }
  });

  test('a change is forwarded to the sale\'s backend, signed with X-Kyc-Signature, and retried after a 500', async () => {
    const { investor, userId, stream } = await investorWithStream('forward');
    try {
      const event = caseEvent(stack.sandbox.store.reportIssue(CLIENT_ID, userId, ['document_issue'], 'Admin'));
      const eventId = String(event['id']);
      backend.failFirst.add(eventId);
      assert.equal((await deliver(signWebhook(webhookUrl, event, WEBHOOK_SECRET).body)).status, 200);
      await settled();
      const deliveries = backend.received.filter((request) => JSON.parse(request.body).eventId === eventId);
      assert.equal(deliveries.length, 2, 'the 500 was retried once');
      const [failed, retried] = deliveries;
      assert.equal(failed?.body, retried?.body, 'the retry carries the same change');
      for (const delivery of deliveries) {
        assert.match(String(delivery.headers['content-type']), /^application\/json/);
        const header = String(delivery.headers['x-kyc-signature']);
        const timestamp = Number(/^t=(\d+),v1=[0-9a-f]{64}$/.exec(header)?.[1]);
        assert.ok(Math.abs(timestamp - Date.now() / 1000) < 60, header);
        assert.equal(header, forwardSignature(FORWARD_SECRET, timestamp, delivery.body));
        assert.notEqual(header, forwardSignature('another-secret', timestamp, delivery.body));
      }
      assert.deepEqual(JSON.parse(retried?.body ?? '{}'), {
        eventId,
        event: 'kyc_status_update',
        sale: SALE_ID,
        userId: investor.userId,
        status: { state: 'needs_action', reasons: ['document_issue'], whitelist: 'unprocessed', submissionCount: 1 },
      });
      // Nothing secret travels in the forwarded body.
      assert.doesNotMatch(retried?.body ?? '', new RegExp(`${WEBHOOK_SECRET}|${FORWARD_SECRET}|${investor.email}`));
      assert.equal(statusOf(await stream.nextEvent()).state, 'needs_action');
    } finally {
      stream.close();
    }
  });

  test('no secret or email reaches the proxy\'s logs', () => {
    const logs = stack.logs.join('\n');
    assert.ok(stack.logs.some((line) => line.includes('/webhooks/:sale')), 'webhook requests are logged');
    for (const secret of [WEBHOOK_SECRET, NEW_WEBHOOK_SECRET, FORWARD_SECRET]) assert.ok(!logs.includes(secret));
    assert.doesNotMatch(logs, /@example\.com/);
  });
});
