/**
 * The content of each form step and of the review, drawn from the investor's form: the element draws
 * the heading, the error summary and the buttons around it.
 */
import type { CSSResultGroup, TemplateResult } from 'lit';
import { choiceListStyles } from '../fields/choice-list.js';
import { dateFieldStyles } from '../fields/date-field.js';
import { ethereumFieldStyles } from '../fields/ethereum-field.js';
import { fileFieldStyles } from '../fields/file-field.js';
import type { FormStepId } from '../flow/journey-steps.js';
import type { KycForm } from '../flow/kyc-form.js';
import { uploadControllerFor } from '../upload/upload-controller.js';
import type { WalletHost } from '../wallet/wallet-proof.js';
import { renderAddressStep } from './address-step.js';
import { renderDocumentsStep } from './documents-step.js';
import { renderPersonalStep } from './personal-step.js';
import { renderReviewStep, reviewStepStyles } from './review-step.js';
import { statusStepStyles } from './status-step.js';
import { renderWalletStep, walletStepStyles } from './wallet-step.js';

/** The styles of every step, for the element's `static styles`. */
export const stepStyles: CSSResultGroup[] = [dateFieldStyles, choiceListStyles, fileFieldStyles, ethereumFieldStyles, walletStepStyles, reviewStepStyles, statusStepStyles];

/** Draw the content of a form step or of the review; `wallet` serves the wallet step's proof of ownership. */
export function renderStepContent(step: FormStepId | 'review', form: KycForm, wallet?: WalletHost): TemplateResult {
  switch (step) {
    case 'personal':
      return renderPersonalStep(form);
    case 'address':
      return renderAddressStep(form);
    case 'documents':
      return renderDocumentsStep(form, uploadControllerFor(form));
    case 'wallet':
      return renderWalletStep(form, wallet);
    case 'review':
      return renderReviewStep(form);
  }
}
