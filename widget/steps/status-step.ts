/**
 * The status step: where the investor's case stands, live from the proxy's stream. Pending, sent back
 * with the reviewer's reasons and a way to fix and resubmit, approved with the progress of the wallet's
 * whitelisting, or denied; and whether the page is still following the stream.
 *
 * The state's summary is the one live region (`role="status"`, polite, atomic), drawn with the same nodes
 * whatever the state: Lit only rewrites the texts that changed, so a new state is announced once and a
 * redraw for anything else (the stream reconnecting) says nothing.
 */
import { css, html, nothing, svg, type SVGTemplateResult, type TemplateResult } from 'lit';
import type { InvestorState, InvestorStatus } from '../api/proxy-types.js';
import type { StatusStreamState } from '../api/status-stream.js';
import { format } from '../i18n/format.js';
import type { Messages } from '../i18n/messages.js';

/** What the status step shows; the element fills it from its status and its stream. */
export interface StatusView {
  messages: Messages;
  /** The BCP 47 tag of the catalog in use, for plurals and numbers. */
  locale: string;
  /** The investor's status; undefined until first read. */
  status: InvestorStatus | undefined;
  /**
   * The status stream: `open` says the page updates by itself, `reconnecting` that it is catching up,
   * `unavailable` (the stream or the provider cannot be reached) that it will show when back. `connecting`
   * and `closed` (stopped on purpose, e.g. once the case is final) show no indicator.
   */
  streamState: StatusStreamState | 'unavailable';
  /** "Correct and submit again", offered when the reviewer sent the case back. */
  onFix(): void;
  /** The investor has just submitted: thank them above the state. */
  submittedJustNow?: boolean;
}

/** How a state looks: theme colour and icon (the text always says it too). */
type Tone = 'neutral' | 'pending' | 'warning' | 'success' | 'danger';

const TONES: Readonly<Record<InvestorState, Tone>> = {
  not_submitted: 'neutral',
  pending: 'pending',
  needs_action: 'warning',
  approved: 'success',
  denied: 'danger',
};

/** 24 × 24 outline icons, one path each, so the icon changes by an attribute and never by a new node. */
const ICON_PATHS: Readonly<Record<Tone, string>> = {
  neutral: 'M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18M12 11v6M12 7v.5',
  pending: 'M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18M12 7v5l3 3',
  warning: 'M12 3L2 20h20zM12 10v4M12 17v.5',
  success: 'M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18M7.5 12.5l3 3l6-6.5',
  danger: 'M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18M9 9l6 6M15 9l-6 6',
};

/**
 * The whitelisting's segments, in order: none is filled while it has not started ("Not started yet"
 * under a filled segment read as a contradiction), one once it has, both when it is done.
 */
const WHITELIST_STEPS = ['started', 'done'] as const;

function icon(tone: Tone, className: string): SVGTemplateResult {
  return svg`<svg class=${className} viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
    <path d=${ICON_PATHS[tone]} fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
  </svg>`;
}

/** The title and the body of a state. */
function stateTexts(messages: Messages, status: InvestorStatus | undefined, streamState: StatusView['streamState']): { title: string; body: string } {
  const texts = messages.status;
  switch (status?.state) {
    case undefined:
      // Not read yet: loading, unless it cannot be (the live line says so).
      return { title: streamState === 'unavailable' ? '' : messages.common.loading, body: '' };
    case 'not_submitted':
      return { title: texts.notSubmitted, body: '' };
    case 'pending':
      return { title: texts.pendingTitle, body: texts.pendingBody };
    case 'needs_action':
      return { title: texts.needsActionTitle, body: texts.needsActionBody };
    case 'approved':
      return { title: texts.approvedTitle, body: texts.approvedBody };
    case 'denied':
      return { title: texts.deniedTitle, body: texts.deniedBody };
  }
}

/** The whitelisting of the investor's address: a two-segment indicator (started, done) and the state in words. */
function renderWhitelist(messages: Messages, whitelist: InvestorStatus['whitelist']): TemplateResult {
  const failed = whitelist === 'failed';
  // A failure happens while whitelisting: it had started, and the last segment failed. `unprocessed` is -1: none reached.
  const reached = failed ? 0 : WHITELIST_STEPS.indexOf(whitelist as (typeof WHITELIST_STEPS)[number]);
  return html`<div class="whitelist" data-whitelist=${whitelist}>
    <h4 class="whitelist-title">${messages.status.whitelistTitle}</h4>
    <ol class="whitelist-steps" aria-hidden="true">
      ${WHITELIST_STEPS.map((_, index) => {
        const state = failed && index === WHITELIST_STEPS.length - 1 ? 'failed' : index <= reached ? 'reached' : 'ahead';
        return html`<li class="whitelist-step" data-step=${state}></li>`;
      })}
    </ol>
    <p class="whitelist-state">${messages.status.whitelist[whitelist]}</p>
  </div>`;
}

