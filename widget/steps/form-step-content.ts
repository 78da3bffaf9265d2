/**
 * The content of each form step and of the review, drawn from the investor's form: the element draws
 * the heading, the error summary and the buttons around it.
 */
import { html, type CSSResultGroup, type TemplateResult } from 'lit';
import { renderTextField } from '../fields/text-field.js';
import { ethereumFieldStyles } from '../fields/ethereum-field.js';
import { fieldsOfStep, type FormStepId } from '../flow/journey-steps.js';
import type { KycForm } from '../flow/kyc-form.js';
import type { TextField } from '../flow/step-host.js';
import { fileFieldStyles } from '../fields/file-field.js';
import { uploadControllerFor } from '../upload/upload-controller.js';
import { renderDocumentsStep } from './documents-step.js';
import { renderReviewStep, reviewStepStyles } from './review-step.js';
import { statusStepStyles } from './status-step.js';
import { renderWalletStep, walletStepStyles } from './wallet-step.js';

/** The styles of every step, for the element's `static styles`. */
export const stepStyles: CSSResultGroup[] = [fileFieldStyles, ethereumFieldStyles, walletStepStyles, reviewStepStyles, statusStepStyles];

/** Draw the content of a form step or of the review. */
export function renderStepContent(step: FormStepId | 'review', form: KycForm): TemplateResult {
  switch (step) {
    case 'review':
      return renderReviewStep(form);
    case 'documents':
      return renderDocumentsStep(form, uploadControllerFor(form));
    case 'wallet':
      return renderWalletStep(form);
    default:
      return html`${fieldsOfStep(step, [...form.config.rules.collected, 'firstName', 'lastName', 'birthdate', 'country', 'nationality', 'documentIdNumber'])
        .filter((field) => !field.endsWith('File') && !field.endsWith('Files'))
        .map((field) => renderTextField(form, field as TextField))}`;
  }
}
