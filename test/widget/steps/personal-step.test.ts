import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { css } from 'lit';
import { choiceListStyles } from '../../../widget/fields/choice-list.js';
import { dateFieldStyles } from '../../../widget/fields/date-field.js';
import { renderPersonalStep } from '../../../widget/steps/personal-step.js';
import { memoryStorage, mountStep, type MountedStep, type MountOptions } from './step-harness.js';
import { loadAxe } from '../support/axe.js';


/** Run axe-core (WCAG 2.2 AA rules) over the element, its shadow root included; expect no violation. */
async function expectAccessible(element: Element): Promise<void> {
  const axe = await loadAxe();
  const results = await axe.run(element, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'] } });
  expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).to.deep.equal([]);
}

const styles = css`
  ${choiceListStyles}
  ${dateFieldStyles}
`;

function mountPersonal(options: MountOptions = {}): Promise<MountedStep> {
  return mountStep((form) => renderPersonalStep(form), { styles, ...options });
}

function nationality(step: MountedStep): HTMLInputElement {
  return step.root.querySelector('input#nationality') as HTMLInputElement;
}

/** Choose a nationality with the keyboard: type, take the first match. */
async function chooseNationality(step: MountedStep, text: string): Promise<void> {
  nationality(step).focus();
  nationality(step).select();
  await sendKeys({ type: text });
  await sendKeys({ press: 'ArrowDown' });
  await sendKeys({ press: 'Enter' });
  await step.update();
}

