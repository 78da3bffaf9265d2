/**
 * One labelled text input for a KYC field, with its hint and error tied to it (`aria-describedby`),
 * the right mobile keyboard (`inputmode`) and autofill (`autocomplete`). Every text field of the form
 * is drawn by this, so they all behave the same.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import type { KycField } from '../../proxy/contract/kyc-fields.js';
import type { StepHost, TextField } from '../flow/step-host.js';

/** How a text field is drawn. */
export interface TextFieldOptions {
  /** The `autocomplete` token, e.g. `given-name`, `postal-code`, `off`. */
  autocomplete?: string;
  /** The on-screen keyboard, e.g. `decimal`, `numeric`, `email`. */
  inputmode?: 'text' | 'decimal' | 'numeric' | 'email' | 'tel' | 'url' | 'search' | 'none';
  /** Text under the label. */
  hint?: string;
  /** The label (default: the field's label in the catalog). */
  label?: string;
  /** Extra content after the input (a suggestion, a status line). */
  after?: TemplateResult | typeof nothing;
  /** `dir` of the input: `ltr` for values that are never right-to-left (addresses, amounts). */
  dir?: 'ltr' | 'rtl' | 'auto';
  spellcheck?: boolean;
  /** Called after the answer is recorded on input. */
  onInput?: (value: string) => void;
  /** Called after the field is checked on blur. */
  onBlur?: (value: string) => void;
}

/** The label, with "(optional)" when the sale does not require the field. */
export function fieldLabelContent(host: StepHost, field: KycField, label?: string): TemplateResult {
  const text = label ?? host.messages.fields[field];
  return host.isRequired(field) ? html`${text}` : html`${text} <span class="optional">(${host.messages.common.optional})</span>`;
}

/** The ids an input's `aria-describedby` lists: its hint and its error, when shown. */
export function describedBy(field: string, hasHint: boolean, hasError: boolean): string | undefined {
  const ids = [hasHint ? `${field}-hint` : '', hasError ? `${field}-error` : ''].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

/** The error line of a field (empty, with its id, when there is no error, so the id stays stable). */
export function renderFieldError(field: string, error: string | undefined): TemplateResult | typeof nothing {
  return error === undefined ? nothing : html`<p class="error" id="${field}-error">${error}</p>`;
}

/** Draw the text field `field`. */
export function renderTextField(host: StepHost, field: TextField, options: TextFieldOptions = {}): TemplateResult {
  const error = host.fieldError(field);
  const hint = options.hint;
  return html`<div class="field" part="field">
    <label for=${field}>${fieldLabelContent(host, field, options.label)}</label>
    ${hint === undefined ? nothing : html`<p class="hint" id="${field}-hint">${hint}</p>`}
    <input
      id=${field}
      name=${field}
      type="text"
      part="input"
      .value=${live(host.answer(field))}
      autocomplete=${ifDefined(options.autocomplete)}
      inputmode=${ifDefined(options.inputmode)}
      dir=${ifDefined(options.dir)}
      spellcheck=${options.spellcheck === false ? 'false' : 'true'}
      ?required=${host.isRequired(field)}
      aria-required=${host.isRequired(field) ? 'true' : 'false'}
      aria-invalid=${error === undefined ? 'false' : 'true'}
      aria-describedby=${ifDefined(describedBy(field, hint !== undefined, error !== undefined))}
      @input=${(event: InputEvent) => {
        const value = (event.target as HTMLInputElement).value;
        host.setAnswer(field, value);
        options.onInput?.(value);
      }}
      @blur=${(event: FocusEvent) => {
        host.checkField(field);
        options.onBlur?.((event.target as HTMLInputElement).value);
      }}
    />
    ${options.after ?? nothing} ${renderFieldError(field, error)}
  </div>`;
}
