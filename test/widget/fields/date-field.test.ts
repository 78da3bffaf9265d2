import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { dateAnswer, dateFieldStyles, dateParts, renderDateField } from '../../../widget/fields/date-field.js';
import { memoryStorage, mountStep, type MountedStep } from '../steps/step-harness.js';

/** The three parts as drawn, in DOM order: [name suffix, element]. */
function partsOf(step: MountedStep): [string, HTMLInputElement | HTMLSelectElement][] {
  return [...step.root.querySelectorAll<HTMLInputElement | HTMLSelectElement>('fieldset input, fieldset select')].map((control) => [
    control.name.replace('birthdate-', ''),
    control,
  ]);
}

function part(step: MountedStep, name: 'day' | 'month' | 'year'): HTMLInputElement | HTMLSelectElement {
  const found = partsOf(step).find(([partName]) => partName === name)?.[1];
  if (found === undefined) throw new Error(`no ${name} part`);
  return found;
}

/** Focus the part and type `text` with the keyboard. */
async function typeInto(step: MountedStep, name: 'day' | 'year', text: string): Promise<void> {
  part(step, name).focus();
  await sendKeys({ type: text });
  await step.update();
}

async function chooseMonth(step: MountedStep, month: number): Promise<void> {
  const select = part(step, 'month') as HTMLSelectElement;
  select.focus();
  select.value = String(month);
  select.dispatchEvent(new Event('change', { bubbles: true }));
  await step.update();
}

/** Move focus out of the date (to a button after it) as Tab would, and let the check redraw. */
async function leaveDate(step: MountedStep): Promise<void> {
  const after = document.createElement('button');
  after.textContent = 'after';
  document.body.append(after);
  after.focus();
  after.remove();
  await step.update();
}

