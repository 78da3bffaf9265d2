/**
 * `POST /v1/sales/:sale/uploads` over HTTP: presigned S3 POST forms for the file fields the sale
 * collects, only the provider's content types, within the count limits; the forms work against the S3
 * stand-in (which enforces the policy, so the proxy never sees file bytes).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, postToS3, signIn, uniqueEmail, uploadTickets, VALID_FILE_BYTES, type Investor } from '../support/investor.js';
import { CLIENT_ID, startStack, type Stack } from '../support/proxy-stack.js';

interface Problem {
  field: string;
  rule: string;
}

function rules(body: { error: { fields: Problem[] } }): [string, string][] {
  return body.error.fields.map((problem) => [problem.field, problem.rule]);
}

describe('POST /uploads', () => {
  let stack: Stack;
  let investor: Investor;

  before(async () => {
    stack = await startStack();
    investor = await signIn(stack, uniqueEmail('uploads'));
  });
  after(() => stack.close());

  /** Ask for tickets; `token: null` sends none. */
  const ask = (files: unknown, token: string | null = investor.token) => api(stack, 'uploads', { ...(token === null ? {} : { token }), body: { files } });

  test('answers one S3 form per file for every collected file field', async () => {
    const before = Math.floor(Date.now() / 1000);
    const answer = await ask([
      { field: 'documentIdFile', contentType: 'image/jpeg' },
      { field: 'selfieFile', contentType: 'image/png' },
      { field: 'residenceProofFile', contentType: 'application/pdf' },
      { field: 'investorProofFiles', contentType: 'application/pdf' },
      { field: 'investorProofFiles', contentType: 'IMAGE/PNG' },
    ]);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const { uploads, minBytes, maxBytes, expiresAt } = answer.body;
    assert.deepEqual(
      uploads.map((u: { field: string; index: number; contentType: string }) => [u.field, u.index, u.contentType]),
      [['documentIdFile', 0, 'image/jpeg'], ['selfieFile', 0, 'image/png'], ['residenceProofFile', 0, 'application/pdf'], ['investorProofFiles', 0, 'application/pdf'], ['investorProofFiles', 1, 'image/png']],
    );
    assert.equal(minBytes, 204800);
    assert.equal(maxBytes, 20971520);
    assert.ok(expiresAt >= before + 15 * 60 && expiresAt <= Math.ceil(Date.now() / 1000) + 15 * 60, `expiresAt ${expiresAt}`);
    const keys = new Set<string>();
    for (const upload of uploads) {
      // The browser posts straight to S3, never through the proxy.
      assert.ok(upload.url.startsWith(stack.s3.url), upload.url);
      assert.match(upload.key, new RegExp(`^${CLIENT_ID}/[a-z]/[0-9a-f]+$`));
      assert.equal(upload.fields.key, upload.key);
      assert.equal(upload.fields['Content-Type'], upload.contentType);
      assert.ok(upload.fields.Policy !== undefined && upload.fields['X-Amz-Signature'] !== undefined, JSON.stringify(upload.fields));
      keys.add(upload.key);
    }
    assert.equal(keys.size, uploads.length, 'every file gets its own key');
  });

  test('the forms work: S3 accepts a file of the right size (204) and refuses a too small one with its XML error', async () => {
    const [document, selfie] = await uploadTickets(stack, investor.token, [
      { field: 'documentIdFile', contentType: 'image/jpeg' },
      { field: 'selfieFile', contentType: 'image/png' },
    ]);
    assert.ok(document !== undefined && selfie !== undefined);
    const accepted = await postToS3(document, VALID_FILE_BYTES);
    assert.equal(accepted.status, 204, accepted.body);
    const tooSmall = await postToS3(selfie, 1024);
    assert.equal(tooSmall.status, 400);
    assert.match(tooSmall.body, /<Code>EntityTooSmall<\/Code>/);
  });

  test('a content type the provider does not take is a 400 on that entry', async () => {
    for (const contentType of ['image/gif', 'text/html', 'application/octet-stream', '']) {
      const answer = await ask([{ field: 'documentIdFile', contentType: 'image/jpeg' }, { field: 'selfieFile', contentType }]);
      assert.equal(answer.status, 400, contentType);
      assert.equal(answer.body.error.code, 'invalid_request');
      assert.deepEqual(rules(answer.body), [['files[1].contentType', 'file_type']], contentType);
    }
  });

  test('more files of a kind than the form holds is a 400 too_many_files', async () => {
    const proofs = await ask([
      { field: 'investorProofFiles', contentType: 'application/pdf' },
      { field: 'investorProofFiles', contentType: 'application/pdf' },
      { field: 'investorProofFiles', contentType: 'application/pdf' },
    ]);
    assert.equal(proofs.status, 400);
    assert.deepEqual(rules(proofs.body), [['files[2].field', 'too_many_files']]);

    const twoDocuments = await ask([{ field: 'documentIdFile', contentType: 'image/jpeg' }, { field: 'documentIdFile', contentType: 'image/jpeg' }]);
    assert.equal(twoDocuments.status, 400);
    assert.deepEqual(rules(twoDocuments.body), [['files[1].field', 'too_many_files']]);

    const tooMany = await ask(Array.from({ length: 6 }, () => ({ field: 'documentIdFile', contentType: 'image/jpeg' })));
    assert.equal(tooMany.status, 400);
    assert.deepEqual(rules(tooMany.body), [['files', 'format']]);
  });

  test('malformed requests are 400s naming the entry', async () => {
    assert.deepEqual(rules((await ask([])).body), [['files', 'format']]);
    assert.deepEqual(rules((await ask('documentIdFile')).body), [['files', 'format']]);
    assert.deepEqual(rules((await ask(['documentIdFile'])).body), [['files[0]', 'type']]);
    // A text field is not a file field.
    assert.deepEqual(rules((await ask([{ field: 'firstName', contentType: 'image/png' }])).body), [['files[0].field', 'format']]);
  });

  test('no token is a 401, and nothing is presigned', async () => {
    const answer = await ask([{ field: 'documentIdFile', contentType: 'image/jpeg' }], null);
    assert.equal(answer.status, 401);
    assert.equal(answer.body.uploads, undefined);
    // A token whose signature was tampered with.
    const [header, payload, signature] = investor.token.split('.');
    const flipped = `${signature?.startsWith('A') ? 'B' : 'A'}${signature?.slice(1)}`;
    const forged = await ask([{ field: 'documentIdFile', contentType: 'image/jpeg' }], `${header}.${payload}.${flipped}`);
    assert.equal(forged.status, 401);
  });
});

