// The wallet proof in the whole element, against the real proxy: the step's pass rule on a sale that
// requires proofs, the proxy's refusal at submit landing on the wallet step's field, the proven mark
// restored after a reload, and axe-core on the step in light, dark and Arabic.
import { expect } from '@esm-bundle/chai';
import { executeServerCommand } from '@web/test-runner-commands';
import { format } from '../../../widget/i18n/format.js';
import en from '../../../widget/i18n/en.js';
import { until } from '../services/backend.js';
import { loadAxe } from '../support/axe.js';
import { TEST_ADDRESSES, createTestWallet } from '../support/test-wallet.js';
import { investorAt, mountFor, press, proveThroughStep, rootOf, shown, stepShown } from '../wallet/wallet-journey.js';
import type { KycOnboarding } from '../../../widget/kyc-onboarding.js';

/** An address typed by hand (EIP-55's test vector): nobody here holds its key. */
const TYPED = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';

async function violations(element: KycOnboarding): Promise<{ id: string; targets: unknown[] }[]> {
  const axe = await loadAxe();
  const result = await axe.run(element, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
  return result.violations.map((violation) => ({ id: violation.id, targets: violation.nodes.map((node) => node.target) }));
}

describe('<kyc-onboarding>: the wallet proof', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    document.body.replaceChildren();
    sessionStorage.clear();
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  function wallet(name = 'Test Wallet') {
    const created = createTestWallet(name);
    cleanups.push(created.announce());
    return created;
  }

  it('does not let the investor past the step with an unproven address when the sale requires a proof', async () => {
    wallet();
    const investor = await investorAt('required', 'wallet', { ethereumAddress: TYPED });
    const element = mountFor(investor);
    await stepShown(element, 'wallet');
    await shown(element, '#ethereumAddress-proof', en.wallet.notProven);

    await press(element, 'button[type="submit"]');
    const summary = await shown(element, '.error-summary');
    expect(element.currentStep).to.equal('wallet');
    expect(summary.textContent).to.contain(en.fieldErrors.wallet_proof_required);
    expect(rootOf(element).getElementById('ethereumAddress-error')?.textContent?.trim()).to.equal(en.fieldErrors.wallet_proof_required);
    expect(rootOf(element).getElementById('ethereumAddress')?.getAttribute('aria-invalid')).to.equal('true');

    await proveThroughStep(element);
    expect((rootOf(element).getElementById('ethereumAddress') as HTMLInputElement).value).to.equal(TEST_ADDRESSES[0]);
    await press(element, 'button[type="submit"]');
    await stepShown(element, 'review');
  });

  it("brings the proxy's refusal of an unproven address at submit back to the wallet step's field", async () => {
    wallet();
    const investor = await investorAt('required', 'review', { ethereumAddress: TYPED });
    const element = mountFor(investor);
    await stepShown(element, 'review');
    for (const checkbox of rootOf(element).querySelectorAll<HTMLInputElement>('input[type="checkbox"]')) checkbox.click();
    await press(element, 'button[type="submit"]');
    await stepShown(element, 'wallet');
    const summary = await shown(element, '.error-summary');
    expect(summary.textContent).to.contain(en.fieldErrors.wallet_proof_required);
    expect(rootOf(element).activeElement).to.equal(summary);
    expect(rootOf(element).getElementById('ethereumAddress-error')?.textContent?.trim()).to.equal(en.fieldErrors.wallet_proof_required);
    expect((rootOf(element).getElementById('ethereumAddress') as HTMLInputElement).value, 'nothing typed lost').to.equal(TYPED);

    // Proven, Next goes back to the review, and the submission goes through.
    await proveThroughStep(element);
    await press(element, 'button[type="submit"]');
    await stepShown(element, 'review');
    for (const checkbox of rootOf(element).querySelectorAll<HTMLInputElement>('input[type="checkbox"]:not(:checked)')) checkbox.click();
    await press(element, 'button[type="submit"]');
    await stepShown(element, 'status');
  });

  it('restores the proven mark after a reload, from the proxy', async () => {
    wallet();
    const investor = await investorAt('optional', 'wallet');
    const element = mountFor(investor);
    await stepShown(element, 'wallet');
    await proveThroughStep(element);
    expect(rootOf(element).getElementById('ethereumAddress-proof')?.textContent?.trim()).to.equal(format(en.wallet.provenWith, { wallet: 'Test Wallet' }, 'en'));
    element.remove();

    const again = mountFor(investor);
    await stepShown(again, 'wallet');
    expect((rootOf(again).getElementById('ethereumAddress') as HTMLInputElement).value).to.equal(TEST_ADDRESSES[0]);
    await shown(again, '#ethereumAddress-proof', format(en.wallet.provenWith, { wallet: en.wallet.browserWallet }, 'en'));
  });

  it('passes axe on the wallet step in light, dark and Arabic, with the message to sign shown', async () => {
    wallet();
    const investor = await investorAt('optional', 'wallet');
    const element = mountFor(investor);
    element.style.width = '375px';
    await stepShown(element, 'wallet');
    await press(element, '#wallet-connect');
    await shown(element, 'pre.siwe-message');
    expect(await violations(element), 'light').to.deep.equal([]);
    await executeServerCommand('save-screenshot', { name: 'widget-wallet-proof-375-light', selector: 'kyc-onboarding' });
    element.setAttribute('theme', 'dark');
    await element.updateComplete;
    expect(await violations(element), 'dark').to.deep.equal([]);

    element.setAttribute('locale', 'ar');
    await until(() => rootOf(element).querySelector('.panel')?.getAttribute('dir') === 'rtl', 8000, 'the Arabic catalog');
    await element.updateComplete;
    expect(rootOf(element).getElementById('wallet-connect')?.textContent?.trim()).to.not.equal(en.wallet.connect);
    expect(await violations(element), 'Arabic, dark').to.deep.equal([]);
    await executeServerCommand('save-screenshot', { name: 'widget-wallet-proof-ar-375-dark', selector: 'kyc-onboarding' });
    element.setAttribute('theme', 'light');
    await element.updateComplete;
    expect(await violations(element), 'Arabic, light').to.deep.equal([]);
  });
});
