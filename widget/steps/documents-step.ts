/**
 * The documents step: the identity document and a selfie holding it (with the camera on phones), the
 * proof of residence when the nationality entered requires one (or one was already uploaded), and the accredited-investor question with
 * its proofs. Only the fields the sale collects are drawn.
 *
 * The accredited-investor answer is not a KYC field (only the proofs are sent): it is kept by the upload
 * controller for the page's life and otherwise read from the draft, "yes" when proofs were uploaded.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { renderFileField } from '../fields/file-field.js';
import type { StepHost } from '../flow/step-host.js';
import { format } from '../i18n/format.js';
import type { InvestorAnswer, UploadController } from '../upload/upload-controller.js';

const INVESTOR_FIELD = 'investorProofFiles';

/** The accredited-investor answer shown: given on this page, or "yes" when proofs are already there. */
export function investorAnswer(host: StepHost, controller: UploadController): InvestorAnswer | undefined {
  const given = controller.investorAnswer();
  if (given !== undefined) return given;
  return host.files(INVESTOR_FIELD).length > 0 || controller.items(INVESTOR_FIELD).length > 0 ? 'yes' : undefined;
}

function renderInvestorProofs(host: StepHost, controller: UploadController): TemplateResult {
  const { messages, locale } = host;
  const max = host.config.uploads.maxInvestorProofs;
  const hint = format(messages.documents.investorHint, { count: max }, locale);
  const proofs = (): TemplateResult => renderFileField(host, controller, INVESTOR_FIELD, { multiple: true, max });
  // A sale that requires the proofs asks for them straight away.
  if (host.isRequired(INVESTOR_FIELD)) return renderFileField(host, controller, INVESTOR_FIELD, { multiple: true, max, hint });
  const answer = investorAnswer(host, controller);
  const choice = (value: InvestorAnswer, text: string): TemplateResult =>
    html`<label class="choice">
      <input type="radio" name="accreditedInvestor" value=${value} .checked=${live(answer === value)} @change=${() => controller.setInvestorAnswer(value)} />
      ${text}
    </label>`;
  return html`<fieldset class="field" aria-describedby="accreditedInvestor-hint">
      <legend>${messages.documents.investorQuestion}</legend>
      <p class="hint" id="accreditedInvestor-hint">${hint}</p>
      <div class="choices">${choice('yes', messages.common.yes)} ${choice('no', messages.common.no)}</div>
    </fieldset>
    ${answer === 'yes' ? proofs() : nothing}`;
}

/**
 * The residence proof is asked for when the nationality requires it. One already uploaded stays in view
 * (as optional) after a change of nationality: it would still be submitted, so the investor must be able
 * to see and remove it, as the review shows it.
 */
function showsResidenceProof(host: StepHost): boolean {
  return host.isRequired('residenceProofFile') || (host.isCollected('residenceProofFile') && host.files('residenceProofFile').length > 0);
}

/** Draw the documents step's fields (the element draws the heading, the error summary and the buttons). */
export function renderDocumentsStep(host: StepHost, controller: UploadController): TemplateResult {
  const { documents } = host.messages;
  return html`<p class="intro">${documents.intro}</p>
    ${host.isCollected('documentIdFile') ? renderFileField(host, controller, 'documentIdFile', { capture: 'environment', hint: documents.documentIdHint }) : nothing}
    ${host.isCollected('selfieFile') ? renderFileField(host, controller, 'selfieFile', { capture: 'user', hint: documents.selfieHint }) : nothing}
    ${showsResidenceProof(host)
      ? renderFileField(host, controller, 'residenceProofFile', { capture: 'environment', hint: documents.residenceProofHint })
      : nothing}
    ${host.isCollected(INVESTOR_FIELD) ? renderInvestorProofs(host, controller) : nothing}`;
}
