import { expect } from '@esm-bundle/chai';
import de from '../../../widget/i18n/locales/de.js';
import ar from '../../../widget/i18n/locales/ar.js';
import { ENGLISH, loadMessages } from '../../../widget/i18n/locale.js';

// The locale files as built by `npm run build` (the test command builds before the browser tests; the
// test runner serves the repository root, so dist/ is reachable).
const DIST = '/dist/';

/** Runs `action` with console.warn captured. */
async function capturingWarnings<T>(action: () => Promise<T>): Promise<{ result: T; warnings: string[] }> {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
  try {
    return { result: await action(), warnings };
  } finally {
    console.warn = original;
  }
}

describe('loadMessages', () => {
  it('answers English from the bundle without loading anything', async () => {
    const before = performance.getEntriesByType('resource').length;
    const catalog = await loadMessages('en-GB', { baseUrl: DIST });
    expect(catalog).to.equal(ENGLISH);
    expect(catalog.dir).to.equal('ltr');
    expect(performance.getEntriesByType('resource').length).to.equal(before);
  });

  it('loads German from dist/locales/de.js, the same strings as the sources', async () => {
    const catalog = await loadMessages('de', { baseUrl: DIST });
    expect(catalog.locale).to.equal('de');
    expect(catalog.dir).to.equal('ltr');
    expect(catalog.messages).to.deep.equal(de);
    const loaded = performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname);
    expect(loaded).to.include('/dist/locales/de.js');
  });

  it('loads Arabic as right to left, for a regional tag too', async () => {
    const catalog = await loadMessages('ar-SA', { baseUrl: new URL(DIST, location.href) });
    expect(catalog.locale).to.equal('ar');
    expect(catalog.dir).to.equal('rtl');
    expect(catalog.messages.common.widgetTitle).to.equal(ar.common.widgetTitle);
  });

  it('loads each locale once, however many elements ask', async () => {
    const [first, second] = await Promise.all([loadMessages('ja', { baseUrl: DIST }), loadMessages('ja', { baseUrl: DIST })]);
    expect(first).to.equal(second);
    expect(await loadMessages('ja', { baseUrl: DIST })).to.equal(first);
    const fetches = performance.getEntriesByType('resource').filter((entry) => entry.name.endsWith('/dist/locales/ja.js'));
    expect(fetches).to.have.length(1);
  });

  it('falls back to English with a warning when the file is missing (404)', async () => {
    const check = await fetch('/no-such-folder/locales/fr.js');
    expect(check.status).to.equal(404);
    const { result, warnings } = await capturingWarnings(() => loadMessages('fr', { baseUrl: '/no-such-folder/' }));
    expect(result).to.equal(ENGLISH);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('fr').and.contain('/no-such-folder/locales/fr.js');
  });

  it('answers English for a locale it has no catalog for, without a request', async () => {
    const before = performance.getEntriesByType('resource').length;
    expect(await loadMessages('ko', { baseUrl: DIST })).to.equal(ENGLISH);
    expect(performance.getEntriesByType('resource').length).to.equal(before);
  });

  it('finds the files next to the widget script by default', async () => {
    // In this test run the widget is served from its sources (widget/i18n/*.ts), where no built file is:
    // the request goes next to the loader module and fails over to English.
    const { result, warnings } = await capturingWarnings(() => loadMessages('es'));
    expect(result).to.equal(ENGLISH);
    expect(warnings[0]).to.contain(new URL('/widget/i18n/locales/es.js', location.href).href);
  });
});
