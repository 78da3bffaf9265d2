import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bytes, s3Error, startS3 } from './local-s3.js';
import type { TestS3 } from './local-s3.js';

/** Changes one hex digit of the X-Amz-Signature query parameter. */
function tamper(url: string): string {
  const u = new URL(url);
  const signature = u.searchParams.get('X-Amz-Signature') ?? '';
  u.searchParams.set('X-Amz-Signature', (signature[0] === '0' ? '1' : '0') + signature.slice(1));
  return u.toString();
}

describe('local S3: presigned PUT and GET URLs', () => {
  let s3: TestS3;
  before(async () => {
    s3 = await startS3();
  });
  after(async () => {
    await s3.stop();
  });

  it('stores a PUT with content-type, then serves it by presigned GET', async () => {
    const key = '3/d/0123456789abcdef0123456789abcdef';
    const put = await s3.fileStore.presignPut(key, 'application/pdf');
    assert.deepEqual(put.fields, { key });
    assert.equal(new URL(put.url).searchParams.get('X-Amz-Expires'), '900');
    const data = bytes(300 * 1024);
    const res = await fetch(put.url, { method: 'PUT', body: data, headers: { 'content-type': 'application/pdf' } });
    assert.equal(res.status, 200, await res.text());
    assert.match(res.headers.get('etag') ?? '', /^"[0-9a-f]{32}"$/);
    assert.deepEqual(await s3.fileStore.stat(key), { size: data.length, contentType: 'application/pdf' });

    const get = await fetch(await s3.fileStore.presignGet(key, 43200));
    assert.equal(get.status, 200);
    assert.equal(get.headers.get('content-type'), 'application/pdf');
    assert.deepEqual(new Uint8Array(await get.arrayBuffer()), data);
  });

  it('refuses a PUT with another content-type than signed (SignatureDoesNotMatch, 403)', async () => {
    const put = await s3.fileStore.presignPut('3/i/typed', 'image/png');
    const res = await fetch(put.url, { method: 'PUT', body: bytes(1000), headers: { 'content-type': 'text/html' } });
    assert.equal(res.status, 403);
    assert.equal(s3Error(await res.text()).code, 'SignatureDoesNotMatch');
    assert.equal(await s3.fileStore.stat('3/i/typed'), undefined);
  });

  it('refuses a PUT with a tampered signature (403)', async () => {
    const put = await s3.fileStore.presignPut('3/i/tampered', 'image/png');
    const res = await fetch(tamper(put.url), { method: 'PUT', body: bytes(1000), headers: { 'content-type': 'image/png' } });
    assert.equal(res.status, 403);
    assert.equal(s3Error(await res.text()).code, 'SignatureDoesNotMatch');
    assert.equal(await s3.fileStore.stat('3/i/tampered'), undefined);
  });

  it('refuses a PUT URL after its 15 minutes (AccessDenied "Request has expired", 403)', async () => {
    const put = await s3.fileStore.presignPut('3/i/expired', 'image/png');
    s3.advance(901_000);
    try {
      const res = await fetch(put.url, { method: 'PUT', body: bytes(1000), headers: { 'content-type': 'image/png' } });
      assert.equal(res.status, 403);
      assert.deepEqual(s3Error(await res.text()), { code: 'AccessDenied', message: 'Request has expired' });
    } finally {
      s3.advance(-901_000);
    }
  });

  it('refuses a tampered or expired GET, and a GET without any signature', async () => {
    const key = '3/i/readable';
    const put = await s3.fileStore.presignPut(key, 'image/jpeg');
    assert.equal((await fetch(put.url, { method: 'PUT', body: bytes(2048), headers: { 'content-type': 'image/jpeg' } })).status, 200);
    const url = await s3.fileStore.presignGet(key, 60);

    const tampered = await fetch(tamper(url));
    assert.equal(tampered.status, 403);
    assert.equal(s3Error(await tampered.text()).code, 'SignatureDoesNotMatch');

    const anonymous = await fetch(url.slice(0, url.indexOf('?')));
    assert.equal(anonymous.status, 403);
    assert.equal(s3Error(await anonymous.text()).code, 'AccessDenied');

    s3.advance(61_000);
    try {
      const expired = await fetch(url);
      assert.equal(expired.status, 403);
      assert.deepEqual(s3Error(await expired.text()), { code: 'AccessDenied', message: 'Request has expired' });
    } finally {
      s3.advance(-61_000);
    }
  });

  it('answers NoSuchKey (404) for a signed GET of a missing key', async () => {
    const res = await fetch(await s3.fileStore.presignGet('3/i/nothing-here', 60));
    assert.equal(res.status, 404);
    assert.equal(s3Error(await res.text()).code, 'NoSuchKey');
  });
});
