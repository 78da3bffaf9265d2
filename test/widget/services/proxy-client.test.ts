import { expect } from '@esm-bundle/chai';
import { ApiError, readRetryAfter } from '../../../widget/api/api-error.js';
import { createProxyClient } from '../../../widget/api/proxy-client.js';
import { backendInfo, mailedCode, signIn, testClient, uniqueEmail, validSubmission } from './backend.js';

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected the call to fail');
}

describe('proxy client against the real proxy', () => {
  it('reads the sale configuration with localized countries and the upload limits', async () => {
    const client = await testClient();
    const config = await client.config('de');
    expect(config.sale.id).to.equal('acme');
    expect(config.uploads).to.deep.equal({ contentTypes: ['image/jpeg', 'image/png', 'application/pdf'], minBytes: 204800, maxBytes: 20971520, maxInvestorProofs: config.uploads.maxInvestorProofs });
    expect(config.countries.find((country) => country.value === 'GERMANY')?.label).to.equal('Deutschland');
    expect(config.rules.collected).to.include('ethereumAddress');
    expect(config.confirmations.map((confirmation) => confirmation.id)).to.deep.equal(['terms']);
  });

  it('signs in with the mailed code and refreshes the session', async () => {
    const client = await testClient();
    const email = uniqueEmail('sign-in');
    const sent = await client.requestCode(email);
    expect(sent.sent).to.equal(true);
    expect(sent.resendAfterSeconds).to.be.greaterThan(0);
    const session = await client.createSession(email, await mailedCode(email));
    expect(session.token.split('.')).to.have.length(3);
    expect(session.userId).to.match(/^\d+$/);
    const refreshed = await client.refreshSession(session.token);
    expect(refreshed.userId).to.equal(session.userId);
    expect(refreshed.token).to.not.equal(session.token);
  });

  it('maps field errors: a malformed email and a wrong code with the attempts left', async () => {
    const client = await testClient();
    const malformed = await rejection(client.requestCode('not-an-email'));
    expect(malformed.status).to.equal(400);
    expect(malformed.kind).to.equal('http');
    expect(malformed.code).to.equal('invalid_request');
    expect(malformed.fields[0]).to.include({ field: 'email', rule: 'format' });

    const email = uniqueEmail('wrong-code');
    await client.requestCode(email);
    const code = await mailedCode(email);
    const wrong = await rejection(client.createSession(email, code === '000000' ? '111111' : '000000'));
    expect(wrong.code).to.equal('code_wrong');
    expect(wrong.fields[0]?.field).to.equal('code');
    expect(wrong.fields[0]?.params?.['attemptsLeft']).to.equal(4);
  });

  it('maps 429 with the Retry-After seconds of the resend cooldown', async () => {
    const client = await testClient();
    const email = uniqueEmail('cooldown');
    await client.requestCode(email);
    const tooSoon = await rejection(client.requestCode(email));
    expect(tooSoon.status).to.equal(429);
    expect(tooSoon.code).to.equal('resend_too_soon');
    expect(tooSoon.retryAfterSeconds).to.equal(30);
  });

  it('maps 401 for a token the proxy refuses', async () => {
    const client = await testClient();
    const refused = await rejection(client.status('eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'));
    expect(refused.status).to.equal(401);
    expect(refused.kind).to.equal('http');
    expect(refused.code).to.be.a('string').and.not.equal('');
  });

  it('gives a network_error ApiError when the proxy cannot be reached', async () => {
    const info = await backendInfo();
    const client = createProxyClient({ proxy: info.closedUrl, sale: info.sale });
    const failure = await rejection(client.config());
    expect(failure).to.include({ kind: 'network', code: 'network_error', status: 0 });
  });

  it('gives an aborted ApiError when the caller aborts, before or during the call', async () => {
    const client = await testClient();
    const before = new AbortController();
    before.abort();
    expect(await rejection(client.config(undefined, before.signal))).to.include({ kind: 'aborted', code: 'aborted' });

    const during = new AbortController();
    const pending = client.requestCode(uniqueEmail('abort'), during.signal);
    during.abort();
    expect(await rejection(pending)).to.include({ kind: 'aborted', code: 'aborted' });
  });

  it('gives a timeout ApiError when the answer takes longer than the timeout', async () => {
    // A fetch that never answers until aborted: the client's own timer must end the call.
    const silent: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    const client = await testClient({ fetch: silent, timeoutMs: 50 });
    expect(await rejection(client.config())).to.include({ kind: 'timeout', code: 'timeout', status: 0 });
  });

  it('requests upload tickets that carry their expiry and list the policy fields', async () => {
    const client = await testClient();
    const session = await signIn(client);
    const tickets = await client.requestUploads(session.token, [{ field: 'documentIdFile', contentType: 'image/jpeg' }, { field: 'selfieFile', contentType: 'image/png' }]);
    expect(tickets.uploads.map((ticket) => ticket.field)).to.deep.equal(['documentIdFile', 'selfieFile']);
    for (const ticket of tickets.uploads) {
      expect(ticket.expiresAt).to.equal(tickets.expiresAt);
      expect(ticket.fields['key']).to.equal(ticket.key);
      expect(ticket.fields).to.have.property('Policy');
    }
    const refused = await rejection(client.requestUploads(session.token, [{ field: 'documentIdFile', contentType: 'image/gif' as 'image/png' }]));
    expect(refused.fields[0]).to.include({ field: 'files[0].contentType', rule: 'file_type' });
  });

  it('submits, reads the status and the previous answers, and maps an invalid submission', async () => {
    const client = await testClient();
    const session = await signIn(client);
    expect((await client.status(session.token)).state).to.equal('not_submitted');
    const noneYet = await rejection(client.previousSubmission(session.token));
    expect(noneYet).to.include({ status: 404, code: 'no_submission' });

    const submission = await validSubmission(client, session.token);
    const invalid = await rejection(client.submitKyc(session.token, { ...submission, birthdate: '31/02/1990' }, {}));
    expect(invalid.code).to.equal('invalid_submission');
    expect(invalid.fields.map((field) => field.field)).to.include.members(['birthdate', 'confirmations.terms']);

    const status = await client.submitKyc(session.token, submission, { terms: true });
    expect(status.state).to.equal('pending');
    expect(status.submissionCount).to.equal(1);
    expect((await client.status(session.token)).state).to.equal('pending');
    const previous = await client.previousSubmission(session.token);
    expect(previous.firstName).to.equal('Ann');
    expect(previous.documentIdFile).to.equal(submission.documentIdFile);
  });

  it('checks an Ethereum address and explains a wrong checksum with the suggestion', async () => {
    const client = await testClient();
    const session = await signIn(client);
    const checked = await client.checkEthereumAddress(session.token, '0x32be343b94f860124dc4fee278fdcbd38c102d88');
    expect(checked.address).to.equal('0x32Be343B94f860124dC4fEe278FDCBD38C102D88');
    const wrong = await rejection(client.checkEthereumAddress(session.token, '0x32BE343B94f860124dC4fEe278FDCBD38C102D88'));
    expect(wrong.fields[0]?.rule).to.equal('checksum');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(readRetryAfter('12')).to.equal(12);
    expect(readRetryAfter(new Date(Date.UTC(2030, 0, 1, 0, 1, 0)).toUTCString(), Date.UTC(2030, 0, 1, 0, 0, 0))).to.equal(60);
    expect(readRetryAfter('soon')).to.equal(undefined);
    expect(readRetryAfter(null)).to.equal(undefined);
  });
});
