/**
 * Scale-out: two proxy instances behind one (imaginary) load balancer, sharing a real redis-server
 * (`REDIS_URL`). A code asked of one instance verifies on the other, limits are counted once, a webhook
 * received by one instance reaches a status stream held by the other, an instance can go away
 * mid-journey, and Redis can restart under running proxies (`/readyz` says so meanwhile).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, openStatusStream, postToS3, signIn, statusOf, uniqueEmail, uploadDocuments, uploadTickets, VALID_FILE_BYTES, validSubmission, type StatusStream } from './support/investor.js';
import { CLIENT_ID, startStack, type Stack } from './support/proxy-stack.js';
import { eventually } from '../support/eventually.js';

/** How `/readyz` is polled while Redis goes away and comes back. */
const READYZ_POLL = { timeoutMs: 10_000, intervalMs: 50 };

describe('two proxy instances on one Redis', () => {
  let stack: Stack;
  let first: string;
  let second: string;

  before(async () => {
    stack = await startStack({ instances: 2, redis: true, proxyOptions: { heartbeatMs: 250 } });
    [first, second] = stack.urls as [string, string];
  });
  after(async () => {
    await stack?.close();
  });

  test('a code asked of one instance verifies on the other', async () => {
    const investor = await signIn(stack, uniqueEmail('two-instances'), { baseUrl: first, verifyAt: second });
    const status = await api(stack, 'kyc', { token: investor.token, baseUrl: first });
    assert.equal(status.status, 200);
    assert.equal(status.body.status.state, 'not_submitted');
  });

  test('limits are shared: the resend cooldown and the wrong-code attempts count across instances', async () => {
    const email = uniqueEmail('limits');
    assert.equal((await api(stack, 'codes', { baseUrl: first, body: { email } })).status, 202);
    const again = await api(stack, 'codes', { baseUrl: second, body: { email } });
    assert.equal(again.status, 429);
    assert.equal(again.body.error.code, 'resend_too_soon');

    const attemptsLeft: number[] = [];
    for (const baseUrl of [first, second, first, second]) {
      const wrong = await api(stack, 'sessions', { baseUrl, body: { email, code: '000000' } });
      // A six-digit code is 000000 once in a million: then this test would see 201 and fail loudly.
      assert.equal(wrong.status, 400, JSON.stringify(wrong.body));
      attemptsLeft.push(wrong.body.error.fields[0].params.attemptsLeft as number);
    }
    assert.deepEqual(attemptsLeft, [4, 3, 2, 1]);
  });

  test('a webhook received by one instance reaches a stream held by the other', async () => {
    const investor = await signIn(stack, uniqueEmail('cross-stream'), { baseUrl: second });
    const keys = await uploadDocuments(stack, investor.token);
    assert.equal((await api(stack, 'kyc', { token: investor.token, body: validSubmission(keys), baseUrl: second })).status, 201);
    const stream = await openStatusStream(stack, investor.token, { baseUrl: second });
    try {
      assert.equal(statusOf(await stream.nextEvent()).state, 'pending');
      const received = async (index: number) => (await stack.proxies[index]?.deps.metrics.webhooksReceived.get())?.values.filter((v) => v.labels['outcome'] === 'accepted').reduce((sum, v) => sum + v.value, 0) ?? 0;
      const [firstBefore, secondBefore] = [await received(0), await received(1)];
      stack.sandbox.store.reportIssue(CLIENT_ID, Number(investor.userId), ['document_issue'], 'Admin');
      const status = statusOf(await stream.nextEvent());
      assert.deepEqual(status, { state: 'needs_action', reasons: ['document_issue'], whitelist: 'unprocessed', submissionCount: 1 });
      // The sandbox delivers every webhook to the first instance only.
      assert.equal(await received(0), firstBefore + 1);
      assert.equal(await received(1), secondBefore);
    } finally {
      stream.close();
    }
  });

  test('Redis restarts under running proxies: /readyz is 503 meanwhile, 200 after; streams keep working', async () => {
    const investor = await signIn(stack, uniqueEmail('redis-restart'), { baseUrl: second });
    const keys = await uploadDocuments(stack, investor.token);
    assert.equal((await api(stack, 'kyc', { token: investor.token, body: validSubmission(keys), baseUrl: second })).status, 201);
    const stream = await openStatusStream(stack, investor.token, { baseUrl: second });
    try {
      assert.equal(statusOf(await stream.nextEvent()).state, 'pending');
      // A few changes before the restart, so the stream has seen several events.
      stack.sandbox.store.reportIssue(CLIENT_ID, Number(investor.userId), ['data_mismatch'], 'Admin');
      assert.equal(statusOf(await stream.nextEvent()).state, 'needs_action');
      assert.equal((await api(stack, 'kyc', { token: investor.token, body: validSubmission(keys, { city: 'Lyon' }), baseUrl: second })).status, 201);
      assert.equal(statusOf(await stream.nextEvent()).submissionCount, 2);
      assert.equal((await api(stack, '/readyz', { baseUrl: second })).status, 200);

      await stack.redis!.restart(async () => {
        for (const baseUrl of [first, second]) {
          const down = await eventually(() => api(stack, '/readyz', { baseUrl }), (answer) => answer.status === 503, `readyz of ${baseUrl} while Redis is down`, READYZ_POLL);
          assert.equal(down.body.checks.store, 'failing');
        }
      });
      for (const baseUrl of [first, second]) {
        const up = await eventually(() => api(stack, '/readyz', { baseUrl }), (answer) => answer.status === 200, `readyz of ${baseUrl} after Redis is back`, READYZ_POLL);
        assert.deepEqual(up.body.checks, { store: 'ok', 'provider:acme': 'ok' });
      }

      // The new Redis is empty; the stream opened before the restart still receives the next change.
      stack.sandbox.store.setAmlStatus(CLIENT_ID, Number(investor.userId), 'cleared', 'kyc_system');
      stack.sandbox.store.qualify(CLIENT_ID, Number(investor.userId), 'Admin');
      let status = statusOf(await stream.nextEvent(8000));
      while (status.state !== 'approved') status = statusOf(await stream.nextEvent(8000));
      assert.equal(status.state, 'approved');
    } finally {
      stream.close();
    }
  });

  test('when an instance goes away mid-journey, the investor carries on with the other', async () => {
    const investor = await signIn(stack, uniqueEmail('failover'), { baseUrl: first });
    const [documentTicket, selfieTicket] = await uploadTickets(stack, investor.token, [
      { field: 'documentIdFile', contentType: 'image/jpeg' },
      { field: 'selfieFile', contentType: 'image/png' },
    ]);
    assert.ok(documentTicket !== undefined && selfieTicket !== undefined);
    let stream: StatusStream | undefined = await openStatusStream(stack, investor.token, { baseUrl: first });
    try {
      assert.equal(statusOf(await stream.nextEvent()).state, 'not_submitted');

      const gone = stack.proxies.shift();
      await gone?.close();
      const ending: string[] = [];
      for (let item = await stream.next(); item.type !== 'end'; item = await stream.next()) ending.push(item.type);
      assert.ok(ending.includes('retry'), 'the stream ended with a reconnect hint');
      stream.close();

      // The files go to S3 directly; the keys the first instance handed out are known to the second.
      assert.equal((await postToS3(documentTicket, VALID_FILE_BYTES)).status, 204);
      assert.equal((await postToS3(selfieTicket, VALID_FILE_BYTES)).status, 204);
      const submitted = await api(stack, 'kyc', { token: investor.token, baseUrl: second, body: validSubmission({ documentIdFile: documentTicket.key, selfieFile: selfieTicket.key }) });
      assert.equal(submitted.status, 201, JSON.stringify(submitted.body));

      stream = await openStatusStream(stack, investor.token, { baseUrl: second });
      assert.equal(statusOf(await stream.nextEvent()).state, 'pending');
    } finally {
      stream?.close();
    }
  });
});
