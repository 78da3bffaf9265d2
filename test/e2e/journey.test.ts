/**
 * The whole investor journey on the demo (`npm start` as a real process), in Chromium at phone size,
 * under the demo site's strict Content-Security-Policy: email, the code read from the real SMTP
 * catcher's inbox, every step filled by keyboard and pointer, real files uploaded to the S3 stand-in,
 * review and submit; then a reviewer approves in the sandbox's review console, the provider's webhook
 * reaches the proxy, and the widget shows the approval live, without a reload.
 *
 * Each step is saved as a screenshot (test-artifacts/screenshots/), at 375 px in light and dark, and
 * the key steps at 1280 px.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { SUITE_TIMEOUT_MS, launchBrowser, openContext, watchProblems, type Screen } from './support/browser.js';
import { startDemo, type RunningDemo } from './support/demo.js';
import { ADA, TEXT, fillEveryStep, press, statusSummary, tickConfirmations, waitForStatus, waitForStep, widget, type InvestorDocuments } from './support/investor.js';
import { approve, caseValue, openCase } from './support/reviewer.js';
import { saveScreenshot } from './support/screenshots.js';
import { makePdf, makePhoto } from './support/test-documents.js';

describe('the investor journey on the demo site', { timeout: SUITE_TIMEOUT_MS }, () => {
  let demo: RunningDemo;
  let browser: Browser;
  let documents: InvestorDocuments;

  before(async () => {
    demo = await startDemo();
    browser = await launchBrowser();
    documents = {
      documentId: await makePhoto(browser, { name: 'passport.jpg', type: 'image/jpeg', title: 'PASSPORT', hue: 210 }),
      selfie: await makePhoto(browser, { name: 'selfie.png', type: 'image/png', title: 'SELFIE', hue: 30 }),
      investorProof: makePdf('accreditation-letter.pdf', 'Accredited investor letter'),
    };
  });

  after(async () => {
    await browser?.close();
    await demo?.stop();
  });

  /** Sign in as `email` and fill every step up to the review, calling `shot` on each step. */
  function fillJourney(page: Page, email: string, shot: (step: string) => Promise<void>): Promise<void> {
    return fillEveryStep(page, { siteUrl: demo.urls.site, inboxUrl: demo.urls.inbox, email, answers: ADA, documents, onStep: shot });
  }

  test('at 375 px: sign in by emailed code, fill every step, upload, submit; approved in the console, shown live under the strict CSP', async () => {
    const context = await openContext(browser, { screen: 'phone' });
    try {
      const page = await context.newPage();
      const problems = await watchProblems(page);
      const navigations: string[] = [];
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame()) navigations.push(frame.url());
      });
      /** Every step at 375 px in light; the key ones in dark as well (the investor's system setting, switched live). */
      const shot = async (step: string, key = false): Promise<void> => {
        await saveScreenshot(page, step, 'light');
        if (!key) return;
        await page.emulateMedia({ colorScheme: 'dark' });
        await saveScreenshot(page, step, 'dark');
        await page.emulateMedia({ colorScheme: 'light' });
      };
      const email = 'ada.phone@example.com';
      await fillJourney(page, email, (step) => shot(step, ['email', 'personal', 'country-list', 'documents'].includes(step)));

      // The review shows what was entered, as the investor will recognise it.
      const review = (await widget(page).locator('form').textContent()) ?? '';
      // The birth date is written the way the investor's region writes dates (en-GB: day first).
      const birthdate = (await widget(page).locator('.answer', { hasText: TEXT.fields.birthdate }).locator('dd').textContent()) ?? '';
      assert.match(birthdate.trim(), /^(10 December 1990|December 10, 1990)$/);
      for (const shown of ['Ada', 'Lovelace', 'British', 'United Kingdom', 'London', 'passport.jpg', 'selfie.png', 'accreditation-letter.pdf', ADA.ethereumAddress, '2,500']) {
        assert.ok(review.includes(shown), `the review shows ${shown}`);
      }
      await tickConfirmations(page);
      await shot('review', true);
      await press(page, TEXT.review.submit);
      await waitForStep(page, 'status');
      await waitForStatus(page, 'pending');
      assert.ok((await statusSummary(page)).includes(TEXT.status.pendingTitle));
      await shot('status-pending', true);

      // The reviewer, at a desk with the console (a tool for a wide screen), approves the case just submitted.
      const loadedOnce = navigations.length;
      const desk = await openContext(browser, { screen: 'desktop' });
      try {
        const reviewer = await desk.newPage();
        await openCase(reviewer, demo.urls.console, email);
        assert.equal(await caseValue(reviewer, 'Submissions'), '1');
        await approve(reviewer);
        assert.equal(await caseValue(reviewer, 'KYC status'), 'approved');
      } finally {
        await desk.close();
      }

      // The provider's webhook reached the proxy, which pushed the status: no reload, no navigation.
      await waitForStatus(page, 'approved');
      assert.ok((await statusSummary(page)).includes(TEXT.status.approvedTitle));
      assert.equal(navigations.length, loadedOnce, 'the page was not reloaded or left');
      await shot('status-approved', true);
      assert.equal(problems.list.length, 0, `nothing refused by the CSP, no console error:\n${problems.list.join('\n')}`);
      // The CSP was enforced all along, and its refusals would have been seen: an injected script is refused.
      await page.addScriptTag({ content: 'globalThis.injected = true;' }).catch(() => undefined);
      await problems.waitFor((problem) => problem.startsWith('CSP violation: script-src'));
    } finally {
      await context.close();
    }
  });

  test('at 1280 px, light and dark: the key steps of the same journey', async () => {
    const screen: Screen = 'desktop';
    const context = await openContext(browser, { screen });
    try {
      const page = await context.newPage();
      const problems = await watchProblems(page);
      const shot = async (step: string): Promise<void> => {
        for (const scheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme: scheme });
          await saveScreenshot(page, step, scheme);
        }
        await page.emulateMedia({ colorScheme: 'light' });
      };
      const key = new Set(['email', 'personal', 'country-list', 'address', 'documents', 'wallet']);
      await fillJourney(page, 'ada.desktop@example.com', async (step) => {
        if (key.has(step)) await shot(step);
      });
      await tickConfirmations(page);
      await shot('review');
      await press(page, TEXT.review.submit);
      await waitForStatus(page, 'pending');
      await shot('status-pending');
      assert.equal(problems.list.length, 0, problems.list.join('\n'));
    } finally {
      await context.close();
    }
  });
});
