/**
 * The review step: every answer the investor gave, one section per form step with a way back to it, then
 * the confirmations the sale asks for. The element draws the step heading, the error summary and the
 * submit button around it.
 *
 * Answers are shown as the investor will recognise them, not as they are sent: the birth date written the
 * locale's way, countries and nationalities by their display name, the amount with the locale's
 * separators, files by their names.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { parseBirthdate } from '../../proxy/contract/birthdate-rule.js';
import { nameLookupKey } from '../../proxy/contract/canonical-name.js';
import { FILE_FIELDS, KYC_FIELDS, type KycField } from '../../proxy/contract/kyc-fields.js';
import type { Choice, FileField, SaleConfig } from '../api/proxy-types.js';
import { fileDisplayName } from '../fields/file-field.js';
import { describedBy, renderFieldError } from '../fields/text-field.js';
import { fieldsOfStep, type FormStepId } from '../flow/journey-steps.js';
import type { ReviewHost } from '../flow/step-host.js';
import { format, formatDate, formatNumber } from '../i18n/format.js';

/** What an answer shows: its content, and `dir` for values that are never right to left. */
interface ShownAnswer {
  content: TemplateResult | string;
  dir: 'ltr' | 'auto';
  /** Monospace, where telling 0 from O and 1 from l matters (the Ethereum address). */
  code?: true;
}

function isFileField(field: KycField): field is FileField {
  return (FILE_FIELDS as readonly string[]).includes(field);
}

/** The display name of a country or nationality: the choice whose value is the answer (or reads as it). */
function choiceLabel(choices: readonly Choice[], answer: string): string {
  const key = nameLookupKey(answer);
  return choices.find((choice) => choice.value === answer || choice.value === key)?.label ?? answer;
}

