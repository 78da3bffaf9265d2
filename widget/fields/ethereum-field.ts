/**
 * The Ethereum address field: a monospace, left-to-right input under an always-visible warning against
 * exchange addresses, checked in two stages as the investor leaves the field or pauses on a complete
 * address:
 *
 * 1. locally, with the shared rule (no network): required, `format`, and a mixed-case address whose
 *    EIP-55 checksum fails explained, with a button offering the checksummed form of what was typed. An
 *    all-lowercase or all-uppercase address carries no checksum and is accepted; the field says which
 *    checksummed form will be recorded.
 * 2. then the proxy's check (EIP-55 again, then the provider's own validation). On success the answer is
 *    replaced by the checksummed address the proxy returns, so the draft, the review and the submission
 *    all hold that form. A refusal is shown as the field's error; a network or provider failure is
 *    shown with a retry and the word that the investor may go on: it does not block them, since the
 *    proxy checks the address again at submit.
 *
 * The proxy's verdict lives in a reactive controller (one per element), keyed by the address it is
 * about, so a verdict never outlives the value it was given for.
 */
import { css, html, nothing, type ReactiveController, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { checkEthereumAddress } from '../../proxy/contract/eip55.js';
import { isApiError } from '../api/api-error.js';
import type { StepHost } from '../flow/step-host.js';
import { fieldErrorText, type FieldProblem } from '../i18n/error-text.js';
import { format } from '../i18n/format.js';
import { describedBy, fieldLabelContent, renderFieldError } from './text-field.js';

const FIELD = 'ethereumAddress';
const STATUS_ID = `${FIELD}-status`;
const RECORDED_AS_ID = `${FIELD}-checksummed`;
const PROOF_ID = `${FIELD}-proof`;

/** How long typing must pause on a complete-looking address before it is checked (ms). */
export const CHECK_PAUSE_MS = 800;

/** 40 hex digits, with or without `0x`: complete enough to check while the investor pauses. */
const LOOKS_COMPLETE = /^(0x)?[0-9a-f]{40}$/i;

/** What the proxy said (or is saying) about one address, exactly as it was in the field. */
type Verdict =
  | { state: 'checking'; address: string }
  | { state: 'verified'; address: string }
  | { state: 'refused'; address: string; problem: FieldProblem }
  | { state: 'failed'; address: string };

/** The proxy's refusal of an address, read from its error (`fields[0]`: `format`, `checksum`, `provider`). */
function refusalOf(error: unknown): FieldProblem | undefined {
  if (!isApiError(error) || error.kind !== 'http') return undefined;
  const field = error.fields[0];
  if (field === undefined) return undefined;
  // The proxy names the field `address` (its request body's); the widget shows it under its own field.
  return { field: FIELD, rule: field.rule, message: field.message, ...(field.params === undefined ? {} : { params: field.params }) };
}

/** The proxy's check of the address of one element: at most one in flight, aborted when the value changes. */
class EthereumCheck implements ReactiveController {
  /** The latest host the field was drawn with (the element may swap its form on a new sign-in). */
  host: StepHost;
  #verdict: Verdict | undefined;
  #pause: ReturnType<typeof setTimeout> | undefined;
  #inFlight: AbortController | undefined;

  constructor(host: StepHost) {
    this.host = host;
    host.element.addController(this);
  }

  hostDisconnected(): void {
    this.#cancel();
  }

  /** The verdict about the address now in the field, if any. */
  verdict(): Verdict | undefined {
    const verdict = this.#verdict;
    return verdict !== undefined && verdict.address === this.host.answer(FIELD) ? verdict : undefined;
  }

  /** The investor changed the value: forget the verdict, abort the check, wait for a pause. */
  changed(value: string): void {
    this.#cancel();
    this.#verdict = undefined;
    if (LOOKS_COMPLETE.test(value)) this.#pause = setTimeout(() => this.check(), CHECK_PAUSE_MS);
  }

  /**
   * Check the address now: the shared rule shows or clears the field's error; an address it accepts goes
   * to the proxy, unless the proxy has already answered (or is answering) about it. `again` asks anyway.
   */
  check(again = false): void {
    this.#clearPause();
    const host = this.host;
    host.checkField(FIELD);
    const address = host.answer(FIELD);
    if (address === '' || host.fieldError(FIELD) !== undefined || !checkEthereumAddress(address).ok) return;
    const known = this.verdict();
    if (!again && known !== undefined && known.state !== 'failed') return;
    void this.#ask(address);
  }

  /** Put `address` in the field (the offered checksummed form) and check it. */
  replace(address: string): void {
    this.#cancel();
    this.#verdict = undefined;
    this.host.setAnswer(FIELD, address);
    this.check();
  }

  async #ask(address: string): Promise<void> {
    const host = this.host;
    this.#cancel();
    const request = new AbortController();
    this.#inFlight = request;
    this.#verdict = { state: 'checking', address };
    host.element.requestUpdate();
    let verdict: Verdict;
    let said: string;
    try {
      const checked = await host.checkEthereumAddress(address, AbortSignal.any([host.signal, request.signal]));
      if (request.signal.aborted || host.answer(FIELD) !== address) return;
      // Recorded as the proxy checksummed it: the draft, the review and the submission show that form.
      if (checked.address !== address) host.setAnswer(FIELD, checked.address);
      verdict = { state: 'verified', address: checked.address };
      said = host.messages.wallet.verified;
    } catch (error) {
      if (request.signal.aborted || host.signal.aborted || host.answer(FIELD) !== address) return;
      const problem = refusalOf(error);
      if (problem === undefined) {
        // Whatever the cause (offline, the provider down, a rate limit), what matters to the investor is
        // that they can go on: the generic error's "please try again" would suggest they must wait.
        verdict = { state: 'failed', address };
        said = host.messages.wallet.checkUnavailable;
      } else {
        verdict = { state: 'refused', address, problem };
        said = fieldErrorText(host.messages, problem, host.locale);
      }
    } finally {
      if (this.#inFlight === request) this.#inFlight = undefined;
    }
    this.#verdict = verdict;
    host.element.requestUpdate();
    host.announce(said);
  }

  #clearPause(): void {
    if (this.#pause !== undefined) clearTimeout(this.#pause);
    this.#pause = undefined;
  }

  #cancel(): void {
    this.#clearPause();
    this.#inFlight?.abort();
    this.#inFlight = undefined;
  }
}

