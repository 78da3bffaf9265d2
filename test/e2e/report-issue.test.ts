/**
 * A case sent back: the reviewer reports a document issue in the sandbox's review console; the investor
 * sees "action needed" with the reason, live; presses the fix button, finds the form prefilled with the
 * last submission, replaces the ID document with a new upload and submits again; the provider then holds
 * a second submission with the new file.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { SUITE_TIMEOUT_MS, launchBrowser, openContext, watchProblems } from './support/browser.js';
import { startDemo, type RunningDemo } from './support/demo.js';
import { ADA, TEXT, continueTo, control, fillEveryStep, press, statusSummary, tickConfirmations, upload, waitForStatus, waitForStep, widget } from './support/investor.js';
import { caseValue, openCase, reportIssues } from './support/reviewer.js';
import { saveScreenshot } from './support/screenshots.js';
import { makePdf, makePhoto, type TestFile } from './support/test-documents.js';

describe('a reported document issue, fixed and resubmitted', { timeout: SUITE_TIMEOUT_MS }, () => {
  let demo: RunningDemo;
  let browser: Browser;

  before(async () => {
    demo = await startDemo();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await demo?.stop();
  });

  test('the investor sees the reason live, replaces the document in the prefilled form, and the provider counts 2 submissions', async () => {
    const email = 'grace@example.com';
    const documents = {
      documentId: await makePhoto(browser, { name: 'passport-blurred.jpg', type: 'image/jpeg', title: 'PASSPORT', hue: 0 }),
      selfie: await makePhoto(browser, { name: 'selfie.png', type: 'image/png', title: 'SELFIE', hue: 120 }),
    };
    const rescan: TestFile = makePdf('passport-rescan.pdf', 'Passport, scanned again', 420 * 1024);
    const investorContext = await openContext(browser, { screen: 'phone' });
    const deskContext = await openContext(browser, { screen: 'desktop' });
    try {
      const page = await investorContext.newPage();
      const problems = await watchProblems(page);
      await fillEveryStep(page, { siteUrl: demo.urls.site, inboxUrl: demo.urls.inbox, email, answers: ADA, documents });
      await tickConfirmations(page);
      await press(page, TEXT.review.submit);
      await waitForStatus(page, 'pending');

      // The reviewer finds the ID document unreadable.
      const reviewer = await deskContext.newPage();
      await openCase(reviewer, demo.urls.console, email);
      await reportIssues(reviewer, ['document_issue']);
      assert.equal(await caseValue(reviewer, 'Reported issues'), 'document_issue');

      // The investor's page hears it through the proxy's stream.
      await waitForStatus(page, 'needs_action');
      const summary = await statusSummary(page);
      assert.ok(summary.includes(TEXT.status.needsActionTitle), summary);
      assert.ok(summary.includes(TEXT.status.reasons.document_issue), 'the reason is shown');
      await saveScreenshot(page, 'status-needs-action', 'light');

      // Fix: the form opens on its first step with the last submission's answers.
      await press(page, TEXT.status.fix);
      await waitForStep(page, 'personal');
      assert.equal(await control(page, 'firstName').inputValue(), ADA.firstName);
      assert.equal(await control(page, 'lastName').inputValue(), ADA.lastName);
      // The provider keeps document numbers in lower case (upstream behaviour §2), so that is what comes back.
      assert.equal(await control(page, 'documentIdNumber').inputValue(), ADA.documentIdNumber.toLowerCase());
      assert.equal(await control(page, 'nationality').inputValue(), ADA.nationality);
      await saveScreenshot(page, 'fix-personal-prefilled', 'light');
      await continueTo(page, 'address');
      assert.equal(await control(page, 'country').inputValue(), ADA.country);
      assert.equal(await control(page, 'city').inputValue(), ADA.city);
      await continueTo(page, 'documents');

      // Both files of the last submission are there; the ID document is replaced by a new upload.
      const idField = widget(page).locator('fieldset', { has: page.locator('[name="documentIdFile"]') });
      assert.equal(await idField.locator('.file-status.done').count(), 1, 'the submitted ID document is listed');
      const selfieField = widget(page).locator('fieldset', { has: page.locator('[name="selfieFile"]') });
      assert.equal(await selfieField.locator('.file-status.done').count(), 1);
      // The provider keeps the file, not its name: the form says where it comes from, not a storage key.
      assert.equal((await selfieField.locator('.file-name').textContent())?.trim(), TEXT.uploads.previousFile);
      assert.equal(await selfieField.locator('.file-buttons button').getAttribute('aria-label'), TEXT.uploads.removeFile.replace('{name}', TEXT.fields.selfieFile));
      await upload(page, 'documentIdFile', rescan);
      assert.equal(await idField.locator('.file-status.done').count(), 1, 'replaced, not added');
      await saveScreenshot(page, 'fix-documents-replaced', 'light');
      await continueTo(page, 'wallet');
      assert.equal((await control(page, 'ethereumAddress').inputValue()).toLowerCase(), ADA.ethereumAddress.toLowerCase());
      await continueTo(page, 'review');
      const review = (await widget(page).locator('form').textContent()) ?? '';
      assert.ok(review.includes('passport-rescan.pdf'), 'the review lists the new document');
      assert.ok(!review.includes('passport-blurred'), 'and not the old one');
      assert.ok(review.includes(TEXT.uploads.previousFile), 'the kept selfie is named as sent last time');
      await tickConfirmations(page);
      await press(page, TEXT.review.submit);
      await waitForStatus(page, 'pending');
      assert.equal((await widget(page).locator('.status-submissions').textContent())?.trim(), TEXT.status.submissions.other.replace('{count}', '2'));

      // The provider holds the second submission, with the new file as the ID document.
      await reviewer.reload();
      assert.equal(await caseValue(reviewer, 'Submissions'), '2');
      assert.equal(await caseValue(reviewer, 'KYC status'), 'pending');
      assert.equal(await caseValue(reviewer, 'Reported issues'), 'none');
      const idCaption = (await reviewer.locator('figure.file figcaption', { hasText: 'ID document' }).textContent()) ?? '';
      assert.match(idCaption, new RegExp(`\\(${Math.round(rescan.buffer.length / 1024)} KB\\)`), 'the ID document on file is the new upload');
      assert.equal(problems.list.length, 0, problems.list.join('\n'));
    } finally {
      await investorContext.close();
      await deskContext.close();
    }
  });
});
