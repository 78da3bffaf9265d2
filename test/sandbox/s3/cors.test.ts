import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BUCKET, bytes, postForm, s3Error, startS3 } from './local-s3.js';
import type { TestS3 } from './local-s3.js';

const ORIGIN = 'http://127.0.0.1:4000';

describe('local S3: CORS', () => {
  let s3: TestS3;
  before(async () => {
    s3 = await startS3({ allowedOrigins: [ORIGIN] });
  });
  after(async () => {
    await s3.stop();
  });

  it('answers a preflight from an allowed origin with the method and requested headers', async () => {
    const res = await fetch(`${s3.url}/${BUCKET}`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN);
    assert.match(res.headers.get('access-control-allow-methods') ?? '', /\bPOST\b/);
    assert.equal(res.headers.get('access-control-allow-headers'), 'content-type');
  });

  it('refuses a preflight from another origin (403 AccessForbidden) without CORS headers', async () => {
    const res = await fetch(`${s3.url}/${BUCKET}`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(res.status, 403);
    assert.equal(s3Error(await res.text()).code, 'AccessForbidden');
    assert.equal(res.headers.get('access-control-allow-origin'), null);
  });

  it('adds Access-Control-Allow-Origin and exposes ETag on uploads and errors from an allowed origin', async () => {
    const { url, fields } = await s3.fileStore.presignPost('3/i/cors', 'image/jpeg');
    const ok = await postForm(url, fields, { data: bytes(204800), type: 'image/jpeg' }, { origin: ORIGIN });
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get('access-control-allow-origin'), ORIGIN);
    assert.match(ok.headers.get('access-control-expose-headers') ?? '', /ETag/);
    const refused = await postForm(url, fields, { data: bytes(10), type: 'image/jpeg' }, { origin: ORIGIN });
    assert.equal(refused.status, 400);
    // The browser page must be able to read the S3 error code to show "Upload Error: <Code>".
    assert.equal(refused.headers.get('access-control-allow-origin'), ORIGIN);
  });
});