const checks = new WeakMap<HTMLElement, EthereumCheck>();

/** The check of `host`'s element, created on first use. */
function ethereumCheck(host: StepHost): EthereumCheck {
  let check = checks.get(host.element);
  if (check === undefined) {
    check = new EthereumCheck(host);
    checks.set(host.element, check);
  }
  check.host = host;
  return check;
}

/**
 * The proxy's refusal of the address now in the field, if it refused it: the shared rule accepts such an
 * address, so an element that wants to stop the investor on it (or list it in its error summary) asks here.
 */
export function ethereumAddressRefusal(host: StepHost): FieldProblem | undefined {
  const verdict = checks.get(host.element)?.verdict();
  return verdict?.state === 'refused' ? verdict.problem : undefined;
}

/**
 * Put `address` in the field as if the investor had taken the offered form: the answer is recorded and
 * checked (locally, then by the proxy). The wallet proof fills the field this way.
 */
export function fillEthereumAddress(host: StepHost, address: string): void {
  ethereumCheck(host).replace(address);
}

/** What the wallet proof adds to the field (issue 8). */
export interface EthereumFieldProof {
  /** The proof status of the address in the field ("proven with …", "typed by hand — not proven"). */
  status?: { text: string; proven: boolean } | undefined;
  /** The sale takes addresses from the wallet only: the input is read-only. */
  readOnly?: boolean;
}

/** The input the event came from, or the field's input next to the button it came from. */
function addressInput(event: Event): HTMLInputElement | null {
  const root = (event.currentTarget as HTMLElement).getRootNode() as ParentNode;
  return root.querySelector<HTMLInputElement>(`#${FIELD}`);
}

/** Focus the address input once the element has redrawn (the button pressed may be gone by then). */
function focusInputAfterUpdate(host: StepHost, input: HTMLInputElement | null): void {
  void host.element.updateComplete.then(() => input?.focus());
}

/** The line under the input: the proxy's check in progress, passed, or not reachable (with a retry). */
function renderCheckStatus(host: StepHost, check: EthereumCheck, verdict: Verdict | undefined): TemplateResult | typeof nothing {
  const messages = host.messages;
  if (verdict?.state === 'checking') return html`<p class="check-status" id=${STATUS_ID}>${messages.wallet.checking}</p>`;
  if (verdict?.state === 'verified') return html`<p class="check-status verified" id=${STATUS_ID}>${messages.wallet.verified}</p>`;
  if (verdict?.state !== 'failed') return nothing;
  return html`<div class="check-failed">
    <p id=${STATUS_ID}>${messages.wallet.checkUnavailable}</p>
    <button
      type="button"
      class="secondary"
      @click=${(event: Event) => {
        const input = addressInput(event);
        check.check(true);
        focusInputAfterUpdate(host, input);
      }}
    >
      ${messages.common.retry}
    </button>
  </div>`;
}

/**
 * A valid address in groups of four after `0x` ("0x 5aAe b605 …"), as hardware wallets show it for
 * comparison. A phone's input shows about 32 of its 42 characters; this line shows them all, and
 * groups are easier to check against the wallet's screen than one run of 40 digits.
 */
function groupedAddress(address: string): string {
  return `0x ${address.slice(2).replace(/(.{4})(?!$)/g, '$1 ')}`;
}

