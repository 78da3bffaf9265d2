/**
 * A proxy instance killed (SIGKILL: no graceful shutdown, no reconnect hint) in the middle of an
 * investor's journey, behind two instances sharing a real Redis. One instance runs in this process, the
 * other is `proxy/server.ts` in its own process, started from the same configuration (same token key,
 * pepper and Redis). The investor's next requests, with the same token, succeed on the surviving
 * instance, and the status stream reconnects there with `Last-Event-ID` and gets exactly what it missed.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { api, openStatusStream, postToS3, signIn, statusOf, uniqueEmail, uploadDocuments, VALID_FILE_BYTES, validSubmission, type ApiAnswer, type StatusStream, type UploadTicket } from '../../proxy/support/investor.js';
import { CLIENT_ID, freePort, SALE_ID, startStack, WEBHOOK_SECRET, type Stack } from '../../proxy/support/proxy-stack.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const START_TIMEOUT_MS = 30_000;

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Start `proxy/server.ts` as the stack's second instance; resolves once its /healthz answers. */
async function startProxyProcess(stack: Stack, redisUrl: string): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const port = await freePort();
  const sale = stack.proxies[0]?.deps.sales.get(SALE_ID);
  assert.ok(sale !== undefined);
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    PROXY_HOST: '127.0.0.1',
    PROXY_PORT: String(port),
    // The same public URL (token issuer), configuration file and data folder (token key, code pepper).
    PROXY_PUBLIC_URL: stack.proxyUrl,
    PROXY_CONFIG_FILE: join(stack.dir, 'proxy.json'),
    PROXY_DATA_DIR: join(stack.dir, 'proxy-data'),
    SMTP_URL: `smtp://127.0.0.1:${stack.catcher.port}`,
    MAIL_FROM: 'Acme KYC <kyc@acme.test>',
    TEST_PROVIDER_SECRET: sale.config.provider.apiSecret.reveal(),
    TEST_WEBHOOK_SECRET: WEBHOOK_SECRET,
    REDIS_URL: redisUrl,
    LOG_LEVEL: 'warn',
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'proxy/server.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && child.exitCode === null) {
    const healthy = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) }).then((response) => response.ok, () => false);
    if (healthy) return { url, child, output: () => output };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  await exited(child);
  throw new Error(`proxy/server.ts did not start:\n${output}`);
}

describe('a proxy instance killed mid-journey, two instances on one Redis', () => {
  let redis: RedisServer;
  let stack: Stack;
  let victim: { url: string; child: ChildProcess; output: () => string };

  before(async () => {
    redis = await startRedisServer();
    stack = await startStack({ env: { REDIS_URL: redis.url }, proxyOptions: { heartbeatMs: 250 } });
    victim = await startProxyProcess(stack, redis.url);
  });
  after(async () => {
    if (victim !== undefined && victim.child.exitCode === null && victim.child.signalCode === null) {
      victim.child.kill('SIGKILL');
      await exited(victim.child);
    }
    await stack?.close();
    await redis?.stop();
  });

  test('the next requests with the same token succeed on the other instance, and the stream resumes with what it missed', async () => {
    const survivor = stack.proxyUrl;
    // The journey so far, all on the instance about to die.
    const investor = await signIn(stack, uniqueEmail('killed'), { baseUrl: victim.url });
    const keys = await uploadDocuments(stack, investor.token);
    assert.equal((await api(stack, 'kyc', { token: investor.token, body: validSubmission(keys), baseUrl: victim.url })).status, 201);
    const tickets = await api(stack, 'uploads', { token: investor.token, baseUrl: victim.url, body: { files: [{ field: 'selfieFile', contentType: 'image/png' }] } });
    assert.equal(tickets.status, 200);
    const later = tickets.body.uploads[0] as UploadTicket;
    let stream: StatusStream | undefined = await openStatusStream(stack, investor.token, { baseUrl: victim.url });
    try {
      assert.equal(statusOf(await stream.nextEvent()).state, 'pending');
      // A reviewer's report reaches the victim's stream through the other instance and Redis.
      stack.sandbox.store.reportIssue(CLIENT_ID, Number(investor.userId), ['document_issue'], 'Admin');
      const reported = await stream.nextEvent();
      assert.equal(statusOf(reported).state, 'needs_action');
      const lastSeenId = reported.type === 'event' ? reported.id : undefined;
      assert.ok(lastSeenId !== undefined);

      victim.child.kill('SIGKILL');
      await exited(victim.child);
      assert.equal(victim.child.signalCode, 'SIGKILL');
      assert.equal((await stream.nextEvent()).type, 'end', 'the stream is cut');
      stream.close();

      // The investor carries on with the same token; the load balancer sends them to the survivor.
      const next: ApiAnswer[] = [];
      const answer = async (promise: Promise<ApiAnswer>): Promise<ApiAnswer> => {
        const result = await promise;
        next.push(result);
        return result;
      };
      assert.equal((await answer(api(stack, 'kyc', { token: investor.token, baseUrl: survivor }))).body.status.state, 'needs_action');
      const previous = await answer(api(stack, 'kyc/submission', { token: investor.token, baseUrl: survivor }));
      assert.equal(previous.status, 200);
      assert.equal(previous.body.submission.firstName, 'Ann');
      // The form the dead instance handed out still works, and its key is known to the survivor.
      assert.equal((await postToS3(later, VALID_FILE_BYTES)).status, 204);
      const resubmitted = await answer(api(stack, 'kyc', { token: investor.token, baseUrl: survivor, body: validSubmission({ ...keys, selfieFile: later.key }, { city: 'Lyon' }) }));
      assert.equal(resubmitted.status, 201, JSON.stringify(resubmitted.body));
      assert.equal(resubmitted.body.status.submissionCount, 2);
      const refreshed = await answer(api(stack, 'sessions/refresh', { token: investor.token, baseUrl: survivor, method: 'POST' }));
      assert.equal(refreshed.status, 200);

      // The widget reconnects its stream to the survivor with the last id it saw: it gets what it missed.
      stream = await openStatusStream(stack, refreshed.body.token as string, { baseUrl: survivor, lastEventId: lastSeenId });
      assert.equal(stream.status, 200);
      const missed = await stream.nextEvent();
      assert.deepEqual(statusOf(missed), { state: 'pending', reasons: [], whitelist: 'unprocessed', submissionCount: 2 });
      assert.ok(missed.type === 'event' && Number(missed.id) > Number(lastSeenId));
      // And then live changes.
      stack.sandbox.store.setAmlStatus(CLIENT_ID, Number(investor.userId), 'cleared', 'kyc_system');
      stack.sandbox.store.qualify(CLIENT_ID, Number(investor.userId), 'Admin');
      let status = statusOf(await stream.nextEvent(8000));
      while (status.state !== 'approved') status = statusOf(await stream.nextEvent(8000));
      assert.equal(status.submissionCount, 2);
      assert.ok(next.every((result) => result.status < 300), JSON.stringify(next.map((result) => result.status)));
      console.log(`instance killed (SIGKILL) mid-journey: ${next.length}/${next.length} of the investor's next requests (same token) succeeded on the other instance; the stream resumed after id ${lastSeenId} with the missed event replayed, then live to "approved"`);
    } finally {
      stream?.close();
    }
  });
});
