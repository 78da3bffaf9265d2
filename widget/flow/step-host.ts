/**
 * What a step's render function may read and call. The element implements it; steps are plain render
 * functions (not custom elements, so the page gets no other tag than `<kyc-onboarding>`), and the few
 * stateful parts (a searchable list, an upload) are Lit reactive controllers attached to `element`.
 *
 * Conventions every step follows, so the element can link its error summary to the fields:
 * - the focusable control of a field has `id` = the field name (`firstName`, `birthdate` on the first
 *   part of the date, `documentIdFile` on the file button…);
 * - its hint has `id` = `<field>-hint`, its error `id` = `<field>-error`, both in `aria-describedby`;
 * - an invalid control has `aria-invalid="true"`.
 */
import type { ReactiveControllerHost } from 'lit';
import type { KycField } from '../../proxy/contract/kyc-fields.js';
import type { CheckedAddress, FileField, SaleConfig, UploadContentType, UploadTicket } from '../api/proxy-types.js';
import type { DraftFile } from '../draft/draft-store.js';
import type { Messages } from '../i18n/messages.js';
import type { FormStepId } from './journey-steps.js';

/** A KYC field answered with text (every field but the file fields). */
export type TextField = Exclude<KycField, FileField>;

/** The element as the form steps see it. */
export interface StepHost {
  /** The element: attach reactive controllers to it; `requestUpdate()` redraws. */
  readonly element: ReactiveControllerHost & HTMLElement;
  readonly messages: Messages;
  /** The BCP 47 tag of the catalog in use (`en`, `de`, …), for `Intl` formatting. */
  readonly locale: string;
  readonly config: SaleConfig;
  /** Aborted when the element is removed from the page: pass it to every request. */
  readonly signal: AbortSignal;

  /** The text answer of `field` ('' when none). */
  answer(field: TextField): string;
  /** Record an answer as the investor types: kept in the draft; a shown error is re-checked. */
  setAnswer(field: TextField, value: string): void;
  /** Check `field` now (on blur) and show or clear its error. */
  checkField(field: KycField): void;
  /** The error text shown under `field`, in the investor's language. */
  fieldError(field: KycField): string | undefined;
  /** Whether the sale requires `field` (residence proof: for the nationality entered so far). */
  isRequired(field: KycField): boolean;
  /** Whether the sale collects `field` at all. */
  isCollected(field: KycField): boolean;

  /** The files already uploaded for `field` (their storage keys are what gets submitted). */
  files(field: FileField): readonly DraftFile[];
  /** Replace the uploaded files of `field` (kept in the draft; the error of the field is re-checked). */
  setFiles(field: FileField, files: DraftFile[]): void;
  /** A presigned S3 POST form for one file of `field` (a fresh one each call; the session is handled). */
  requestUploadTicket(field: FileField, contentType: UploadContentType): Promise<UploadTicket>;

  /** The proxy's Ethereum address check (EIP-55, then the provider); rejects with an ApiError. */
  checkEthereumAddress(address: string, signal?: AbortSignal): Promise<CheckedAddress>;

  /** Say `text` to screen readers through the element's polite live region. */
  announce(text: string): void;
}

/** What the review step needs on top: the way back to a section, and the sale's confirmations. */
export interface ReviewHost extends StepHost {
  /** The form steps this sale shows, in order (the review's sections). */
  readonly formSteps: readonly FormStepId[];
  /** Open a form step to change its answers; the investor comes back to the review with "Next". */
  goTo(step: FormStepId): void;
  /** Whether the confirmation `id` is ticked. */
  confirmed(id: string): boolean;
  setConfirmed(id: string, value: boolean): void;
  /** The error text of the confirmation `id` (not ticked at submit). */
  confirmationError(id: string): string | undefined;
}
