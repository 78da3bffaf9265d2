/**
 * Keyboard only, on the demo page: sign-in and every form step completed with Tab, Shift+Tab, Enter,
 * Space, the arrow keys and typing (the file pickers are opened from the keyboard; only choosing the
 * file in the system's picker is not the page's), every focused control of the widget showing a visible
 * focus indicator, and axe-core finding no WCAG 2.2 A/AA violation on any step, in light and dark.
 *
 * axe-core is injected with a `<script>` tag, which the demo site's CSP refuses: this context bypasses
 * the CSP (the journey test keeps it enforced).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, FileChooser, Page } from 'playwright-core';
import { axeViolations, describeViolations, focusedControl, injectAxe, type FocusedControl } from './support/accessibility.js';
import { SUITE_TIMEOUT_MS, launchBrowser, openContext } from './support/browser.js';
import { startDemo, type RunningDemo } from './support/demo.js';
import { waitForCode } from './support/inbox.js';
import { ADA, TEXT, control, waitForStep, widget, type Step } from './support/investor.js';
import { makePdf, makePhoto, type TestFile } from './support/test-documents.js';

/** Most key presses between two controls in a row: more means the tab order is lost. */
const MAX_TAB_STOPS = 40;
/** How long one Space on a file input is given to open the picker. */
const CHOOSER_WAIT_MS = 5_000;

