import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { toChecksumAddress } from '../../../proxy/contract/eip55.js';
import { ApiError } from '../../../widget/api/api-error.js';
import { createProxyClient } from '../../../widget/api/proxy-client.js';
import type { CheckedAddress, SaleConfig } from '../../../widget/api/proxy-types.js';
import { CHECK_PAUSE_MS, ethereumAddressRefusal, ethereumFieldStyles } from '../../../widget/fields/ethereum-field.js';
import { fieldErrorText } from '../../../widget/i18n/error-text.js';
import { format, formatNumber } from '../../../widget/i18n/format.js';
import { normaliseAmountInput, renderWalletStep, walletStepStyles } from '../../../widget/steps/wallet-step.js';
import { backendInfo, until } from '../services/backend.js';
import { memoryStorage, mountStep, type MountOptions, type MountedStep } from './step-harness.js';
import { loadAxe } from '../support/axe.js';

/** EIP-55's own test vector, and another address, typed all lowercase as many wallets show them. */
const ADDRESS = '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed';
const CHECKSUMMED = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const OTHER = '0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359';
/** The checksummed address with one letter's case flipped: 40 hex digits, but the checksum fails. */
const WRONG_CASE = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD';

interface AxeViolation {
  id: string;
  nodes: { target: unknown }[];
}
type Axe = { run(context: Element, options: object): Promise<{ violations: AxeViolation[] }> };


