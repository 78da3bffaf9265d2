/**
 * The element's public events. Each is a `CustomEvent` that bubbles and crosses the shadow boundary
 * (`composed`), so a page can listen on the element or on `document`:
 *
 * ```js
 * kyc.addEventListener('kyc-status-change', (event) => console.log(event.detail.status.state));
 * ```
 *
 * No detail carries a token, an email code or a personal answer: a page may log them safely.
 */
import type { InvestorStatus } from './api/proxy-types.js';
import type { StepId } from './flow/journey-steps.js';

/** `kyc-ready`: the sale's configuration and the investor's language are loaded; the first step is drawn. */
export interface KycReadyDetail {
  sale: string;
  locale: string;
}

/** `kyc-step-change`: another step is shown. */
export interface KycStepChangeDetail {
  step: StepId;
  previous: StepId | undefined;
  /** Position among the form steps and review (1-based), when the step is one of them. */
  index?: number;
  total?: number;
}

/** `kyc-submitted`: the provider accepted the submission. */
export interface KycSubmittedDetail {
  userId: string | undefined;
  status: InvestorStatus;
}

/** `kyc-status-change`: the investor's status is known or changed (first read, live stream, submit). */
export interface KycStatusChangeDetail {
  status: InvestorStatus;
  previous: InvestorStatus | undefined;
}

/** `kyc-complete`: the case reached a final state (approved or denied). */
export interface KycCompleteDetail {
  state: 'approved' | 'denied';
  status: InvestorStatus;
}

/** `kyc-error`: something failed that the investor was told about (the message is in the investor's words). */
export interface KycErrorDetail {
  /** The proxy's error code (`provider_unavailable`, `network_error`, …). */
  code: string;
  message: string;
  /** Whether trying again may help. */
  retryable: boolean;
}

/** Every public event name and its detail. */
export interface KycEventMap {
  'kyc-ready': CustomEvent<KycReadyDetail>;
  'kyc-step-change': CustomEvent<KycStepChangeDetail>;
  'kyc-submitted': CustomEvent<KycSubmittedDetail>;
  'kyc-status-change': CustomEvent<KycStatusChangeDetail>;
  'kyc-complete': CustomEvent<KycCompleteDetail>;
  'kyc-error': CustomEvent<KycErrorDetail>;
}

/** A public event name. */
export type KycEventName = keyof KycEventMap;

/** The detail type of event `name`. */
export type KycEventDetail<Name extends KycEventName> = KycEventMap[Name] extends CustomEvent<infer Detail> ? Detail : never;

/** Fire a public event from `target`: bubbling, composed, not cancelable. */
export function dispatchKycEvent<Name extends KycEventName>(target: EventTarget, name: Name, detail: KycEventDetail<Name>): void {
  target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
}