describe('keyboard only, and axe-core on every step', { timeout: SUITE_TIMEOUT_MS }, () => {
  let demo: RunningDemo;
  let browser: Browser;
  let passport: TestFile;
  let selfie: TestFile;

  before(async () => {
    demo = await startDemo();
    browser = await launchBrowser();
    passport = await makePhoto(browser, { name: 'passport.png', type: 'image/png', title: 'PASSPORT', hue: 180 });
    selfie = makePdf('selfie-scan.pdf', 'Selfie, scanned');
  });

  after(async () => {
    await browser?.close();
    await demo?.stop();
  });

  test('the sale page and the host-authenticated page, each as a whole, pass axe at phone and desktop sizes, light and dark', async () => {
    for (const screen of ['phone', 'desktop'] as const) {
      const context = await openContext(browser, { screen, bypassCSP: true });
      try {
        const page = await context.newPage();
        for (const path of ['', 'host.html']) {
          await page.goto(new URL(path, demo.urls.site).href);
          await injectAxe(page);
          for (const colorScheme of ['light', 'dark'] as const) {
            await page.emulateMedia({ colorScheme });
            const violations = await axeViolations(page, 'page');
            assert.deepEqual(violations, [], `axe on /${path} (${screen}, ${colorScheme}):\n${describeViolations(violations)}`);
          }
        }
      } finally {
        await context.close();
      }
    }
  });

  test('sign-in and every step by keyboard, with visible focus; no axe violation on any step, light or dark', async () => {
    const context = await openContext(browser, { screen: 'desktop', bypassCSP: true });
    try {
      const page = await context.newPage();
      // File-chooser interception stays on for the whole test (a listener that does nothing), instead
      // of being switched on and off around each picker, which races with the key press that opens it.
      page.on('filechooser', () => undefined);
      const pageLog: string[] = [];
      page.on('console', (message) => pageLog.push(`${message.type()}: ${message.text()}`));
      await page.goto(demo.urls.site);
      await injectAxe(page);
      const keyboard = page.keyboard;
      /** Controls of the widget that took the focus without a visible indicator. */
      const unseen: string[] = [];
      const checked: string[] = [];

      /**
       * Press Tab (Shift+Tab when `backwards`) until the focus is on `#target` (or on a control `target`
       * accepts), checking each stop in the widget.
       */
      async function tabTo(target: string | ((focused: FocusedControl) => boolean), backwards = false): Promise<FocusedControl> {
        const reached = typeof target === 'string' ? (focused: FocusedControl) => focused.id === target : target;
        for (let presses = 0; presses < MAX_TAB_STOPS; presses += 1) {
          await keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
          const focused = await focusedControl(page);
          if (focused.inWidget) {
            checked.push(focused.description);
            if (!focused.focusVisible || focused.indicator === '') unseen.push(focused.description);
          }
          if (focused.inWidget && reached(focused)) return focused;
        }
        throw new Error(`${typeof target === 'string' ? `#${target}` : 'The control'} was not reached within ${MAX_TAB_STOPS} presses of ${backwards ? 'Shift+Tab' : 'Tab'}`);
      }

      /** axe on the widget as it is now, in light and in dark. */
      async function assertAxeClean(where: string): Promise<void> {
        for (const scheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme: scheme });
          const violations = await axeViolations(page);
          assert.deepEqual(violations, [], `axe on ${where} (${scheme}):\n${describeViolations(violations)}`);
        }
        await page.emulateMedia({ colorScheme: 'light' });
      }

      async function onStep(step: Step): Promise<void> {
        await waitForStep(page, step);
        await assertAxeClean(`the ${step} step`);
      }

      /** Tab to the step's Continue button and press it with Enter. */
      async function continueByKeyboard(): Promise<void> {
        await tabTo((focused) => focused.text === TEXT.common.next);
        await keyboard.press('Enter');
      }

      /** Type into the control `#id` after reaching it with Tab. */
      async function tabAndType(id: string, text: string): Promise<void> {
        await tabTo(id);
        await keyboard.type(text);
      }

      /**
       * Reach the file input `#field` with Tab, open its picker with Space, and choose `file`.
       *
       * Chromium, on a loaded machine, now and then lets a synthetic Space pass without opening the
       * picker (seen once in CI, never reproduced here). One more Space is pressed then, still from the
       * keyboard and still on the same input, so the check stays "the keyboard opens the picker"; a
       * second miss fails with what the page logged.
       */
      async function chooseFile(field: string, file: TestFile): Promise<void> {
        await tabTo(field);
        let chooser: FileChooser | undefined;
        for (let attempt = 1; chooser === undefined; attempt += 1) {
          const opened = page.waitForEvent('filechooser', { timeout: CHOOSER_WAIT_MS }).catch(() => undefined);
          await keyboard.press('Space');
          chooser = await opened;
          if (chooser !== undefined) break;
          const focused = await focusedControl(page);
          assert.equal(focused.id, field, `the focus left #${field} while its picker was awaited`);
          assert.ok(attempt < 2, `Space on #${field} did not open the file picker twice; the page logged:\n${pageLog.join('\n') || '(nothing)'}`);
        }
        await chooser.setFiles(file);
        await widget(page).locator('li.file', { hasText: file.name }).locator('.file-status.done').waitFor();
      }

      // Sign in: from the top of the sale's page, Tab into the widget.
      await onStep('email');
      await tabAndType('email', 'keys@example.com');
      await keyboard.press('Enter');
      await onStep('code');
      await tabAndType('code', await waitForCode(demo.urls.inbox, 'keys@example.com'));
      await keyboard.press('Enter');

      // Personal details: Enter on the empty form shows the error summary, which takes the focus.
      await onStep('personal');
      await tabTo('firstName');
      await keyboard.press('Enter');
      await widget(page).locator('.error-summary').waitFor();
      assert.equal((await focusedControl(page)).description, 'div.error-summary', 'the error summary takes the focus');
      await assertAxeClean('the personal step with its error summary');
      // Its first link leads to the first field.
      await keyboard.press('Tab');
      await keyboard.press('Enter');
      assert.equal((await focusedControl(page)).id, 'firstName');
      await keyboard.type(ADA.firstName);
      await tabAndType('lastName', ADA.lastName);
      // The date's three parts, in the order of the investor's region; the month is a list: typing its name picks it.
      for (let part = 0; part < 3; part += 1) {
        const { name } = await tabTo((focused) => focused.name.startsWith('birthdate-'));
        const typed = { 'birthdate-day': ADA.birthdate.day, 'birthdate-month': ADA.birthdate.month.slice(0, 3), 'birthdate-year': ADA.birthdate.year }[name];
        assert.ok(typed !== undefined, `unexpected date part ${name}`);
        await keyboard.type(typed);
      }
      await tabAndType('nationality', ADA.nationalitySearch);
      await keyboard.press('ArrowDown');
      await assertAxeClean('the personal step with the nationality list open');
      await keyboard.press('Enter');
      assert.equal(await control(page, 'nationality').inputValue(), ADA.nationality);
      await tabAndType('documentIdNumber', ADA.documentIdNumber);
      // Shift+Tab goes back through the form without losing anything.
      await tabTo('lastName', true);
      assert.equal(await control(page, 'lastName').inputValue(), ADA.lastName);
      assert.equal(await control(page, 'birthdate-month').locator('option:checked').textContent(), ADA.birthdate.month);
      await tabTo('documentIdNumber');
      await keyboard.press('Enter');

      await onStep('address');
      await tabAndType('country', ADA.countrySearch);
      await keyboard.press('ArrowDown');
      await keyboard.press('Enter');
      assert.equal(await control(page, 'country').inputValue(), ADA.country);
      await tabAndType('streetAddress', ADA.streetAddress);
      await tabAndType('city', ADA.city);
      await tabAndType('state', ADA.state);
      await tabAndType('postalCode', ADA.postalCode);
      await keyboard.press('Enter');

      await onStep('documents');
      await chooseFile('documentIdFile', passport);
      await chooseFile('selfieFile', selfie);
      // The accredited-investor question: a radio group, entered with Tab and answered with an arrow key.
      await tabTo((focused) => focused.name === 'accreditedInvestor');
      await keyboard.press('ArrowDown');
      assert.equal(await widget(page).getByRole('radio', { name: TEXT.common.no }).isChecked(), true);
      await assertAxeClean('the documents step with both files uploaded');
      await continueByKeyboard();

      await onStep('wallet');
      await tabAndType('ethereumAddress', ADA.ethereumAddress);
      await tabAndType('estimatedParticipationAmount', ADA.amount);
      await widget(page).locator('#ethereumAddress-status.verified').waitFor();
      await keyboard.press('Enter');

      await onStep('review');
      await tabTo('confirmations.terms');
      await keyboard.press('Space');
      assert.equal(await control(page, 'confirmations.terms').isChecked(), true);
      await assertAxeClean('the review step with its confirmation ticked');
      await tabTo((focused) => focused.text === TEXT.review.submit);
      await keyboard.press('Enter');

      await onStep('status');
      assert.ok(((await widget(page).locator('.status-summary').textContent()) ?? '').includes(TEXT.status.pendingTitle));

      assert.ok(checked.length >= 15, `the focus visited the widget's controls (${checked.length} stops)`);
      assert.deepEqual(unseen, [], 'every control that took the focus showed a visible focus indicator');
    } finally {
      await context.close();
    }
  });
});
