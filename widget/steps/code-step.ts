/**
 * Sign-in, second step: the one-time code from the email, with "send a new code" behind a visible
 * cooldown and a way back to change the address.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { describedBy, renderFieldError } from '../fields/text-field.js';
import { format } from '../i18n/format.js';
import type { Messages } from '../i18n/messages.js';

/** What the code step shows and calls. */
export interface CodeStepView {
  messages: Messages;
  locale: string;
  email: string;
  code: string;
  /** How long the code is valid, in minutes (from the sale's configuration). */
  validMinutes: number;
  /** Seconds before "send a new code" is offered again; 0 when it is. */
  resendInSeconds: number;
  error: string | undefined;
  busy: boolean;
  onInput(code: string): void;
  onResend(): void;
  onChangeEmail(): void;
}

/** Draw the code step's fields (the element draws the heading and the submit button). */
export function renderCodeStep(view: CodeStepView): TemplateResult {
  const { messages, locale, error } = view;
  const waiting = view.resendInSeconds > 0;
  return html`<p id="code-hint">${format(messages.code.intro, { email: view.email, count: view.validMinutes }, locale)}</p>
    <div class="field" part="field">
      <label for="code">${messages.code.label}</label>
      <input
        id="code"
        name="code"
        type="text"
        part="input code"
        class="code"
        autocomplete="one-time-code"
        inputmode="numeric"
        spellcheck="false"
        dir="ltr"
        required
        aria-required="true"
        .value=${live(view.code)}
        ?readonly=${view.busy}
        aria-invalid=${error === undefined ? 'false' : 'true'}
        aria-describedby=${ifDefined(describedBy('code', true, error !== undefined))}
        @input=${(event: InputEvent) => view.onInput((event.target as HTMLInputElement).value)}
      />
      ${error === undefined ? nothing : renderFieldError('code', error)}
    </div>
    <div class="resend">
      <p class="hint">${messages.code.notReceived}</p>
      <button type="button" class="link" aria-disabled=${waiting ? 'true' : 'false'} aria-describedby=${ifDefined(waiting ? 'resend-wait' : undefined)} @click=${() => {
        if (!waiting && !view.busy) view.onResend();
      }}>${messages.code.resend}</button>
      ${waiting ? html`<span class="hint" id="resend-wait">${format(messages.code.resendIn, { count: view.resendInSeconds }, locale)}</span>` : nothing}
      <button type="button" class="link" @click=${() => view.onChangeEmail()}>${messages.code.changeEmail}</button>
    </div>`;
}
