// The FileStore pointed at another S3-compatible endpoint: presigning follows the options, and `stat`
// is a HeadObject on that endpoint (answered here by a stub that records what it was asked).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createFileStore } from '../../../demo/sandbox/s3/file-store.js';
import type { FileStore } from '../../../demo/sandbox/ports.js';

describe('FileStore for a configured S3-compatible endpoint', () => {
  let stub: Server;
  let endpoint = '';
  const seen: Array<{ method: string; url: string; authorization: string }> = [];
  let store: FileStore;

  before(async () => {
    stub = createServer((req, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization ?? '' });
      if (req.method === 'HEAD' && req.url === '/kyc.example.com/3/i/present') {
        res.writeHead(200, { 'content-length': '250000', 'content-type': 'image/png' }).end();
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
    store = createFileStore({
      endpoint,
      bucket: 'kyc.example.com',
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'secret',
      kmsKeyId: '94b97a97-c2c8-4fc7-946d-a14a26ae264b',
    });
  });
  after(async () => {
    await new Promise<void>((resolve) => stub.close(() => resolve()));
  });

  it('presigns path-style forms and URLs for the given endpoint, bucket, key id and KMS key', async () => {
    const post = await store.presignPost('3/i/abc', 'image/png');
    assert.equal(post.url, `${endpoint}/kyc.example.com`);
    assert.match(post.fields['X-Amz-Credential'] ?? '', /^AKIDEXAMPLE\/\d{8}\/us-east-1\/s3\/aws4_request$/);
    assert.equal(post.fields['x-amz-server-side-encryption-aws-kms-key-id'], '94b97a97-c2c8-4fc7-946d-a14a26ae264b');
    const put = new URL((await store.presignPut('3/i/abc', 'image/png')).url);
    assert.equal(put.pathname, '/kyc.example.com/3/i/abc');
    assert.equal(put.searchParams.get('X-Amz-SignedHeaders'), 'content-type;host');
    assert.equal(put.searchParams.get('x-amz-server-side-encryption'), 'aws:kms');
    // No checksum of an empty body may be baked into the URL: real S3 would enforce it against the file.
    assert.equal([...put.searchParams.keys()].some((name) => name.startsWith('x-amz-checksum')), false);
    const get = new URL(await store.presignGet('3/i/abc', 43200));
    assert.equal(get.searchParams.get('X-Amz-Expires'), '43200');
  });

  it('stats with a signed HeadObject: size and type when present, undefined on 404', async () => {
    assert.deepEqual(await store.stat('3/i/present'), { size: 250000, contentType: 'image/png' });
    assert.equal(await store.stat('3/i/absent'), undefined);
    const heads = seen.filter((r) => r.method === 'HEAD');
    assert.equal(heads.length, 2);
    assert.ok(heads.every((r) => r.authorization.startsWith('AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/')));
  });
});
