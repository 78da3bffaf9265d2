// Importing the widget in Node (a sale's server-side rendering, a bundler's prerender) must be harmless:
// no `window`, `document` or `customElements` is touched at import, nothing is defined, nothing thrown.
// (The sources, not dist/: bundle.test.ts rebuilds dist/ while the node tests run side by side.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

describe('importing the widget in Node', () => {
  it('imports the sources without a DOM and exports the element class', async () => {
    assert.equal(typeof (globalThis as { document?: unknown }).document, 'undefined');
    // A computed specifier: the Node type-check (no DOM types) must not follow it into the browser code.
    const entry = new URL('../../widget/index.ts', import.meta.url).href;
    const widget = (await import(entry)) as { TAG_NAME: string; KycOnboarding: unknown };
    assert.equal(widget.TAG_NAME, 'kyc-onboarding');
    assert.equal(typeof widget.KycOnboarding, 'function');
  });
});
