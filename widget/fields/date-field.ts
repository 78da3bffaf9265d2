/**
 * The birth date as three parts in the order the investor's locale writes dates (day, a month chosen by
 * name, a four-digit year; `ja` year first, `en` month first), with the 18–100 rule explained before it
 * can be broken. What gets recorded is always the provider's `dd/mm/yyyy` once the three parts are
 * complete, so the shared rule checks exactly what will be sent.
 *
 * An unfinished date is recorded as its parts with empty segments (`5//19`): the draft keeps what was
 * typed through a reload, and the shared rule refuses it with its `format` message. Checked when focus
 * leaves the whole group, not when it moves from one part to the next.
 */
import { css, html, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import type { StepHost } from '../flow/step-host.js';
import { dateFieldOrder, monthNames, type DatePart } from '../i18n/date-entry.js';
import { describedBy, fieldLabelContent, renderFieldError } from './text-field.js';

/** The fields entered as a date. */
export type DateField = 'birthdate';

/** The three parts as typed: digits for day and year, `1`–`12` (or '') for the month. */
export type DateParts = Record<DatePart, string>;

/**
 * The parts as the investor last typed them, per element and field. The recorded answer zero-pads the
 * day (`5` → `05`); without this, redrawing from the answer would rewrite the day under the caret.
 */
const typedParts = new WeakMap<HTMLElement, Map<DateField, DateParts>>();

/** Arabic-Indic, Persian and full-width digits (Arabic and Japanese keyboards type them) → ASCII. */
const NON_ASCII_DIGIT = /[\u0660-\u0669\u06F0-\u06F9\uFF10-\uFF19]/g;
const DIGIT_ZERO: readonly number[] = [0x0660, 0x06f0, 0xff10];

/** Only ASCII digits of what was typed in a numeric part (a letter or a `/` would garble the answer). */
function digitsOf(text: string): string {
  const ascii = text.replace(NON_ASCII_DIGIT, (digit) => {
    const code = digit.charCodeAt(0);
    const zero = DIGIT_ZERO.find((start) => code >= start && code <= start + 9) ?? 0x30;
    return String(code - zero);
  });
  return ascii.replace(/\D/g, '');
}

/** The answer to record for `parts`: `dd/mm/yyyy` when complete, '' when empty, else `d/m/y` as typed. */
export function dateAnswer(parts: DateParts): string {
  const { day, month, year } = parts;
  if (day === '' && month === '' && year === '') return '';
  if (/^\d{1,2}$/.test(day) && month !== '' && /^\d{4}$/.test(year)) return `${day.padStart(2, '0')}/${month.padStart(2, '0')}/${year}`;
  return `${day}/${month}/${year}`;
}

/** The parts of a recorded answer (`dd/mm/yyyy`, a partial `d//y`, or `yyyy-mm-dd`); unreadable parts are ''. */
export function dateParts(answer: string): DateParts {
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(answer);
  const [day = '', month = '', year = ''] = iso ? [iso[3], iso[2], iso[1]] : answer.split('/');
  const monthNumber = Number(month);
  return {
    day: digitsOf(day).slice(0, 2),
    month: month !== '' && Number.isInteger(monthNumber) && monthNumber >= 1 && monthNumber <= 12 ? String(monthNumber) : '',
    year: digitsOf(year).slice(0, 4),
  };
}

/** Whether a part as typed means the recorded one (`5` and `05`; `１９` and `19` while an input method composes). */
function samePart(typed: string, recorded: string): boolean {
  const digits = digitsOf(typed);
  return typed === recorded || (digits !== '' && recorded !== '' && Number(digits) === Number(recorded));
}

/** The parts to show: what was typed where it still means the recorded answer, else the answer's. */
function shownParts(host: StepHost, field: DateField): DateParts {
  const recorded = dateParts(host.answer(field));
  const typed = typedParts.get(host.element)?.get(field);
  if (typed === undefined) return recorded;
  const pick = (part: DatePart): string => (samePart(typed[part], recorded[part]) ? typed[part] : recorded[part]);
  return { day: pick('day'), month: pick('month'), year: pick('year') };
}

/** Record `parts` as typed, and their digits as the answer. */
function record(host: StepHost, field: DateField, parts: DateParts): void {
  let byField = typedParts.get(host.element);
  if (byField === undefined) {
    byField = new Map();
    typedParts.set(host.element, byField);
  }
  byField.set(field, parts);
  host.setAnswer(field, dateAnswer({ day: digitsOf(parts.day).slice(0, 2), month: parts.month, year: digitsOf(parts.year).slice(0, 4) }));
}

/** The id of a part: the first in the locale's order takes the field's own id (the error summary focuses it). */
function partId(field: DateField, part: DatePart, order: readonly DatePart[]): string {
  return order[0] === part ? field : `${field}-${part}`;
}

/** Draw the date field `field` (the birth date). */
export function renderDateField(host: StepHost, field: DateField): TemplateResult {
  const { messages, locale } = host;
  const error = host.fieldError(field);
  const invalid = error === undefined ? 'false' : 'true';
  const required = host.isRequired(field);
  const order = dateFieldOrder(locale);
  const parts = shownParts(host, field);
  const update = (part: DatePart, value: string): void => record(host, field, { ...shownParts(host, field), [part]: value });
  // While an input method composes the text (full-width digits in Japanese), rewriting it would break the
  // composition: it is recorded as it stands and cleaned up when the composition ends.
  const typed = (input: HTMLInputElement, part: 'day' | 'year', maxLength: number, composing: boolean): void => {
    const text = composing ? input.value : digitsOf(input.value).slice(0, maxLength);
    update(part, text);
    // Redrawing alone would not clear a refused character when the recorded value did not change.
    if (input.value !== text) input.value = text;
  };
  const numericInput = (part: 'day' | 'year', maxLength: number): TemplateResult => html`<input
    id=${partId(field, part, order)}
    name=${`${field}-${part}`}
    type="text"
    inputmode="numeric"
    autocomplete=${`bday-${part}`}
    maxlength=${maxLength}
    dir="ltr"
    .value=${live(parts[part])}
    ?required=${required}
    aria-invalid=${invalid}
    @input=${(event: InputEvent) => typed(event.target as HTMLInputElement, part, maxLength, event.isComposing)}
    @compositionend=${(event: CompositionEvent) => typed(event.target as HTMLInputElement, part, maxLength, false)}
  />`;
  // Options are selected through the `selected` property: the attribute no longer moves the selection
  // once the investor has chosen a month themselves.
  const control = (part: DatePart): TemplateResult => {
    const id = partId(field, part, order);
    const input =
      part === 'month'
        ? html`<select
            id=${id}
            name=${`${field}-month`}
            autocomplete="bday-month"
            ?required=${required}
            aria-invalid=${invalid}
            @change=${(event: Event) => update('month', (event.target as HTMLSelectElement).value)}
          >
            <option value="" .selected=${parts.month === ''}>${messages.personal.chooseMonth}</option>
            ${monthNames(locale).map((name, index) => html`<option value=${index + 1} .selected=${parts.month === String(index + 1)}>${name}</option>`)}
          </select>`
        : numericInput(part, part === 'day' ? 2 : 4);
    return html`<div class="date-part ${part}"><label for=${id}>${messages.personal[part]}</label>${input}</div>`;
  };
  return html`<fieldset
    class="field date-field"
    part="field"
    aria-describedby=${ifDefined(describedBy(field, true, error !== undefined))}
    @focusout=${(event: FocusEvent) => {
      const next = event.relatedTarget;
      // Moving between the parts is still entering the date: check only when focus leaves the group.
      if (next instanceof Node && (event.currentTarget as HTMLElement).contains(next)) return;
      host.checkField(field);
    }}
  >
    <legend>${fieldLabelContent(host, field)}</legend>
    <p class="hint" id="${field}-hint">${messages.personal.birthdateHint}</p>
    <div class="date-parts">${order.map(control)}</div>
    ${renderFieldError(field, error)}
  </fieldset>`;
}

/** The layout of the three parts: side by side, the month taking the room its names need, wrapping on narrow screens. */
export const dateFieldStyles = css`
  .date-parts {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75em;
  }
  .date-part {
    display: grid;
    gap: 0.25em;
    align-content: start;
  }
  .date-part label {
    font-weight: 400;
  }
  .date-part.day {
    flex: 0 0 4.5em;
  }
  .date-part.month {
    flex: 1 1 9em;
    min-inline-size: 0;
  }
  .date-part.year {
    flex: 0 0 6em;
  }
`;
