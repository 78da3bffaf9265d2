/**
 * `GET /v1/sales/:sale/kyc/events` over HTTP: the current status first, then every reviewer action as it
 * happens, carried by the sandbox's real signed webhooks; heartbeats; resumption with `Last-Event-ID`;
 * `reauth` when the token expires (on a moved clock, never a real minute); a clean end on shutdown; and
 * the open-streams gauge.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, openStatusStream, signIn, statusOf, uniqueEmail, uploadDocuments, validSubmission, type Investor, type StatusStream, type StreamItem } from '../support/investor.js';
import { REAUTH_AHEAD_MS } from '../../../proxy/routes/status-stream-route.js';
import { CLIENT_ID, SALE_ID, startStack, type Stack } from '../support/proxy-stack.js';

type Status = ReturnType<typeof statusOf>;

/** How far the shared clock of the proxy and the sandbox is moved ahead of real time (ms). */
let clockOffsetMs = 0;
const clock = (): number => Date.now() + clockOffsetMs;

/** Sign in a new investor and submit a valid KYC (status pending, event 1). */
async function submittedInvestor(stack: Stack, label: string): Promise<Investor> {
  const investor = await signIn(stack, uniqueEmail(label));
  const keys = await uploadDocuments(stack, investor.token);
  const answer = await api(stack, 'kyc', { token: investor.token, body: validSubmission(keys) });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return investor;
}

/** Wait until no webhook follow-up (a read-back of the case) is running on any instance. */
async function settled(stack: Stack): Promise<void> {
  for (const proxy of stack.proxies) {
    while (proxy.deps.background.size > 0) await Promise.allSettled([...proxy.deps.background]);
  }
}

/** Read status events until one matches `done`; returns every status read, in order. */
async function statusesUntil(stream: StatusStream, done: (status: Status) => boolean, timeoutMs = 5000): Promise<{ statuses: Status[]; ids: (string | undefined)[] }> {
  const deadline = Date.now() + timeoutMs;
  const statuses: Status[] = [];
  const ids: (string | undefined)[] = [];
  for (;;) {
    const item = await stream.nextEvent(Math.max(1, deadline - Date.now()));
    const status = statusOf(item);
    statuses.push(status);
    ids.push(item.type === 'event' ? item.id : undefined);
    if (done(status)) return { statuses, ids };
  }
}

/** The gauge's value in the Prometheus text of `/metrics`. */
async function openStreamsMetric(stack: Stack): Promise<number> {
  const text = (await api(stack, '/metrics')).body as string;
  const line = /^kyc_proxy_status_streams_open (\d+)$/m.exec(text);
  assert.ok(line !== null, 'the gauge is exported');
  return Number(line[1]);
}

/** The numeric id of a status event; throws when it has none. */
function idOf(item: StreamItem): number {
  const id = item.type === 'event' ? Number(item.id) : Number.NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`Expected an event with an id, got ${JSON.stringify(item)}`);
  return id;
}

/** Poll `read` until it returns `expected` (bounded). */
async function eventually<T>(read: () => Promise<T>, expected: T, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (value !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = await read();
  }
  assert.equal(value, expected);
}

