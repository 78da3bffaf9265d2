/**
 * Bundle entry: defines `<kyc-onboarding>` and exports its class and types.
 *
 * Importing it has one effect only, the element's registration, and only where custom elements exist:
 * importing it twice, or in Node for server-side rendering, is harmless.
 */
import { KycOnboarding } from './kyc-onboarding.js';

export { KycOnboarding };

/** The element's tag name. */
export const TAG_NAME = 'kyc-onboarding';

if (typeof customElements !== 'undefined' && !customElements.get(TAG_NAME)) {
  customElements.define(TAG_NAME, KycOnboarding);
}
