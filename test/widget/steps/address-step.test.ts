import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { choiceListStyles } from '../../../widget/fields/choice-list.js';
import { format } from '../../../widget/i18n/format.js';
import { renderAddressStep } from '../../../widget/steps/address-step.js';
import { mountStep, type MountedStep, type MountOptions } from './step-harness.js';
import { loadAxe } from '../support/axe.js';


/** Run axe-core (WCAG 2.2 AA rules) over the element, its shadow root included; expect no violation. */
async function expectAccessible(element: Element): Promise<void> {
  const axe = await loadAxe();
  const results = await axe.run(element, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'] } });
  expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).to.deep.equal([]);
}

function mountAddress(options: MountOptions = {}): Promise<MountedStep> {
  return mountStep((form) => renderAddressStep(form), { styles: choiceListStyles, ...options });
}

function country(step: MountedStep): HTMLInputElement {
  return step.root.querySelector('input#country') as HTMLInputElement;
}

async function typeCountry(step: MountedStep, text: string): Promise<void> {
  country(step).focus();
  await sendKeys({ type: text });
  await step.update();
}

describe('renderAddressStep', () => {
  let step: MountedStep | undefined;
  afterEach(() => {
    step?.remove();
    step = undefined;
  });

  it('asks for the country of residence, then the postal address with autofill tokens, in that order', async () => {
    step = await mountAddress();
    expect(step.root.querySelector('.intro')?.textContent).to.equal(step.form.messages.address.intro);
    const controls = [...step.root.querySelectorAll('input')].map((input) => [input.id, input.getAttribute('autocomplete')]);
    expect(controls).to.deep.equal([
      ['country', 'off'],
      ['streetAddress', 'address-line1'],
      ['city', 'address-level2'],
      ['state', 'address-level1'],
      ['postalCode', 'postal-code'],
    ]);
    expect(country(step).getAttribute('role')).to.equal('combobox');
    expect(step.root.querySelector('#country-hint')?.textContent).to.equal(step.form.messages.address.countryHint);
    expect(step.root.querySelector('#state-hint')?.textContent).to.equal(step.form.messages.address.stateHint);
  });

  it('draws only the fields the sale collects', async () => {
    step = await mountAddress({
      config: (config) => ({ ...config, rules: { ...config.rules, collected: config.rules.collected.filter((field) => field !== 'state' && field !== 'postalCode') } }),
    });
    expect([...step.root.querySelectorAll('input')].map((input) => input.id)).to.deep.equal(['country', 'streetAddress', 'city']);
  });

  it('keeps a blocked country in the list, tagged, and explains it once chosen', async () => {
    step = await mountAddress();
    const blocked = step.config.countries.find((choice) => choice.value === 'KOREA, NORTH');
    expect(blocked?.blocked).to.equal(true);

    await typeCountry(step, 'korea');
    const options = [...step.root.querySelectorAll('#country-listbox [role="option"]')];
    const blockedOption = options.find((option) => option.textContent?.startsWith('Korea, North'));
    expect(blockedOption?.querySelector('.tag')?.textContent).to.equal(step.form.messages.address.blockedCountryTag);
    expect(options.find((option) => option.textContent?.startsWith('Korea, South'))?.querySelector('.tag')).to.equal(null);

    (blockedOption as HTMLElement).click();
    await step.update();
    expect(step.draft.load()?.answers['country']).to.equal('KOREA, NORTH');
    const notice = format(step.form.messages.address.blockedCountryNotice, { country: 'Korea, North' }, 'en');
    expect(step.root.querySelector('#country-notice')?.textContent).to.equal(notice);
    expect(step.announcements).to.include(notice);
    expect(step.root.querySelector('#country-error')?.textContent).to.equal(step.form.messages.fieldErrors.blocked_country);
    expect(country(step).getAttribute('aria-describedby')).to.equal('country-hint country-notice country-error');

    // Another country: notice and error go.
    country(step).select();
    await typeCountry(step, 'korea, south');
    await sendKeys({ press: 'Enter' });
    await step.update();
    expect(step.draft.load()?.answers['country']).to.equal('KOREA, SOUTH');
    expect(step.root.querySelector('#country-notice')).to.equal(null);
    expect(step.root.querySelector('#country-error')).to.equal(null);
  });

  it('shows every problem of the step when it is checked, and keeps the answers in the draft', async () => {
    step = await mountAddress();
    const problems = step.form.checkStep('address');
    await step.update();
    expect(problems.map((problem) => `${problem.field}:${problem.rule}`)).to.deep.equal([
      'country:required',
      'streetAddress:required',
      'city:required',
      'state:required',
      'postalCode:required',
    ]);
    for (const field of ['country', 'streetAddress', 'city', 'state', 'postalCode']) {
      expect(step.root.querySelector(`#${field}-error`)?.textContent, field).to.equal(step.form.messages.fieldErrors.required);
    }

    await typeCountry(step, 'portugal');
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: '1 Rua Augusta' });
    await step.update();
    expect(step.root.activeElement?.id).to.equal('streetAddress');
    expect(step.draft.load()?.answers).to.include({ country: 'PORTUGAL', streetAddress: '1 Rua Augusta' });
    expect(step.form.checkStep('address').map((problem) => problem.field)).to.deep.equal(['city', 'state', 'postalCode']);
  });

  it('passes axe-core in light and dark, closed and with the list open', async () => {
    step = await mountAddress();
    await expectAccessible(step.element);
    step.form.checkStep('address');
    await typeCountry(step, 'ger');
    await sendKeys({ press: 'ArrowDown' });
    await step.update();
    await expectAccessible(step.element);
    step.element.setAttribute('theme', 'dark');
    await step.update();
    await expectAccessible(step.element);
  });

  it('passes axe-core in Arabic, right to left, with a blocked country chosen', async () => {
    step = await mountAddress({ locale: 'ar', dir: 'rtl' });
    const blocked = step.config.countries.find((choice) => choice.value === 'KOREA, NORTH');
    await typeCountry(step, 'korea, north');
    await sendKeys({ press: 'Enter' });
    await step.update();
    expect(country(step).value).to.equal(blocked?.label);
    expect(step.root.querySelector('#country-notice')?.textContent).to.equal(format(step.form.messages.address.blockedCountryNotice, { country: blocked?.label ?? '' }, 'ar'));
    await expectAccessible(step.element);
  });

  it('fits a 320 px phone without scrolling sideways, list open, left to right and right to left', async () => {
    for (const options of [{}, { locale: 'ar', dir: 'rtl' as const }]) {
      step?.remove();
      step = await mountAddress({ width: 320, ...options });
      step.form.checkStep('address');
      await typeCountry(step, 'a');
      const element = step.element;
      expect(element.scrollWidth, JSON.stringify(options)).to.be.at.most(element.clientWidth);
      const list = step.root.querySelector('#country-listbox') as HTMLElement;
      expect(list.hidden).to.equal(false);
      expect(list.scrollWidth).to.be.at.most(list.clientWidth);
    }
  });
});