describe('GET /kyc/events', () => {
  let stack: Stack;

  before(async () => {
    stack = await startStack({ proxyOptions: { heartbeatMs: 200, now: clock }, sandboxNow: clock, sale: { tokenLifetimeSeconds: 60 } });
  });
  after(() => stack.close());

  test('opens as an event stream whose first event is the current status', async () => {
    const fresh = await signIn(stack, uniqueEmail('fresh'));
    const stream = await openStatusStream(stack, fresh.token);
    try {
      assert.equal(stream.status, 200);
      assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
      assert.equal(stream.headers.get('cache-control'), 'no-store');
      assert.deepEqual(await stream.next(), { type: 'retry', ms: 3000 });
      const first = await stream.nextEvent();
      assert.deepEqual(statusOf(first), { state: 'not_submitted', reasons: [], whitelist: 'unprocessed', submissionCount: 0 });
    } finally {
      stream.close();
    }

    const investor = await submittedInvestor(stack, 'first');
    const again = await openStatusStream(stack, investor.token);
    try {
      const first = await again.nextEvent();
      assert.equal(idOf(first), (await stack.proxies[0]?.deps.statusHub.latest(SALE_ID, investor.userId))?.id);
      assert.deepEqual(statusOf(first), { state: 'pending', reasons: [], whitelist: 'unprocessed', submissionCount: 1 });
    } finally {
      again.close();
    }
  });

  test('reviewer actions arrive live, in order, through the provider\'s webhooks', async () => {
    const investor = await submittedInvestor(stack, 'approved');
    const userId = Number(investor.userId);
    const stream = await openStatusStream(stack, investor.token);
    try {
      const first = await stream.nextEvent();
      assert.equal(statusOf(first).state, 'pending');
      const id = idOf(first);
      await settled(stack);
      stack.sandbox.store.setAmlStatus(CLIENT_ID, userId, 'cleared', 'kyc_system');
      stack.sandbox.store.qualify(CLIENT_ID, userId, 'Admin');
      const approved = await statusesUntil(stream, (status) => status.state === 'approved');
      // AML alone changes nothing the investor sees: the next event is the approval.
      assert.deepEqual(approved.statuses, [{ state: 'approved', reasons: [], whitelist: 'unprocessed', submissionCount: 1 }]);
      assert.deepEqual(approved.ids, [String(id + 1)]);

      await settled(stack);
      stack.sandbox.store.setWhitelistStatus(CLIENT_ID, userId, 'started');
      const started = await statusesUntil(stream, (status) => status.whitelist === 'started');
      assert.deepEqual(started.statuses.map((s) => [s.state, s.whitelist]), [['approved', 'started']]);
      await settled(stack);
      stack.sandbox.store.setWhitelistStatus(CLIENT_ID, userId, 'done');
      const done = await statusesUntil(stream, (status) => status.whitelist === 'done');
      assert.deepEqual(done.statuses.map((s) => [s.state, s.whitelist]), [['approved', 'done']]);
      assert.deepEqual([...started.ids, ...done.ids], [String(id + 2), String(id + 3)]);
    } finally {
      stream.close();
    }
  });

  test('a reported issue arrives as needs_action with the reasons; a denial as denied', async () => {
    const investor = await submittedInvestor(stack, 'issue');
    const stream = await openStatusStream(stack, investor.token);
    try {
      assert.equal(statusOf(await stream.nextEvent()).state, 'pending');
      stack.sandbox.store.reportIssue(CLIENT_ID, Number(investor.userId), ['document_issue', 'data_mismatch'], 'Admin');
      const { statuses } = await statusesUntil(stream, (status) => status.state === 'needs_action');
      assert.deepEqual(statuses.at(-1), { state: 'needs_action', reasons: ['data_mismatch', 'document_issue'], whitelist: 'unprocessed', submissionCount: 1 });
      await settled(stack);
      stack.sandbox.store.deny(CLIENT_ID, Number(investor.userId), 'Admin');
      const denied = await statusesUntil(stream, (status) => status.state === 'denied');
      // Denied is final: the reviewer's earlier reasons no longer ask anything of the investor.
      assert.deepEqual(denied.statuses, [{ state: 'denied', reasons: [], whitelist: 'unprocessed', submissionCount: 1 }]);
    } finally {
      stream.close();
    }
  });

  test('heartbeat comments keep an idle stream alive', async () => {
    const investor = await signIn(stack, uniqueEmail('heartbeat'));
    const stream = await openStatusStream(stack, investor.token);
    try {
      const comments: StreamItem[] = [];
      while (comments.length < 2) {
        const item = await stream.next(2000);
        assert.notEqual(item.type, 'end');
        if (item.type === 'comment') comments.push(item);
      }
      assert.deepEqual(comments, [{ type: 'comment', text: 'keep-alive' }, { type: 'comment', text: 'keep-alive' }]);
    } finally {
      stream.close();
    }
  });

  test('a reconnection with Last-Event-ID replays exactly the events it missed', async () => {
    const investor = await submittedInvestor(stack, 'resume');
    const first = await openStatusStream(stack, investor.token);
    const id = idOf(await first.nextEvent());
    first.close();

    // While disconnected: a reported issue (event id + 1), then a resubmission (event id + 2).
    stack.sandbox.store.reportIssue(CLIENT_ID, Number(investor.userId), ['other_issue'], 'Admin');
    await eventually(async () => (await stack.proxies[0]?.deps.statusHub.latest(SALE_ID, investor.userId))?.id, id + 1);
    await settled(stack);
    const keys = await uploadDocuments(stack, investor.token);
    assert.equal((await api(stack, 'kyc', { token: investor.token, body: validSubmission(keys) })).status, 201);

    const resumed = await openStatusStream(stack, investor.token, { lastEventId: id });
    try {
      const missed = [await resumed.nextEvent(), await resumed.nextEvent()];
      assert.deepEqual(missed.map(idOf), [id + 1, id + 2]);
      assert.deepEqual(missed.map((item) => statusOf(item)), [
        { state: 'needs_action', reasons: ['other_issue'], whitelist: 'unprocessed', submissionCount: 1 },
        { state: 'pending', reasons: [], whitelist: 'unprocessed', submissionCount: 2 },
      ]);
      // Nothing else is replayed: only heartbeats follow.
      await assert.rejects(resumed.nextEvent(400), /No stream item/);
    } finally {
      resumed.close();
    }

    const upToDate = await openStatusStream(stack, investor.token, { lastEventId: id + 2 });
    try {
      await assert.rejects(upToDate.nextEvent(400), /No stream item/);
    } finally {
      upToDate.close();
    }
  });

  test('an unknown Last-Event-ID (ahead of every id) gets the current status', async () => {
    const investor = await submittedInvestor(stack, 'reset');
    const stream = await openStatusStream(stack, investor.token, { lastEventId: 999_999_999_999_999 });
    try {
      const first = await stream.nextEvent();
      assert.equal(idOf(first), (await stack.proxies[0]?.deps.statusHub.latest(SALE_ID, investor.userId))?.id);
      assert.equal(statusOf(first).state, 'pending');
    } finally {
      stream.close();
    }
  });

  test('the token\'s expiry ends the stream with a reauth event in time to refresh it; the new token resumes', async () => {
    const investor = await submittedInvestor(stack, 'expiry');
    // Open the stream 300 ms before it must ask for a new token: the clock of the proxy and the sandbox
    // is moved, not waited for. It stays moved until the end of the test, as the refreshed token is
    // issued on it.
    const { exp } = JSON.parse(Buffer.from(investor.token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp: number };
    clockOffsetMs = exp * 1000 - REAUTH_AHEAD_MS - 300 - Date.now();
    assert.ok(clockOffsetMs > 30_000, 'the token lives 60 s');
    try {
      const stream = await openStatusStream(stack, investor.token);
      let id: number;
      try {
        const first = await stream.nextEvent();
        assert.equal(statusOf(first).state, 'pending');
        id = idOf(first);
        const reauth = await stream.nextEvent(4000);
        assert.equal(reauth.type === 'event' ? reauth.event : reauth.type, 'reauth');
        assert.deepEqual(JSON.parse(reauth.type === 'event' ? reauth.data : '{}'), { reason: 'token_expired' });
        assert.deepEqual(await stream.nextEvent(), { type: 'end' });
      } finally {
        stream.close();
      }
      // The widget refreshes at once with the token it has, which is still valid.
      const refreshed = await api(stack, 'sessions/refresh', { method: 'POST', token: investor.token });
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      const resumed = await openStatusStream(stack, refreshed.body.token as string, { lastEventId: id });
      try {
        assert.equal(resumed.status, 200);
        await assert.rejects(resumed.nextEvent(500), /No stream item/);
      } finally {
        resumed.close();
      }
    } finally {
      clockOffsetMs = 0;
    }
  });

  test('a stream is refused without a valid token or from another site', async () => {
    const investor = await signIn(stack, uniqueEmail('refused'));
    const noToken = await openStatusStream(stack, '');
    assert.equal(noToken.status, 401);
    noToken.close();
    const otherSite = await openStatusStream(stack, investor.token, { origin: 'https://evil.test' });
    assert.equal(otherSite.status, 403);
    assert.match(otherSite.refusal ?? '', /origin_not_allowed/);
    otherSite.close();
  });

  test('the open-streams gauge counts streams up and down', async () => {
    await eventually(() => openStreamsMetric(stack), 0);
    const investor = await signIn(stack, uniqueEmail('gauge'));
    const one = await openStatusStream(stack, investor.token);
    const two = await openStatusStream(stack, investor.token);
    await one.nextEvent();
    await two.nextEvent();
    assert.equal(await openStreamsMetric(stack), 2);
    one.close();
    await eventually(() => openStreamsMetric(stack), 1);
    two.close();
    await eventually(() => openStreamsMetric(stack), 0);
  });
});

describe('GET /kyc/events at shutdown', () => {
  test('proxy.close() ends open streams cleanly with a reconnect hint, and does not wait for the idle connection', async () => {
    // A long grace: close() must finish because the streams ended, not because the grace ran out.
    const stack = await startStack({ proxyOptions: { heartbeatMs: 200, shutdownGraceMs: 60_000 } });
    try {
      const investor = await signIn(stack, uniqueEmail('shutdown'));
      const stream = await openStatusStream(stack, investor.token);
      await stream.nextEvent();
      const proxy = stack.proxies[0];
      assert.ok(proxy !== undefined);
      assert.equal(await proxy.deps.metrics.openStreams.get().then((metric) => metric.values[0]?.value), 1);
      // Bounded far above a clean close (milliseconds) and below the client's idle keep-alive (seconds).
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('close() still waits for the stream\'s connection')), 2500);
      });
      await Promise.race([proxy.close(), hung]).finally(() => clearTimeout(timer));
      const rest: StreamItem[] = [];
      for (let item = await stream.next(); ; item = await stream.next()) {
        rest.push(item);
        if (item.type === 'end') break;
      }
      assert.deepEqual(rest.filter((item) => item.type !== 'comment'), [{ type: 'retry', ms: 1000 }, { type: 'end' }]);
      assert.equal(proxy.deps.streams.size, 0);
      assert.equal((await proxy.deps.metrics.openStreams.get()).values[0]?.value, 0);
      stream.close();
    } finally {
      stack.proxies.splice(0);
      await stack.close();
    }
  });
});
