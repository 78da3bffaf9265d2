/**
 * Faults of the provider's webhooks, end to end: the sandbox's dispatcher delivers its real signed
 * webhooks through a fault-injecting proxy to the proxy's `/webhooks/acme`, which delays some (so later
 * events overtake them), refuses some (the dispatcher retries), loses the answer of others after the
 * proxy applied them (the dispatcher delivers them again: duplicates), and then every captured webhook is
 * replayed in a shuffled order. Separately, the proxy restarts while webhooks arrive. In every case the
 * status the investor sees ends on the provider's state.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createProxy } from '../../../proxy/create-proxy.js';
import { api, openStatusStream, signIn, statusOf, uniqueEmail, uploadDocuments, validSubmission, type Investor, type UploadedKeys } from '../../proxy/support/investor.js';
import { CLIENT_ID, SALE_ID, startStack, WEBHOOK_SECRET, type Stack } from '../../proxy/support/proxy-stack.js';
import { until } from '../../support/eventually.js';
import { seededRandom } from '../../support/seeded-random.js';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';

/** How long the webhooks' deliveries are awaited (retries included). */
const DELIVERY_WAIT = { timeoutMs: 10_000 };

const SEED = 7;
const isWebhook = ({ method, path }: { method: string; path: string }): boolean => method === 'POST' && path === `/webhooks/${SALE_ID}`;

