/**
 * The console in headless Chromium, against the sandbox as `npm run sandbox` wires it (real S3 stand-in):
 * the page works under its own CSP (stylesheet applied, uploaded image shown, nothing refused), passes
 * axe's accessibility rules, shows keyboard focus, and a real browser's form POST passes the CSRF and
 * origin checks.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadConfig } from '../../../demo/sandbox/config.js';
import { startLocalSandbox } from '../../../demo/sandbox/main.js';
import { chromiumArgs, chromiumPath, hasChromium } from '../../support/chromium.mjs';
import { submitWithUploads } from './helpers.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The few browser globals used inside `evaluate` callbacks (this tsconfig has no DOM types). */
interface BrowserGlobals {
  getComputedStyle(element: unknown): { display: string; outlineStyle: string };
  document: { activeElement: { textContent: string | null } | null };
}

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: unknown }[];
}

/** Run axe on the page (injected through the DevTools protocol, which the page's CSP does not govern). */
async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
}

describe('review console in Chromium', { skip: !hasChromium() && 'no Chromium here' }, () => {
  let dataDir: string;
  let sandbox: Awaited<ReturnType<typeof startLocalSandbox>>;
  let browser: Browser;
  let userId: number;
  const credentials = { apiKey: 'c'.repeat(32), apiSecret: 'd'.repeat(32) };

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'console-browser-'));
    const config = loadConfig({ SANDBOX_DATA_DIR: dataDir, SANDBOX_PORT: '0', SANDBOX_API_KEY: credentials.apiKey, SANDBOX_API_SECRET: credentials.apiSecret });
    sandbox = await startLocalSandbox(config, { SANDBOX_S3_PORT: '0' }, () => {});
    userId = await submitWithUploads(sandbox.url, credentials, { email: 'browser@example.com' });
    browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs() });
  });

  after(async () => {
    await browser?.close();
    await sandbox?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Open `path` and collect what the browser refused or failed to load. */
  async function open(path: string): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`));
    const response = await page.goto(sandbox.url + path, { timeout: 10_000 });
    assert.equal(response?.status(), 200);
    return { page, problems };
  }

  it('shows the case with its stylesheet and uploaded images under its CSP, and passes axe', async () => {
    const { page, problems } = await open(`/console/clients/1/cases/${userId}`);
    await page.waitForLoadState('load', { timeout: 10_000 });
    assert.equal(await page.locator('.top').evaluate((element) => (globalThis as unknown as BrowserGlobals).getComputedStyle(element).display), 'flex', 'the stylesheet applies');
    const images = await page.locator('figure.file img').evaluateAll((elements) => elements.map((img) => (img as unknown as { naturalWidth: number }).naturalWidth));
    assert.deepEqual(images, [1, 1], 'both uploaded PNGs are shown from the S3 stand-in');
    assert.deepEqual(problems, [], 'nothing refused by the CSP, nothing failed to load');
    assert.deepEqual(await axeViolations(page), []);
    await page.close();
  });

  it('lists the cases accessibly and shows where the keyboard focus is', async () => {
    const { page, problems } = await open('/console/');
    assert.deepEqual(await axeViolations(page), []);
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const browser = globalThis as unknown as BrowserGlobals;
      const element = browser.document.activeElement;
      return { text: element?.textContent, outline: browser.getComputedStyle(element).outlineStyle };
    });
    assert.deepEqual(focused, { text: 'Skip to content', outline: 'solid' });
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('fits a 375 px phone: the page never scrolls sideways, the case list scrolls in its own focusable region', async () => {
    const screenshots = join(fileURLToPath(new URL('../../../', import.meta.url)), 'test-artifacts', 'screenshots');
    mkdirSync(screenshots, { recursive: true });
    for (const [name, path] of [
      ['cases', '/console/'],
      ['case', `/console/clients/1/cases/${userId}`],
      ['deliveries', '/console/deliveries'],
      ['webhooks', '/console/webhooks'],
    ] as const) {
      const { page, problems } = await open(path);
      await page.setViewportSize({ width: 375, height: 800 });
      const overflow = await page.evaluate(() => {
        const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
        return root.scrollWidth - root.clientWidth;
      });
      assert.equal(overflow, 0, `${path}: the page scrolls sideways by ${overflow} px at 375 px`);
      assert.deepEqual(await axeViolations(page), [], `${path} at 375 px`);
      assert.deepEqual(problems, []);
      await page.screenshot({ path: join(screenshots, `console-${name}-375.png`), fullPage: true });
      if (name === 'cases') {
        const region = page.getByRole('region', { name: 'Cases' });
        const scrolls = await region.evaluate((element) => {
          const box = element as unknown as { scrollWidth: number; clientWidth: number };
          return box.scrollWidth > box.clientWidth;
        });
        assert.ok(scrolls, 'the eleven columns scroll inside the region');
        assert.equal(await region.getAttribute('tabindex'), '0', 'the region takes the focus, so the arrow keys scroll it');
      }
      await page.close();
    }
  });

  it('qualifies through a real form POST, which passes the token and origin checks', async () => {
    const { page } = await open(`/console/clients/1/cases/${userId}`);
    await Promise.all([page.waitForURL(/\?done=qualify$/, { timeout: 10_000 }), page.getByRole('button', { name: 'Qualify' }).click()]);
    assert.match((await page.getByRole('status').textContent()) ?? '', /The case is qualified/);
    assert.equal(await page.locator('.statuses div', { hasText: 'Admin status' }).locator('dd').textContent(), 'qualified');
    assert.deepEqual(await axeViolations(page), []);
    await page.close();
  });
});
