import { expect } from '@esm-bundle/chai';
import type { ApiError } from '../../../widget/api/api-error.js';
import { createProxyClient } from '../../../widget/api/proxy-client.js';
import type { InvestorStatus } from '../../../widget/api/proxy-types.js';
import { createSessionKeeper, type SessionKeeper } from '../../../widget/api/session-keeper.js';
import { openStatusStream, type StatusStream, type StatusStreamState } from '../../../widget/api/status-stream.js';
import { backendInfo, dropStreams, openStreams, review, setProxyClock, signIn, testClient, until, validSubmission } from './backend.js';

/** A fetch that records the status stream requests' tokens and Last-Event-ID, and refresh calls. */
function recordingFetch() {
  const requests: { path: string; token: string | undefined; lastEventId: string | null }[] = [];
  const fetchImpl: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    requests.push({ path: new URL(String(input)).pathname.replace(/^\/v1\/sales\/[^/]+/, ''), token: headers.get('Authorization')?.replace('Bearer ', ''), lastEventId: headers.get('Last-Event-ID') });
    return fetch(input, init);
  };
  return { requests, fetch: fetchImpl };
}

/** Everything a stream reports. */
function observe() {
  const statuses: { status: InvestorStatus; id: string }[] = [];
  const states: StatusStreamState[] = [];
  const errors: ApiError[] = [];
  return {
    statuses,
    states,
    errors,
    callbacks: {
      onStatus: (status: InvestorStatus, id: string) => statuses.push({ status, id }),
      onStateChange: (state: StatusStreamState) => states.push(state),
      onError: (error: ApiError) => errors.push(error),
    },
  };
}

