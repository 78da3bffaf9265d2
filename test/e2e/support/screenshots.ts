/**
 * Screenshots of the widget kept as test artifacts (`test-artifacts/screenshots/`, git-ignored), one per
 * step, screen and colour scheme, for a person to look at: `e2e-<step>-<width>-<scheme>.png`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from '../../demo/support/demo-process.js';

/** Where the screenshots go. */
export const SCREENSHOT_DIR = join(ROOT, 'test-artifacts', 'screenshots');

/**
 * Save the widget's frame on the demo page (the widget and the page's margin around it, so a list that
 * opens past the widget's edge is in the picture) as `e2e-<step>-<viewport width>-<scheme>.png`; returns the path.
 */
export async function saveScreenshot(page: Page, step: string, scheme: 'light' | 'dark'): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  const path = join(SCREENSHOT_DIR, `e2e-${step}-${width}-${scheme}.png`);
  // Carets blink and transitions run: hidden so two runs of the same step give the same picture.
  await page.locator('.widget-frame').first().screenshot({ path, animations: 'disabled', caret: 'hide' });
  return path;
}
