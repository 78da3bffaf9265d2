import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { ACCESS_KEY_ID, BUCKET, SECRET_ACCESS_KEY, bytes, postForm, s3Error, startS3 } from './local-s3.js';
import type { TestS3 } from './local-s3.js';

const KB = 1024;

describe('local S3: POST policy uploads', () => {
  let s3: TestS3;
  before(async () => {
    s3 = await startS3();
  });
  after(async () => {
    await s3.stop();
  });

  it('accepts a valid upload with 204, then stat and a presigned GET return it', async () => {
    const key = '3/i/4ae058629d4b384edcda8decdfbf0dd1';
    const { url, fields } = await s3.fileStore.presignPost(key, 'image/jpeg');
    assert.equal(url, `${s3.url}/${BUCKET}`);
    const data = bytes(250 * KB);
    const res = await postForm(url, fields, { data, type: 'image/jpeg' });
    assert.equal(res.status, 204, res.text);
    assert.deepEqual(await s3.fileStore.stat(key), { size: data.length, contentType: 'image/jpeg' });

    const get = await fetch(await s3.fileStore.presignGet(key, 43200));
    assert.equal(get.status, 200);
    assert.equal(get.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual(new Uint8Array(await get.arrayBuffer()), data);
  });

  it('signs the provider conditions into the form: exact key and type, aws:kms, 200 KB..20 MB, 15 minutes', async () => {
    const before = Date.now();
    const { fields } = await s3.fileStore.presignPost('3/d/abc', 'application/pdf');
    const policy = JSON.parse(Buffer.from(fields.Policy ?? '', 'base64').toString()) as {
      expiration: string;
      conditions: unknown[];
    };
    assert.deepEqual(policy.conditions.slice(0, 5), [
      { 'Content-Type': 'application/pdf' },
      { 'x-amz-server-side-encryption': 'aws:kms' },
      { 'x-amz-server-side-encryption-aws-kms-key-id': 'local-kms-key' },
      ['content-length-range', 204800, 20971520],
      { bucket: BUCKET },
    ]);
    assert.ok(policy.conditions.some((c) => JSON.stringify(c) === JSON.stringify({ key: '3/d/abc' })));
    const lifetime = Date.parse(policy.expiration) - before;
    assert.ok(lifetime > 899_000 && lifetime <= 901_000, `expires in ${lifetime} ms`);
    assert.equal(fields.key, '3/d/abc');
    assert.equal(fields['x-amz-server-side-encryption'], 'aws:kms');
  });

  it('refuses a file under 200 KB with EntityTooSmall (400) and stores nothing', async () => {
    const { url, fields } = await s3.fileStore.presignPost('3/i/small', 'image/png');
    const res = await postForm(url, fields, { data: bytes(204799), type: 'image/png' });
    assert.equal(res.status, 400);
    assert.equal(s3Error(res.text).code, 'EntityTooSmall');
    assert.match(res.text, /<MinSizeAllowed>204800<\/MinSizeAllowed>/);
    assert.equal(await s3.fileStore.stat('3/i/small'), undefined);
  });

  it('accepts exactly the bounds 204800 and 20971520 bytes', async () => {
    for (const size of [204800, 20971520]) {
      const key = `3/d/bound-${size}`;
      const { url, fields } = await s3.fileStore.presignPost(key, 'application/pdf');
      const res = await postForm(url, fields, { data: bytes(size), type: 'application/pdf' });
      assert.equal(res.status, 204, res.text);
      assert.equal((await s3.fileStore.stat(key))?.size, size);
    }
  });

  it('refuses a file over 20 MB with EntityTooLarge (400), answering before the body is all sent', async () => {
    const key = '3/i/large';
    const { url, fields } = await s3.fileStore.presignPost(key, 'image/jpeg');
    const boundary = 'test-boundary-7f3a';
    const head = Object.entries(fields)
      .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join('');
    const fileHead = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`;
    const tail = `\r\n--${boundary}--\r\n`;
    const fileSize = 64 * 1024 * 1024;
    const total = Buffer.byteLength(head + fileHead + tail) + fileSize;
    const chunk = Buffer.from(bytes(256 * KB));

    let sent = 0;
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(url, {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(total) },
      });
      let answered = false;
      req.on('response', (res) => {
        answered = true;
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body });
          req.destroy();
        });
      });
      // Once answered, the server may close the connection under the rest of the body.
      req.on('error', (error) => (answered ? undefined : reject(error)));
      req.write(head + fileHead);
      const pump = (): void => {
        while (!answered && sent < fileSize) {
          sent += chunk.length;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        if (!answered) req.end(tail);
      };
      pump();
    });
    assert.equal(answer.status, 400);
    assert.equal(s3Error(answer.body).code, 'EntityTooLarge');
    assert.match(answer.body, /<MaxSizeAllowed>20971520<\/MaxSizeAllowed>/);
    assert.ok(sent < fileSize, `the answer came after ${sent} of ${fileSize} bytes`);
    assert.equal(await s3.fileStore.stat(key), undefined);
  });

  it('refuses a wrong Content-Type with AccessDenied "Invalid according to Policy" (403)', async () => {
    const { url, fields } = await s3.fileStore.presignPost('3/i/type', 'image/jpeg');
    const res = await postForm(url, { ...fields, 'Content-Type': 'image/png' }, { data: bytes(210 * KB), type: 'image/png' });
    assert.equal(res.status, 403);
    assert.deepEqual(s3Error(res.text), {
      code: 'AccessDenied',
      message: 'Invalid according to Policy: Policy Condition failed: ["eq", "$Content-Type", "image/jpeg"]',
    });
  });

  it('refuses another key than the signed one (403)', async () => {
    const { url, fields } = await s3.fileStore.presignPost('3/i/mine', 'image/jpeg');
    const res = await postForm(url, { ...fields, key: '3/i/someone-else' }, { data: bytes(210 * KB), type: 'image/jpeg' });
    assert.equal(res.status, 403);
    assert.deepEqual(s3Error(res.text), {
      code: 'AccessDenied',
      message: 'Invalid according to Policy: Policy Condition failed: ["eq", "$key", "3/i/mine"]',
    });
    assert.equal(await s3.fileStore.stat('3/i/someone-else'), undefined);
  });

  it('refuses a form after its 15 minutes with "Policy expired." (403)', async () => {
    const { url, fields } = await s3.fileStore.presignPost('3/i/late', 'image/jpeg');
    s3.advance(15 * 60 * 1000 + 1000);
    try {
      const res = await postForm(url, fields, { data: bytes(210 * KB), type: 'image/jpeg' });
      assert.equal(res.status, 403);
      assert.deepEqual(s3Error(res.text), { code: 'AccessDenied', message: 'Invalid according to Policy: Policy expired.' });
    } finally {
      s3.advance(-(15 * 60 * 1000 + 1000));
    }
  });

  it('refuses a tampered policy with SignatureDoesNotMatch (403)', async () => {
    const { url, fields } = await s3.fileStore.presignPost('3/i/tamper', 'image/jpeg');
    const policy = Buffer.from(fields.Policy ?? '', 'base64').toString().replace('20971520', '99999999');
    const res = await postForm(url, { ...fields, Policy: Buffer.from(policy).toString('base64') }, {
      data: bytes(210 * KB),
      type: 'image/jpeg',
    });
    assert.equal(res.status, 403);
    assert.equal(s3Error(res.text).code, 'SignatureDoesNotMatch');
  });

  it('refuses a tampered signature with SignatureDoesNotMatch (403)', async () => {
    const { url, fields } = await s3.fileStore.presignPost('3/i/tamper2', 'image/jpeg');
    const signature = fields['X-Amz-Signature'] ?? '';
    const flipped = (signature[0] === 'a' ? 'b' : 'a') + signature.slice(1);
    const res = await postForm(url, { ...fields, 'X-Amz-Signature': flipped }, { data: bytes(210 * KB), type: 'image/jpeg' });
    assert.equal(res.status, 403);
    assert.equal(s3Error(res.text).code, 'SignatureDoesNotMatch');
  });

  it('refuses a field that no condition covers (403 Extra input fields)', async () => {
    const { url, fields } = await s3.fileStore.presignPost('3/i/extra', 'image/jpeg');
    const res = await postForm(url, { ...fields, acl: 'public-read' }, { data: bytes(210 * KB), type: 'image/jpeg' });
    assert.equal(res.status, 403);
    assert.deepEqual(s3Error(res.text), { code: 'AccessDenied', message: 'Invalid according to Policy: Extra input fields: acl' });
  });

  it('ignores x-ignore-* fields', async () => {
    const { url, fields } = await s3.fileStore.presignPost('3/i/ignored', 'image/jpeg');
    const res = await postForm(url, { ...fields, 'x-ignore-note': 'hello' }, { data: bytes(210 * KB), type: 'image/jpeg' });
    assert.equal(res.status, 204, res.text);
  });

  it('answers InvalidArgument (400) for a missing key field or a missing file', async () => {
    const { url, fields } = await s3.fileStore.presignPost('3/i/missing', 'image/jpeg');
    const { key: _key, ...withoutKey } = fields;
    const noKey = await postForm(url, withoutKey, { data: bytes(210 * KB), type: 'image/jpeg' });
    assert.equal(noKey.status, 400);
    assert.deepEqual(s3Error(noKey.text), {
      code: 'InvalidArgument',
      message: "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.",
    });
    const noFile = await postForm(url, fields, undefined);
    assert.equal(noFile.status, 400);
    assert.deepEqual(s3Error(noFile.text), {
      code: 'InvalidArgument',
      message: 'POST requires exactly one file upload per request.',
    });
  });

  it('answers MalformedPOSTRequest (400) for a body that is not multipart', async () => {
    const res = await fetch(`${s3.url}/${BUCKET}`, { method: 'POST', body: 'key=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(res.status, 400);
    assert.equal(s3Error(await res.text()).code, 'MalformedPOSTRequest');
  });

  it('answers 201 with a PostResponse when success_action_status=201 is signed', async () => {
    // The provider's forms never ask for it, so sign one by hand with the SDK.
    const client = new S3Client({
      endpoint: s3.url,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
    });
    const post = await createPresignedPost(client, {
      Bucket: BUCKET,
      Key: 'custom/${filename}',
      Conditions: [['starts-with', '$key', 'custom/'], { success_action_status: '201' }],
      Fields: { success_action_status: '201' },
    });
    const res = await postForm(post.url, post.fields, { data: bytes(10), type: 'text/plain', name: 'note.txt' });
    assert.equal(res.status, 201, res.text);
    assert.match(res.text, /<Key>custom\/note\.txt<\/Key>/);
    assert.equal((await s3.fileStore.stat('custom/note.txt'))?.size, 10);
  });
});