describe('status stream against the real proxy', () => {
  let stream: StatusStream | undefined;
  let keeper: SessionKeeper | undefined;

  afterEach(async () => {
    stream?.close();
    await stream?.closed;
    keeper?.dispose();
    stream = undefined;
    keeper = undefined;
    await setProxyClock(0);
  });

  it('delivers the current status, then a reviewer\'s decision live', async () => {
    const client = await testClient();
    const session = await signIn(client);
    await client.submitKyc(session.token, await validSubmission(client, session.token), { terms: true });
    keeper = createSessionKeeper({ client });
    keeper.set(session);
    const seen = observe();
    stream = openStatusStream({ client, keeper, ...seen.callbacks });
    await until(() => seen.statuses.length >= 1, 5000, 'the first status');
    expect(seen.statuses[0]?.status.state).to.equal('pending');
    expect(seen.states).to.deep.equal(['connecting', 'open']);

    await review('approve', session.userId);
    await until(() => seen.statuses.some((entry) => entry.status.state === 'approved'), 5000, 'the approval');
    const approved = seen.statuses.find((entry) => entry.status.state === 'approved')!;
    expect(Number(approved.id)).to.be.greaterThan(Number(seen.statuses[0]?.id));
    expect(seen.errors).to.deep.equal([]);
  });

  it('reconnects after the proxy drops the stream, resuming with Last-Event-ID', async () => {
    const recorder = recordingFetch();
    const client = await testClient({ fetch: recorder.fetch });
    const session = await signIn(client);
    await client.submitKyc(session.token, await validSubmission(client, session.token), { terms: true });
    keeper = createSessionKeeper({ client });
    keeper.set(session);
    const seen = observe();
    stream = openStatusStream({ client, keeper, ...seen.callbacks, maxRetryMs: 100 });
    await until(() => seen.statuses.length >= 1, 5000, 'the first status');
    const firstId = seen.statuses[0]!.id;
    expect(firstId).to.match(/^\d+$/);

    expect(await dropStreams()).to.be.greaterThan(0);
    await until(() => recorder.requests.filter((request) => request.path === '/kyc/events').length >= 2, 5000, 'the reconnection');
    await until(() => seen.states.filter((state) => state === 'open').length >= 2, 5000, 'the stream to open again');
    const reconnection = recorder.requests.filter((request) => request.path === '/kyc/events')[1]!;
    expect(reconnection.lastEventId).to.equal(firstId);
    expect(seen.states).to.include('reconnecting');

    await review('report', session.userId, { reasons: ['document_issue'] });
    await until(() => seen.statuses.some((entry) => entry.status.state === 'needs_action'), 5000, 'the reported issue');
    expect(seen.statuses.at(-1)?.status.reasons).to.deep.equal(['document_issue']);
    expect(stream.lastEventId).to.equal(seen.statuses.at(-1)?.id);
  });

  it('on reauth gets a fresh token from the keeper and reconnects with it', async () => {
    const recorder = recordingFetch();
    const client = await testClient({ fetch: recorder.fetch });
    const session = await signIn(client);
    keeper = createSessionKeeper({ client, autoRefresh: false });
    keeper.set(session);
    // The proxy's clock is 10 s before the token's expiry: the stream asks for a new token at once.
    await setProxyClock((session.expiresAt - 10) * 1000 - Date.now());
    recorder.requests.length = 0;
    const seen = observe();
    stream = openStatusStream({ client, keeper, ...seen.callbacks, maxRetryMs: 100 });
    await until(() => recorder.requests.filter((request) => request.path === '/kyc/events').length >= 2, 5000, 'the reconnection');
    await until(() => seen.statuses.length >= 1, 5000, 'a status on the new token');
    const paths = recorder.requests.map((request) => request.path);
    expect(paths.slice(0, 3)).to.deep.equal(['/kyc/events', '/sessions/refresh', '/kyc/events']);
    const [first, , second] = recorder.requests;
    expect(first?.token).to.equal(session.token);
    expect(second?.token).to.equal(keeper.session?.token);
    expect(second?.token).to.not.equal(session.token);
    expect(seen.errors).to.deep.equal([]);
  });

  it('reports reauth-needed and stops when the token cannot be renewed', async () => {
    const client = await testClient();
    const session = await signIn(client);
    keeper = createSessionKeeper({ client, autoRefresh: false });
    keeper.set(session);
    await setProxyClock((session.expiresAt + 60) * 1000 - Date.now());
    const seen = observe();
    stream = openStatusStream({ client, keeper, ...seen.callbacks });
    await stream.closed;
    expect(seen.errors.map((error) => error.code)).to.deep.equal(['reauth_needed']);
    expect(seen.states.at(-1)).to.equal('closed');
  });

  it('keeps retrying with backoff while the proxy is unreachable, reporting no error, until closed', async () => {
    const info = await backendInfo();
    let attempts = 0;
    const counting: typeof fetch = (input, init) => {
      attempts += 1;
      return fetch(input, init);
    };
    const client = createProxyClient({ proxy: info.closedUrl, sale: info.sale, fetch: counting });
    const session = await signIn(await testClient());
    keeper = createSessionKeeper({ client, autoRefresh: false });
    keeper.set(session);
    const seen = observe();
    stream = openStatusStream({ client, keeper, ...seen.callbacks, maxRetryMs: 40 });
    await until(() => attempts >= 3, 5000, 'three connection attempts');
    stream.close();
    await stream.closed;
    expect(seen.errors).to.deep.equal([]);
    expect(seen.statuses).to.deep.equal([]);
    expect(seen.states).to.deep.equal(['connecting', 'reconnecting', 'closed']);
    expect(keeper.session?.token).to.equal(session.token);
  });

  it('close() and the caller\'s abort end the connection at the proxy', async () => {
    const client = await testClient();
    const session = await signIn(client);
    keeper = createSessionKeeper({ client });
    keeper.set(session);
    const before = await openStreams();

    const seen = observe();
    stream = openStatusStream({ client, keeper, ...seen.callbacks });
    await until(() => seen.statuses.length >= 1, 5000, 'the first status');
    expect(await openStreams()).to.equal(before + 1);
    stream.close();
    await stream.closed;
    expect(seen.states.at(-1)).to.equal('closed');
    await until(async () => (await openStreams()) === before, 5000, 'the proxy to see the stream closed');

    const controller = new AbortController();
    const aborted = observe();
    stream = openStatusStream({ client, keeper, ...aborted.callbacks, signal: controller.signal });
    await until(() => aborted.statuses.length >= 1, 5000, 'the first status');
    controller.abort();
    await stream.closed;
    expect(aborted.states.at(-1)).to.equal('closed');
    expect(aborted.errors).to.deep.equal([]);
    await until(async () => (await openStreams()) === before, 5000, 'the proxy to see the aborted stream closed');
  });
});
