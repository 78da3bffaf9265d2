/**
 * The "personal" step: the names, the birth date, the nationality and the identity document's number,
 * as written on the document. Only the fields the sale collects are drawn (these are all fields the
 * provider always requires, but a sale's configuration decides, not this file).
 */
import { html, nothing, type TemplateResult } from 'lit';
import { renderChoiceList } from '../fields/choice-list.js';
import { renderDateField } from '../fields/date-field.js';
import { renderTextField } from '../fields/text-field.js';
import type { StepHost } from '../flow/step-host.js';

/** Draw the personal step's fields. */
export function renderPersonalStep(host: StepHost): TemplateResult {
  const { messages } = host;
  const names = (['firstName', 'lastName'] as const)
    .filter((field) => host.isCollected(field))
    .map((field) =>
      renderTextField(host, field, { autocomplete: field === 'firstName' ? 'given-name' : 'family-name', hint: messages.personal.nameHint, dir: 'auto', spellcheck: false }),
    );
  // The residence proof itself is asked for on the documents step; here the investor learns it is coming.
  const residenceProofNotice = host.isCollected('residenceProofFile') ? messages.personal.residenceProofNotice : undefined;
  return html`<p class="intro">${messages.personal.intro}</p>
    ${names.length === 0 ? nothing : html`<div class="row">${names}</div>`}
    ${host.isCollected('birthdate') ? renderDateField(host, 'birthdate') : nothing}
    ${host.isCollected('nationality')
      ? renderChoiceList(host, 'nationality', {
          choices: host.config.nationalities,
          noticeOf: (choice) => (choice.needsResidenceProof ? residenceProofNotice : undefined),
        })
      : nothing}
    ${host.isCollected('documentIdNumber')
      ? renderTextField(host, 'documentIdNumber', { autocomplete: 'off', hint: messages.personal.documentIdNumberHint, dir: 'ltr', spellcheck: false })
      : nothing}`;
}
