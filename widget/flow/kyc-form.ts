/**
 * The KYC form's state: the answers, the uploaded files' keys, the confirmations and the errors shown,
 * kept in the draft as the investor types so that nothing is lost to a reload. It implements what the
 * step render functions read and call ({@link ReviewHost}); the element creates one per signed-in
 * investor and supplies the parts that need the network or the page.
 *
 * Errors are kept as problems (`{ field, rule, params }`), not texts, so a change of language redraws
 * them translated. Validation is the shared module the proxy enforces (`proxy/contract/kyc-rules.ts`).
 */
import type { ReactiveControllerHost } from 'lit';
import { providerToday } from '../../proxy/contract/birthdate-rule.js';
import { FILE_FIELDS, KYC_FIELDS, type KycField, type KycSubmissionInput } from '../../proxy/contract/kyc-fields.js';
import { isFieldCollected, isFieldRequired, validateKycField, validateKycSubmission } from '../../proxy/contract/kyc-rules.js';
import type { CheckedAddress, FileField, SaleConfig, UploadContentType, UploadTicket } from '../api/proxy-types.js';
import type { DraftFile, DraftStore } from '../draft/draft-store.js';
import { fieldErrorText, type FieldProblem } from '../i18n/error-text.js';
import type { Messages } from '../i18n/messages.js';
import { fieldsOfStep, type FormStepId } from './journey-steps.js';
import type { ReviewHost, TextField } from './step-host.js';

/** What {@link KycForm} needs from the element. */
export interface KycFormOptions {
  element: ReactiveControllerHost & HTMLElement;
  config: SaleConfig;
  messages: Messages;
  locale: string;
  signal: AbortSignal;
  draft: DraftStore;
  /** The form steps this sale shows. */
  formSteps: readonly FormStepId[];
  requestUploadTicket(field: FileField, contentType: UploadContentType): Promise<UploadTicket>;
  checkEthereumAddress(address: string, signal?: AbortSignal): Promise<CheckedAddress>;
  announce(text: string): void;
  goTo(step: FormStepId): void;
  /** The clock, ms (the 18–100 rule counts in the provider's calendar). */
  now?: () => number;
}

/** The confirmations' error keys: `confirmations.<id>`, as the proxy names them. */
const confirmationKey = (id: string): string => `confirmations.${id}`;

function isFileField(field: KycField): field is FileField {
  return (FILE_FIELDS as readonly string[]).includes(field);
}

/** The form of one signed-in investor. */
export class KycForm implements ReviewHost {
  readonly element: ReactiveControllerHost & HTMLElement;
  /** Replaced by the element when the language or the sale's configuration changes. */
  messages: Messages;
  locale: string;
  config: SaleConfig;
  readonly signal: AbortSignal;
  readonly formSteps: readonly FormStepId[];
  readonly #options: KycFormOptions;
  readonly #now: () => number;
  /** Field (or `confirmations.<id>`) → the problem shown. */
  readonly #problems = new Map<string, FieldProblem>();

  constructor(options: KycFormOptions) {
    this.#options = options;
    this.element = options.element;
    this.messages = options.messages;
    this.locale = options.locale;
    this.config = options.config;
    this.signal = options.signal;
    this.formSteps = options.formSteps;
    this.#now = options.now ?? Date.now;
  }

  answer(field: TextField): string {
    const value = this.#options.draft.load()?.answers[field];
    return typeof value === 'string' ? value : '';
  }

