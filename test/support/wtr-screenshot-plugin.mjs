// A web-test-runner command that saves a PNG of an element of the test page into
// test-artifacts/screenshots/ (git-ignored; CI keeps the folder as an artifact). Browser side:
//   import { executeServerCommand } from '@web/test-runner-commands';
//   await executeServerCommand('save-screenshot', { name: 'email-375-light', selector: 'kyc-onboarding' });
// Names are reduced to [a-z0-9-]; a screenshot is looked at by whoever changes the look, not compared.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

export const SCREENSHOT_DIR = join(import.meta.dirname, '..', '..', 'test-artifacts', 'screenshots');

/** The plugin: registers the `save-screenshot` command. */
export function screenshotPlugin() {
  return {
    name: 'kyc-screenshot',
    async executeCommand({ command, payload, session }) {
      if (command !== 'save-screenshot') return undefined;
      const name = String(payload?.name ?? '').toLowerCase().replace(/[^a-z0-9-]+/g, '-');
      if (name === '') throw new Error('save-screenshot: a name is required');
      const page = session.browser.getPage(session.id);
      const target = payload?.selector ? await page.$(String(payload.selector)) : undefined;
      if (payload?.selector && !target) throw new Error(`save-screenshot: nothing matches ${payload.selector}`);
      await mkdir(SCREENSHOT_DIR, { recursive: true });
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      await (target ?? page).screenshot({ path, ...(target ? {} : { fullPage: true }) });
      return { path };
    },
  };
}