describe('POST /uploads for a sale that collects fewer files', () => {
  let stack: Stack;
  let investor: Investor;

  before(async () => {
    stack = await startStack({ sale: { fields: { optional: ['investorProofFiles'] }, maxInvestorProofs: 1, residenceProofNationalities: [] } });
    investor = await signIn(stack, uniqueEmail('uploads-few'));
  });
  after(() => stack.close());

  test('a file field the sale does not collect is a 400 not_collected', async () => {
    const answer = await api(stack, 'uploads', { token: investor.token, body: { files: [{ field: 'documentIdFile', contentType: 'image/jpeg' }, { field: 'residenceProofFile', contentType: 'application/pdf' }] } });
    assert.equal(answer.status, 400);
    assert.deepEqual(rules(answer.body), [['files[1].field', 'not_collected']]);
  });

  test('the sale\'s own investor proof limit applies', async () => {
    const one = await api(stack, 'uploads', { token: investor.token, body: { files: [{ field: 'investorProofFiles', contentType: 'application/pdf' }] } });
    assert.equal(one.status, 200);
    const two = await api(stack, 'uploads', { token: investor.token, body: { files: [{ field: 'investorProofFiles', contentType: 'application/pdf' }, { field: 'investorProofFiles', contentType: 'application/pdf' }] } });
    assert.equal(two.status, 400);
    assert.deepEqual(rules(two.body), [['files[1].field', 'too_many_files']]);
  });
});