describe('renderPersonalStep', () => {
  let step: MountedStep | undefined;
  afterEach(() => {
    step?.remove();
    step = undefined;
  });

  it('asks for the names side by side, the birth date, the nationality and the document number', async () => {
    step = await mountPersonal();
    const { messages } = step.form;
    expect(step.root.querySelector('.intro')?.textContent).to.equal(messages.personal.intro);
    expect([...step.root.querySelectorAll('.row input')].map((input) => [input.id, input.getAttribute('autocomplete')])).to.deep.equal([
      ['firstName', 'given-name'],
      ['lastName', 'family-name'],
    ]);
    expect(step.root.querySelector('#firstName-hint')?.textContent).to.equal(messages.personal.nameHint);
    expect(step.root.querySelector('fieldset legend')?.textContent?.trim()).to.equal(messages.fields.birthdate);
    expect(nationality(step).getAttribute('role')).to.equal('combobox');
    expect(step.root.querySelector('#documentIdNumber-hint')?.textContent).to.equal(messages.personal.documentIdNumberHint);
    // Every focusable control in form order: the error summary's links land on the ids.
    const ids = [...step.root.querySelectorAll('input, select')].map((control) => control.id);
    expect(ids).to.deep.equal(['firstName', 'lastName', 'birthdate', 'birthdate-day', 'birthdate-year', 'nationality', 'documentIdNumber']);
  });

  it('tells an Indian national that a proof of residence will be needed, and no one else', async () => {
    step = await mountPersonal();
    const notice = step.form.messages.personal.residenceProofNotice;
    expect(step.config.nationalities.find((choice) => choice.value === 'INDIAN')?.needsResidenceProof).to.equal(true);

    await chooseNationality(step, 'indian');
    expect(step.draft.load()?.answers['nationality']).to.equal('INDIAN');
    expect(nationality(step).value).to.equal('Indian');
    expect(step.root.querySelector('#nationality-notice')?.textContent).to.equal(notice);
    expect(nationality(step).getAttribute('aria-describedby')).to.equal('nationality-notice');
    expect(step.announcements).to.include(notice);
    expect(step.form.isRequired('residenceProofFile')).to.equal(true);

    await chooseNationality(step, 'german');
    expect(step.draft.load()?.answers['nationality']).to.equal('GERMAN');
    expect(step.root.querySelector('#nationality-notice')).to.equal(null);
  });

  it('says nothing of a proof of residence when the sale does not collect one', async () => {
    step = await mountPersonal({
      config: (config) => ({ ...config, rules: { ...config.rules, collected: config.rules.collected.filter((field) => field !== 'residenceProofFile') } }),
    });
    await chooseNationality(step, 'indian');
    expect(step.draft.load()?.answers['nationality']).to.equal('INDIAN');
    expect(step.root.querySelector('#nationality-notice')).to.equal(null);
  });

  it('shows every problem of the step when it is checked, each tied to its control', async () => {
    step = await mountPersonal();
    const problems = step.form.checkStep('personal');
    await step.update();
    expect(problems.map((problem) => `${problem.field}:${problem.rule}`)).to.deep.equal([
      'firstName:required',
      'lastName:required',
      'birthdate:required',
      'nationality:required',
      'documentIdNumber:required',
    ]);
    for (const field of ['firstName', 'lastName', 'nationality', 'documentIdNumber']) {
      expect(step.root.getElementById(field)?.getAttribute('aria-describedby'), field).to.contain(`${field}-error`);
    }
    expect(step.root.querySelector('fieldset')?.getAttribute('aria-describedby')).to.equal('birthdate-hint birthdate-error');
  });

  it('goes through the step with the keyboard alone and keeps every answer through a reload', async () => {
    const storage = memoryStorage();
    step = await mountPersonal({ storage });
    (step.root.getElementById('firstName') as HTMLInputElement).focus();
    await sendKeys({ type: 'Ada' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: 'Lovelace' });
    await sendKeys({ press: 'Tab' });
    // en: month (a select), day, year.
    expect(step.root.activeElement?.id).to.equal('birthdate');
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: '10' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: '1985' });
    await sendKeys({ press: 'Tab' });
    expect(step.root.activeElement?.id).to.equal('nationality');
    await sendKeys({ type: 'brit' });
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Tab' });
    await step.update();
    expect(step.root.activeElement?.id).to.equal('documentIdNumber');
    await sendKeys({ type: 'X1234567' });
    await step.update();

    const answers = { firstName: 'Ada', lastName: 'Lovelace', birthdate: '10/02/1985', nationality: 'BRITISH', documentIdNumber: 'X1234567' };
    expect(step.draft.load()?.answers).to.deep.equal(answers);
    expect(step.form.checkStep('personal')).to.deep.equal([]);
    step.remove();

    step = await mountPersonal({ storage });
    expect((step.root.getElementById('firstName') as HTMLInputElement).value).to.equal('Ada');
    expect((step.root.getElementById('birthdate') as HTMLSelectElement).value).to.equal('2');
    expect((step.root.getElementById('birthdate-day') as HTMLInputElement).value).to.equal('10');
    expect(nationality(step).value).to.equal('British');
    expect((step.root.getElementById('documentIdNumber') as HTMLInputElement).value).to.equal('X1234567');
  });

  it('passes axe-core in light and dark, with errors shown and the list open', async () => {
    step = await mountPersonal();
    await expectAccessible(step.element);
    step.form.checkStep('personal');
    nationality(step).focus();
    await sendKeys({ type: 'in' });
    await sendKeys({ press: 'ArrowDown' });
    await step.update();
    await expectAccessible(step.element);
    step.element.setAttribute('theme', 'dark');
    await step.update();
    await expectAccessible(step.element);
  });

  it('passes axe-core in Arabic, right to left, with the residence-proof notice', async () => {
    step = await mountPersonal({ locale: 'ar', dir: 'rtl' });
    await chooseNationality(step, 'indian');
    expect(step.root.querySelector('#nationality-notice')?.textContent).to.equal(step.form.messages.personal.residenceProofNotice);
    step.form.checkStep('personal');
    await step.update();
    await expectAccessible(step.element);
  });

  it('fits a 320 px phone without scrolling sideways, in English and in Arabic', async () => {
    for (const options of [{}, { locale: 'ar', dir: 'rtl' as const }]) {
      step?.remove();
      step = await mountPersonal({ width: 320, ...options });
      step.form.checkStep('personal');
      await step.update();
      expect(step.element.scrollWidth, JSON.stringify(options)).to.be.at.most(step.element.clientWidth);
      const month = step.root.querySelector('select') as HTMLSelectElement;
      expect(month.getBoundingClientRect().right).to.be.at.most(step.element.getBoundingClientRect().right);
      // The date's legend lines up with the other fields' labels (no browser padding on the legend).
      const edge = (element: Element) => {
        // Where the text starts, not the box: the browser's padding sits inside the legend's box.
        const text = document.createRange();
        text.selectNodeContents(element);
        const box = text.getBoundingClientRect();
        return options.dir === 'rtl' ? box.right : box.left;
      };
      expect(edge(step.root.querySelector('.date-field legend') as Element), JSON.stringify(options)).to.equal(edge(step.root.querySelector('label[for="firstName"]') as Element));
    }
  });
});
