import { LitElement, css, html } from 'lit';
import { property } from 'lit/decorators.js';

/**
 * `<kyc-onboarding>`: the investor's KYC journey, embedded by a token-sale page.
 *
 * This first version only proves the embedding contract: it renders inside its own shadow root, reads
 * its `proxy` and `sale` attributes, and says plainly when it is not configured. The journey itself
 * (sign-up, form, uploads, status) is built on top of it.
 *
 * @attr proxy - base URL of the integrator's KYC proxy, e.g. `https://kyc.sale.example`.
 * @attr sale - the sale's id on that proxy.
 * @csspart panel - the outer panel.
 * @cssprop --kyc-font - font family (default: inherit from the page).
 * @cssprop --kyc-color-text - text colour.
 */
export class KycOnboarding extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font-family: var(--kyc-font, inherit);
      color: var(--kyc-color-text, CanvasText);
    }
    :host([hidden]) {
      display: none;
    }
    .panel {
      padding: 1rem;
    }
  `;

  /** Base URL of the integrator's KYC proxy. */
  @property({ reflect: true }) proxy = '';

  /** The sale's id on the proxy. */
  @property({ reflect: true }) sale = '';

  /** The attributes this element still needs before it can start, in the order they are read. */
  get missingAttributes(): string[] {
    return (['proxy', 'sale'] as const).filter((name) => this[name].trim() === '');
  }

  override render() {
    const missing = this.missingAttributes;
    return html`<div part="panel" class="panel" role="status">
      ${missing.length === 0
        ? html`Identity verification for <strong>${this.sale}</strong>`
        : html`This KYC form is not configured: set the ${missing.join(' and ')} attribute${missing.length > 1 ? 's' : ''}.`}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kyc-onboarding': KycOnboarding;
  }
}
