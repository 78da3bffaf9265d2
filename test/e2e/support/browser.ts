/**
 * The end-to-end tests' browser: Debian's Chromium driven by playwright-core, with the two screen sizes
 * the journey is checked at and a watch on what the page's Content-Security-Policy refuses.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { chromiumPath } from '../../support/chromium.mjs';

/** How long any single wait in these tests may take: a slow step fails with a message instead of hanging. */
export const WAIT_MS = 15_000;

/** The most one test file's suite may take (the demo's start included), so that nothing can hang a run. */
export const SUITE_TIMEOUT_MS = 180_000;

/** Launch headless Chromium (the same binary and flags as every other browser test of the project). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    timeout: WAIT_MS,
    // No sandbox: the tests run as root in CI. No background traffic: the only network here is the npm registry.
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

/** The screen sizes the journey is checked at. */
export const SCREENS = {
  /** A phone held upright: what most investors use. */
  phone: { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  desktop: { viewport: { width: 1280, height: 900 } },
} as const satisfies Record<string, BrowserContextOptions>;

/** One of {@link SCREENS}. */
export type Screen = keyof typeof SCREENS;

/** Options of {@link openContext}. */
export interface ContextOptions {
  screen: Screen;
  colorScheme?: 'light' | 'dark';
  /**
   * Let the test inject scripts (axe-core) into the page. The demo site's CSP (`script-src 'self'`) refuses
   * any script it did not serve, so only the accessibility runs ask for this; the journey keeps the CSP
   * enforced, to prove the widget works under it.
   */
  bypassCSP?: boolean;
}

/** A fresh browser context (its own cookies and session storage: a new investor's tab). */
export async function openContext(browser: Browser, options: ContextOptions): Promise<BrowserContext> {
  const context = await browser.newContext({
    ...SCREENS[options.screen],
    colorScheme: options.colorScheme ?? 'light',
    bypassCSP: options.bypassCSP ?? false,
    locale: 'en-GB',
    timezoneId: 'Europe/London',
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(WAIT_MS);
  context.setDefaultNavigationTimeout(WAIT_MS);
  return context;
}

/** What the page refused or failed at, in words: CSP violations, console errors and uncaught exceptions. */
export interface PageProblems {
  /** Every problem so far. */
  readonly list: string[];
  /** Resolves once a problem `matches`; rejects after {@link WAIT_MS}. */
  waitFor(matches: (problem: string) => boolean): Promise<string>;
}

/**
 * Watch `page` for what a strict CSP would refuse (the `securitypolicyviolation` events, reported through a
 * binding the CSP does not govern) and for console errors and uncaught exceptions. Call before `goto`.
 */
export async function watchProblems(page: Page): Promise<PageProblems> {
  const list: string[] = [];
  await page.exposeBinding('__reportCspViolation', (_source, text: string) => {
    list.push(`CSP violation: ${text}`);
  });
  // Runs before the page's own scripts, in every frame; an init script is not subject to the page's CSP.
  await page.addInitScript(`document.addEventListener('securitypolicyviolation', (event) => {
    globalThis.__reportCspViolation(event.violatedDirective + ' refused ' + (event.blockedURI || 'inline') + ' (' + (event.sourceFile || '') + ':' + event.lineNumber + ')');
  }, true);`);
  page.on('console', (message) => {
    if (message.type() === 'error') list.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => list.push(`uncaught: ${error.message}`));
  const waitFor = async (matches: (problem: string) => boolean): Promise<string> => {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const found = list.find(matches);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`No such problem within ${WAIT_MS} ms; seen: ${list.join('; ') || 'none'}`);
      await sleep(50);
    }
  };
  return { list, waitFor };
}
