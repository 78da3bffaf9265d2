/**
 * The list of problems shown at the top of a step when the investor presses Next or Submit: each one
 * names the field and links to it (GOV.UK's error summary pattern). It takes the focus, so a screen
 * reader reads it at once; a link moves the focus to the field without touching the page's URL.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { FieldProblem } from '../i18n/error-text.js';
import { format } from '../i18n/format.js';
import type { Messages } from '../i18n/messages.js';

/** What the error summary shows and calls. */
export interface ErrorSummaryView {
  messages: Messages;
  locale: string;
  problems: readonly FieldProblem[];
  /** The text of one problem. */
  text(problem: FieldProblem): string;
  /** The name of a problem's field as the investor sees it ('' for none). */
  label(field: string | null): string;
  /** Move to the field of a problem (it may be on another step). */
  onSelect(field: string): void;
}

/** Draw the error summary, or nothing when there is no problem. */
export function renderErrorSummary(view: ErrorSummaryView): TemplateResult | typeof nothing {
  const { messages, locale, problems } = view;
  if (problems.length === 0) return nothing;
  return html`<div class="error-summary" part="error-summary" tabindex="-1" role="alert" aria-labelledby="error-summary-title">
    <h3 id="error-summary-title">${format(messages.common.errorSummary, { count: problems.length }, locale)}</h3>
    <ul>
      ${problems.map((problem) => {
        const label = view.label(problem.field);
        const text = label === '' ? view.text(problem) : format(messages.common.fieldError, { field: label, message: view.text(problem) }, locale);
        return problem.field === null
          ? html`<li>${text}</li>`
          : html`<li>
              <a
                href="#${problem.field}"
                @click=${(event: Event) => {
                  // The page's URL is the sale's: never change its hash.
                  event.preventDefault();
                  view.onSelect(problem.field as string);
                }}
                >${text}</a
              >
            </li>`;
      })}
    </ul>
  </div>`;
}
