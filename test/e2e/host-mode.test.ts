/**
 * The host-authenticated mode on the demo's second page (`/host.html`), in Chromium at phone size under
 * the site's strict CSP: the investor signs in to the sale's own (demo) account, the page's script hands
 * the widget a `tokenProvider` backed by the sale's server, and the widget starts at the KYC form with no
 * email code. The browser never calls the proxy's integrator routes (only the sale's server does), a
 * reload keeps both the sign-in and every answer, and signing out removes the widget.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { SUITE_TIMEOUT_MS, launchBrowser, openContext, watchProblems } from './support/browser.js';
import { startDemo, type RunningDemo } from './support/demo.js';
import {
  ADA,
  TEXT,
  continueTo,
  control,
  fillAddress,
  fillPersonal,
  fillWallet,
  press,
  tickConfirmations,
  uploadDocuments,
  waitForStatus,
  waitForStep,
  widget,
  type InvestorDocuments,
} from './support/investor.js';
import { caseValue, openCase } from './support/reviewer.js';
import { saveScreenshot } from './support/screenshots.js';
import { makePdf, makePhoto } from './support/test-documents.js';

const EMAIL = 'host.mode@example.com';

describe('the host-authenticated page', { timeout: SUITE_TIMEOUT_MS }, () => {
  let demo: RunningDemo;
  let browser: Browser;
  let documents: InvestorDocuments;

  before(async () => {
    demo = await startDemo();
    browser = await launchBrowser();
    documents = {
      documentId: await makePhoto(browser, { name: 'id-card.jpg', type: 'image/jpeg', title: 'ID CARD', hue: 120 }),
      selfie: makePdf('selfie.pdf', 'Selfie with the ID card'),
    };
  });

  after(async () => {
    await browser?.close();
    await demo?.stop();
  });

  test('at 375 px: signed in by the sale, the widget starts at the form with no code; a reload keeps everything; submit; sign out', async () => {
    const context = await openContext(browser, { screen: 'phone' });
    try {
      const page = await context.newPage();
      const problems = await watchProblems(page);
      const proxyPaths: string[] = [];
      page.on('request', (request) => {
        if (request.url().startsWith(demo.urls.proxy)) proxyPaths.push(`${request.method()} ${new URL(request.url()).pathname}`);
      });

      await page.goto(new URL('host.html', demo.urls.site).href);
      assert.equal(await widget(page).count(), 0, 'no widget before the sale knows the investor');
      await page.getByLabel('Email address').fill(EMAIL);
      await page.getByRole('button', { name: 'Sign in (demo)' }).click();

      // Straight to the form: the sale vouched for the investor, so there is no email step and no code.
      await waitForStep(page, 'personal');
      assert.equal(await page.locator('#who').textContent(), EMAIL);
      await saveScreenshot(page, 'host-personal', 'light');
      await fillPersonal(page, ADA);
      await continueTo(page, 'address');
      await fillAddress(page, ADA);

      // A reload: the sale's cookie signs the investor in again, and the widget is back on the address step with every answer.
      await page.reload();
      await waitForStep(page, 'address');
      assert.equal(await control(page, 'city').inputValue(), ADA.city);
      assert.equal(await control(page, 'postalCode').inputValue(), ADA.postalCode);
      await press(page, TEXT.common.back);
      await waitForStep(page, 'personal');
      assert.equal(await control(page, 'lastName').inputValue(), ADA.lastName);
      await continueTo(page, 'address');
      await continueTo(page, 'documents');
      await uploadDocuments(page, documents);
      await continueTo(page, 'wallet');
      await fillWallet(page, ADA);
      await continueTo(page, 'review');
      await tickConfirmations(page);
      await press(page, TEXT.review.submit);
      await waitForStep(page, 'status');
      await waitForStatus(page, 'pending');
      await saveScreenshot(page, 'host-status-pending', 'light');

      // The proxy saw only the widget's own routes: no code was asked for, and the integrator route
      // (host sessions) was called by the sale's server, never by the browser.
      assert.ok(proxyPaths.some((path) => path.endsWith('/kyc')), `the widget submitted through the proxy: ${proxyPaths.join(', ')}`);
      assert.deepEqual(proxyPaths.filter((path) => /\/codes|\/sessions|\/host-sessions|\/allowlist/.test(path)), [], 'no sign-in or integrator route from the browser');
      assert.deepEqual(problems.list, [], 'nothing refused by the CSP, no console error');

      // Signing out of the sale removes the widget (and its token with it).
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Sign in (demo)' }).waitFor();
      assert.equal(await widget(page).count(), 0, 'the widget is gone after signing out');
    } finally {
      await context.close();
    }

    // The provider holds the case like any other investor's.
    const desk = await openContext(browser, { screen: 'desktop' });
    try {
      const reviewer = await desk.newPage();
      await openCase(reviewer, demo.urls.console, EMAIL);
      assert.equal(await caseValue(reviewer, 'Submissions'), '1');
    } finally {
      await desk.close();
    }
  });
});
