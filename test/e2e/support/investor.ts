/**
 * The investor's side of the demo page: the `<kyc-onboarding>` element driven as a person does, with
 * the keyboard (typing, Enter, arrow keys in the country lists) and the pointer (buttons, the month
 * list, file choosers). Playwright's CSS and role locators pierce the element's open shadow root.
 */
import type { Locator, Page } from 'playwright-core';
import EN from '../../../widget/i18n/en.js';
import { WAIT_MS } from './browser.js';
import { waitForCode } from './inbox.js';
import type { TestFile } from './test-documents.js';

/** An investor's answers, as they would type and choose them. */
export interface InvestorAnswers {
  firstName: string;
  lastName: string;
  birthdate: { day: string; month: string; year: string };
  /** What is typed in the nationality list before ArrowDown and Enter pick the first match. */
  nationalitySearch: string;
  /** The display name the search must pick (checked after the choice). */
  nationality: string;
  documentIdNumber: string;
  countrySearch: string;
  country: string;
  streetAddress: string;
  city: string;
  state: string;
  postalCode: string;
  ethereumAddress: string;
  amount: string;
}

/** A believable investor (the address is EIP-55 checksummed, from the EIP's own examples). */
export const ADA: InvestorAnswers = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  birthdate: { day: '10', month: 'December', year: '1990' },
  nationalitySearch: 'brit',
  nationality: 'British',
  documentIdNumber: 'X1234567',
  countrySearch: 'united k',
  country: 'United Kingdom',
  streetAddress: '12 St James’s Square',
  city: 'London',
  state: 'Greater London',
  postalCode: 'SW1Y 4JH',
  ethereumAddress: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
  amount: '2500',
};

/** The documents an investor uploads. */
export interface InvestorDocuments {
  documentId: TestFile;
  selfie: TestFile;
  /** Uploaded as the accredited-investor proof, after answering "Yes". */
  investorProof?: TestFile;
}

/** The widget on the page. */
export function widget(page: Page): Locator {
  return page.locator('kyc-onboarding');
}

/**
 * The widget's English texts (its bundled catalog): the tests find headings and buttons by what the
 * investor reads, and follow the catalog when the wording changes.
 */
export const TEXT = EN;

/** A step of the journey, by the catalog's key (each step is titled by `TEXT[step].title`). */
export type Step = 'email' | 'code' | 'personal' | 'address' | 'documents' | 'wallet' | 'review' | 'status';

/** Wait until the widget shows `step`: its heading (`h2`) reads the step's title. */
export async function waitForStep(page: Page, step: Step): Promise<void> {
  await widget(page).getByRole('heading', { level: 2, name: TEXT[step].title, exact: true }).waitFor({ timeout: WAIT_MS });
}

/** Press the step's main button (Continue, Send code, Verify, Submit…) with the pointer. */
export async function press(page: Page, name: string | RegExp): Promise<void> {
  await widget(page).getByRole('button', { name, exact: typeof name === 'string' }).click();
}

/** The widget's form control named `name` (a KYC field's name; the date's parts are `birthdate-day|month|year`). */
export function control(page: Page, name: string): Locator {
  return widget(page).locator(`[name="${name}"]`);
}

/** Type `text` into the control named `name` key by key, after clearing it, as a person types. */
export async function typeInto(page: Page, name: string, text: string): Promise<void> {
  const input = control(page, name);
  await input.click();
  await input.press('ControlOrMeta+A');
  await input.press('Backspace');
  await input.pressSequentially(text);
}

/** Ask for a code for `email` (the email step must be shown; the address may be prefilled). */
export async function requestCode(page: Page, email: string): Promise<void> {
  const input = widget(page).locator('#email');
  if ((await input.inputValue()) !== email) await typeInto(page, 'email', email);
  await input.press('Enter');
}

/** Type the `mailNumber`-th code mailed to `email`, read from the inbox, and verify it. */
export async function enterCode(page: Page, inboxUrl: string, email: string, mailNumber = 1): Promise<void> {
  await waitForStep(page, 'code');
  const code = await waitForCode(inboxUrl, email, mailNumber);
  await typeInto(page, 'code', code);
  await press(page, TEXT.code.submit);
}

/**
 * Sign in from the email step: the address, then the code from the inbox; resolves on the first form
 * step. `onCodeStep` runs once the code step is shown, before the code is typed (for a screenshot).
 */
export async function signIn(page: Page, inboxUrl: string, email: string, options: { onCodeStep?: () => Promise<void> } = {}): Promise<void> {
  await waitForStep(page, 'email');
  await requestCode(page, email);
  await waitForStep(page, 'code');
  await options.onCodeStep?.();
  await enterCode(page, inboxUrl, email);
  await waitForStep(page, 'personal');
}

/** Choose in the searchable list `#id`: type the search, ArrowDown to the first match, Enter to take it. */
export async function chooseFromList(page: Page, id: 'country' | 'nationality', search: string, expected: string, onOpen?: () => Promise<void>): Promise<void> {
  await typeInto(page, id, search);
  const input = control(page, id);
  await widget(page).locator(`#${id}-listbox [role="option"]`).first().waitFor({ timeout: WAIT_MS });
  await input.press('ArrowDown');
  await onOpen?.();
  await input.press('Enter');
  const shown = await input.inputValue();
  if (shown !== expected) throw new Error(`Searching "${search}" in ${id} chose "${shown}", not "${expected}"`);
}

