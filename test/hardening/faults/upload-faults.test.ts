/**
 * S3 refusing or dropping uploads, in a real browser: the widget's upload controller (bundled from
 * `widget/upload/`, run in Debian's Chromium) posts to the S3 stand-in through a fault-injecting proxy
 * that answers 503 SlowDown or 500 InternalError in S3's place, cuts the connection half-way through the
 * file, loses S3's answer after it stored the file, or stalls. Each upload is retried and lands, or,
 * when every try fails, is explained in words and sent again with "Try again" from the bytes kept in
 * memory: the investor never chooses the file again nor retypes an answer.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { api, uniqueEmail } from '../../proxy/support/investor.js';
import { INTEGRATOR_KEY, SALE_ID, SALE_ORIGIN, startStack, type Stack } from '../../proxy/support/proxy-stack.js';
import { startFaultProxy, type Fault, type FaultProxy } from './support/fault-proxy.js';
import type { UploadItemView, UploadPageSetup } from './support/upload-page-setup.js';

// test/support/chromium.mjs has no type declarations; a computed specifier keeps tsc from demanding them.
const { chromiumArgs, chromiumPath, hasChromium } = (await import(new URL('../../support/chromium.mjs', import.meta.url).href)) as {
  chromiumArgs(): string[];
  chromiumPath(): string;
  hasChromium(): boolean;
};

const FILE_BYTES = 240 * 1024;
const STALL_TIMEOUT_MS = 1500;
const s3Error = (code: string, message: string): string => `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault</RequestId></Error>`;
const isUpload = ({ method }: { method: string }): boolean => method === 'POST';

/** The scenarios where the controller's own retries get the file through. */
const RETRIED: { name: string; faults: { fault: Fault; times: number }[] }[] = [
  { name: 'S3 busy: 503 SlowDown twice', faults: [{ fault: { kind: 'answer', status: 503, body: s3Error('SlowDown', 'Please reduce your request rate.'), contentType: 'application/xml' }, times: 2 }] },
  { name: 'the connection cut half-way through the file', faults: [{ fault: { kind: 'drop-during', bytes: 64 * 1024 }, times: 1 }] },
  { name: 'S3 stored the file but its answer was lost', faults: [{ fault: { kind: 'drop-after' }, times: 1 }] },
  { name: 'S3 stalls without answering', faults: [{ fault: { kind: 'stall-after' }, times: 1 }] },
];