  setAnswer(field: TextField, value: string): void {
    this.#options.draft.save({ answers: { [field]: value } });
    // An error already shown follows the investor's corrections at once; a new one waits for the blur.
    if (this.#problems.has(field)) this.checkField(field);
    // A change of nationality may make the residence proof required, or no longer.
    if (field === 'nationality' && this.#problems.has('residenceProofFile')) this.checkField('residenceProofFile');
    this.element.requestUpdate();
  }

  /** The value of `field` as validation and submission read it. */
  value(field: KycField): string | string[] | undefined {
    if (!isFileField(field)) {
      const text = this.answer(field);
      return text === '' ? undefined : text;
    }
    const keys = this.files(field).map((file) => file.key);
    if (field === 'investorProofFiles') return keys.length === 0 ? undefined : keys;
    return keys[0];
  }

  checkField(field: KycField): boolean {
    const checked = validateKycField(field, this.value(field), this.config.rules, {
      today: providerToday(this.#now()),
      nationality: this.answer('nationality'),
    });
    if (checked.ok) this.#problems.delete(field);
    else this.#problems.set(field, checked.error);
    this.element.requestUpdate();
    return checked.ok;
  }

  fieldError(field: KycField): string | undefined {
    return this.#problemText(this.#problems.get(field));
  }

  isRequired(field: KycField): boolean {
    return isFieldRequired(field, this.config.rules, this.answer('nationality'));
  }

  isCollected(field: KycField): boolean {
    return isFieldCollected(field, this.config.rules);
  }

  files(field: FileField): readonly DraftFile[] {
    return this.#options.draft.load()?.files[field] ?? [];
  }

  setFiles(field: FileField, files: DraftFile[]): void {
    this.#options.draft.save({ files: { [field]: files } });
    if (this.#problems.has(field)) this.checkField(field);
    this.element.requestUpdate();
  }

  requestUploadTicket(field: FileField, contentType: UploadContentType): Promise<UploadTicket> {
    return this.#options.requestUploadTicket(field, contentType);
  }

  checkEthereumAddress(address: string, signal?: AbortSignal): Promise<CheckedAddress> {
    return this.#options.checkEthereumAddress(address, signal);
  }

  announce(text: string): void {
    this.#options.announce(text);
  }

  goTo(step: FormStepId): void {
    this.#options.goTo(step);
  }

  confirmed(id: string): boolean {
    return this.#options.draft.load()?.confirmations[id] === true;
  }

  setConfirmed(id: string, value: boolean): void {
    this.#options.draft.save({ confirmations: { [id]: value } });
    if (value) this.#problems.delete(confirmationKey(id));
    this.element.requestUpdate();
  }

  confirmationError(id: string): string | undefined {
    return this.#problemText(this.#problems.get(confirmationKey(id)));
  }

  /** Check every field of `step`; returns the problems now shown for it, in form order. */
  checkStep(step: FormStepId): FieldProblem[] {
    const fields = fieldsOfStep(step, this.#collectedFields());
    for (const field of fields) this.checkField(field);
    return fields.flatMap((field) => {
      const problem = this.#problems.get(field);
      return problem === undefined ? [] : [problem];
    });
  }

  /** Check the confirmations; returns a problem per one not ticked. */
  checkConfirmations(): FieldProblem[] {
    const problems: FieldProblem[] = [];
    for (const { id } of this.config.confirmations) {
      const key = confirmationKey(id);
      if (this.confirmed(id)) this.#problems.delete(key);
      else {
        const problem: FieldProblem = { field: key, rule: 'required' };
        this.#problems.set(key, problem);
        problems.push(problem);
      }
    }
    this.element.requestUpdate();
    return problems;
  }

  /**
   * The whole submission, checked: the answers of every collected field (empty optional ones left out)
   * and the confirmations, or every problem found.
   */
  submission(): { ok: true; value: KycSubmissionInput; confirmations: Record<string, boolean> } | { ok: false; problems: FieldProblem[] } {
    const input: Partial<Record<KycField, string | string[]>> = {};
    for (const field of this.#collectedFields()) {
      const value = this.value(field);
      if (value !== undefined) input[field] = value;
    }
    const checked = validateKycSubmission(input, this.config.rules, { today: providerToday(this.#now()) });
    const confirmationProblems = this.checkConfirmations();
    if (!checked.ok) {
      this.showProblems(checked.errors);
      return { ok: false, problems: [...checked.errors, ...confirmationProblems] };
    }
    if (confirmationProblems.length > 0) return { ok: false, problems: confirmationProblems };
    const confirmations = Object.fromEntries(this.config.confirmations.map(({ id }) => [id, true]));
    return { ok: true, value: checked.value, confirmations };
  }

  /** Show problems found elsewhere (the proxy's answer to a submission) next to their fields. */
  showProblems(problems: readonly FieldProblem[]): void {
    for (const problem of problems) if (problem.field !== null) this.#problems.set(problem.field, problem);
    this.element.requestUpdate();
  }

  /** The problem shown for `field`, if any (the error summary lists them). */
  problem(field: string): FieldProblem | undefined {
    return this.#problems.get(field);
  }

  /** The text of a problem in the investor's language. */
  problemText(problem: FieldProblem): string {
    return this.#problemText(problem) ?? '';
  }

  /** Forget every error shown (a new step, a fresh start). */
  clearProblems(): void {
    this.#problems.clear();
    this.element.requestUpdate();
  }

  #problemText(problem: FieldProblem | undefined): string | undefined {
    if (problem === undefined) return undefined;
    return fieldErrorText(this.messages, problem, this.locale, this.config.uploads);
  }

  /** The fields this sale collects, in the contract's order. */
  #collectedFields(): KycField[] {
    return KYC_FIELDS.filter((field) => this.isCollected(field));
  }
}