/** The line that says whether the page still follows the stream. */
function renderLive(messages: Messages, streamState: StatusView['streamState']): TemplateResult | typeof nothing {
  const texts = messages.status;
  const line: { text: string; tone: 'live' | 'warning' | 'danger' } | undefined =
    streamState === 'open'
      ? { text: texts.live, tone: 'live' }
      : streamState === 'reconnecting'
        ? { text: texts.reconnecting, tone: 'warning' }
        : streamState === 'unavailable'
          ? { text: texts.unavailable, tone: 'danger' }
          : undefined;
  if (line === undefined) return nothing;
  return html`<p class="status-live" data-stream=${streamState} data-tone=${line.tone}>
    <span class="status-live-dot" aria-hidden="true"></span>${line.text}
  </p>`;
}

/** Draw the status step. */
export function renderStatusStep(view: StatusView): TemplateResult {
  const { messages, locale, status, streamState } = view;
  const tone: Tone = status === undefined ? 'neutral' : TONES[status.state];
  const { title, body } = stateTexts(messages, status, streamState);
  const needsAction = status?.state === 'needs_action';
  return html`<div class="status-step" data-state=${status?.state ?? 'unknown'}>
    <div class="status-summary" data-tone=${tone} role="status" aria-live="polite" aria-atomic="true">
      ${view.submittedJustNow === true ? html`<p class="status-submitted">${messages.status.submitted}</p>` : nothing}
      <div class="status-headline">
        ${icon(tone, 'status-icon')}
        <h3 class="status-title">${title}</h3>
      </div>
      ${body === '' ? nothing : html`<p class="status-body">${body}</p>`}
      ${needsAction && status.reasons.length > 0
        ? html`<ul class="status-reasons">
            ${status.reasons.map((reason) => html`<li>${messages.status.reasons[reason]}</li>`)}
          </ul>`
        : nothing}
      ${status?.state === 'approved' ? renderWhitelist(messages, status.whitelist) : nothing}
    </div>
    ${needsAction ? html`<div class="actions"><button type="button" part="button" @click=${() => view.onFix()}>${messages.status.fix}</button></div>` : nothing}
    ${status !== undefined && status.submissionCount > 1
      ? html`<p class="status-submissions">${format(messages.status.submissions, { count: status.submissionCount }, locale)}</p>`
      : nothing}
    ${renderLive(messages, streamState)}
  </div>`;
}

/** The status step's own styles (the element adds them to its `static styles`). */
export const statusStepStyles = css`
  .status-summary {
    --_tone: var(--_muted);
    border-inline-start: 4px solid var(--_tone);
    background: var(--_surface);
    border-radius: calc(var(--_radius) * 0.5);
    padding: 0.75em var(--_space);
    margin-block-end: var(--_space);
  }
  .status-summary[data-tone='pending'] {
    --_tone: var(--_accent);
  }
  .status-summary[data-tone='warning'] {
    --_tone: var(--_warning);
  }
  .status-summary[data-tone='success'] {
    --_tone: var(--_success);
  }
  .status-summary[data-tone='danger'] {
    --_tone: var(--_danger);
  }
  .status-summary > :last-child {
    margin-block-end: 0;
  }
  .status-headline {
    display: flex;
    align-items: center;
    gap: 0.5em;
  }
  .status-icon {
    flex: none;
    color: var(--_tone);
    inline-size: 1.5em;
    block-size: 1.5em;
  }
  .status-title {
    margin: 0;
  }
  .status-body {
    margin-block: 0.5em;
  }
  .status-reasons {
    margin: 0 0 0.5em;
    padding-inline-start: 1.25em;
  }
  .whitelist {
    margin-block-start: 0.75em;
  }
  .whitelist-title {
    font-size: 1em;
    margin: 0 0 0.375em;
  }
  .whitelist-steps {
    display: flex;
    gap: 0.25em;
    list-style: none;
    margin: 0 0 0.375em;
    padding: 0;
    max-inline-size: 12em;
  }
  .whitelist-step {
    flex: 1;
    block-size: 0.375em;
    border-radius: 0.1875em;
    border: 1px solid var(--_border);
  }
  .whitelist-step[data-step='reached'] {
    background: var(--_success);
    border-color: var(--_success);
  }
  .whitelist-step[data-step='failed'] {
    background: var(--_danger);
    border-color: var(--_danger);
  }
  .whitelist-state {
    margin: 0;
  }
  .status-submissions {
    color: var(--_muted);
    font-size: 0.9375em;
  }
  .status-live {
    display: flex;
    align-items: center;
    gap: 0.5em;
    color: var(--_muted);
    font-size: 0.9375em;
  }
  .status-live-dot {
    flex: none;
    inline-size: 0.625em;
    block-size: 0.625em;
    border-radius: 50%;
    background: var(--_success);
  }
  .status-live[data-tone='live'] .status-live-dot {
    animation: status-live-pulse 2s ease-in-out infinite;
  }
  .status-live[data-tone='warning'] .status-live-dot {
    background: var(--_warning);
  }
  .status-live[data-tone='danger'] .status-live-dot {
    background: var(--_danger);
  }
  @keyframes status-live-pulse {
    50% {
      opacity: 0.4;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .status-live-dot {
      animation: none;
    }
  }
`;
