// The script-tag build on a page under a strict Content-Security-Policy (no inline script or style, no
// eval, scripts from the page's own origin only): it finds `wallet.js` next to itself, the policy lets it
// load, and a whole proof goes through with no violation. The policy is carried by a <meta> in an
// iframe's document (a test page cannot set headers): test/widget/support/strict-csp-frame.ts.
import { expect } from '@esm-bundle/chai';
import type { KycOnboarding } from '../../../widget/kyc-onboarding.js';
import { until } from '../services/backend.js';
import { strictCspFrame } from '../support/strict-csp-frame.js';
import { TEST_ADDRESSES, createTestWallet } from '../support/test-wallet.js';
import { investorAt } from './wallet-journey.js';

describe('dist/wallet.js under a strict Content-Security-Policy', () => {
  it('is loaded from next to dist/kyc-onboarding.js and proves the address with no policy violation', async () => {
    const investor = await investorAt('optional', 'wallet');
    const frame = strictCspFrame(investor.proxy, { proxy: investor.proxy, sale: investor.sale, token: investor.session.token }, { height: 800 });
    const wallet = createTestWallet('Frame Wallet');
    let stopAnnouncing: (() => void) | undefined;
    document.body.append(frame);
    try {
      const element = (): KycOnboarding | null | undefined => frame.contentDocument?.querySelector('kyc-onboarding');
      const find = (selector: string): HTMLElement | null | undefined => element()?.shadowRoot?.querySelector<HTMLElement>(selector);
      await until(() => find('#wallet-connect') != null, 10_000, 'the wallet step in the frame');
      stopAnnouncing = wallet.announce(frame.contentWindow as Window);
      find('#wallet-connect')?.click();
      await until(() => find('pre.siwe-message') != null, 8000, 'the message to sign');
      find('#wallet-connect')?.click();
      await until(() => find('#ethereumAddress-proof.proven') != null, 8000, 'the proven mark');
      expect((find('#ethereumAddress') as HTMLInputElement).value).to.equal(TEST_ADDRESSES[0]);

      const fetched = (frame.contentWindow as Window).performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname);
      expect(fetched).to.include('/dist/wallet.js');
      expect((frame.contentWindow as Window & { violations: string[] }).violations).to.deep.equal([]);
    } finally {
      stopAnnouncing?.();
      frame.remove();
      sessionStorage.clear();
    }
  });
});