/** Draw the Ethereum address field (the element adds {@link ethereumFieldStyles} to its styles). */
export function renderEthereumField(host: StepHost, proof: EthereumFieldProof = {}): TemplateResult {
  const check = ethereumCheck(host);
  const messages = host.messages;
  const value = host.answer(FIELD);
  const local = value === '' ? undefined : checkEthereumAddress(value);
  const verdict = check.verdict();
  const localError = host.fieldError(FIELD);
  const error = localError ?? (verdict?.state === 'refused' ? fieldErrorText(messages, verdict.problem, host.locale) : undefined);
  const suggestion = localError !== undefined && local?.ok === false ? local.suggestion : undefined;
  // An address without a checksum (all one case) is recorded checksummed: say so before the proxy does it.
  const recordedAs = local?.ok === true && local.address !== value && error === undefined ? local.address : undefined;
  const required = host.isRequired(FIELD);
  const proofStatus = proof.status;
  const described = [
    describedBy(FIELD, true, false),
    proofStatus === undefined ? '' : PROOF_ID,
    recordedAs === undefined ? '' : RECORDED_AS_ID,
    verdict === undefined || verdict.state === 'refused' ? '' : STATUS_ID,
    error === undefined ? '' : `${FIELD}-error`,
  ]
    .filter(Boolean)
    .join(' ');
  return html`<div class="field ethereum-field" part="field">
    <label for=${FIELD}>${fieldLabelContent(host, FIELD)}</label>
    <p class="notice" id="${FIELD}-hint">${messages.wallet.exchangeWarning}</p>
    <input
      id=${FIELD}
      name=${FIELD}
      type="text"
      part="input"
      class="address"
      .value=${live(value)}
      autocomplete="off"
      autocapitalize="off"
      spellcheck="false"
      dir="ltr"
      inputmode="text"
      placeholder=${messages.wallet.placeholder}
      ?required=${required}
      ?readonly=${proof.readOnly === true}
      aria-required=${required ? 'true' : 'false'}
      aria-invalid=${error === undefined ? 'false' : 'true'}
      aria-describedby=${described}
      @input=${(event: InputEvent) => {
        // Pasted addresses often carry a space or a line break; an address never has one.
        const typed = (event.target as HTMLInputElement).value.trim();
        check.changed(typed);
        host.setAnswer(FIELD, typed);
      }}
      @blur=${() => check.check()}
    />
    ${local?.ok === true && local.address === value && error === undefined
      ? // Hidden from screen readers: they read the input's value already, and the groups add nothing heard.
        html`<p class="readback" dir="ltr" aria-hidden="true">${groupedAddress(value)}</p>`
      : nothing}
    ${proofStatus === undefined ? nothing : html`<p class="proof-status${proofStatus.proven ? ' proven' : ''}" id=${PROOF_ID}>${proofStatus.text}</p>`}
    ${recordedAs === undefined ? nothing : html`<p class="hint recorded-as" id=${RECORDED_AS_ID}>${format(messages.wallet.checksummedForm, { address: recordedAs }, host.locale)}</p>`}
    ${renderCheckStatus(host, check, verdict)} ${renderFieldError(FIELD, error)}
    ${suggestion === undefined
      ? nothing
      : html`<button
          type="button"
          class="secondary suggestion"
          @click=${(event: Event) => {
            const input = addressInput(event);
            check.replace(suggestion);
            focusInputAfterUpdate(host, input);
          }}
        >
          ${format(messages.wallet.useSuggestion, { suggestion }, host.locale)}
        </button>`}
  </div>`;
}

/** The field's own styles: a monospace address that wraps anywhere on a 320 px phone, and the check's states. */
export const ethereumFieldStyles = css`
  .ethereum-field .address {
    font-family: var(--_mono);
    letter-spacing: 0.02em;
  }
  .ethereum-field .readback {
    font-family: var(--_mono);
    color: var(--_muted);
    word-spacing: 0.25em;
  }
  .ethereum-field .notice,
  .ethereum-field .recorded-as,
  .ethereum-field .error,
  .ethereum-field .suggestion {
    overflow-wrap: anywhere;
  }
  .ethereum-field p {
    margin: 0;
  }
  .check-status {
    color: var(--_muted);
  }
  .check-status.verified {
    color: var(--_success);
    font-weight: 600;
  }
  .proof-status {
    color: var(--_muted);
  }
  .proof-status.proven {
    color: var(--_success);
    font-weight: 600;
  }
  .check-status.verified::before,
  .proof-status.proven::before {
    content: '✓';
    margin-inline-end: 0.375em;
  }
  .check-failed {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em 0.75em;
    align-items: center;
    border-inline-start: 4px solid var(--_warning);
    padding-inline-start: 0.75em;
  }
  .check-failed p {
    flex: 1 1 14em;
  }
  .ethereum-field .suggestion {
    justify-self: start;
    max-inline-size: 100%;
    text-align: start;
  }
`;
