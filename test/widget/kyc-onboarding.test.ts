import { expect } from '@esm-bundle/chai';
import '../../widget/index.js';
import { KycOnboarding, TAG_NAME } from '../../widget/index.js';

async function mount(markup: string): Promise<KycOnboarding> {
  const host = document.createElement('div');
  host.innerHTML = markup;
  document.body.append(host);
  const element = host.querySelector(TAG_NAME) as KycOnboarding;
  await element.updateComplete;
  return element;
}

describe('<kyc-onboarding>', () => {
  afterEach(() => {
    document.body.replaceChildren();
  });

  it('is defined once, and defining it again is harmless', async () => {
    expect(customElements.get(TAG_NAME)).to.equal(KycOnboarding);
    // A second copy of the bundle on the page must not throw.
    const secondCopy = new URL('../../widget/index.ts?second-copy', import.meta.url).href;
    await import(secondCopy);
    expect(customElements.get(TAG_NAME)).to.equal(KycOnboarding);
  });

  it('renders in its shadow root and names the missing attributes', async () => {
    const element = await mount('<kyc-onboarding></kyc-onboarding>');
    const status = element.shadowRoot!.querySelector('[role="status"]')!;
    expect(status.textContent).to.contain('set the proxy and sale attributes');
    // Nothing leaks into the light DOM.
    expect(element.children.length).to.equal(0);
  });

  it('reads proxy and sale from attributes', async () => {
    const element = await mount('<kyc-onboarding proxy="http://127.0.0.1:1" sale="acme"></kyc-onboarding>');
    expect(element.proxy).to.equal('http://127.0.0.1:1');
    expect(element.missingAttributes).to.deep.equal([]);
    expect(element.shadowRoot!.textContent).to.contain('acme');
  });

  it('keeps its styles out of the page', async () => {
    const element = await mount('<kyc-onboarding sale="acme"></kyc-onboarding><p id="outside">page text</p>');
    const outside = document.getElementById('outside')!;
    const panel = element.shadowRoot!.querySelector('.panel')!;
    expect(getComputedStyle(panel).paddingTop).to.equal('16px');
    expect(getComputedStyle(outside).paddingTop).to.equal('0px');
  });
});
