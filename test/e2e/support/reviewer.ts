/**
 * The reviewer's side: the sandbox's review console (server-rendered pages with one form per action),
 * driven in a page of its own as a person playing the provider's admin does.
 */
import type { Page } from 'playwright-core';
import { WAIT_MS } from './browser.js';

/** Open the console's case list and then the case of `email` (the newest submission is listed first). */
export async function openCase(page: Page, consoleUrl: string, email: string): Promise<void> {
  await page.goto(consoleUrl);
  const row = page.locator('tbody tr', { hasText: email }).first();
  await Promise.all([page.waitForURL(/\/cases\/\d+/, { timeout: WAIT_MS }), row.getByRole('link').click()]);
}

/** Run the action whose form has the button `button`, and wait for the console to say it is done. */
async function act(page: Page, action: string, button: string): Promise<void> {
  await Promise.all([
    page.waitForURL(new RegExp(`[?&]done=${action}$`), { timeout: WAIT_MS }),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
}

/** Set the AML result (the AML vendor's verdict the console stands in for). */
export async function setAml(page: Page, status: 'cleared' | 'approved' | 'rejected' | 'failed'): Promise<void> {
  await page.getByLabel('AML result').selectOption(status);
  await act(page, 'aml', 'Set AML status');
}

/** Qualify the case (the admin's approval). */
export async function qualify(page: Page): Promise<void> {
  await act(page, 'qualify', 'Qualify');
}

/** Approve the case as the provider requires: AML cleared, then qualified. */
export async function approve(page: Page): Promise<void> {
  await setAml(page, 'cleared');
  await qualify(page);
}

/** Report issues of the given types (`document_issue`, `data_mismatch`, `other_issue`): the investor must resubmit. */
export async function reportIssues(page: Page, types: readonly string[]): Promise<void> {
  for (const type of types) await page.getByRole('checkbox', { name: type }).check();
  await act(page, 'report', 'Report the issues');
}

/** A value of the case's status list (`KYC status`, `Submissions`…), as shown. */
export async function caseValue(page: Page, label: string): Promise<string> {
  const row = page.locator('.statuses div', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) });
  return ((await row.locator('dd').textContent({ timeout: WAIT_MS })) ?? '').trim();
}
