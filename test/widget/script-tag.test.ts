import { expect } from '@esm-bundle/chai';

// The built dist/kyc-onboarding.js, loaded as a sale's page loads it: a classic <script src>. The test
// command builds it before the browser tests (see test/run.mjs).
function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${src}: run npm run build`));
    document.head.append(script);
  });
}

describe('dist/kyc-onboarding.js in a <script> tag', () => {
  it('defines <kyc-onboarding> and nothing else on the page', async () => {
    const globalsBefore = new Set(Object.getOwnPropertyNames(window));
    const styleSheetsBefore = document.styleSheets.length;
    const adoptedBefore = document.adoptedStyleSheets.length;

    await loadScript('/dist/kyc-onboarding.js');

    expect(customElements.get('kyc-onboarding')).to.be.a('function');
    // Lit keeps its version list and dev flags on globalThis; nothing else may appear.
    const added = Object.getOwnPropertyNames(window).filter((name) => !globalsBefore.has(name));
    expect(added.filter((name) => !/^(litElementVersions|reactiveElementVersions|litHtmlVersions|litPropertyMetadata)$/.test(name))).to.deep.equal([]);
    expect(document.styleSheets.length).to.equal(styleSheetsBefore);
    expect(document.adoptedStyleSheets.length).to.equal(adoptedBefore);
    expect(document.cookie).to.equal('');
  });

  it('loading it a second time is harmless', async () => {
    await loadScript('/dist/kyc-onboarding.js?twice');
    const element = document.createElement('kyc-onboarding');
    element.setAttribute('sale', 'acme');
    document.body.append(element);
    await (element as HTMLElement & { updateComplete: Promise<boolean> }).updateComplete;
    expect(element.shadowRoot!.textContent).to.contain('set the proxy attribute');
    element.remove();
  });
});