/** The amount with the locale's separators, keeping every decimal typed (a review must not round). */
function amountText(answer: string, locale: string): string {
  const amount = Number(answer);
  if (answer.trim() === '' || !Number.isFinite(amount)) return answer;
  const decimals = Math.min(answer.split('.')[1]?.length ?? 0, 20);
  return formatNumber(amount, locale, { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** The files of `field`: a single name, or the count and the names. */
function filesContent(host: ReviewHost, field: FileField): ShownAnswer | undefined {
  const names = host.files(field).map((file) => fileDisplayName(host.messages, file));
  const [only] = names;
  if (only === undefined) return undefined;
  if (names.length === 1) return { content: only, dir: 'auto' };
  return {
    content: html`${format(host.messages.review.fileCount, { count: names.length }, host.locale)}
      <ul class="file-names">
        ${names.map((name) => html`<li dir="auto">${name}</li>`)}
      </ul>`,
    dir: 'auto',
  };
}

/** What the review shows for `field`, or undefined when nothing was given. */
function shownAnswer(host: ReviewHost, field: KycField, config: SaleConfig): ShownAnswer | undefined {
  if (isFileField(field)) return filesContent(host, field);
  const answer = host.answer(field).trim();
  if (answer === '') return undefined;
  switch (field) {
    case 'birthdate': {
      const date = parseBirthdate(answer);
      return { content: date === undefined ? answer : formatDate(date, host.locale), dir: 'auto' };
    }
    case 'country':
      return { content: choiceLabel(config.countries, answer), dir: 'auto' };
    case 'nationality':
      return { content: choiceLabel(config.nationalities, answer), dir: 'auto' };
    case 'estimatedParticipationAmount':
      return { content: amountText(answer, host.locale), dir: 'auto' };
    case 'ethereumAddress':
      return { content: answer, dir: 'ltr', code: true };
    default:
      return { content: answer, dir: 'auto' };
  }
}

/**
 * Whether the review lists `field`: the sale collects it, and a residence proof only when the nationality
 * given needs one (or one was uploaded anyway): the documents step does not ask the others for it.
 */
function isListed(host: ReviewHost, field: KycField): boolean {
  if (!host.isCollected(field)) return false;
  return field !== 'residenceProofFile' || host.isRequired(field) || host.files(field).length > 0;
}

function renderSection(host: ReviewHost, step: FormStepId): TemplateResult {
  const { messages } = host;
  const section = messages.common.steps[step];
  const fields = fieldsOfStep(step, KYC_FIELDS).filter((field) => isListed(host, field));
  // A plain section (no accessible name, so not one landmark per section); the heading's id lets the
  // element bring the investor back to it after an edit.
  return html`<section class="review-section">
    <div class="review-section-header">
      <h3 id="review-${step}">${section}</h3>
      <button type="button" class="link" aria-label=${format(messages.review.editSection, { section }, host.locale)} @click=${() => host.goTo(step)}>
        ${messages.common.edit}
      </button>
    </div>
    <dl class="answers">
      ${fields.map((field) => {
        const shown = shownAnswer(host, field, host.config);
        return html`<div class="answer">
          <dt>${messages.fields[field]}</dt>
          ${shown === undefined
            ? html`<dd class="not-provided">${messages.review.notProvided}</dd>`
            : html`<dd dir=${shown.dir} class=${shown.code ? 'code' : nothing}>${shown.content}</dd>`}
        </div>`;
      })}
    </dl>
  </section>`;
}

/** An absolute http(s) link, or undefined: a `javascript:` or malformed URL is never made a link. */
function safeLink(url: string | undefined): URL | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function renderConfirmation(host: ReviewHost, confirmation: SaleConfig['confirmations'][number]): TemplateResult {
  const id = `confirmations.${confirmation.id}`;
  const error = host.confirmationError(confirmation.id);
  const link = safeLink(confirmation.url);
  return html`<div class="confirmation">
    <div class="choice">
      <input
        type="checkbox"
        id=${id}
        name=${id}
        .checked=${live(host.confirmed(confirmation.id))}
        required
        aria-required="true"
        aria-invalid=${error === undefined ? 'false' : 'true'}
        aria-describedby=${ifDefined(describedBy(id, false, error !== undefined))}
        @change=${(event: Event) => host.setConfirmed(confirmation.id, (event.target as HTMLInputElement).checked)}
      />
      <label for=${id} id="${id}-label">${confirmation.label}</label>
    </div>
    ${link === undefined
      ? nothing
      : // Every confirmation's link reads the same: the label it belongs to describes it (WCAG 2.4.4).
        html`<p class="confirmation-link">
          <a href=${link.href} target="_blank" rel="noopener noreferrer" aria-describedby="${id}-label">${host.messages.review.confirmationLink}</a>
        </p>`}
    ${renderFieldError(id, error)}
  </div>`;
}

/** Draw the review step: the answers by section, then the sale's confirmations. */
export function renderReviewStep(host: ReviewHost): TemplateResult {
  const { messages, config } = host;
  return html`<p class="intro">${messages.review.intro}</p>
    ${host.formSteps.map((step) => renderSection(host, step))}
    ${config.confirmations.length === 0
      ? nothing
      : html`<fieldset class="confirmations">
          <legend>${messages.review.confirmationsTitle}</legend>
          ${config.confirmations.map((confirmation) => renderConfirmation(host, confirmation))}
        </fieldset>`}`;
}

/** The review step's own styles (the element adds them to its `static styles`). */
export const reviewStepStyles = css`
  .review-section {
    border-block-start: 1px solid var(--_border);
    padding-block: 0.5em var(--_space);
  }
  .review-section-header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 0 0.75em;
  }
  .review-section h3 {
    margin: 0;
  }
  .answers {
    margin: 0;
    display: grid;
    gap: 0.625em;
  }
  .answer {
    display: grid;
    /* Label beside the answer when there is room, above it on a phone. */
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 12em), 1fr));
    gap: 0.125em var(--_space);
  }
  .answers dt {
    color: var(--_muted);
    font-size: 0.9375em;
  }
  .answers dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .answers .code {
    font-family: var(--_mono);
  }
  .answers .not-provided {
    color: var(--_muted);
    font-style: italic;
  }
  .file-names {
    margin: 0.25em 0 0;
    padding-inline-start: 1.25em;
  }
  .confirmations {
    border-block-start: 1px solid var(--_border);
    padding-block-start: 0.75em;
  }
  .confirmations legend {
    font-size: 1.0625em;
    margin-block-end: 0.5em;
  }
  .confirmation .error,
  .confirmation-link {
    margin: 0;
    padding-inline-start: 1.875em;
  }
  .confirmation-link a {
    display: inline-flex;
    align-items: center;
    min-block-size: 2.75em;
    color: var(--_accent);
    overflow-wrap: anywhere;
  }
`;
