/**
 * The S3 stand-in bugs the fuzzing found, each kept as a fixed request (issue 7, bad input).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createS3Server, type S3Server } from '../../../demo/sandbox/s3/s3-server.js';
import { closeRawConnections, sendRaw } from './support/raw-request.js';

let dataDir: string;
let s3: S3Server;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 's3-regressions-'));
  s3 = await createS3Server({ dataDir, bucket: 'kyc-test', accessKeyId: 'TESTACCESSKEY', secretAccessKey: 'test-secret', allowedOrigins: ['https://sale.test'] });
});

after(async () => {
  await s3?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  closeRawConnections();
});

describe('S3 stand-in regressions found by fuzzing', () => {
  test('a request target that does not percent-decode is 400 InvalidURI, not a 500', async () => {
    for (const target of ['/kyc-test/7/i/a%zz', '/kyc-test/7/i/a%', '/kyc-test/7/i/a?X-Amz-Date=%E2%82', '/kyc-test/%ff']) {
      const answer = await sendRaw(s3.url, { method: 'GET', target });
      assert.equal(answer.status, 400, `${target}: ${answer.text}`);
      assert.match(answer.text, /<Code>InvalidURI<\/Code>/);
    }
  });

  test('a presigned URL that signs a header named __proto__ is refused, not a 500', async () => {
    const url = new URL(await s3.fileStore.presignGet('7/i/abc', 60));
    url.searchParams.set('X-Amz-SignedHeaders', '__proto__');
    const answer = await sendRaw(s3.url, { method: 'GET', target: url.pathname + url.search });
    assert.equal(answer.status, 403, answer.text);
    assert.match(answer.text, /<Code>SignatureDoesNotMatch<\/Code>/);
  });

  test('an empty file refused as too small leaves no temporary file behind', async () => {
    const form = await s3.fileStore.presignPost('7/i/empty', 'image/jpeg');
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const body = new FormData();
      for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
      body.append('file', new Blob([new Uint8Array(0)], { type: 'image/jpeg' }), 'empty.jpg');
      const response = await fetch(form.url, { method: 'POST', body });
      assert.equal(response.status, 400);
      assert.match(await response.text(), /<Code>EntityTooSmall<\/Code>/);
    }
    assert.deepEqual(readdirSync(join(dataDir, 'tmp')), []);
  });
});