describe('renderDateField', () => {
  let step: MountedStep | undefined;
  afterEach(() => {
    step?.remove();
    step = undefined;
  });

  it('draws a fieldset with the rule explained, the parts in the locale order (en: month first) and the birthday autofill tokens', async () => {
    step = await mountStep((form) => renderDateField(form, 'birthdate'), { styles: dateFieldStyles });
    const fieldset = step.root.querySelector('fieldset') as HTMLFieldSetElement;
    expect(fieldset.querySelector('legend')?.textContent?.trim()).to.equal('Date of birth');
    expect(step.root.querySelector('#birthdate-hint')?.textContent).to.equal(step.form.messages.personal.birthdateHint);
    expect(fieldset.getAttribute('aria-describedby')).to.equal('birthdate-hint');
    expect(partsOf(step).map(([name]) => name)).to.deep.equal(['month', 'day', 'year']);
    // The first part carries the field's id, which the error summary focuses.
    expect(part(step, 'month').id).to.equal('birthdate');
    expect(part(step, 'day').id).to.equal('birthdate-day');
    expect(step.root.querySelector('label[for="birthdate-day"]')?.textContent).to.equal('Day');
    expect(part(step, 'day').getAttribute('inputmode')).to.equal('numeric');
    expect(part(step, 'day').getAttribute('autocomplete')).to.equal('bday-day');
    expect(part(step, 'month').getAttribute('autocomplete')).to.equal('bday-month');
    expect(part(step, 'year').getAttribute('autocomplete')).to.equal('bday-year');
    const options = [...(part(step, 'month') as HTMLSelectElement).options].map((option) => option.textContent);
    expect(options).to.have.length(13);
    expect(options[0]).to.equal('Choose a month');
    expect(options[1]).to.equal('January');
  });

  it('puts the day first in German and records dd/mm/yyyy, zero-padded, while showing the day as typed', async () => {
    step = await mountStep((form) => renderDateField(form, 'birthdate'), { locale: 'de', styles: dateFieldStyles });
    expect(partsOf(step).map(([name]) => name)).to.deep.equal(['day', 'month', 'year']);
    expect(part(step, 'day').id).to.equal('birthdate');
    expect((part(step, 'month') as HTMLSelectElement).options[3]?.textContent).to.equal('März');

    await typeInto(step, 'day', '5');
    await chooseMonth(step, 3);
    await typeInto(step, 'year', '1990');
    expect(step.draft.load()?.answers['birthdate']).to.equal('05/03/1990');
    expect(part(step, 'day').value).to.equal('5');
    // Completing the day after the rest does not rewrite it under the caret.
    part(step, 'day').focus();
    await sendKeys({ press: 'Backspace' });
    await sendKeys({ type: '17' });
    await step.update();
    expect(part(step, 'day').value).to.equal('17');
    expect(step.draft.load()?.answers['birthdate']).to.equal('17/03/1990');
  });

  it('puts the year first in Japanese and turns full-width digits into ASCII once the input method is done', async () => {
    step = await mountStep((form) => renderDateField(form, 'birthdate'), { locale: 'ja', styles: dateFieldStyles });
    expect(partsOf(step).map(([name]) => name)).to.deep.equal(['year', 'month', 'day']);
    expect(part(step, 'year').id).to.equal('birthdate');

    // A Japanese input method composes full-width digits: left alone until the composition ends.
    const year = part(step, 'year') as HTMLInputElement;
    year.focus();
    year.value = '１９８５';
    year.dispatchEvent(new InputEvent('input', { bubbles: true, isComposing: true }));
    await step.update();
    expect(year.value).to.equal('１９８５');
    expect(step.draft.load()?.answers['birthdate']).to.equal('//1985');
    year.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: '１９８５' }));
    await step.update();
    await chooseMonth(step, 12);
    await typeInto(step, 'day', '31');
    expect(year.value).to.equal('1985');
    expect(step.draft.load()?.answers['birthdate']).to.equal('31/12/1985');
  });

  it('refuses letters in the day and the year', async () => {
    step = await mountStep((form) => renderDateField(form, 'birthdate'), { styles: dateFieldStyles });
    await typeInto(step, 'day', '1a/');
    expect(part(step, 'day').value).to.equal('1');
    expect(step.draft.load()?.answers['birthdate']).to.equal('1//');
  });

  it('checks when focus leaves the date, not while it moves between its parts', async () => {
    step = await mountStep((form) => renderDateField(form, 'birthdate'), { styles: dateFieldStyles });
    await typeInto(step, 'day', '5');
    await sendKeys({ press: 'Tab' });
    await step.update();
    expect(step.root.activeElement?.id).to.equal('birthdate-year');
    expect(step.root.querySelector('#birthdate-error')).to.equal(null);

    await leaveDate(step);
    expect(step.root.querySelector('#birthdate-error')?.textContent).to.equal(step.form.messages.fieldErrors.format.birthdate);
    expect(step.root.querySelector('fieldset')?.getAttribute('aria-describedby')).to.equal('birthdate-hint birthdate-error');
    for (const [, control] of partsOf(step)) expect(control.getAttribute('aria-invalid')).to.equal('true');
  });

  it('says the date is required when every part is left empty', async () => {
    step = await mountStep((form) => renderDateField(form, 'birthdate'), { styles: dateFieldStyles });
    await typeInto(step, 'year', '1');
    await sendKeys({ press: 'Backspace' });
    await step.update();
    expect(step.draft.load()?.answers['birthdate']).to.equal('');
    await leaveDate(step);
    expect(step.root.querySelector('#birthdate-error')?.textContent).to.equal(step.form.messages.fieldErrors.required);
  });

  it('explains the 18-year rule for someone born this year, on blur and when the step is checked', async () => {
    step = await mountStep((form) => renderDateField(form, 'birthdate'), { locale: 'de', styles: dateFieldStyles });
    const thisYear = String(new Date().getFullYear());
    await typeInto(step, 'day', '1');
    await chooseMonth(step, 1);
    await typeInto(step, 'year', thisYear);
    await leaveDate(step);
    expect(step.root.querySelector('#birthdate-error')?.textContent).to.equal(step.form.messages.fieldErrors.too_young);

    step.form.clearProblems();
    await step.update();
    expect(step.root.querySelector('#birthdate-error')).to.equal(null);
    expect(step.form.checkStep('personal').map((problem) => `${problem.field}:${problem.rule}`)).to.include('birthdate:too_young');
    await step.update();
    expect(step.root.querySelector('#birthdate-error')?.textContent).to.equal(step.form.messages.fieldErrors.too_young);
  });

  it('keeps an unfinished date through a reload: the same draft storage draws the same parts', async () => {
    const storage = memoryStorage();
    step = await mountStep((form) => renderDateField(form, 'birthdate'), { locale: 'de', storage, styles: dateFieldStyles });
    await typeInto(step, 'day', '7');
    await typeInto(step, 'year', '19');
    expect(step.draft.load()?.answers['birthdate']).to.equal('7//19');
    step.remove();

    step = await mountStep((form) => renderDateField(form, 'birthdate'), { locale: 'de', storage, styles: dateFieldStyles });
    expect(part(step, 'day').value).to.equal('7');
    expect(part(step, 'month').value).to.equal('');
    expect(part(step, 'year').value).to.equal('19');
    await chooseMonth(step, 11);
    await typeInto(step, 'year', '84');
    expect(step.draft.load()?.answers['birthdate']).to.equal('07/11/1984');
  });

  it('reads back complete, partial and ISO answers into parts, and writes them the provider\'s way', () => {
    expect(dateParts('05/03/1990')).to.deep.equal({ day: '05', month: '3', year: '1990' });
    expect(dateParts('5//19')).to.deep.equal({ day: '5', month: '', year: '19' });
    expect(dateParts('1990-03-05')).to.deep.equal({ day: '05', month: '3', year: '1990' });
    expect(dateParts('')).to.deep.equal({ day: '', month: '', year: '' });
    expect(dateParts('x/13/abcd')).to.deep.equal({ day: '', month: '', year: '' });
    expect(dateAnswer({ day: '5', month: '3', year: '1990' })).to.equal('05/03/1990');
    expect(dateAnswer({ day: '', month: '', year: '' })).to.equal('');
    expect(dateAnswer({ day: '5', month: '3', year: '199' })).to.equal('5/3/199');
  });
});
