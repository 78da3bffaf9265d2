import { expect } from '@esm-bundle/chai';
import { backendInfo, until } from './services/backend.js';
import { strictCspFrame } from './support/strict-csp-frame.js';

/** The built script on a page whose Content-Security-Policy allows no inline script or style and no eval (see strict-csp-frame.ts). */
describe('dist/kyc-onboarding.js under a strict Content-Security-Policy', () => {
  it('draws its first step with no policy violation', async () => {
    const { proxyUrl, sale } = await backendInfo();
    // The inline script after the element proves the policy is live: it must be refused, not run.
    const frame = strictCspFrame(proxyUrl, { proxy: proxyUrl, sale }, { height: 600, bodyAfter: "\n<script>document.title = 'inline script ran';</script>\n" });
    document.body.append(frame);
    try {
      await until(() => frame.contentDocument?.querySelector('kyc-onboarding')?.shadowRoot?.querySelector('h2') != null, 10_000, 'the first step in the frame');
      const inner = frame.contentWindow as Window & { violations: string[] };
      // The policy is live: the inline script after it was refused (and reported), not run.
      expect(frame.contentDocument?.title).not.to.equal('inline script ran');
      await until(() => inner.violations.length > 0, 3000, 'the recorded refusal of the inline script');
      expect(inner.violations).to.include('script-src-elem inline');
      expect(inner.violations.filter((entry) => !entry.startsWith('script-src-elem inline'))).to.deep.equal([]);
      const root = frame.contentDocument?.querySelector('kyc-onboarding')?.shadowRoot as ShadowRoot;
      // Its styles applied (adopted style sheets are not inline styles).
      expect(getComputedStyle(root.querySelector('button[type="submit"]') as Element).minHeight).to.equal('44px');
    } finally {
      frame.remove();
    }
  });
});