describe('S3 refusing or dropping uploads, in Chromium', { skip: !hasChromium() && 'no Chromium here' }, () => {
  let pageServer: Server;
  let pageOrigin = '';
  let stack: Stack;
  let s3: FaultProxy;
  let browser: Browser;
  let page: Page;
  let retries = 0;
  let stored = 0;
  /** Files the investor chose (a file chosen again after a failure would count twice). */
  let chosen = 0;
  /** Checks that every typed answer was still in the draft after a fault. */
  let answersKept = 0;

  before(async () => {
    const bundle = await build({
      entryPoints: [fileURLToPath(new URL('./support/upload-page.browser.ts', import.meta.url))],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    const script = bundle.outputFiles[0]?.text ?? '';
    pageServer = createServer((req, res) => {
      if (req.url === '/upload-page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><meta charset="utf-8"><title>uploads</title><script type="module" src="/upload-page.js"></script>');
    });
    await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
    pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
    stack = await startStack({ sale: { origins: [SALE_ORIGIN, pageOrigin] }, s3Origins: [pageOrigin] });
    s3 = await startFaultProxy(stack.s3.url, { cors: true });
    browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs() });
    page = await browser.newPage();
    await page.goto(pageOrigin);
    await page.waitForFunction(() => 'setUpUploads' in globalThis, undefined, { timeout: 10_000 });
    // A session for the page's origin, as a sale's backend gets it (host mode).
    const session = await api(stack, 'host-sessions', { token: INTEGRATOR_KEY, origin: null, body: { email: uniqueEmail('uploads'), origin: pageOrigin } });
    assert.equal(session.status, 201, JSON.stringify(session.body));
    const setup: UploadPageSetup = { proxy: stack.proxyUrl, sale: SALE_ID, token: session.body.token as string, s3Origin: s3.url, stallTimeoutMs: STALL_TIMEOUT_MS };
    await page.evaluate(async (options) => {
      const scope = globalThis as unknown as { setUpUploads(o: unknown): Promise<unknown>; uploads: unknown };
      scope.uploads = await scope.setUpUploads(options);
    }, setup);
  });
  after(async () => {
    await browser?.close();
    await s3?.close();
    await stack?.close();
    await new Promise<void>((resolve) => (pageServer ? pageServer.close(() => resolve()) : resolve()));
    console.log(`uploads through S3 faults in Chromium: ${RETRIED.length + 1} scenarios (503 SlowDown, cut half-way, answer lost, stalled, 500 on every try), ${retries} automatic retries, ${stored}/${RETRIED.length + 1} files stored from ${chosen} files chosen, typed answers intact at ${answersKept}/${answersKept} checks`);
  });

  type Drafted = { answers: Record<string, string>; files: Record<string, { key: string; name: string }[]> };
  const choose = (field: string, name: string): Promise<UploadItemView> =>
    (chosen += 1, page.evaluate(([f, n, size]) => (globalThis as unknown as { uploads: { choose(f: string, s: number, n: string): Promise<UploadItemView> } }).uploads.choose(f, size, n), [field, name, FILE_BYTES] as const));
  const retry = (id: string): Promise<UploadItemView> => page.evaluate((each) => (globalThis as unknown as { uploads: { retry(i: string): Promise<UploadItemView> } }).uploads.retry(each), id);
  const draft = (): Promise<Drafted> => page.evaluate(() => (globalThis as unknown as { uploads: { draft(): Drafted } }).uploads.draft());
  const announcements = (): Promise<string[]> => page.evaluate(() => [...(globalThis as unknown as { uploads: { announcements: string[] } }).uploads.announcements]);
  const storedAtS3 = async (key: string): Promise<number | undefined> => (await stack.s3.fileStore.stat(key))?.size;

  async function assertAnswersKept(): Promise<void> {
    assert.deepEqual((await draft()).answers, { firstName: 'Ann', lastName: 'Lee', city: 'Paris' });
    answersKept += 1;
  }

  for (const [index, scenario] of RETRIED.entries()) {
    test(`${scenario.name}: retried, and the file lands with its key in the draft`, async () => {
      s3.clear();
      s3.requests.length = 0;
      for (const { fault, times } of scenario.faults) s3.inject({ match: isUpload, fault, times });
      const name = `document-${index}.jpg`;
      const item = await choose('documentIdFile', name);
      assert.equal(item.state, 'done', JSON.stringify(item));
      const tries = s3.requests.filter(isUpload).length;
      assert.equal(tries, 1 + scenario.faults.reduce((sum, each) => sum + each.times, 0), 'one try per fault, then the one that lands');
      retries += tries - 1;
      assert.equal(await storedAtS3(item.key as string), FILE_BYTES);
      stored += 1;
      const files = (await draft()).files['documentIdFile'] ?? [];
      assert.deepEqual(files.map((file) => [file.key, file.name]), [[item.key, name]]);
      await assertAnswersKept();
    });
  }

  test('S3 refuses every try (500 InternalError): explained in words, then "Try again" sends the kept bytes', async () => {
    s3.clear();
    s3.requests.length = 0;
    s3.inject({ match: isUpload, fault: { kind: 'answer', status: 500, body: s3Error('InternalError', 'We encountered an internal error. Please try again.'), contentType: 'application/xml' }, times: 3 });
    const heard = (await announcements()).length;
    const failed = await choose('selfieFile', 'selfie.jpg');
    assert.equal(failed.state, 'failed', JSON.stringify(failed));
    assert.deepEqual(failed.error, { code: 'upload_failed' });
    assert.equal(s3.requests.filter(isUpload).length, 3, 'three tries in all');
    retries += 2;
    assert.deepEqual((await announcements()).slice(heard), ['selfie.jpg: The upload did not go through. Please try again.']);
    assert.equal((await draft()).files['selfieFile'], undefined, 'no key for a file that is not stored');
    await assertAnswersKept();

    // S3 is back; the investor presses "Try again" on the same row: nothing to choose again.
    const done = await retry(failed.id);
    assert.equal(done.state, 'done', JSON.stringify(done));
    assert.equal(done.name, 'selfie.jpg');
    assert.equal(await storedAtS3(done.key as string), FILE_BYTES);
    stored += 1;
    assert.deepEqual(((await draft()).files['selfieFile'] ?? []).map((file) => file.key), [done.key]);
    await assertAnswersKept();
  });
});
