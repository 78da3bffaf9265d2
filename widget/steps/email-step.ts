/**
 * Sign-in, first step: the investor's email address, to which the proxy mails a one-time code.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import type { Messages } from '../i18n/messages.js';
import { describedBy, renderFieldError } from '../fields/text-field.js';

/** What the email step shows and calls. */
export interface EmailStepView {
  messages: Messages;
  email: string;
  /** The error under the field, in words. */
  error: string | undefined;
  busy: boolean;
  onInput(email: string): void;
}

/** Draw the email step's fields (the element draws the heading and the submit button). */
export function renderEmailStep(view: EmailStepView): TemplateResult {
  const { messages, error } = view;
  return html`<p id="email-hint">${messages.email.intro}</p>
    <div class="field" part="field">
      <label for="email">${messages.email.label}</label>
      <input
        id="email"
        name="email"
        type="email"
        part="input"
        autocomplete="email"
        inputmode="email"
        spellcheck="false"
        dir="ltr"
        required
        aria-required="true"
        .value=${live(view.email)}
        ?readonly=${view.busy}
        aria-invalid=${error === undefined ? 'false' : 'true'}
        aria-describedby=${ifDefined(describedBy('email', true, error !== undefined))}
        @input=${(event: InputEvent) => view.onInput((event.target as HTMLInputElement).value)}
      />
      ${error === undefined ? nothing : renderFieldError('email', error)}
    </div>`;
}
