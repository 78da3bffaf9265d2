/**
 * An iframe whose document runs the built script under a strict Content-Security-Policy: no inline script
 * or style, no eval, scripts from the page's own origin only, requests to the proxy only. A test page
 * cannot set headers, so the policy is a <meta> in the frame's document (the demo's end-to-end suite
 * checks the same with a real header). The frame records every violation in `window.violations`: the
 * recorder is the first thing in the document, before the policy exists; everything after it, the
 * widget included, is governed.
 */

/** The policy the frame carries, for a widget talking to `proxyUrl`. */
function strictPolicy(proxyUrl: string): string {
  return `default-src 'none'; script-src 'self'; style-src 'self'; connect-src ${proxyUrl}; img-src 'self' blob:`;
}

/**
 * A 375 px wide frame (not yet attached) with `<kyc-onboarding>` carrying `attributes`, loaded by
 * `/dist/kyc-onboarding.js` under {@link strictPolicy}; `bodyAfter` is markup after the element.
 */
export function strictCspFrame(proxyUrl: string, attributes: Record<string, string>, options: { height: number; bodyAfter?: string }): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  frame.style.width = '375px';
  frame.style.height = `${options.height}px`;
  const attributeText = Object.entries(attributes)
    .map(([name, value]) => ` ${name}="${value}"`)
    .join('');
  frame.srcdoc = `<!doctype html><html lang="en"><head>
<script>window.violations = []; document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI));</script>
<meta http-equiv="Content-Security-Policy" content="${strictPolicy(proxyUrl)}">
<script src="/dist/kyc-onboarding.js"></script>
</head><body><kyc-onboarding${attributeText}></kyc-onboarding>${options.bodyAfter ?? ''}</body></html>`;
  return frame;
}
