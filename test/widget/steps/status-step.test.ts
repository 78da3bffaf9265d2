import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import type { InvestorStatus, IssueReason } from '../../../widget/api/proxy-types.js';
import { renderStatusStep, statusStepStyles, type StatusView } from '../../../widget/steps/status-step.js';
import { mountStep, type MountedStep, type MountOptions } from './step-harness.js';
import { loadAxe } from '../support/axe.js';


/** Run axe-core over the step (its shadow root included) with the WCAG 2.2 AA rules. */
async function expectAccessible(step: MountedStep, label: string): Promise<void> {
  const axe = await loadAxe();
  const results = await axe.run(step.element, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'] } });
  // It did look inside the shadow root (contrast is checked on the step's own text).
  expect(results.passes.map((rule) => rule.id), label).to.include('color-contrast');
  expect(results.violations.map((violation) => `${label}: ${violation.id}: ${violation.nodes.map((node) => node.html).join(' | ')}`)).to.deep.equal([]);
}

const status = (changes: Partial<InvestorStatus> = {}): InvestorStatus => ({ state: 'pending', reasons: [], whitelist: 'unprocessed', submissionCount: 1, ...changes });

/** The status step in the harness, drawn from a view the test changes (`set` redraws). */
interface MountedStatus {
  step: MountedStep;
  fixes: number;
  set(changes: Partial<Omit<StatusView, 'messages' | 'locale' | 'onFix'>>): Promise<void>;
  /** The rendered text of `selector` (whitespace collapsed), '' when absent. */
  text(selector: string): string;
}

async function mountStatus(initial: Partial<StatusView> = {}, options: MountOptions = {}): Promise<MountedStatus> {
  let view: Omit<StatusView, 'messages' | 'locale'> = { status: status(), streamState: 'open', onFix: () => (mounted.fixes += 1), ...initial };
  const step = await mountStep((form) => renderStatusStep({ ...view, messages: form.messages, locale: form.locale }), { styles: statusStepStyles, ...options });
  const mounted: MountedStatus = {
    step,
    fixes: 0,
    set: async (changes) => {
      view = { ...view, ...changes };
      await step.update();
    },
    text: (selector) => (step.root.querySelector<HTMLElement>(selector)?.innerText ?? '').replace(/\s+/g, ' ').trim(),
  };
  return mounted;
}

const REASONS: IssueReason[] = ['data_mismatch', 'document_issue', 'other_issue'];
const WHITELIST = ['unprocessed', 'started', 'done', 'failed'] as const;

describe('renderStatusStep', () => {
  let mounted: MountedStatus | undefined;
  afterEach(() => {
    mounted?.step.remove();
    mounted = undefined;
  });

  it('says a submitted case is under review, in the live region, with no fix offered', async () => {
    mounted = await mountStatus({ submittedJustNow: true });
    const { messages } = mounted.step.form;
    const region = mounted.step.root.querySelector('[role="status"]');
    expect(region?.getAttribute('aria-live')).to.equal('polite');
    expect(region?.getAttribute('aria-atomic')).to.equal('true');
    expect(mounted.step.root.querySelectorAll('[role="status"], [aria-live]')).to.have.length(1);
    expect(mounted.text('.status-title')).to.equal(messages.status.pendingTitle);
    expect(mounted.text('.status-body')).to.equal(messages.status.pendingBody);
    expect(mounted.text('.status-submitted')).to.equal(messages.status.submitted);
    expect(region?.contains(mounted.step.root.querySelector('.status-title'))).to.equal(true);
    expect(mounted.step.root.querySelector('button')).to.equal(null);
    expect(mounted.step.root.querySelector('.whitelist')).to.equal(null);
    // The icon is decoration: hidden from assistive technology, the text says it all.
    const icon = mounted.step.root.querySelector('svg');
    expect(icon?.getAttribute('aria-hidden')).to.equal('true');
    expect(mounted.step.root.querySelector('.status-summary')?.getAttribute('data-tone')).to.equal('pending');
    await expectAccessible(mounted.step, 'pending');

    await mounted.set({ submittedJustNow: false });
    expect(mounted.step.root.querySelector('.status-submitted')).to.equal(null);
  });

  it('lists each reason a reviewer gives and offers the fix, by click and keyboard', async () => {
    mounted = await mountStatus({ status: status({ state: 'needs_action', reasons: ['data_mismatch'], submissionCount: 1 }) });
    const { messages } = mounted.step.form;
    expect(mounted.text('.status-title')).to.equal(messages.status.needsActionTitle);
    expect(mounted.text('.status-body')).to.equal(messages.status.needsActionBody);
    for (const reason of REASONS) {
      await mounted.set({ status: status({ state: 'needs_action', reasons: [reason] }) });
      expect([...mounted.step.root.querySelectorAll('.status-reasons li')].map((item) => item.textContent)).to.deep.equal([messages.status.reasons[reason]]);
    }
    await mounted.set({ status: status({ state: 'needs_action', reasons: REASONS }) });
    expect([...mounted.step.root.querySelectorAll('[role="status"] .status-reasons li')].map((item) => item.textContent)).to.deep.equal(REASONS.map((reason) => messages.status.reasons[reason]));
    expect(mounted.step.root.querySelector('.status-summary')?.getAttribute('data-tone')).to.equal('warning');
    await expectAccessible(mounted.step, 'needs_action');

    const fix = mounted.step.root.querySelector<HTMLButtonElement>('button');
    expect(fix?.textContent?.trim()).to.equal(messages.status.fix);
    expect(fix?.type).to.equal('button');
    // The button is outside the live region: announcing a state never reads a control.
    expect(mounted.step.root.querySelector('[role="status"] button')).to.equal(null);
    fix?.click();
    expect(mounted.fixes).to.equal(1);
    fix?.focus();
    await sendKeys({ press: 'Enter' });
    expect(mounted.fixes).to.equal(2);
    await sendKeys({ press: 'Space' });
    expect(mounted.fixes).to.equal(3);
  });

  it('shows an approval with the whitelisting progress, each state in words', async () => {
    mounted = await mountStatus({ status: status({ state: 'approved' }) });
    const { messages } = mounted.step.form;
    expect(mounted.text('.status-title')).to.equal(messages.status.approvedTitle);
    expect(mounted.text('.status-body')).to.equal(messages.status.approvedBody);
    expect(mounted.step.root.querySelector('.status-summary')?.getAttribute('data-tone')).to.equal('success');
    expect(mounted.step.root.querySelector('button')).to.equal(null);
    const steps = () => [...mounted!.step.root.querySelectorAll('.whitelist-step')].map((item) => item.getAttribute('data-step'));
    const expected = {
      // Nothing filled under "Not started yet".
      unprocessed: ['ahead', 'ahead'],
      started: ['reached', 'ahead'],
      done: ['reached', 'reached'],
      failed: ['reached', 'failed'],
    };
    for (const whitelist of WHITELIST) {
      await mounted.set({ status: status({ state: 'approved', whitelist }) });
      expect(mounted.text('.whitelist-title'), whitelist).to.equal(messages.status.whitelistTitle);
      expect(mounted.text('.whitelist-state'), whitelist).to.equal(messages.status.whitelist[whitelist]);
      expect(steps(), whitelist).to.deep.equal(expected[whitelist]);
      // The indicator repeats the words: hidden from screen readers, inside the announced region.
      expect(mounted.step.root.querySelector('.whitelist-steps')?.getAttribute('aria-hidden')).to.equal('true');
      expect(mounted.step.root.querySelector('[role="status"] .whitelist-state')).to.not.equal(null);
      await expectAccessible(mounted.step, `approved, ${whitelist}`);
    }
  });

  it('shows a denial, a case not yet submitted, and a status not yet read', async () => {
    mounted = await mountStatus({ status: status({ state: 'denied', submissionCount: 2 }) });
    const { messages } = mounted.step.form;
    expect(mounted.text('.status-title')).to.equal(messages.status.deniedTitle);
    expect(mounted.text('.status-body')).to.equal(messages.status.deniedBody);
    expect(mounted.step.root.querySelector('.status-summary')?.getAttribute('data-tone')).to.equal('danger');
    expect(mounted.step.root.querySelector('button, .whitelist')).to.equal(null);
    await expectAccessible(mounted.step, 'denied');

    await mounted.set({ status: status({ state: 'not_submitted', submissionCount: 0 }) });
    expect(mounted.text('.status-title')).to.equal(messages.status.notSubmitted);
    expect(mounted.step.root.querySelector('.status-body')).to.equal(null);
    expect(mounted.step.root.querySelector('.status-submissions')).to.equal(null);
    await expectAccessible(mounted.step, 'not_submitted');

    await mounted.set({ status: undefined, streamState: 'connecting' });
    expect(mounted.text('.status-title')).to.equal(messages.common.loading);
    await mounted.set({ streamState: 'unavailable' });
    expect(mounted.text('.status-title')).to.equal('');
    expect(mounted.text('.status-live')).to.equal(messages.status.unavailable);
  });

  it('counts the submissions only once there was more than one', async () => {
    mounted = await mountStatus({ status: status({ submissionCount: 1 }) });
    expect(mounted.step.root.querySelector('.status-submissions')).to.equal(null);
    await mounted.set({ status: status({ submissionCount: 3 }) });
    expect(mounted.text('.status-submissions')).to.equal('Submitted 3 times');
    await mounted.set({ status: status({ submissionCount: 2 }) });
    expect(mounted.text('.status-submissions')).to.equal('Submitted 2 times');
  });

  it('says whether the status follows the stream, for each stream state', async () => {
    mounted = await mountStatus();
    const { messages } = mounted.step.form;
    const expected = { open: messages.status.live, reconnecting: messages.status.reconnecting, unavailable: messages.status.unavailable, connecting: '', closed: '' };
    for (const [streamState, text] of Object.entries(expected)) {
      await mounted.set({ streamState: streamState as StatusView['streamState'] });
      expect(mounted.text('.status-live'), streamState).to.equal(text);
      // Not a second live region: the stream's ups and downs are not announced over the status.
      expect(mounted.step.root.querySelector('.status-live')?.closest('[role="status"]') ?? null, streamState).to.equal(null);
    }
    await mounted.set({ streamState: 'reconnecting' });
    await expectAccessible(mounted.step, 'reconnecting');
  });

  it('keeps the live region node across a change of state, and leaves it untouched by other redraws', async () => {
    mounted = await mountStatus({ status: status({ state: 'pending' }) });
    const { messages } = mounted.step.form;
    const region = mounted.step.root.querySelector('[role="status"]');
    const title = mounted.step.root.querySelector('.status-title');
    const seen: MutationRecord[] = [];
    const observer = new MutationObserver((records) => seen.push(...records));
    observer.observe(region!, { subtree: true, childList: true, characterData: true, attributes: true });
    /** The changes made inside the region since the last call. */
    const changes = (): MutationRecord[] => seen.splice(0).concat(observer.takeRecords());

    // A redraw for the stream only (or for nothing) changes nothing the screen reader would read again.
    await mounted.set({ streamState: 'reconnecting' });
    await mounted.set({ streamState: 'open', status: status({ state: 'pending' }) });
    expect(changes()).to.deep.equal([]);

    // A new state rewrites the texts inside the same nodes: announced once, politely.
    await mounted.set({ status: status({ state: 'approved', whitelist: 'started' }) });
    expect(changes().length).to.be.greaterThan(0);
    expect(mounted.step.root.querySelector('[role="status"]')).to.equal(region);
    expect(mounted.step.root.querySelector('.status-title')).to.equal(title);
    expect(title?.textContent).to.equal(messages.status.approvedTitle);

    // The whitelisting moving on is a change inside the region too.
    await mounted.set({ status: status({ state: 'approved', whitelist: 'done' }) });
    expect(changes().length).to.be.greaterThan(0);
    expect(mounted.step.root.querySelector('[role="status"]')).to.equal(region);
    expect(mounted.text('.whitelist-state')).to.equal(messages.status.whitelist.done);
    observer.disconnect();
  });

  it('passes axe-core in the dark theme on a phone', async () => {
    mounted = await mountStatus({ status: status({ state: 'needs_action', reasons: REASONS, submissionCount: 2 }), streamState: 'reconnecting' }, { width: 320 });
    mounted.step.element.setAttribute('theme', 'dark');
    await mounted.step.update();
    expect(mounted.step.element.scrollWidth).to.be.at.most(320);
    await expectAccessible(mounted.step, 'dark, needs_action');
    await mounted.set({ status: status({ state: 'approved', whitelist: 'failed' }), streamState: 'unavailable' });
    await expectAccessible(mounted.step, 'dark, approved');
    await mounted.set({ status: status({ state: 'denied' }), streamState: 'open' });
    await expectAccessible(mounted.step, 'dark, denied');
  });

  it('speaks Arabic right to left, with the plural of the submissions, and passes axe-core', async () => {
    mounted = await mountStatus({ status: status({ state: 'needs_action', reasons: ['document_issue'], submissionCount: 3 }) }, { locale: 'ar', dir: 'rtl' });
    const { messages } = mounted.step.form;
    expect(mounted.text('.status-title')).to.equal(messages.status.needsActionTitle);
    expect(mounted.text('.status-reasons')).to.equal(messages.status.reasons.document_issue);
    expect(mounted.step.root.querySelector('button')?.textContent?.trim()).to.equal(messages.status.fix);
    // Arabic's plural "few" form, with Arabic digits.
    const few = messages.status.submissions.few ?? messages.status.submissions.other;
    expect(mounted.text('.status-submissions')).to.equal(few.replace('{count}', new Intl.NumberFormat('ar').format(3)));
    await expectAccessible(mounted.step, 'ar, needs_action');
    await mounted.set({ status: status({ state: 'approved', whitelist: 'started' }) });
    mounted.step.element.setAttribute('theme', 'dark');
    await mounted.step.update();
    expect(mounted.text('.whitelist-state')).to.equal(messages.status.whitelist.started);
    await expectAccessible(mounted.step, 'ar dark, approved');
  });
});
