/**
 * Redis crashes under two running proxy instances (a real redis-server killed with SIGKILL, then started
 * again empty on the same port). Neither proxy is restarted: while Redis is gone they say so (`/readyz`
 * 503, requests that need it a quick 503 in words), and once it is back sign-in codes, shared rate
 * limits and the status fan-out between instances all work again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, openStatusStream, signIn, statusOf, uniqueEmail, uploadDocuments, validSubmission, type ApiAnswer, type StatusStream } from '../../proxy/support/investor.js';
import { CLIENT_ID, startStack, type Stack } from '../../proxy/support/proxy-stack.js';
import { eventually } from '../../support/eventually.js';

/** How `/readyz` is polled while Redis goes away and comes back. */
const READYZ_POLL = { timeoutMs: 15_000, intervalMs: 50 };

describe('Redis killed under two running proxies', () => {
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

  test('while down: not ready and a quick 503 in words; once back: codes, limits and fan-out work without a proxy restart', async () => {
    const investor = await signIn(stack, uniqueEmail('before-crash'), { baseUrl: first, verifyAt: second });
    const keys = await uploadDocuments(stack, investor.token);
    assert.equal((await api(stack, 'kyc', { token: investor.token, body: validSubmission(keys), baseUrl: second })).status, 201);
    let openedBefore: StatusStream | undefined = await openStatusStream(stack, investor.token, { baseUrl: second });
    let openedAfter: StatusStream | undefined;
    try {
      assert.equal(statusOf(await openedBefore.nextEvent()).state, 'pending');

      let killedAt = 0;
      const outage: ApiAnswer[] = [];
      await stack.redis!.restart(async () => {
        killedAt = Date.now();
        for (const baseUrl of [first, second]) {
          const ready = await eventually(() => api(stack, '/readyz', { baseUrl }), (answer) => answer.status === 503, `readyz of ${baseUrl}`, READYZ_POLL);
          assert.equal(ready.body.checks.store, 'failing');
          assert.equal(ready.body.checks['provider:acme'], 'ok');
          // Sign-in needs the shared store: refused at once, in words, with a time to come back.
          for (const path of ['codes', 'sessions']) {
            const answer = await api(stack, path, { baseUrl, body: path === 'codes' ? { email: uniqueEmail('outage') } : { email: uniqueEmail('outage'), code: '123456' } });
            outage.push(answer);
            assert.equal(answer.status, 503, JSON.stringify(answer.body));
            assert.equal(typeof answer.body.error.code, 'string');
            assert.match(answer.body.error.message, /try again/i);
            assert.match(answer.headers.get('retry-after') ?? '', /^\d+$/);
            assert.doesNotMatch(JSON.stringify(answer.body), /redis|ECONN|127\.0\.0\.1/i);
          }
        }
      }, { crash: true });
      const restartedAt = Date.now();
      for (const baseUrl of [first, second]) {
        const ready = await eventually(() => api(stack, '/readyz', { baseUrl }), (answer) => answer.status === 200, `readyz of ${baseUrl} after the restart`, READYZ_POLL);
        assert.deepEqual(ready.body.checks, { store: 'ok', 'provider:acme': 'ok' });
      }
      const downMs = restartedAt - killedAt;
      const recoveredMs = Date.now() - restartedAt;

      // Sign-in codes: asked of one instance, verified on the other.
      const newcomer = await signIn(stack, uniqueEmail('after-crash'), { baseUrl: second, verifyAt: first });
      assert.equal((await api(stack, 'kyc', { token: newcomer.token, baseUrl: second })).body.status.state, 'not_submitted');
      // Rate limits: the resend cooldown and the wrong-code attempts count across instances again.
      const email = uniqueEmail('limits-after-crash');
      assert.equal((await api(stack, 'codes', { baseUrl: first, body: { email } })).status, 202);
      const tooSoon = await api(stack, 'codes', { baseUrl: second, body: { email } });
      assert.equal(tooSoon.status, 429);
      assert.equal(tooSoon.body.error.code, 'resend_too_soon');
      const attemptsLeft: number[] = [];
      for (const baseUrl of [second, first]) {
        const wrong = await api(stack, 'sessions', { baseUrl, body: { email, code: '000000' } });
        assert.equal(wrong.status, 400, JSON.stringify(wrong.body));
        attemptsLeft.push(wrong.body.error.fields[0].params.attemptsLeft as number);
      }
      assert.deepEqual(attemptsLeft, [4, 3]);

      // Fan-out: the webhook reaches the first instance; streams on the second, opened before the crash
      // and after it, both get the decision.
      openedAfter = await openStatusStream(stack, investor.token, { baseUrl: second });
      assert.equal(statusOf(await openedAfter.nextEvent()).state, 'pending');
      stack.sandbox.store.setAmlStatus(CLIENT_ID, Number(investor.userId), 'cleared', 'kyc_system');
      stack.sandbox.store.qualify(CLIENT_ID, Number(investor.userId), 'Admin');
      for (const stream of [openedAfter, openedBefore]) {
        let status = statusOf(await stream.nextEvent(8000));
        while (status.state !== 'approved') status = statusOf(await stream.nextEvent(8000));
        assert.equal(status.state, 'approved');
      }
      console.log(`redis killed (SIGKILL) under 2 proxies: /readyz 503 on both while down, ${outage.length}/${outage.length} sign-in requests meanwhile a 503 in words; Redis down ${downMs} ms, both proxies ready again ${recoveredMs} ms after it was back; codes, shared limits and status fan-out work again with no proxy restart`);
    } finally {
      openedBefore?.close();
      openedAfter?.close();
      openedBefore = undefined;
    }
  });
});
