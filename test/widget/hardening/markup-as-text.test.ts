/**
 * Issue 7: HTML and script typed into names and addresses (or given as the sale's own wording) are shown
 * as text in the widget, never run. The review and status views are drawn in real Chromium with payloads
 * in every text they show: each payload is visible exactly as typed, the views have the same elements as
 * with plain text (no element and no handler came from the data), and no payload's code ran.
 */
import { expect } from '@esm-bundle/chai';
import type { InvestorStatus, SaleConfig } from '../../../widget/api/proxy-types.js';
import type { KycForm } from '../../../widget/flow/kyc-form.js';
import type { Messages } from '../../../widget/i18n/messages.js';
import { renderReviewStep, reviewStepStyles } from '../../../widget/steps/review-step.js';
import { renderStatusStep, statusStepStyles } from '../../../widget/steps/status-step.js';
import { mountStep, type MountedStep } from '../steps/step-harness.js';

/** Set by any payload whose code runs. */
declare global {
  interface Window {
    markupRan?: string[];
  }
}

/** Payloads that would run code (recording it in `window.markupRan`) if they became markup. */
const PAYLOADS = [
  '<img src=x onerror="(window.markupRan ??= []).push(\'img\')">',
  '<script>(window.markupRan ??= []).push(\'script\')</script>',
  '"><svg onload="(window.markupRan ??= []).push(\'svg\')">',
  "'><iframe srcdoc=\"<script>parent.markupRan=['iframe']</script>\"></iframe>",
  '<a href="javascript:(window.markupRan ??= []).push(\'link\')">x</a>',
  '<style>:host{display:none!important}</style>',
  '{{constructor.constructor("(window.markupRan ??= []).push(\'template\')")()}}',
] as const;

/** The payload for the `n`th text, round the list. */
const payload = (n: number): string => PAYLOADS[n % PAYLOADS.length] as string;

/** Every text field of the form, with the answer it gets. */
const TEXT_FIELDS = ['firstName', 'lastName', 'birthdate', 'nationality', 'documentIdNumber', 'country', 'streetAddress', 'city', 'state', 'postalCode', 'ethereumAddress', 'estimatedParticipationAmount'] as const;

function fill(form: KycForm, text: (n: number) => string): void {
  TEXT_FIELDS.forEach((field, n) => form.setAnswer(field, text(n)));
  const file = (n: number) => ({ key: `1/documents/a${n}`, name: text(n + 3), size: 300_000, type: 'image/jpeg' });
  form.setFiles('documentIdFile', [file(1)]);
  form.setFiles('selfieFile', [file(2)]);
  form.setFiles('residenceProofFile', [file(3)]);
  form.setFiles('investorProofFiles', [file(4), file(5)]);
}

/** Tag names with their counts, and every attribute name, in a root: what the view is made of. */
function shape(root: ShadowRoot): { tags: Record<string, number>; attributes: string[] } {
  const tags: Record<string, number> = {};
  const attributes = new Set<string>();
  for (const element of root.querySelectorAll('*')) {
    tags[element.localName] = (tags[element.localName] ?? 0) + 1;
    for (const name of element.getAttributeNames()) attributes.add(name);
  }
  return { tags, attributes: [...attributes].sort() };
}

/** Nothing in the root can run: no script-bearing element, no handler attribute, no `javascript:` URL. */
function expectInert(root: ShadowRoot, label: string): void {
  expect(root.querySelectorAll('script, iframe, object, embed, style, img[src="x"]'), `${label}: elements from the data`).to.have.length(0);
  for (const element of root.querySelectorAll('*')) {
    for (const name of element.getAttributeNames()) {
      expect(name.startsWith('on'), `${label}: ${name} on <${element.localName}>`).to.equal(false);
      expect(/^\s*javascript:/i.test(element.getAttribute(name) ?? ''), `${label}: javascript: in ${name}`).to.equal(false);
    }
  }
}

/** Let any image error or frame load that could have been created fire before checking nothing ran. */
async function settle(): Promise<void> {
  for (let frame = 0; frame < 3; frame += 1) await new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
  await new Promise((resolve) => setTimeout(resolve, 50));
}

/** The visible text of the root, whitespace collapsed. */
function visibleText(root: ShadowRoot): string {
  return [...root.children].map((child) => (child as HTMLElement).innerText ?? '').join(' ').replace(/\s+/g, ' ');
}

