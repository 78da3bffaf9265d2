/**
 * The investor's side of the demo page: the `<kyc-onboarding>` element driven as a person does, with
 * the keyboard (typing, Enter, arrow keys in the country lists) and the pointer (buttons, the month
 * list, file choosers). Playwright's CSS and role locators pierce the element's open shadow root.
 */
import type { Locator, Page } from 'playwright-core';
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

/** Wait until the widget shows the step whose heading is `heading` (its `h2`). */
export async function waitForStep(page: Page, heading: string): Promise<void> {
  await widget(page).locator('h2', { hasText: new RegExp(`^\\s*${heading}\\s*$`) }).waitFor({ timeout: WAIT_MS });
}

/** The heading of the step shown now. */
export async function currentStep(page: Page): Promise<string> {
  return ((await widget(page).locator('h2').textContent({ timeout: WAIT_MS })) ?? '').trim();
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
  await waitForStep(page, 'Code');
  const code = await waitForCode(inboxUrl, email, mailNumber);
  await typeInto(page, 'code', code);
  await press(page, 'Verify');
}

/**
 * Sign in from the email step: the address, then the code from the inbox; resolves on the first form
 * step. `onCodeStep` runs once the code step is shown, before the code is typed (for a screenshot).
 */
export async function signIn(page: Page, inboxUrl: string, email: string, options: { onCodeStep?: () => Promise<void> } = {}): Promise<void> {
  await waitForStep(page, 'Email');
  await requestCode(page, email);
  await waitForStep(page, 'Code');
  await options.onCodeStep?.();
  await enterCode(page, inboxUrl, email);
  await waitForStep(page, 'Personal details');
}

/** Choose in the searchable list `#id`: type the search, ArrowDown to the first match, Enter to take it. */
export async function chooseFromList(page: Page, id: 'country' | 'nationality', search: string, expected: string): Promise<void> {
  await typeInto(page, id, search);
  const input = control(page, id);
  await widget(page).locator(`#${id}-listbox [role="option"]`).first().waitFor({ timeout: WAIT_MS });
  await input.press('ArrowDown');
  await input.press('Enter');
  const shown = await input.inputValue();
  if (shown !== expected) throw new Error(`Searching "${search}" in ${id} chose "${shown}", not "${expected}"`);
}

/** Fill the personal step (names, birth date by its parts, nationality from the list, document number). */
export async function fillPersonal(page: Page, answers: InvestorAnswers): Promise<void> {
  await typeInto(page, 'firstName', answers.firstName);
  await typeInto(page, 'lastName', answers.lastName);
  if ((await control(page, 'birthdate-month').count()) === 0) {
    // TEMPORARY until the personal step lands: plain text inputs.
    await typeInto(page, 'birthdate', '10/12/1990');
    await typeInto(page, 'nationality', 'BRITISH');
    await typeInto(page, 'documentIdNumber', answers.documentIdNumber);
    return;
  }
  await typeInto(page, 'birthdate-day', answers.birthdate.day);
  await control(page, 'birthdate-month').selectOption({ label: answers.birthdate.month });
  await typeInto(page, 'birthdate-year', answers.birthdate.year);
  await chooseFromList(page, 'nationality', answers.nationalitySearch, answers.nationality);
  await typeInto(page, 'documentIdNumber', answers.documentIdNumber);
}

/** Fill the address step (country from the list, then the postal address). */
export async function fillAddress(page: Page, answers: InvestorAnswers): Promise<void> {
  if ((await widget(page).locator('#country[role="combobox"]').count()) === 0) await typeInto(page, 'country', 'UNITED KINGDOM');
  else await chooseFromList(page, 'country', answers.countrySearch, answers.country);
  await typeInto(page, 'streetAddress', answers.streetAddress);
  await typeInto(page, 'city', answers.city);
  await typeInto(page, 'state', answers.state);
  await typeInto(page, 'postalCode', answers.postalCode);
}

/** Choose `file` for the file field `#field` and wait until the widget says it is uploaded. */
export async function upload(page: Page, field: string, file: TestFile): Promise<void> {
  const fieldset = widget(page).locator('fieldset', { has: page.locator(`[name="${field}"]`) });
  const before = await fieldset.locator('.file-status.done').count();
  await control(page, field).setInputFiles(file);
  await fieldset.locator('.file-status.done').nth(before).waitFor({ timeout: WAIT_MS });
  await fieldset.locator('.file-name', { hasText: file.name }).first().waitFor({ timeout: WAIT_MS });
}

/** Upload the documents (and answer the accredited-investor question). */
export async function uploadDocuments(page: Page, documents: InvestorDocuments): Promise<void> {
  await upload(page, 'documentIdFile', documents.documentId);
  await upload(page, 'selfieFile', documents.selfie);
  const question = widget(page).getByRole('group', { name: 'Are you an accredited investor?' });
  if (documents.investorProof === undefined) {
    await question.getByRole('radio', { name: 'No' }).check();
  } else {
    await question.getByRole('radio', { name: 'Yes' }).check();
    await upload(page, 'investorProofFiles', documents.investorProof);
  }
}

/** Fill the participation step; waits until the proxy has checked the address. */
export async function fillWallet(page: Page, answers: InvestorAnswers): Promise<void> {
  await typeInto(page, 'ethereumAddress', answers.ethereumAddress);
  await typeInto(page, 'estimatedParticipationAmount', answers.amount);
  await widget(page).locator('#ethereumAddress-status.verified').waitFor({ timeout: WAIT_MS });
}

/** Press Continue and wait for the step `heading`. */
export async function continueTo(page: Page, heading: string): Promise<void> {
  await press(page, 'Continue');
  await waitForStep(page, heading);
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
