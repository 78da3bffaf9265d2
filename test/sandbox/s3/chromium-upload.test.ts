// A real browser upload: headless Chromium loads a page from another origin on 127.0.0.1, builds a
// FormData from the presigned fields plus a generated 250 KB Blob, and POSTs it to the local S3.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { startS3 } from './local-s3.js';
import type { TestS3 } from './local-s3.js';

// test/support/chromium.mjs has no type declarations; a computed specifier keeps tsc from demanding
// them and the cast states what the module exports.
const { chromiumArgs, chromiumPath, hasChromium } = (await import(
  new URL('../../support/chromium.mjs', import.meta.url).href
)) as { chromiumArgs(): string[]; chromiumPath(): string; hasChromium(): boolean };

type Upload = (post: unknown, size: number, type: string) => Promise<{ status: number; body: string }>;

const PAGE = `<!doctype html><meta charset="utf-8"><title>upload</title>
<script>
  async function upload(post, size, type) {
    const form = new FormData();
    for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
    const data = new Uint8Array(size);
    for (let i = 0; i < size; i++) data[i] = i & 0xff;
    form.append('file', new Blob([data], { type }), 'id.jpg');
    const res = await fetch(post.url, { method: 'POST', body: form });
    return { status: res.status, body: await res.text() };
  }
</script>`;

describe('local S3: upload from headless Chromium', { skip: !hasChromium() && 'no Chromium here' }, () => {
  let page: Server;
  let pageUrl = '';
  let s3: TestS3;
  let browser: Browser;

  before(async () => {
    page = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
    s3 = await startS3({ allowedOrigins: [pageUrl] });
    browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs() });
  });
  after(async () => {
    await browser?.close();
    await s3?.stop();
    await new Promise<void>((resolve) => page.close(() => resolve()));
  });

  it('POSTs the presigned form cross-origin with fetch: 204 and the file stored at its size', async () => {
    const key = '7/i/0f1e2d3c4b5a69788796a5b4c3d2e1f0';
    const post = await s3.fileStore.presignPost(key, 'image/jpeg');
    const tab = await browser.newPage();
    await tab.goto(pageUrl);
    const size = 250 * 1024;
    const result = await tab.evaluate(
      ([p, n]) => (globalThis as unknown as { upload: Upload }).upload(p, n, 'image/jpeg'),
      [post, size] as const,
    );
    assert.equal(result.status, 204, result.body);
    assert.deepEqual(await s3.fileStore.stat(key), { size, contentType: 'image/jpeg' });
  });

  it('lets the page read the S3 error code of a refused upload', async () => {
    const post = await s3.fileStore.presignPost('7/i/too-small', 'image/jpeg');
    const tab = await browser.newPage();
    await tab.goto(pageUrl);
    const result = await tab.evaluate(
      ([p]) => (globalThis as unknown as { upload: Upload }).upload(p, 1000, 'image/jpeg'),
      [post] as const,
    );
    assert.equal(result.status, 400);
    assert.match(result.body, /<Code>EntityTooSmall<\/Code>/);
  });
});
