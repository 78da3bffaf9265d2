import { expect } from '@esm-bundle/chai';
import { ApiError } from '../../../widget/api/api-error.js';
import { createSessionKeeper, readTokenClaims, type KeptSession } from '../../../widget/api/session-keeper.js';
import { hostToken, setProxyClock, signIn, testClient, uniqueEmail, until } from './backend.js';

/** A fetch that records each request's path and bearer token, and can drop the token of the next call. */
function recordingFetch() {
  const calls: { path: string; token: string | undefined }[] = [];
  let dropNextToken = false;
  const fetchImpl: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    if (dropNextToken && !String(input).endsWith('/sessions/refresh')) {
      // Simulates a token lost on the way (a proxy in between): the real proxy answers 401.
      dropNextToken = false;
      headers.delete('Authorization');
    }
    calls.push({ path: new URL(String(input)).pathname.replace(/^\/v1\/sales\/[^/]+/, ''), token: headers.get('Authorization')?.replace('Bearer ', '') });
    return fetch(input, { ...init, headers });
  };
  return { calls, fetch: fetchImpl, dropNextToken: () => (dropNextToken = true) };
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected the call to fail');
}

describe('session keeper against the real proxy', () => {
  afterEach(async () => {
    await setProxyClock(0);
  });

  it('reads exp and iat from the token without verifying it', async () => {
    const client = await testClient();
    const session = await signIn(client);
    const claims = readTokenClaims(session.token);
    expect(claims?.exp).to.equal(session.expiresAt);
    expect(claims?.iat).to.be.a('number');
    expect(readTokenClaims('not a token')).to.equal(undefined);
    expect(readTokenClaims('a.!!!.c')).to.equal(undefined);
  });

  it('on a 401 refreshes once while the token is valid and retries the call with the new token', async () => {
    const recorder = recordingFetch();
    const client = await testClient({ fetch: recorder.fetch });
    const session = await signIn(await testClient());
    const keeper = createSessionKeeper({ client, autoRefresh: false });
    keeper.set(session);
    recorder.dropNextToken();
    const status = await keeper.authorized((token) => client.status(token));
    expect(status.state).to.equal('not_submitted');
    expect(recorder.calls.map((call) => call.path)).to.deep.equal(['/kyc', '/sessions/refresh', '/kyc']);
    expect(recorder.calls[0]?.token).to.equal(undefined);
    expect(recorder.calls[1]?.token).to.equal(session.token);
    expect(recorder.calls[2]?.token).to.equal(keeper.session?.token);
    expect(keeper.session?.token).to.not.equal(session.token);
    keeper.dispose();
  });

  it('refreshes ahead of expiry before a call, one refresh shared by concurrent calls', async () => {
    const recorder = recordingFetch();
    const client = await testClient({ fetch: recorder.fetch });
    const session = await signIn(await testClient());
    let nowMs = Date.now();
    const keeper = createSessionKeeper({ client, autoRefresh: false, now: () => nowMs });
    keeper.set(session);
    // Time passes: the token has 30 s left, inside the 60 s refresh window.
    nowMs = (session.expiresAt - 30) * 1000;
    const states = await Promise.all([1, 2, 3].map(() => keeper.authorized((token) => client.status(token))));
    expect(states.map((status) => status.state)).to.deep.equal(['not_submitted', 'not_submitted', 'not_submitted']);
    expect(recorder.calls.filter((call) => call.path === '/sessions/refresh')).to.have.length(1);
    expect(recorder.calls[0]?.path).to.equal('/sessions/refresh');
    const fresh = keeper.session?.token;
    expect(fresh).to.not.equal(session.token);
    expect(recorder.calls.filter((call) => call.path === '/kyc').every((call) => call.token === fresh)).to.equal(true);
    keeper.dispose();
  });

  it('keeps the token fresh on a timer and reports each new token', async () => {
    const client = await testClient();
    const session = await signIn(await testClient());
    const changes: (KeptSession | undefined)[] = [];
    let offsetMs = (session.expiresAt - 61) * 1000 - Date.now();
    const keeper = createSessionKeeper({ client, now: () => Date.now() + offsetMs, onTokenChange: (kept) => changes.push(kept) });
    keeper.set(session);
    // The refresh is due 1 s from the keeper's point of view.
    await until(() => changes.length >= 2, 5000, 'the timed refresh');
    offsetMs = 0;
    expect(changes[0]?.token).to.equal(session.token);
    expect(changes[1]?.token).to.not.equal(session.token);
    expect(changes[1]?.userId).to.equal(session.userId);
    keeper.dispose();
  });

  it('reports reauth-needed when the token expired and cannot be refreshed', async () => {
    const client = await testClient();
    const session = await signIn(await testClient());
    const reports: ApiError[] = [];
    const keeper = createSessionKeeper({ client, autoRefresh: false, onReauthNeeded: (error) => reports.push(error) });
    keeper.set(session);
    // The proxy's clock is past the token's expiry; the keeper's (the browser's) is not.
    await setProxyClock((session.expiresAt + 60) * 1000 - Date.now());
    const failure = await rejection(keeper.authorized((token) => client.status(token)));
    expect(failure.code).to.equal('reauth_needed');
    expect(reports).to.have.length(1);
    expect(keeper.session).to.equal(undefined);
    // The investor proves their email again and carries on.
    await setProxyClock(0);
    keeper.set(await signIn(client));
    expect((await keeper.authorized((token) => client.status(token))).state).to.equal('not_submitted');
    keeper.dispose();
  });

  it('in host mode asks the tokenProvider for the first token and again after a 401', async () => {
    const client = await testClient();
    const email = uniqueEmail('host');
    let provided = 0;
    const keeper = createSessionKeeper({
      client,
      autoRefresh: false,
      tokenProvider: async () => {
        provided += 1;
        return (await hostToken(email)).token;
      },
    });
    expect((await keeper.authorized((token) => client.status(token))).state).to.equal('not_submitted');
    expect(provided).to.equal(1);
    const first = keeper.session!;
    // Past expiry at the proxy: the refresh route refuses, the host gives a new token.
    await setProxyClock((first.expiresAt! + 60) * 1000 - Date.now());
    expect((await keeper.authorized((token) => client.status(token))).state).to.equal('not_submitted');
    expect(provided).to.equal(2);
    expect(keeper.session?.token).to.not.equal(first.token);
    keeper.dispose();
  });

  it('works on a device whose clock is 20 minutes ahead: tokens are timed from their own iat', async () => {
    const recorder = recordingFetch();
    const client = await testClient({ fetch: recorder.fetch });
    const session = await signIn(await testClient());
    const reports: ApiError[] = [];
    // Past the token's expiry (at most 15 minutes) on the device's clock from the start.
    const keeper = createSessionKeeper({ client, autoRefresh: false, now: () => Date.now() + 20 * 60_000, onReauthNeeded: (error) => reports.push(error) });
    keeper.set(session);
    expect((await keeper.authorized((token) => client.status(token))).state).to.equal('not_submitted');
    expect((await keeper.authorized((token) => client.status(token))).state).to.equal('not_submitted');
    // No refresh storm and no reauth: the token is used as the fresh token it is.
    expect(recorder.calls.map((call) => call.path)).to.deep.equal(['/kyc', '/kyc']);
    expect(recorder.calls.every((call) => call.token === session.token)).to.equal(true);
    expect(reports).to.have.length(0);
    // A refreshed token is timed the same way.
    await keeper.renew();
    expect((await keeper.authorized((token) => client.status(token))).state).to.equal('not_submitted');
    expect(recorder.calls.map((call) => call.path)).to.deep.equal(['/kyc', '/kyc', '/sessions/refresh', '/kyc']);
    expect(reports).to.have.length(0);
    keeper.dispose();
  });

  it('passes a network failure through without dropping the session', async () => {
    const client = await testClient();
    const session = await signIn(client);
    const reports: ApiError[] = [];
    const offline: typeof fetch = () => Promise.reject(new TypeError('Failed to fetch'));
    const offlineClient = await testClient({ fetch: offline });
    let nowMs = Date.now();
    const keeper = createSessionKeeper({ client: offlineClient, autoRefresh: false, now: () => nowMs, onReauthNeeded: (error) => reports.push(error) });
    keeper.set(session);
    nowMs = (session.expiresAt - 30) * 1000;
    const failure = await rejection(keeper.authorized((token) => offlineClient.status(token)));
    expect(failure.code).to.equal('network_error');
    expect(keeper.session?.token).to.equal(session.token);
    expect(reports).to.have.length(0);
    keeper.dispose();
  });
});
