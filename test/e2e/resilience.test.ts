/**
 * Nothing typed is lost: neither by a reload in the middle of the form, nor by a session token that
 * expires mid-journey. Both end with the investor proving their email again (the token lives in memory
 * only, by design) and finding every answer, and the uploaded file, where they left them.
 *
 * The token's expiry is the real one as the widget meets it when a laptop is closed for 20 minutes:
 * Playwright's clock jumps the page's time forward (`clock.fastForward`, "the user closing the laptop
 * lid"), the widget's refresh timer fires late, finds its 15-minute token expired and asks for a code.
 * The proxy's clock does not move (the demo's token lifetime cannot be shortened from outside), so the
 * proxy would still have accepted the token; a real expiry leaves the widget no other way either (the
 * refresh route refuses an expired token), and the proxy's own expiry checks are covered by its tests.
 *
 * Both tests must ask for a second code within the proxy's 30 s resend cooldown of the first, as a real
 * investor would; they run side by side so the file waits out one cooldown, not two.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page, Response } from 'playwright-core';
import { SUITE_TIMEOUT_MS, launchBrowser, openContext } from './support/browser.js';
import { startDemo, type RunningDemo } from './support/demo.js';
import {
  ADA,
  TEXT,
  chooseFromList,
  continueTo,
  control,
  enterCode,
  fileRow,
  fillPersonal,
  press,
  signIn,
  typeInto,
  upload,
  waitForStep,
  widget,
} from './support/investor.js';
import { saveScreenshot } from './support/screenshots.js';
import { makePhoto, type TestFile } from './support/test-documents.js';

/** Every answer of the personal step is as `fillPersonal(ADA)` left it. */
async function assertPersonalKept(page: Page): Promise<void> {
  assert.equal(await control(page, 'firstName').inputValue(), ADA.firstName);
  assert.equal(await control(page, 'lastName').inputValue(), ADA.lastName);
  assert.equal(await control(page, 'birthdate-day').inputValue(), ADA.birthdate.day);
  assert.equal(await control(page, 'birthdate-month').locator('option:checked').textContent(), ADA.birthdate.month);
  assert.equal(await control(page, 'birthdate-year').inputValue(), ADA.birthdate.year);
  assert.equal(await control(page, 'nationality').inputValue(), ADA.nationality);
  assert.equal(await control(page, 'documentIdNumber').inputValue(), ADA.documentIdNumber);
}

/**
 * From the email step (address prefilled), ask for a code again. Within the cooldown of the first code
 * the proxy refuses (429 `resend_too_soon`) and the widget shows the code step with the time to wait:
 * wait it out and ask again. Either way one more code mail goes out; resolves once it is typed.
 */
async function signInAgain(page: Page, inboxUrl: string, email: string): Promise<void> {
  assert.equal(await control(page, 'email').inputValue(), email, 'the email is prefilled from the tab');
  const isCodeRequest = (response: Response): boolean => response.request().method() === 'POST' && response.url().endsWith('/codes');
  const [asked] = await Promise.all([page.waitForResponse(isCodeRequest), press(page, TEXT.email.submit)]);
  await waitForStep(page, 'code');
  // The code that signed in before ended the resend cooldown: a new code is sent at once.
  assert.equal(asked.status(), 202);
  await enterCode(page, inboxUrl, email, 2);
}

describe('nothing typed is lost', { concurrency: true, timeout: SUITE_TIMEOUT_MS }, () => {
  let demo: RunningDemo;
  let browser: Browser;
  let passport: TestFile;

  before(async () => {
    demo = await startDemo();
    browser = await launchBrowser();
    passport = await makePhoto(browser, { name: 'passport.jpg', type: 'image/jpeg', title: 'PASSPORT', hue: 260 });
  });

  after(async () => {
    await browser?.close();
    await demo?.stop();
  });

  test('a reload in the middle of the form: after signing in again, the investor is back on the same step with every answer', async () => {
    const email = 'reload@example.com';
    const context = await openContext(browser, { screen: 'phone' });
    try {
      const page = await context.newPage();
      await page.goto(demo.urls.site);
      await signIn(page, demo.urls.inbox, email);
      await fillPersonal(page, ADA);
      await continueTo(page, 'address');
      await chooseFromList(page, 'country', ADA.countrySearch, ADA.country);
      await typeInto(page, 'streetAddress', ADA.streetAddress);

      await page.reload();
      await waitForStep(page, 'email');
      // Before asking for the email again, the widget says the answers are still here.
      assert.equal(((await widget(page).locator('p.notice[role="alert"]').textContent()) ?? '').trim(), TEXT.common.draftRestored);
      await saveScreenshot(page, 'reload-email', 'light');
      // Within the 30 s resend cooldown of the first code, as for an investor who reloads at once.
      await signInAgain(page, demo.urls.inbox, email);

      await waitForStep(page, 'address');
      await saveScreenshot(page, 'reload-resumed', 'light');
      assert.equal(await control(page, 'country').inputValue(), ADA.country);
      assert.equal(await control(page, 'streetAddress').inputValue(), ADA.streetAddress);
      assert.equal(await control(page, 'city').inputValue(), '', 'nothing invented');
      await press(page, TEXT.common.back);
      await waitForStep(page, 'personal');
      await assertPersonalKept(page);
    } finally {
      await context.close();
    }
  });

  test('a token that expires mid-journey (the laptop closed for 20 minutes): the form, the step and the upload are kept', async () => {
    const email = 'lid-closed@example.com';
    const context = await openContext(browser, { screen: 'phone' });
    try {
      // The page's clock is Playwright's from the start, running at normal speed until the jump.
      await context.clock.install();
      const page = await context.newPage();
      await page.goto(demo.urls.site);
      await signIn(page, demo.urls.inbox, email);
      await fillPersonal(page, ADA);
      await continueTo(page, 'address');
      await chooseFromList(page, 'country', ADA.countrySearch, ADA.country);
      for (const field of ['streetAddress', 'city', 'state', 'postalCode'] as const) await typeInto(page, field, ADA[field]);
      await continueTo(page, 'documents');
      await upload(page, 'documentIdFile', passport);

      await page.clock.fastForward('20:00');
      await waitForStep(page, 'email');
      // After a real sleep the page's clock and the proxy's agree again; here only the page's moved, so it is
      // put back in step with the proxy's before signing in again (else every new token would look expired).
      await context.clock.setSystemTime(Date.now());
      const notice = (await widget(page).locator('p.notice[role="alert"]').textContent()) ?? '';
      assert.equal(notice.trim(), TEXT.errors.reauth_needed);
      await saveScreenshot(page, 'expired-email', 'light');
      await signInAgain(page, demo.urls.inbox, email);
      await waitForStep(page, 'documents');
      await fileRow(page, 'documentIdFile', 'passport.jpg').locator('.file-status.done').waitFor();
      await saveScreenshot(page, 'expired-resumed', 'light');
      await press(page, TEXT.common.back);
      await waitForStep(page, 'address');
      for (const field of ['streetAddress', 'city', 'state', 'postalCode'] as const) assert.equal(await control(page, field).inputValue(), ADA[field]);
      assert.equal(await control(page, 'country').inputValue(), ADA.country);
      await press(page, TEXT.common.back);
      await waitForStep(page, 'personal');
      await assertPersonalKept(page);
    } finally {
      await context.close();
    }
  });
});