/** The WCAG 2.2 AA violations axe finds in the step (shadow root included). */
async function violations(step: MountedStep): Promise<{ id: string; targets: unknown[] }[]> {
  const axe = await loadAxe();
  const result = await axe.run(step.element, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
  return result.violations.map((violation) => ({ id: violation.id, targets: violation.nodes.map((node) => node.target) }));
}

function mountWallet(options: MountOptions = {}): Promise<MountedStep> {
  return mountStep((form) => renderWalletStep(form), { styles: [ethereumFieldStyles, walletStepStyles], ...options });
}

function withMinAmount(min: number): (config: SaleConfig) => SaleConfig {
  return (config) => ({ ...config, rules: { ...config.rules, minAmount: min } });
}

const addressInput = (step: MountedStep) => step.root.querySelector('input#ethereumAddress') as HTMLInputElement;
const amountInput = (step: MountedStep) => step.root.querySelector('input#estimatedParticipationAmount') as HTMLInputElement;
const text = (step: MountedStep, selector: string) => step.root.querySelector(selector)?.textContent?.trim();

/** Type `value` as a paste does: one input event. */
async function enter(step: MountedStep, input: HTMLInputElement, value: string): Promise<void> {
  input.value = value;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
  await step.update();
}

/** Leave the field. */
async function leave(step: MountedStep, input: HTMLInputElement): Promise<void> {
  input.focus();
  input.blur();
  await step.update();
}

/** Wait (at most 8 s) until the element matching `selector` says `expected`. */
async function untilText(step: MountedStep, selector: string, expected: string): Promise<void> {
  await until(() => text(step, selector) === expected, 8000, `${selector} to say "${expected}"`);
}

async function untilVerified(step: MountedStep): Promise<void> {
  await untilText(step, '#ethereumAddress-status', step.form.messages.wallet.verified);
}

/** The long address (in the offered form, the recorded form) wraps instead of widening a phone's screen. */
function expectNoSidewaysScroll(step: MountedStep): void {
  const panel = step.root.querySelector('.panel') as HTMLElement;
  expect(panel.scrollWidth, 'no horizontal overflow').to.be.at.most(panel.clientWidth);
}

/** Count the proxy checks (and keep their signals) while still asking the real proxy. */
function spyOnChecks(step: MountedStep): { addresses: string[]; signals: (AbortSignal | undefined)[] } {
  const real = step.form.checkEthereumAddress.bind(step.form);
  const seen = { addresses: [] as string[], signals: [] as (AbortSignal | undefined)[] };
  step.form.checkEthereumAddress = (address, signal) => {
    seen.addresses.push(address);
    seen.signals.push(signal);
    return real(address, signal);
  };
  return seen;
}

describe('wallet step', () => {
  let step: MountedStep | undefined;
  afterEach(() => {
    step?.remove();
    step = undefined;
  });

  it('introduces the step and warns against exchange addresses before the field, tied to the input', async () => {
    step = await mountWallet();
    const { wallet } = step.form.messages;
    const input = addressInput(step);
    expect(text(step, '.wallet-intro')).to.equal(wallet.intro);
    const warning = step.root.querySelector('#ethereumAddress-hint') as HTMLElement;
    expect(warning.classList.contains('notice')).to.equal(true);
    expect(warning.textContent).to.equal(wallet.exchangeWarning);
    expect(warning.compareDocumentPosition(input) & Node.DOCUMENT_POSITION_FOLLOWING).to.not.equal(0);
    expect(input.getAttribute('aria-describedby')).to.equal('ethereumAddress-hint');
    expect(text(step, 'label[for="ethereumAddress"]')).to.equal(step.form.messages.fields.ethereumAddress);
    expect(input.getAttribute('autocomplete')).to.equal('off');
    expect(input.getAttribute('spellcheck')).to.equal('false');
    expect(input.getAttribute('dir')).to.equal('ltr');
    expect(input.getAttribute('inputmode')).to.equal('text');
    expect(input.placeholder).to.equal(wallet.placeholder);
    expect(getComputedStyle(input).fontFamily).to.match(/mono/i);
    expect(input.required).to.equal(true);
  });

  it('accepts a lowercase address, says which checksummed form it will be, and records that form once the proxy verified it', async () => {
    step = await mountWallet();
    const { wallet } = step.form.messages;
    const input = addressInput(step);
    await enter(step, input, `  ${ADDRESS}\n`);
    expect(step.draft.load()?.answers['ethereumAddress'], 'pasted whitespace trimmed').to.equal(ADDRESS);
    expect(text(step, '#ethereumAddress-checksummed')).to.equal(format(wallet.checksummedForm, { address: CHECKSUMMED }, 'en'));
    expect(input.getAttribute('aria-describedby')).to.equal('ethereumAddress-hint ethereumAddress-checksummed');

    await leave(step, input);
    expect(text(step, '#ethereumAddress-status')).to.equal(wallet.checking);
    expect(step.root.querySelector('#ethereumAddress-error')).to.equal(null);
    await untilVerified(step);
    expect(step.draft.load()?.answers['ethereumAddress']).to.equal(CHECKSUMMED);
    expect(input.value).to.equal(CHECKSUMMED);
    expect(input.getAttribute('aria-invalid')).to.equal('false');
    expect(step.root.querySelector('#ethereumAddress-checksummed'), 'nothing left to explain').to.equal(null);
    expect(step.announcements).to.deep.equal([wallet.verified]);
  });

  it("reads a valid address back in full, in groups of four, where a phone's input cuts it", async () => {
    step = await mountWallet({ width: 320 });
    const input = addressInput(step);
    await enter(step, input, CHECKSUMMED);
    const readback = step.root.querySelector('.readback') as HTMLElement;
    expect(input.scrollWidth, 'the input cannot show the whole address at 320 px').to.be.above(input.clientWidth);
    expect(readback.textContent).to.equal('0x 5aAe b605 3F3E 94C9 b9A0 9f33 6694 35E7 Ef1B eAed');
    expect(readback.textContent?.replace(/ /g, '')).to.equal(CHECKSUMMED);
    expect(readback.getAttribute('dir')).to.equal('ltr');
    expect(readback.getAttribute('aria-hidden'), 'screen readers read the input itself').to.equal('true');
    expectNoSidewaysScroll(step);

    // Not for an address still to be checksummed (the recorded form is shown whole), nor for a wrong one.
    await enter(step, input, ADDRESS);
    expect(step.root.querySelector('.readback')).to.equal(null);
    await enter(step, input, WRONG_CASE);
    await leave(step, input);
    expect(step.root.querySelector('.readback')).to.equal(null);
  });

  it('checks a complete address when typing pauses, not an incomplete one', async () => {
    step = await mountWallet();
    const checks = spyOnChecks(step);
    const input = addressInput(step);
    input.focus();
    await enter(step, input, ADDRESS.slice(0, 20));
    await new Promise((resolve) => setTimeout(resolve, CHECK_PAUSE_MS + 300));
    await step.update();
    expect(checks.addresses).to.deep.equal([]);
    expect(step.root.querySelector('#ethereumAddress-error'), 'no error while typing').to.equal(null);

    await enter(step, input, ADDRESS);
    await untilVerified(step);
    expect(checks.addresses).to.deep.equal([ADDRESS]);
    expect(step.root.activeElement).to.equal(input);
  });

  it('explains a wrong checksum without asking the proxy, and the offered form fixes the field and returns focus', async () => {
    step = await mountWallet();
    const checks = spyOnChecks(step);
    const input = addressInput(step);
    await enter(step, input, WRONG_CASE);
    await leave(step, input);
    const suggestion = toChecksumAddress(WRONG_CASE);
    expect(suggestion).to.equal(CHECKSUMMED);
    expect(text(step, '#ethereumAddress-error')).to.equal(fieldErrorText(step.form.messages, { field: 'ethereumAddress', rule: 'checksum', params: { suggestion } }, 'en'));
    expect(text(step, '#ethereumAddress-error')).to.contain(suggestion);
    expect(input.getAttribute('aria-invalid')).to.equal('true');
    expect(input.getAttribute('aria-describedby')).to.equal('ethereumAddress-hint ethereumAddress-error');
    expect(checks.addresses, 'the local check comes first').to.deep.equal([]);

    const button = step.root.querySelector('button.suggestion') as HTMLButtonElement;
    expect(button.textContent?.trim()).to.equal(format(step.form.messages.wallet.useSuggestion, { suggestion }, 'en'));
    button.click();
    await step.update();
    await step.element.updateComplete;
    expect(input.value).to.equal(CHECKSUMMED);
    expect(step.root.querySelector('#ethereumAddress-error')).to.equal(null);
    expect(step.root.querySelector('button.suggestion')).to.equal(null);
    expect(step.root.activeElement).to.equal(input);
    await untilVerified(step);
    expect(checks.addresses).to.deep.equal([CHECKSUMMED]);
    expect(step.draft.load()?.answers['ethereumAddress']).to.equal(CHECKSUMMED);
  });

  it('refuses what is not an address with the format rule, and an empty field with the required rule', async () => {
    step = await mountWallet();
    const checks = spyOnChecks(step);
    const input = addressInput(step);
    const { fieldErrors } = step.form.messages;
    await leave(step, input);
    expect(text(step, '#ethereumAddress-error')).to.equal(fieldErrors.required);

    await enter(step, input, '0x12345zz');
    await leave(step, input);
    expect(text(step, '#ethereumAddress-error')).to.equal(fieldErrors.format.ethereumAddress);
    expect(input.getAttribute('aria-invalid')).to.equal('true');
    expect(step.root.querySelector('button.suggestion')).to.equal(null);
    expect(step.form.checkStep('wallet').map((problem) => `${problem.field}:${problem.rule}`)).to.include('ethereumAddress:format');
    expect(checks.addresses).to.deep.equal([]);
  });

  it('aborts the check in flight when the value changes, and ignores its late answer', async () => {
    step = await mountWallet();
    const real = step.form.checkEthereumAddress.bind(step.form);
    const signals: (AbortSignal | undefined)[] = [];
    const answers: Promise<CheckedAddress>[] = [];
    // The first answer arrives whatever the signal says, as a response already on its way would.
    step.form.checkEthereumAddress = (address, signal) => {
      signals.push(signal);
      const answer = signals.length === 1 ? real(address) : real(address, signal);
      answers.push(answer);
      return answer;
    };
    const input = addressInput(step);
    await enter(step, input, ADDRESS);
    await leave(step, input);
    expect(signals).to.have.length(1);
    await enter(step, input, OTHER);
    expect(signals[0]?.aborted, 'the first check is aborted').to.equal(true);
    expect(step.root.querySelector('#ethereumAddress-status'), 'no status for the new value yet').to.equal(null);

    expect((await answers[0])?.address).to.equal(CHECKSUMMED);
    await step.update();
    expect(step.root.querySelector('#ethereumAddress-status'), 'no stale verdict').to.equal(null);
    expect(step.draft.load()?.answers['ethereumAddress']).to.equal(OTHER);
    expect(step.announcements).to.deep.equal([]);

    await leave(step, input);
    await untilVerified(step);
    expect(step.draft.load()?.answers['ethereumAddress']).to.equal(toChecksumAddress(OTHER));
    expect(signals[1]?.aborted).to.equal(false);
  });

  it('explains an unreachable check with a retry, without blocking the investor', async () => {
    step = await mountWallet();
    const info = await backendInfo();
    const real = step.form.checkEthereumAddress.bind(step.form);
    const closed = createProxyClient({ proxy: info.closedUrl, sale: info.sale, timeoutMs: 3000 });
    step.form.checkEthereumAddress = (address, signal) => closed.checkEthereumAddress('no-token', address, signal);
    const input = addressInput(step);
    const { messages } = step.form;
    await enter(step, input, ADDRESS);
    await leave(step, input);
    await untilText(step, '#ethereumAddress-status', messages.wallet.checkUnavailable);
    expect(input.getAttribute('aria-invalid')).to.equal('false');
    expect(step.root.querySelector('#ethereumAddress-error')).to.equal(null);
    expect(input.getAttribute('aria-describedby')).to.contain('ethereumAddress-status');
    expect(step.announcements).to.deep.equal([messages.wallet.checkUnavailable]);
    expect(text(step, '#ethereumAddress-checksummed'), 'still says how it will be recorded').to.equal(format(messages.wallet.checksummedForm, { address: CHECKSUMMED }, 'en'));
    await enter(step, amountInput(step), '250');
    expect(step.form.checkStep('wallet'), 'the step can be left').to.deep.equal([]);

    step.form.checkEthereumAddress = real;
    const retry = step.root.querySelector('.check-failed button') as HTMLButtonElement;
    expect(retry.textContent?.trim()).to.equal(messages.common.retry);
    retry.click();
    await step.update();
    await step.element.updateComplete;
    expect(step.root.activeElement).to.equal(input);
    await untilVerified(step);
    expect(step.draft.load()?.answers['ethereumAddress']).to.equal(CHECKSUMMED);
  });

  it("shows the proxy's refusal as the field's error", async () => {
    step = await mountWallet();
    step.form.checkEthereumAddress = () =>
      Promise.reject(
        new ApiError({
          status: 400,
          code: 'invalid_request',
          kind: 'http',
          message: 'The address is refused.',
          fields: [{ field: 'address', rule: 'provider', message: 'The verification service does not accept this Ethereum address.' }],
        }),
      );
    const input = addressInput(step);
    const { fieldErrors } = step.form.messages;
    await enter(step, input, ADDRESS);
    await leave(step, input);
    await untilText(step, '#ethereumAddress-error', format(fieldErrors.provider, {}, 'en'));
    expect(input.getAttribute('aria-invalid')).to.equal('true');
    expect(step.announcements).to.deep.equal([format(fieldErrors.provider, {}, 'en')]);
    expect(ethereumAddressRefusal(step.form)?.rule).to.equal('provider');
    expect(step.draft.load()?.answers['ethereumAddress'], 'kept as typed').to.equal(ADDRESS);

    await enter(step, input, OTHER);
    expect(step.root.querySelector('#ethereumAddress-error'), 'the refusal was about the old value').to.equal(null);
    expect(ethereumAddressRefusal(step.form)).to.equal(undefined);
  });

  it('goes through by keyboard: type, Tab on, Shift+Tab back to the offered form, Enter', async () => {
    step = await mountWallet();
    const input = addressInput(step);
    input.focus();
    await sendKeys({ type: WRONG_CASE });
    await sendKeys({ press: 'Tab' });
    await step.update();
    expect(step.root.activeElement, 'Tab leaves for the amount').to.equal(amountInput(step));
    expect(text(step, '#ethereumAddress-error')).to.contain(CHECKSUMMED);
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ up: 'Shift' });
    expect((step.root.activeElement as HTMLElement | null)?.classList.contains('suggestion'), 'the offered form comes back first').to.equal(true);
    await sendKeys({ press: 'Enter' });
    await step.update();
    await step.element.updateComplete;
    expect(step.root.activeElement).to.equal(input);
    expect(input.value).to.equal(CHECKSUMMED);
    await untilVerified(step);
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: '1200.5' });
    await step.update();
    expect(step.draft.load()?.answers['estimatedParticipationAmount']).to.equal('1200.5');
  });

  it('asks for the amount with a decimal keyboard, a hint and the sale minimum, and explains an amount below it', async () => {
    step = await mountWallet({ config: withMinAmount(1000) });
    const input = amountInput(step);
    const { amount, fieldErrors } = step.form.messages;
    expect(input.getAttribute('inputmode')).to.equal('decimal');
    expect(input.getAttribute('dir')).to.equal('ltr');
    expect(text(step, '#estimatedParticipationAmount-hint')).to.equal(`${amount.hint} ${format(amount.minimum, { min: formatNumber(1000, 'en') }, 'en')}`);
    expect(text(step, '#estimatedParticipationAmount-hint')).to.contain('1,000');
    await enter(step, input, '500');
    await leave(step, input);
    expect(text(step, '#estimatedParticipationAmount-error')).to.equal(format(fieldErrors.min_amount, { min: 1000 }, 'en'));
    expect(input.getAttribute('aria-invalid')).to.equal('true');
    await enter(step, input, '1500');
    expect(step.root.querySelector('#estimatedParticipationAmount-error')).to.equal(null);
  });

  it('reads a decimal comma where the language writes one, and leaves an English comma to the format rule', async () => {
    step = await mountWallet({ locale: 'de', config: withMinAmount(1000) });
    let input = amountInput(step);
    expect(text(step, '#estimatedParticipationAmount-hint')).to.contain('1.000');
    await enter(step, input, '1500,50');
    expect(step.draft.load()?.answers['estimatedParticipationAmount']).to.equal('1500.50');
    expect(input.value).to.equal('1500.50');
    await leave(step, input);
    expect(step.root.querySelector('#estimatedParticipationAmount-error')).to.equal(null);
    await enter(step, input, '1.500,50');
    await leave(step, input);
    expect(text(step, '#estimatedParticipationAmount-error'), 'grouping and decimals mixed: not guessed').to.equal(step.form.messages.fieldErrors.format.amount);
    step.remove();

    step = await mountWallet();
    input = amountInput(step);
    await enter(step, input, '1,500');
    expect(step.draft.load()?.answers['estimatedParticipationAmount'], 'maybe a thousands separator: kept').to.equal('1,500');
    await leave(step, input);
    expect(text(step, '#estimatedParticipationAmount-error')).to.equal(step.form.messages.fieldErrors.format.amount);
  });

  it('normalises amounts typed with Arabic-Indic digits', () => {
    expect(normaliseAmountInput('١٥٠٠٫٥', 'ar')).to.equal('1500.5');
    expect(normaliseAmountInput('۲۵۰', 'en')).to.equal('250');
    expect(normaliseAmountInput('2,5', 'fr')).to.equal('2.5');
    expect(normaliseAmountInput('2,5', 'en')).to.equal('2,5');
    expect(normaliseAmountInput('1,000,5', 'es')).to.equal('1,000,5');
  });

  it('draws only the fields the sale collects', async () => {
    step = await mountWallet({ config: (config) => ({ ...config, rules: { ...config.rules, collected: config.rules.collected.filter((field) => field !== 'ethereumAddress') } }) });
    expect(addressInput(step)).to.equal(null);
    expect(step.root.querySelector('.wallet-intro')).to.equal(null);
    expect(amountInput(step)).to.not.equal(null);
    step.remove();
    step = await mountWallet({ config: (config) => ({ ...config, rules: { ...config.rules, collected: config.rules.collected.filter((field) => field !== 'estimatedParticipationAmount') } }) });
    expect(addressInput(step)).to.not.equal(null);
    expect(amountInput(step)).to.equal(null);
  });

  it('keeps the answers in the draft across a reload', async () => {
    const storage = memoryStorage();
    step = await mountWallet({ storage });
    await enter(step, addressInput(step), ADDRESS);
    await enter(step, amountInput(step), '42');
    step.remove();
    step = await mountWallet({ storage });
    expect(addressInput(step).value).to.equal(ADDRESS);
    expect(amountInput(step).value).to.equal('42');
  });

  it('passes axe in light and dark, with an error and the offered form, and when verified', async () => {
    step = await mountWallet({ width: 375, config: withMinAmount(100) });
    const input = addressInput(step);
    await enter(step, input, WRONG_CASE);
    await leave(step, input);
    await enter(step, amountInput(step), '5');
    await leave(step, amountInput(step));
    expect(step.root.querySelector('button.suggestion')).to.not.equal(null);
    expectNoSidewaysScroll(step);
    expect(await violations(step), 'light, errors').to.deep.equal([]);
    step.element.setAttribute('theme', 'dark');
    await step.update();
    expect(await violations(step), 'dark, errors').to.deep.equal([]);

    (step.root.querySelector('button.suggestion') as HTMLButtonElement).click();
    await untilVerified(step);
    expect(await violations(step), 'dark, verified').to.deep.equal([]);
    step.element.setAttribute('theme', 'light');
    await step.update();
    expect(await violations(step), 'light, verified').to.deep.equal([]);
  });

  it('passes axe in Arabic, right to left, with the address kept left to right', async () => {
    step = await mountWallet({ locale: 'ar', dir: 'rtl', width: 320, config: withMinAmount(100) });
    const input = addressInput(step);
    const info = await backendInfo();
    const closed = createProxyClient({ proxy: info.closedUrl, sale: info.sale, timeoutMs: 3000 });
    step.form.checkEthereumAddress = (address, signal) => closed.checkEthereumAddress('no-token', address, signal);
    await enter(step, input, ADDRESS);
    await leave(step, input);
    await untilText(step, '#ethereumAddress-status', step.form.messages.wallet.checkUnavailable);
    expect(getComputedStyle(step.root.querySelector('.panel') as Element).direction).to.equal('rtl');
    expect(getComputedStyle(input).direction).to.equal('ltr');
    expect(getComputedStyle(amountInput(step)).direction).to.equal('ltr');
    expect(text(step, '#ethereumAddress-checksummed')).to.contain(CHECKSUMMED);
    expectNoSidewaysScroll(step);
    expect(await violations(step), 'rtl, check failed').to.deep.equal([]);
    step.element.setAttribute('theme', 'dark');
    await step.update();
    expect(await violations(step), 'rtl dark').to.deep.equal([]);
  });
});
