import { expect } from '@esm-bundle/chai';
import { backendInfo, until } from './services/backend.js';

/**
 * The built script on a page whose Content-Security-Policy allows no inline script or style and no eval:
 * an iframe whose document carries the policy in a <meta> (a test page cannot set headers; the demo's
 * end-to-end suite checks the same with a real header). Any violation is recorded by the frame itself.
 */
describe('dist/kyc-onboarding.js under a strict Content-Security-Policy', () => {
  it('draws its first step with no policy violation', async () => {
    const { proxyUrl, sale } = await backendInfo();
    const policy = `default-src 'none'; script-src 'self'; style-src 'self'; connect-src ${proxyUrl}; img-src 'self' blob:`;
    const frame = document.createElement('iframe');
    frame.style.width = '375px';
    frame.style.height = '600px';
    // The recorder runs before the policy exists (it is the first thing in the document); the policy then
    // governs everything after it, the widget included.
    frame.srcdoc = `<!doctype html><html lang="en"><head>
<script>window.violations = []; document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI));</script>
<meta http-equiv="Content-Security-Policy" content="${policy}">
<script src="/dist/kyc-onboarding.js"></script>
</head><body><kyc-onboarding proxy="${proxyUrl}" sale="${sale}"></kyc-onboarding>
<script>document.title = 'inline script ran';</script>
</body></html>`;
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
