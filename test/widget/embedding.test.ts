import { expect } from '@esm-bundle/chai';
import { executeServerCommand, setViewport } from '@web/test-runner-commands';
import { KycOnboarding, TAG_NAME } from '../../widget/index.js';
import { backendInfo, until } from './services/backend.js';

/** The computed styles that make the widget look as it does. */
const LOOK = ['font-family', 'font-size', 'color', 'background-color', 'padding-top', 'border-top-width', 'border-top-color', 'text-transform', 'letter-spacing', 'min-height', 'display'];

async function mountReady(attributes: Record<string, string> = {}): Promise<KycOnboarding> {
  const info = await backendInfo();
  const element = document.createElement(TAG_NAME) as KycOnboarding;
  element.setAttribute('proxy', info.proxyUrl);
  element.setAttribute('sale', info.sale);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  const ready = new Promise((resolve) => element.addEventListener('kyc-ready', resolve, { once: true }));
  document.body.append(element);
  await ready;
  await element.updateComplete;
  return element;
}

/** The look of the email step's parts, by selector. */
function lookOf(element: KycOnboarding): Record<string, string[]> {
  const root = element.shadowRoot as ShadowRoot;
  const look: Record<string, string[]> = {};
  for (const selector of ['.panel', 'h2', 'label', 'input#email', 'button[type="submit"]', 'p']) {
    const node = root.querySelector(selector);
    expect(node, selector).not.to.equal(null);
    const style = getComputedStyle(node as Element);
    look[selector] = LOOK.map((property) => `${property}: ${style.getPropertyValue(property)}`);
  }
  return look;
}

describe('embedding <kyc-onboarding> in a page', () => {
  afterEach(() => {
    document.body.replaceChildren();
    document.head.querySelectorAll('style[data-hostile]').forEach((style) => style.remove());
    document.documentElement.removeAttribute('lang');
    sessionStorage.clear();
  });

  it('looks the same on a page with hostile global CSS, and leaves the page untouched', async () => {
    const calm = lookOf(await mountReady({ theme: 'light' }));
    document.body.replaceChildren();

    const hostile = document.createElement('style');
    hostile.dataset['hostile'] = '';
    hostile.textContent = `
      * { all: unset; }
      html, body, div, p, label, input, button, h2, section { font: 40px/3 "Comic Sans MS", fantasy !important; color: red !important;
        background: yellow !important; padding: 30px !important; border: 9px dashed lime !important; text-transform: uppercase !important;
        letter-spacing: 1em !important; min-height: 0 !important; display: inline !important; }
      kyc-onboarding { font-size: 40px !important; }
    `;
    document.head.append(hostile);
    const paragraph = document.createElement('p');
    paragraph.textContent = 'page text';
    document.body.append(paragraph);
    const pageLookBefore = getComputedStyle(paragraph).cssText || JSON.stringify(LOOK.map((property) => getComputedStyle(paragraph).getPropertyValue(property)));

    const element = await mountReady({ theme: 'light' });
    const stormy = lookOf(element);
    // The host's own box may be styled by the page (that is the page's right); inside, nothing changes
    // but what inherits through `all: initial` on purpose: nothing.
    expect(stormy).to.deep.equal(calm);
    const pageLookAfter = getComputedStyle(paragraph).cssText || JSON.stringify(LOOK.map((property) => getComputedStyle(paragraph).getPropertyValue(property)));
    expect(pageLookAfter).to.equal(pageLookBefore);
    // No style of the widget's reached the document.
    expect([...document.styleSheets].every((sheet) => sheet.ownerNode === hostile)).to.equal(true);
    expect(document.adoptedStyleSheets.length).to.equal(0);
  });

  it('lays out right to left in Arabic, from the page language', async () => {
    document.documentElement.lang = 'ar';
    // The sources run unbuilt here: the locale files come from the build (the test command builds first).
    const element = await mountReady({ 'locales-url': '/dist/' });
    const panel = (element.shadowRoot as ShadowRoot).querySelector('.panel') as HTMLElement;
    expect(panel.getAttribute('dir')).to.equal('rtl');
    expect(panel.getAttribute('lang')).to.equal('ar');
    expect(getComputedStyle(panel).direction).to.equal('rtl');
    // The email address stays left to right inside the right-to-left form.
    expect(getComputedStyle((element.shadowRoot as ShadowRoot).getElementById('email') as HTMLElement).direction).to.equal('ltr');
    await setViewport({ width: 375, height: 740 });
    await executeServerCommand('save-screenshot', { name: 'widget-email-ar-375-light', selector: TAG_NAME });
    await setViewport({ width: 1280, height: 900 });
  });

  it('writes no cookie, no history entry, no hash and nothing in localStorage', async () => {
    const historyLength = history.length;
    const url = location.href;
    const localKeys = Object.keys(localStorage).length;
    const element = await mountReady();
    const root = element.shadowRoot as ShadowRoot;
    // An invalid email: the error summary's link would change the hash if it were a plain link.
    (root.getElementById('email') as HTMLInputElement).value = 'nope';
    (root.getElementById('email') as HTMLInputElement).dispatchEvent(new InputEvent('input'));
    (root.querySelector('button[type="submit"]') as HTMLButtonElement).click();
    await element.updateComplete;
    await until(() => root.getElementById('email-error') !== null, 3000, 'the email error');
    expect(document.cookie).to.equal('');
    expect(history.length).to.equal(historyLength);
    expect(location.href).to.equal(url);
    expect(Object.keys(localStorage).length).to.equal(localKeys);
  });

  it('does not take the focus when it appears on the page', async () => {
    const before = document.createElement('input');
    document.body.append(before);
    before.focus();
    await mountReady();
    expect(document.activeElement).to.equal(before);
  });
});
