/**
 * The KYC routes over HTTP, against the sandbox provider behind a relay that can lose the provider's
 * answer after it acted: `POST /kyc` (the shared field rules, files bound to the investor, the
 * provider's own refusals mapped onto our field names, closed cases, submit-once), `GET /kyc` and
 * `GET /kyc/submission`.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { toChecksumAddress } from '../../../proxy/contract/eip55.js';
import { api, signIn, uniqueEmail, uploadDocuments, uploadFiles, uploadTickets, VALID_FILE_BYTES, validSubmission, type Investor, type UploadedKeys } from '../support/investor.js';
import { CLIENT_ID, freePort, PROVIDER_API_KEY, PROVIDER_SECRET_ENV, startStack, type Stack } from '../support/proxy-stack.js';
import { startRelay, type Relay } from '../provider/helpers.js';

const MISTYPED_ADDRESS = '0x32Be343B94f860124dC4fEe278FDCBD38C102D8A';

interface Problem {
  field: string;
  rule: string;
  message: string;
  params?: Record<string, unknown>;
}

/** `[field, rule]` of every problem of an error answer. */
function rules(body: { error: { fields: Problem[] } }): [string, string][] {
  return body.error.fields.map((problem) => [problem.field, problem.rule]);
}

describe('KYC routes', () => {
  let relay: Relay;
  let stack: Stack;

  before(async () => {
    // The relay must know the sandbox's address before the stack (whose sale points at the relay) starts.
    const sandboxPort = await freePort();
    relay = await startRelay(`http://127.0.0.1:${sandboxPort}`);
    stack = await startStack({
      sandboxPort,
      sale: { provider: { url: relay.url, apiKey: PROVIDER_API_KEY, apiSecret: { env: PROVIDER_SECRET_ENV } } },
    });
  });
  after(async () => {
    await stack.close();
    await relay.close();
  });
  beforeEach(async () => {
    // Webhook follow-ups of earlier tests read cases through the relay: let them finish first.
    await Promise.allSettled([...(stack.proxies[0]?.deps.background ?? [])]);
    relay.plan.length = 0;
    relay.requests.length = 0;
  });

  /** A signed-in investor with an ID document and a selfie uploaded. */
  async function investorWithDocuments(label: string): Promise<Investor & { keys: UploadedKeys }> {
    const investor = await signIn(stack, uniqueEmail(label));
    return { ...investor, keys: await uploadDocuments(stack, investor.token) };
  }

  const submit = (investor: Investor, body: unknown) => api(stack, 'kyc', { token: investor.token, body });
  const caseAt = (investor: Investor) => stack.sandbox.store.getKyc(CLIENT_ID, Number(investor.userId));
  const submitsSeen = () => relay.requests.filter((request) => request.method === 'POST' && request.path.startsWith('/api/v2/users-kyc/')).length;

  test('a valid submission is 201 pending, and the provider has it', async () => {
    const investor = await investorWithDocuments('valid');
    const answer = await submit(investor, validSubmission(investor.keys));
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.deepEqual(answer.body, { status: { state: 'pending', reasons: [], whitelist: 'unprocessed', submissionCount: 1 } });
    assert.equal(caseAt(investor)?.submission_count, 1);
    const detail = stack.sandbox.store.getKycDetail(CLIENT_ID, Number(investor.userId))?.detail;
    assert.equal(detail?.first_name, 'Ann');
    assert.equal(detail?.country, 'FRANCE');
    assert.equal(detail?.document_id_file_path, investor.keys.documentIdFile);
    assert.equal(submitsSeen(), 1);

    const status = await api(stack, 'kyc', { token: investor.token });
    assert.equal(status.status, 200);
    assert.deepEqual(status.body, answer.body);
  });

  test('every kind of field error comes back in fields with our names, and nothing reaches the provider', async () => {
    const investor = await investorWithDocuments('errors');
    const tenYearsAgo = new Date().getUTCFullYear() - 10;
    const body = validSubmission(investor.keys, {
      firstName: 'A'.repeat(101),
      // The provider counts & as 5 characters: 20 of them are 100, one letter more is too long.
      lastName: `${'&'.repeat(20)}x`,
      birthdate: `01/01/${tenYearsAgo}`,
      country: 'North Korea',
      nationality: 'Martian',
      ethereumAddress: MISTYPED_ADDRESS,
      estimatedParticipationAmount: '0.001',
      favouriteColour: 'blue',
    });
    const answer = await submit(investor, { ...body, confirmations: {} });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.code, 'invalid_submission');
    assert.deepEqual(rules(answer.body), [
      ['firstName', 'too_long'],
      ['lastName', 'too_long'],
      ['birthdate', 'too_young'],
      ['country', 'blocked_country'],
      ['nationality', 'unknown_nationality'],
      ['ethereumAddress', 'checksum'],
      ['estimatedParticipationAmount', 'min_amount'],
      ['submission', 'unknown_field'],
      ['confirmations.terms', 'required'],
    ]);
    const byField = new Map<string, Problem>(answer.body.error.fields.map((problem: Problem) => [problem.field, problem]));
    // The last digit was mistyped (8 → A): the suggestion is the checksummed form of what was typed.
    assert.deepEqual(byField.get('ethereumAddress')?.params, { suggestion: toChecksumAddress(MISTYPED_ADDRESS) });
    assert.deepEqual(byField.get('firstName')?.params, { max: 100 });
    assert.deepEqual(byField.get('submission')?.params, { property: 'favouriteColour' });
    for (const problem of byField.values()) assert.ok(problem.message.length > 0, problem.field);
    assert.equal(submitsSeen(), 0, 'an invalid submission is never sent');
    assert.equal(caseAt(investor), undefined);
  });

  test('a nationality that needs a residence proof makes it required', async () => {
    const investor = await investorWithDocuments('indian');
    const answer = await submit(investor, validSubmission(investor.keys, { nationality: 'Indian' }));
    assert.equal(answer.status, 400);
    assert.deepEqual(rules(answer.body), [['residenceProofFile', 'required']]);

    const withProof = await uploadFiles(stack, investor.token, [{ field: 'residenceProofFile', contentType: 'application/pdf', bytes: VALID_FILE_BYTES }]);
    const accepted = await submit(investor, validSubmission({ ...investor.keys, ...withProof }, { nationality: 'Indian' }));
    assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
  });

  test('a file key another investor uploaded is a 400 file_not_found, never sent', async () => {
    const owner = await investorWithDocuments('owner');
    const thief = await investorWithDocuments('thief');
    const answer = await submit(thief, validSubmission({ ...thief.keys, documentIdFile: owner.keys.documentIdFile }));
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.code, 'invalid_submission');
    assert.deepEqual(rules(answer.body), [['documentIdFile', 'file_not_found']]);
    assert.equal(submitsSeen(), 0);
  });

  test('a key that was issued but never uploaded: the provider\'s error_data on our field name', async () => {
    const investor = await investorWithDocuments('not-uploaded');
    const [ticket] = await uploadTickets(stack, investor.token, [{ field: 'selfieFile', contentType: 'image/png' }]);
    assert.ok(ticket !== undefined);
    const answer = await submit(investor, validSubmission({ ...investor.keys, selfieFile: ticket.key }));
    assert.equal(answer.status, 400, JSON.stringify(answer.body));
    assert.equal(answer.body.error.code, 'invalid_submission');
    assert.deepEqual(rules(answer.body), [['selfieFile', 'file_not_found']]);
    assert.equal(submitsSeen(), 1, 'the provider was asked and refused');
    assert.equal(caseAt(investor), undefined);
  });

  test('a resubmission after the reviewer reported an issue counts 2', async () => {
    const investor = await investorWithDocuments('resubmit');
    assert.equal((await submit(investor, validSubmission(investor.keys))).status, 201);
    stack.sandbox.store.reportIssue(CLIENT_ID, Number(investor.userId), ['document_issue'], 'Admin');
    const status = await api(stack, 'kyc', { token: investor.token });
    assert.deepEqual(status.body.status, { state: 'needs_action', reasons: ['document_issue'], whitelist: 'unprocessed', submissionCount: 1 });

    const fresh = await uploadFiles(stack, investor.token, [{ field: 'documentIdFile', contentType: 'application/pdf', bytes: VALID_FILE_BYTES }]);
    const again = await submit(investor, validSubmission({ ...investor.keys, ...fresh }));
    assert.equal(again.status, 201, JSON.stringify(again.body));
    assert.deepEqual(again.body.status, { state: 'pending', reasons: [], whitelist: 'unprocessed', submissionCount: 2 });
    assert.equal(caseAt(investor)?.submission_count, 2);
  });

  test('a resubmission may keep the files of the previous submission', async () => {
    const investor = await investorWithDocuments('keep-files');
    assert.equal((await submit(investor, validSubmission(investor.keys))).status, 201);
    stack.sandbox.store.reportIssue(CLIENT_ID, Number(investor.userId), ['data_mismatch'], 'Admin');
    const again = await submit(investor, validSubmission(investor.keys, { lastName: 'Leigh' }));
    assert.equal(again.status, 201, JSON.stringify(again.body));
    assert.equal(caseAt(investor)?.submission_count, 2);
  });

  test('an approved or denied case is closed: 409 kyc_closed', async () => {
    const approved = await investorWithDocuments('approved');
    assert.equal((await submit(approved, validSubmission(approved.keys))).status, 201);
    stack.sandbox.store.setAmlStatus(CLIENT_ID, Number(approved.userId), 'cleared', 'kyc_system');
    stack.sandbox.store.qualify(CLIENT_ID, Number(approved.userId), 'Admin');
    const closed = await submit(approved, validSubmission(approved.keys, { city: 'Lyon' }));
    assert.equal(closed.status, 409);
    assert.equal(closed.body.error.code, 'kyc_closed');

    const denied = await investorWithDocuments('denied');
    assert.equal((await submit(denied, validSubmission(denied.keys))).status, 201);
    stack.sandbox.store.deny(CLIENT_ID, Number(denied.userId), 'Admin');
    const refused = await submit(denied, validSubmission(denied.keys, { city: 'Lyon' }));
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'kyc_closed');
    assert.equal(caseAt(denied)?.submission_count, 1);
  });

  test('GET /kyc/submission returns the previous answers with our names and dd/mm/yyyy', async () => {
    const investor = await investorWithDocuments('previous');
    const none = await api(stack, 'kyc/submission', { token: investor.token });
    assert.equal(none.status, 404);
    assert.equal(none.body.error.code, 'no_submission');

    const proofs = await uploadFiles(stack, investor.token, [
      { field: 'investorProofFiles', contentType: 'application/pdf', bytes: VALID_FILE_BYTES },
      { field: 'investorProofFiles', contentType: 'image/jpeg', bytes: VALID_FILE_BYTES },
    ]);
    const keys = { ...investor.keys, ...proofs };
    assert.equal((await submit(investor, validSubmission(keys))).status, 201);
    const answer = await api(stack, 'kyc/submission', { token: investor.token });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.submission, {
      firstName: 'Ann',
      lastName: 'Lee',
      birthdate: '01/02/1990',
      country: 'FRANCE',
      nationality: 'FRENCH',
      // The provider stores document numbers downcased (upstream §2.4).
      documentIdNumber: 'x1234567',
      documentIdFile: keys.documentIdFile,
      selfieFile: keys.selfieFile,
      investorProofFiles: keys.investorProofFiles,
      streetAddress: '1 Rue de Rivoli',
      city: 'Paris',
      state: 'Ile-de-France',
      postalCode: '75001',
      ethereumAddress: '0x32Be343B94f860124dC4fEe278FDCBD38C102D88',
      estimatedParticipationAmount: '100',
    });
    // No document URL (they are presigned GETs) reaches the widget.
    assert.doesNotMatch(JSON.stringify(answer.body), /https?:\/\//);
  });

  test('submit-once: the provider acts but its answer is lost; the widget\'s retry does not submit again', async () => {
    const investor = await investorWithDocuments('lost-answer');
    const body = validSubmission(investor.keys);
    // The proxy reads the case (twice: the route, then submit-once), then submits: the sandbox acts on
    // the submit, and its answer never comes back.
    relay.requests.length = 0;
    relay.plan.push('pass', 'pass', 'drop-after');
    const first = await submit(investor, body);
    assert.deepEqual(relay.requests.slice(0, 3).map((request) => request.method), ['GET', 'GET', 'POST'], 'the plan dropped the submit\'s answer');
    assert.ok(first.status === 201 || (first.status >= 500 && typeof first.body.error?.code === 'string'), `${first.status} ${JSON.stringify(first.body)}`);
    assert.equal(submitsSeen(), 1, 'the proxy did not send the submission again');
    assert.equal(caseAt(investor)?.submission_count, 1);
    if (first.status === 201) assert.equal(first.body.status.submissionCount, 1);

    // The widget did not see the answer in time (or saw a 5xx) and sends the same submission again.
    const retry = await submit(investor, body);
    assert.equal(retry.status, 201, JSON.stringify(retry.body));
    assert.equal(retry.body.status.submissionCount, 1);
    assert.equal(caseAt(investor)?.submission_count, 1, 'the retry did not make a second submission');
    assert.equal(submitsSeen(), 1);
  });

  test('two concurrent submits of the same answers: one submission at the provider', async () => {
    const investor = await investorWithDocuments('double-click');
    const body = validSubmission(investor.keys);
    const answers = await Promise.all([submit(investor, body), submit(investor, body)]);
    for (const answer of answers) {
      assert.ok(answer.status === 201 || (answer.status === 409 && answer.body.error.code === 'submission_in_progress'), `${answer.status} ${JSON.stringify(answer.body)}`);
      if (answer.status === 409) assert.equal(answer.headers.get('retry-after'), '5');
    }
    assert.ok(answers.some((answer) => answer.status === 201));
    assert.equal(caseAt(investor)?.submission_count, 1);
    assert.equal(submitsSeen(), 1);
  });

  test('without a token or from another site nothing is submitted', async () => {
    const investor = await investorWithDocuments('no-token');
    const body = validSubmission(investor.keys);
    assert.equal((await api(stack, 'kyc', { body })).status, 401);
    assert.equal((await api(stack, 'kyc', { token: investor.token, origin: 'https://evil.test', body })).status, 403);
    assert.equal((await api(stack, 'kyc', { token: investor.token, body: 'not an object' })).status, 400);
    assert.equal(submitsSeen(), 0);
  });
});