describe('webhooks duplicated, out of order, replayed, and during a restart', () => {
  let fault: FaultProxy;
  let stack: Stack;

  before(async () => {
    // The provider posts to (and signs for) the fault proxy's URL, which forwards to the proxy.
    fault = await startFaultProxy(() => stack.proxyUrl, { keepBodies: true });
    const webhookUrl = `${fault.url}/webhooks/${SALE_ID}`;
    stack = await startStack({ sale: { webhook: { secrets: [{ env: 'TEST_WEBHOOK_SECRET' }], registeredUrl: webhookUrl } } });
    stack.webhooks.settings.set(CLIENT_ID, [{ url: webhookUrl, secret: WEBHOOK_SECRET, sources: ['api', 'web', 'kyc_system'], types: ['user', 'user_kyc'] }] as never);
  });
  after(async () => {
    await stack?.close();
    await fault?.close();
  });
  beforeEach(() => {
    fault.clear();
    fault.requests.length = 0;
  });

  async function submittedInvestor(label: string): Promise<Investor & { keys: UploadedKeys }> {
    const investor = await signIn(stack, uniqueEmail(label));
    const keys = await uploadDocuments(stack, investor.token);
    const submitted = await api(stack, 'kyc', { token: investor.token, body: validSubmission(keys) });
    assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
    return { ...investor, keys };
  }
  const deliveries = () => stack.webhooks.listDeliveries(CLIENT_ID, { limit: 10_000 });
  const allDelivered = () => deliveries().every((delivery) => delivery.state === 'delivered');
  const settled = async (): Promise<void> => {
    for (const proxy of stack.proxies) while (proxy.deps.background.size > 0) await Promise.allSettled([...proxy.deps.background]);
  };
  /** What the investor sees: `GET /kyc` (read from the provider), the hub's latest event, and a new stream's first event. */
  async function seen(investor: Investor): Promise<{ read: unknown; latest: unknown; streamed: unknown }> {
    const read = (await api(stack, 'kyc', { token: investor.token })).body.status;
    const latest = (await stack.proxies[0]?.deps.statusHub.latest(SALE_ID, investor.userId))?.status;
    const stream = await openStatusStream(stack, investor.token);
    try {
      return { read, latest, streamed: statusOf(await stream.nextEvent()) };
    } finally {
      stream.close();
    }
  }

  test('delayed, refused, redelivered and replayed in a shuffled order: every investor ends on the provider\'s state', async () => {
    const investors = [await submittedInvestor('storm-a'), await submittedInvestor('storm-b'), await submittedInvestor('storm-c'), await submittedInvestor('storm-d')];
    await until(allDelivered, 'the submissions\' webhooks', DELIVERY_WAIT);
    fault.requests.length = 0;
    // The next webhooks: some held back (later ones overtake them), some refused (retried later), some
    // applied by the proxy with the answer lost (the provider delivers them again).
    fault.inject({ match: isWebhook, times: 3, fault: { kind: 'delay', ms: 400 } });
    fault.inject({ match: isWebhook, times: 3, fault: { kind: 'answer', status: 503, body: 'busy' } });
    fault.inject({ match: isWebhook, times: 2, fault: { kind: 'drop-before' } });
    fault.inject({ match: isWebhook, times: 3, fault: { kind: 'drop-after' } });

    const [a, b, c, d] = investors.map((investor) => Number(investor.userId)) as [number, number, number, number];
    const store = stack.sandbox.store;
    store.reportIssue(CLIENT_ID, a, ['document_issue'], 'Admin');
    store.setAmlStatus(CLIENT_ID, b, 'cleared', 'kyc_system');
    store.qualify(CLIENT_ID, b, 'Admin');
    store.setWhitelistStatus(CLIENT_ID, b, 'started');
    store.setWhitelistStatus(CLIENT_ID, b, 'done');
    store.deny(CLIENT_ID, c, 'Admin');
    store.reportIssue(CLIENT_ID, d, ['data_mismatch'], 'Admin');
    const fixed = await api(stack, 'kyc', { token: investors[0]!.token, body: validSubmission(investors[0]!.keys, { city: 'Lyon' }) });
    assert.equal(fixed.status, 201, JSON.stringify(fixed.body));
    store.setAmlStatus(CLIENT_ID, a, 'cleared', 'kyc_system');
    store.qualify(CLIENT_ID, a, 'Admin');
    await until(allDelivered, 'every webhook delivered despite the faults', DELIVERY_WAIT);
    await settled();

    // Every webhook captured, delivered again in a shuffled order (a replay within the signature's window).
    const captured = fault.requests.filter((request) => isWebhook(request) && request.body !== undefined).map((request) => request.body as string);
    const random = seededRandom(SEED);
    const replays = [...new Set(captured)].map((body) => ({ body, order: random() })).sort((x, y) => x.order - y.order);
    let duplicates = 0;
    for (const replay of replays) {
      const response = await fetch(`${stack.proxyUrl}/webhooks/${SALE_ID}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: replay.body, signal: AbortSignal.timeout(5000) });
      assert.equal(response.status, 200);
      if (((await response.json()) as { duplicate?: boolean }).duplicate === true) duplicates += 1;
    }
    assert.equal(duplicates, replays.length, 'every replay is recognised and not applied again');
    await settled();

    const expected = [
      { state: 'approved', reasons: [], whitelist: 'unprocessed', submissionCount: 2 },
      { state: 'approved', reasons: [], whitelist: 'done', submissionCount: 1 },
      { state: 'denied', reasons: [], whitelist: 'unprocessed', submissionCount: 1 },
      { state: 'needs_action', reasons: ['data_mismatch'], whitelist: 'unprocessed', submissionCount: 1 },
    ];
    let correct = 0;
    for (const [index, investor] of investors.entries()) {
      const view = await seen(investor);
      assert.deepEqual(view.read, expected[index], `investor ${index} at the provider`);
      assert.deepEqual(view.latest, expected[index], `investor ${index}'s pushed status`);
      assert.deepEqual(view.streamed, expected[index], `investor ${index}'s stream`);
      correct += 1;
    }
    const faults = fault.requests.filter((request) => request.fault !== 'pass');
    const kinds = (kind: string) => faults.filter((request) => request.fault === kind).length;
    console.log(`webhooks: ${fault.requests.length} deliveries through faults (${kinds('delay')} held back, ${kinds('answer')} refused 503, ${kinds('drop-before')} cut before, ${kinds('drop-after')} applied with the answer lost), ${replays.length} replayed shuffled (seed ${SEED}), ${duplicates} recognised as duplicates; ${correct}/${investors.length} investors end on the provider's state`);
  });

  test('webhooks sent while the proxy restarts: retried by the provider, applied after the restart, and a stream opened then shows the final status', async () => {
    const investor = await submittedInvestor('restart');
    await until(allDelivered, 'the submission\'s webhook', DELIVERY_WAIT);
    await settled();
    const old = stack.proxies[0];
    assert.ok(old !== undefined);
    const before = await openStatusStream(stack, investor.token);
    const pending = await before.nextEvent();
    assert.equal(statusOf(pending).state, 'pending');

    // A new process would start from the same configuration, with an empty memory store.
    const logs: string[] = [];
    const destination = new Writable({ write: (chunk: Buffer, _encoding, callback) => { logs.push(chunk.toString('utf8')); callback(); } });
    const next = await createProxy(old.deps.config, { logDestination: destination, shutdownGraceMs: 1000 });
    await old.close();
    assert.equal((await before.nextEvent()).type, 'end');
    before.close();

    const queuedBefore = new Set(deliveries().map((delivery) => delivery.deliveryId));
    const store = stack.sandbox.store;
    const userId = Number(investor.userId);
    store.reportIssue(CLIENT_ID, userId, ['other_issue'], 'Admin');
    store.setAmlStatus(CLIENT_ID, userId, 'cleared', 'kyc_system');
    store.qualify(CLIENT_ID, userId, 'Admin');
    const during = () => deliveries().filter((delivery) => !queuedBefore.has(delivery.deliveryId));
    // Each of them failed at least once while nothing listened.
    await until(() => during().length === 3 && during().every((delivery) => delivery.failedCount >= 1), 'the failed deliveries', DELIVERY_WAIT);
    const failedWhileDown = during().reduce((sum, delivery) => sum + delivery.failedCount, 0);

    await next.listen(Number(new URL(stack.proxyUrl).port));
    stack.proxies[0] = next;
    await until(() => during().every((delivery) => delivery.state === 'delivered'), 'the deliveries after the restart', DELIVERY_WAIT);
    await settled();

    const approved = { state: 'approved', reasons: [], whitelist: 'unprocessed', submissionCount: 1 };
    // Only webhooks fill the new instance's status hub: this is what they brought.
    assert.deepEqual((await next.deps.statusHub.latest(SALE_ID, investor.userId))?.status, approved);
    const after = await openStatusStream(stack, investor.token, { lastEventId: pending.type === 'event' ? pending.id : undefined });
    try {
      assert.deepEqual(statusOf(await after.nextEvent()), approved);
    } finally {
      after.close();
    }
    assert.ok(!logs.join('').includes(WEBHOOK_SECRET));
    console.log(`webhooks during a restart: ${during().length} events, ${failedWhileDown} attempts failed while the proxy was down, all delivered after it came back; the stream opened afterwards shows "${approved.state}"`);
  });
});
