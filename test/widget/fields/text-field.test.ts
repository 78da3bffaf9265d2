import { expect } from '@esm-bundle/chai';
import { renderTextField } from '../../../widget/fields/text-field.js';
import { mountStep, type MountedStep } from '../steps/step-harness.js';

describe('renderTextField', () => {
  let step: MountedStep | undefined;
  afterEach(() => step?.remove());

  it('labels the input, keeps the answer in the draft and shows the rule broken on blur, tied to the input', async () => {
    step = await mountStep((form) => renderTextField(form, 'firstName', { autocomplete: 'given-name', hint: 'As on your document' }));
    const input = step.root.querySelector('input#firstName') as HTMLInputElement;
    expect(step.root.querySelector('label[for="firstName"]')?.textContent?.trim()).to.equal('First name');
    expect(input.getAttribute('autocomplete')).to.equal('given-name');
    expect(input.required).to.equal(true);

    input.focus();
    input.blur();
    await step.update();
    const error = step.root.querySelector('#firstName-error');
    expect(error?.textContent).to.equal(step.form.messages.fieldErrors.required);
    expect(input.getAttribute('aria-invalid')).to.equal('true');
    expect(input.getAttribute('aria-describedby')).to.equal('firstName-hint firstName-error');

    input.value = 'Ada';
    input.dispatchEvent(new InputEvent('input', { bubbles: true }));
    await step.update();
    expect(step.draft.load()?.answers['firstName']).to.equal('Ada');
    expect(step.root.querySelector('#firstName-error')).to.equal(null);
    expect(input.getAttribute('aria-invalid')).to.equal('false');
  });

  it('marks a field the sale does not require as optional', async () => {
    step = await mountStep((form) => renderTextField(form, 'city'), {
      config: (config) => ({ ...config, rules: { ...config.rules, collected: config.rules.collected.filter((field) => field !== 'city') } }),
    });
    // Not collected, hence not required: drawn as optional (a step never draws it, but the label must not lie).
    expect(step.form.isRequired('city')).to.equal(false);
    expect(step.root.querySelector('label[for="city"]')?.textContent).to.match(/optional/i);
  });
});