/** Fill the personal step (names, birth date by its parts, nationality from the list, document number). */
export async function fillPersonal(page: Page, answers: InvestorAnswers, onListOpen?: () => Promise<void>): Promise<void> {
  await typeInto(page, 'firstName', answers.firstName);
  await typeInto(page, 'lastName', answers.lastName);
  await typeInto(page, 'birthdate-day', answers.birthdate.day);
  await control(page, 'birthdate-month').selectOption({ label: answers.birthdate.month });
  await typeInto(page, 'birthdate-year', answers.birthdate.year);
  await chooseFromList(page, 'nationality', answers.nationalitySearch, answers.nationality, onListOpen);
  await typeInto(page, 'documentIdNumber', answers.documentIdNumber);
}

/** Fill the address step (country from the list, then the postal address). */
export async function fillAddress(page: Page, answers: InvestorAnswers, onListOpen?: () => Promise<void>): Promise<void> {
  await chooseFromList(page, 'country', answers.countrySearch, answers.country, onListOpen);
  await typeInto(page, 'streetAddress', answers.streetAddress);
  await typeInto(page, 'city', answers.city);
  await typeInto(page, 'state', answers.state);
  await typeInto(page, 'postalCode', answers.postalCode);
}

/** Choose `file` for the file field `field` (adding it, or replacing the one there) and wait until the widget says it is uploaded. */
export async function upload(page: Page, field: string, file: TestFile): Promise<void> {
  await control(page, field).setInputFiles(file);
  await fileRow(page, field, file.name).locator('.file-status.done').waitFor({ timeout: WAIT_MS });
}

/** The row of the file `name` in the file field `field`. */
export function fileRow(page: Page, field: string, name: string): Locator {
  return widget(page).locator('fieldset', { has: page.locator(`[name="${field}"]`) }).locator('li.file', { hasText: name });
}

/** Upload the documents (and answer the accredited-investor question). */
export async function uploadDocuments(page: Page, documents: InvestorDocuments): Promise<void> {
  await upload(page, 'documentIdFile', documents.documentId);
  await upload(page, 'selfieFile', documents.selfie);
  const question = widget(page).getByRole('group', { name: TEXT.documents.investorQuestion });
  if (documents.investorProof === undefined) {
    await question.getByRole('radio', { name: TEXT.common.no }).check();
  } else {
    await question.getByRole('radio', { name: TEXT.common.yes }).check();
    await upload(page, 'investorProofFiles', documents.investorProof);
  }
}

/** Fill the participation step; waits until the proxy has checked the address. */
export async function fillWallet(page: Page, answers: InvestorAnswers): Promise<void> {
  await typeInto(page, 'ethereumAddress', answers.ethereumAddress);
  await typeInto(page, 'estimatedParticipationAmount', answers.amount);
  await widget(page).locator('#ethereumAddress-status.verified').waitFor({ timeout: WAIT_MS });
}

/** Press Continue and wait for `step`. */
export async function continueTo(page: Page, step: Step): Promise<void> {
  await press(page, TEXT.common.next);
  await waitForStep(page, step);
}

/** Tick every confirmation of the review. */
export async function tickConfirmations(page: Page): Promise<void> {
  const boxes = widget(page).locator('.confirmations input[type="checkbox"]');
  for (const box of await boxes.all()) await box.check();
}

/** The text of the status step's summary (headline, body, reasons). */
export async function statusSummary(page: Page): Promise<string> {
  return ((await widget(page).locator('.status-summary').textContent({ timeout: WAIT_MS })) ?? '').replace(/\s+/g, ' ').trim();
}

/** Wait until the status step shows the state `state` (`pending`, `approved`, `needs_action`…). */
export async function waitForStatus(page: Page, state: string, timeoutMs = WAIT_MS): Promise<void> {
  await widget(page).locator(`.status-step[data-state="${state}"]`).waitFor({ timeout: timeoutMs });
}

/** The moments of {@link fillEveryStep} worth a screenshot: each step, and each list open with its first match active. */
export type JourneyShot = 'email' | 'code' | 'personal' | 'nationality-list' | 'address' | 'country-list' | 'documents' | 'wallet';

/** Options of {@link fillEveryStep}. */
export interface JourneyOptions {
  /** The demo's sale page and mail inbox. */
  siteUrl: string;
  inboxUrl: string;
  email: string;
  answers: InvestorAnswers;
  documents: InvestorDocuments;
  /** Called on each step once it is filled (`email` and `code` before), e.g. for a screenshot. */
  onStep?: (step: JourneyShot) => Promise<void>;
}

/** Open the sale page, sign in and fill every form step; resolves on the review step. */
export async function fillEveryStep(page: Page, options: JourneyOptions): Promise<void> {
  const { answers, onStep = async () => {} } = options;
  await page.goto(options.siteUrl);
  await waitForStep(page, 'email');
  await onStep('email');
  await signIn(page, options.inboxUrl, options.email, { onCodeStep: () => onStep('code') });
  await fillPersonal(page, answers, () => onStep('nationality-list'));
  await onStep('personal');
  await continueTo(page, 'address');
  await fillAddress(page, answers, () => onStep('country-list'));
  await onStep('address');
  await continueTo(page, 'documents');
  await uploadDocuments(page, options.documents);
  await onStep('documents');
  await continueTo(page, 'wallet');
  await fillWallet(page, answers);
  await onStep('wallet');
  await continueTo(page, 'review');
}