const collapse = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** A config whose confirmation labels are payloads too (the sale's own text). */
const withPayloadConfirmations = (config: SaleConfig): SaleConfig => ({
  ...config,
  confirmations: [
    { id: 'terms', label: payload(0) },
    { id: 'risk', label: payload(1) },
  ],
});

describe('markup typed by the investor or the sale is shown as text', () => {
  let steps: MountedStep[] = [];
  beforeEach(() => {
    delete window.markupRan;
  });
  afterEach(() => {
    for (const step of steps) step.remove();
    steps = [];
  });

  it('review view: every answer, file name and confirmation label reads as typed, with no element or code from it', async () => {
    const plain = await mountStep((form) => renderReviewStep(form), { styles: reviewStepStyles, config: (config) => ({ ...config, confirmations: [{ id: 'terms', label: 'Terms' }, { id: 'risk', label: 'Risk' }] }) });
    steps.push(plain);
    fill(plain.form, (n) => `Plain text ${n}`);
    await plain.update();

    const step = await mountStep((form) => renderReviewStep(form), { styles: reviewStepStyles, config: withPayloadConfirmations });
    steps.push(step);
    fill(step.form, payload);
    await step.update();
    await settle();

    expectInert(step.root, 'review');
    expect(shape(step.root)).to.deep.equal(shape(plain.root));
    const text = visibleText(step.root);
    // The answers shown as typed (a payload is no country, date or amount, so it is shown as it is).
    TEXT_FIELDS.forEach((field, n) => expect(text, field).to.contain(collapse(payload(n))));
    for (let n = 1; n <= 5; n += 1) expect(text, `file ${n}`).to.contain(collapse(payload(n + 3)));
    expect(text, 'confirmation labels').to.contain(collapse(payload(0))).and.to.contain(collapse(payload(1)));
    expect(window.markupRan).to.equal(undefined);
  });

  it('status view: the sale\'s own wording of every state, reason and whitelisting step reads as typed, with no element or code from it', async () => {
    const status = (changes: Partial<InvestorStatus>): InvestorStatus => ({ state: 'pending', reasons: [], whitelist: 'unprocessed', submissionCount: 2, ...changes });
    const views: { label: string; status: InvestorStatus; streamState: 'open' | 'reconnecting' | 'unavailable'; submittedJustNow?: boolean }[] = [
      { label: 'pending', status: status({}), streamState: 'open', submittedJustNow: true },
      { label: 'needs action', status: status({ state: 'needs_action', reasons: ['data_mismatch', 'document_issue', 'other_issue'] }), streamState: 'reconnecting' },
      { label: 'approved, started', status: status({ state: 'approved', whitelist: 'started' }), streamState: 'open' },
      { label: 'approved, failed', status: status({ state: 'approved', whitelist: 'failed' }), streamState: 'open' },
      { label: 'denied', status: status({ state: 'denied' }), streamState: 'unavailable' },
      { label: 'not submitted', status: status({ state: 'not_submitted', submissionCount: 0 }), streamState: 'open' },
    ];
    /** Draw the view with the catalog's status texts replaced, in catalog order, by `text(0)`, `text(1)` … */
    const drawWith = (view: (typeof views)[number], text: (n: number) => string) => {
      let wording: Messages | undefined;
      return (form: KycForm) => {
        if (wording === undefined) {
          // The sale's `messages` override (plain text by contract) for every status text.
          let n = 0;
          const replace = (value: unknown): unknown => {
            if (typeof value === 'string') return text(n++);
            return typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replace(item)])) : value;
          };
          wording = { ...form.messages, status: replace(form.messages.status) as Messages['status'] };
        }
        return renderStatusStep({ messages: wording, locale: form.locale, status: view.status, streamState: view.streamState, onFix: () => undefined, ...(view.submittedJustNow ? { submittedJustNow: true } : {}) });
      };
    };
    for (const view of views) {
      const plain = await mountStep(drawWith(view, (n) => `Plain wording ${n}.`), { styles: statusStepStyles });
      steps.push(plain);
      const step = await mountStep(drawWith(view, payload), { styles: statusStepStyles });
      steps.push(step);
      await settle();

      expectInert(step.root, view.label);
      expect(shape(step.root), view.label).to.deep.equal(shape(plain.root));
      // Where the plain view shows text n, the payload view shows payload n, as typed.
      const shownTexts = [...visibleText(plain.root).matchAll(/Plain wording (\d+)\./g)].map((match) => Number(match[1]));
      expect(shownTexts.length, `${view.label}: texts shown`).to.be.greaterThan(0);
      const text = visibleText(step.root);
      for (const n of shownTexts) expect(text, `${view.label}: text ${n}`).to.contain(collapse(payload(n)));
      expect(window.markupRan, view.label).to.equal(undefined);
    }
  });
});
