import { expect } from '@esm-bundle/chai';
import { resetMouse, sendKeys, sendMouse } from '@web/test-runner-commands';
import type { Choice } from '../../../widget/api/proxy-types.js';
import { choiceListStyles, matchChoices, renderChoiceList } from '../../../widget/fields/choice-list.js';
import { format } from '../../../widget/i18n/format.js';
import { mountStep, type MountedStep, type MountOptions } from '../steps/step-harness.js';

function mountCountryList(options: MountOptions = {}): Promise<MountedStep> {
  return mountStep((form) => renderChoiceList(form, 'country', { choices: form.config.countries }), { styles: choiceListStyles, ...options });
}

function input(step: MountedStep): HTMLInputElement {
  return step.root.querySelector('input#country') as HTMLInputElement;
}

function listbox(step: MountedStep): HTMLUListElement {
  return step.root.querySelector('#country-listbox') as HTMLUListElement;
}

/** The labels of the options shown, in order (the tag, if any, left out). */
function shownLabels(step: MountedStep): string[] {
  return [...listbox(step).querySelectorAll('[role="option"]')].map((option) =>
    [...option.childNodes]
      .filter((node) => node.nodeType === Node.TEXT_NODE)
      .map((node) => node.textContent)
      .join('')
      .trim(),
  );
}

function activeOption(step: MountedStep): HTMLElement | null {
  const id = input(step).getAttribute('aria-activedescendant');
  return id === null ? null : step.root.getElementById(id);
}

async function press(step: MountedStep, key: string): Promise<void> {
  await sendKeys({ press: key });
  await step.update();
}

async function type(step: MountedStep, text: string): Promise<void> {
  input(step).focus();
  await sendKeys({ type: text });
  await step.update();
}

/** Wait (at most 2 s) until `announcements` holds `text`. */
async function announced(step: MountedStep, text: string): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!step.announcements.includes(text)) {
    if (Date.now() > deadline) throw new Error(`"${text}" was not announced; announced: ${JSON.stringify(step.announcements)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('renderChoiceList', () => {
  let step: MountedStep | undefined;
  afterEach(async () => {
    step?.remove();
    step = undefined;
    await resetMouse();
  });

  it('is a labelled combobox that controls a listbox, closed at first', async () => {
    step = await mountCountryList();
    const combobox = input(step);
    expect(combobox.getAttribute('role')).to.equal('combobox');
    expect(combobox.getAttribute('aria-autocomplete')).to.equal('list');
    expect(combobox.getAttribute('aria-controls')).to.equal('country-listbox');
    expect(combobox.getAttribute('aria-expanded')).to.equal('false');
    expect(combobox.getAttribute('autocomplete')).to.equal('off');
    expect(combobox.placeholder).to.equal(step.form.messages.common.searchPlaceholder);
    expect(step.root.querySelector('label[for="country"]')?.textContent?.trim()).to.equal('Country of residence');
    expect(listbox(step).getAttribute('aria-labelledby')).to.equal('country-label');
    expect(listbox(step).hidden).to.equal(true);
  });

  it('types "germ", ArrowDown, Enter: records GERMANY, shows its name and closes the list', async () => {
    step = await mountCountryList();
    await type(step, 'germ');
    expect(input(step).getAttribute('aria-expanded')).to.equal('true');
    expect(shownLabels(step)).to.deep.equal(['Germany']);
    expect(input(step).hasAttribute('aria-activedescendant')).to.equal(false);

    await press(step, 'ArrowDown');
    expect(activeOption(step)?.textContent).to.equal('Germany');
    expect(activeOption(step)?.getAttribute('aria-selected')).to.equal('true');

    await press(step, 'Enter');
    expect(step.draft.load()?.answers['country']).to.equal('GERMANY');
    expect(input(step).value).to.equal('Germany');
    expect(input(step).getAttribute('aria-expanded')).to.equal('false');
    expect(input(step).hasAttribute('aria-activedescendant')).to.equal(false);
    expect(listbox(step).hidden).to.equal(true);
    expect(step.root.activeElement).to.equal(input(step));
  });

  it('leaves Enter to the input method while it composes', async () => {
    step = await mountCountryList({ locale: 'ja' });
    await type(step, 'germ');
    await press(step, 'ArrowDown');
    input(step).dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', isComposing: true, bubbles: true, composed: true, cancelable: true }));
    await step.update();
    expect(input(step).getAttribute('aria-expanded')).to.equal('true');
    expect(step.draft.load()?.answers['country']).to.equal('germ');
    await press(step, 'Enter');
    expect(step.draft.load()?.answers['country']).to.equal('GERMANY');
    expect(input(step).value).to.equal('ドイツ');
  });

  it('finds names without their accents and by the canonical name, in another language too', async () => {
    step = await mountCountryList();
    await type(step, 'cote');
    expect(shownLabels(step)).to.deep.equal(["Côte d'Ivoire"]);
    step.remove();

    step = await mountCountryList({ locale: 'de' });
    await type(step, 'germ');
    expect(shownLabels(step)).to.deep.equal(['Deutschland']);
  });

  it('lists names starting with the query first, then word starts, then the rest', async () => {
    step = await mountCountryList();
    await type(step, 'ger');
    expect(shownLabels(step)).to.deep.equal(['Germany', 'Algeria', 'Niger', 'Nigeria']);

    const choices: Choice[] = ['Papua New Guinea', 'Guinea-Bissau', 'Equatorial Guinea', 'Guinea'].map((label) => ({ label, value: label.toUpperCase() }));
    expect(matchChoices(choices, 'guinea').map((choice) => choice.label)).to.deep.equal(['Guinea-Bissau', 'Guinea', 'Papua New Guinea', 'Equatorial Guinea']);
    expect(matchChoices(choices, 'GUINEA BISS').map((choice) => choice.label)).to.deep.equal(['Guinea-Bissau']);
    expect(matchChoices(choices, '  ')).to.have.length(4);
  });

  it('announces the number of results once typing pauses, not at every key', async () => {
    step = await mountCountryList();
    const combobox = input(step);
    combobox.focus();
    // Three keystrokes in one task: no timer can run between them, whatever the machine's load.
    for (const text of ['g', 'ge', 'ger']) {
      combobox.value = text;
      combobox.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertText' }));
    }
    await announced(step, format(step.form.messages.common.resultCount, { count: 4 }, 'en'));
    expect(step.announcements.filter((text) => /result/.test(text))).to.deep.equal(['4 results']);
  });

  it('says when nothing matches, keeps the text typed and explains it on blur', async () => {
    step = await mountCountryList();
    await type(step, 'zzz');
    const noMatch = format(step.form.messages.common.noMatch, { query: 'zzz' }, 'en');
    expect(step.root.querySelector('#country-no-match')?.textContent).to.equal(noMatch);
    expect(input(step).getAttribute('aria-expanded')).to.equal('false');
    expect(input(step).getAttribute('aria-describedby')).to.equal('country-no-match');
    await announced(step, noMatch);

    await press(step, 'Tab');
    expect(input(step).value).to.equal('zzz');
    expect(step.root.querySelector('#country-error')?.textContent).to.equal(step.form.messages.fieldErrors.unknown_country);
    expect(input(step).getAttribute('aria-invalid')).to.equal('true');
  });

  it('selects the option whose name was typed in full when the field is left', async () => {
    step = await mountCountryList();
    await type(step, 'FRANCE');
    await press(step, 'Tab');
    expect(step.draft.load()?.answers['country']).to.equal('FRANCE');
    expect(input(step).value).to.equal('France');
    expect(step.root.querySelector('#country-error')).to.equal(null);
  });

  it('takes the active option on Tab and moves focus on', async () => {
    step = await mountCountryList();
    step.element.insertAdjacentHTML('afterend', '<button id="after-list">after</button>');
    await type(step, 'united k');
    await press(step, 'ArrowDown');
    await press(step, 'Tab');
    expect(step.draft.load()?.answers['country']).to.equal('UNITED KINGDOM');
    expect(input(step).value).to.equal('United Kingdom');
    expect(document.activeElement?.id).to.equal('after-list');
    document.getElementById('after-list')?.remove();
  });

  it('closes on Escape, keeping the text; a second Escape brings back the last choice', async () => {
    step = await mountCountryList();
    await type(step, 'spain');
    await press(step, 'ArrowDown');
    await press(step, 'Enter');
    expect(step.draft.load()?.answers['country']).to.equal('SPAIN');

    input(step).select();
    await type(step, 'fra');
    expect(input(step).getAttribute('aria-expanded')).to.equal('true');
    await press(step, 'Escape');
    expect(input(step).getAttribute('aria-expanded')).to.equal('false');
    expect(listbox(step).hidden).to.equal(true);
    expect(input(step).value).to.equal('fra');

    await press(step, 'Escape');
    expect(input(step).value).to.equal('Spain');
    expect(step.draft.load()?.answers['country']).to.equal('SPAIN');
  });

  it('opens on ArrowDown at the chosen option, wraps with the arrows and jumps with Home and End', async () => {
    step = await mountCountryList();
    const countries = step.config.countries;
    await type(step, 'germany');
    await press(step, 'Enter');
    expect(step.draft.load()?.answers['country']).to.equal('GERMANY');

    await press(step, 'ArrowDown');
    expect(input(step).getAttribute('aria-expanded')).to.equal('true');
    expect(shownLabels(step)).to.have.length(countries.length);
    expect(activeOption(step)?.textContent).to.equal('Germany');
    expect(activeOption(step)?.classList.contains('chosen')).to.equal(true);

    await press(step, 'Home');
    expect(activeOption(step)?.textContent).to.equal(countries[0]?.label);
    await press(step, 'ArrowUp');
    expect(activeOption(step)?.textContent?.startsWith(countries.at(-1)?.label ?? '?')).to.equal(true);
    await press(step, 'ArrowDown');
    expect(activeOption(step)?.textContent).to.equal(countries[0]?.label);
    await press(step, 'End');
    expect(activeOption(step)?.textContent?.startsWith(countries.at(-1)?.label ?? '?')).to.equal(true);
    // ArrowLeft goes back to editing the text.
    await press(step, 'ArrowLeft');
    expect(input(step).hasAttribute('aria-activedescendant')).to.equal(false);
  });

  it('scrolls the active option into view within the list, never the page', async () => {
    step = await mountCountryList();
    const spacer = document.createElement('div');
    // The input near the bottom of the window, its list running below it: scrollIntoView would scroll the page.
    spacer.style.height = `${window.innerHeight - 120}px`;
    step.element.before(spacer);
    try {
      const pageScroll = document.scrollingElement?.scrollTop;
      input(step).focus();
      await press(step, 'ArrowUp');
      const list = listbox(step);
      const option = activeOption(step) as HTMLElement;
      expect(list.scrollTop).to.be.greaterThan(0);
      expect(option.offsetTop).to.be.at.least(list.scrollTop);
      expect(option.offsetTop + option.offsetHeight).to.be.at.most(list.scrollTop + list.clientHeight);
      expect(document.scrollingElement?.scrollTop).to.equal(pageScroll);
    } finally {
      spacer.remove();
    }
  });

  it('opens on a click and takes an option clicked with the mouse, focus staying in the input', async () => {
    step = await mountCountryList();
    const combobox = input(step);
    const box = combobox.getBoundingClientRect();
    await sendMouse({ type: 'click', position: [Math.round(box.left + 20), Math.round(box.top + box.height / 2)] });
    await step.update();
    expect(combobox.getAttribute('aria-expanded')).to.equal('true');
    expect(step.root.activeElement).to.equal(combobox);

    const third = listbox(step).querySelectorAll('[role="option"]')[2] as HTMLElement;
    const expected = step.config.countries[2];
    const rect = third.getBoundingClientRect();
    await sendMouse({ type: 'click', position: [Math.round(rect.left + 20), Math.round(rect.top + rect.height / 2)] });
    await step.update();
    expect(step.draft.load()?.answers['country']).to.equal(expected?.value);
    expect(combobox.value).to.equal(expected?.label);
    expect(combobox.getAttribute('aria-expanded')).to.equal('false');
    expect(step.root.activeElement).to.equal(combobox);
  });

  it('tags options and tells what choosing one means', async () => {
    step = await mountStep(
      (form) =>
        renderChoiceList(form, 'country', {
          choices: form.config.countries,
          tagOf: (choice) => (choice.value === 'FRANCE' ? 'tagged' : undefined),
          noticeOf: (choice) => (choice.value === 'FRANCE' ? 'a notice' : undefined),
        }),
      { styles: choiceListStyles },
    );
    await type(step, 'fran');
    expect(listbox(step).querySelector('[role="option"] .tag')?.textContent).to.equal('tagged');
    expect(step.root.querySelector('#country-notice')).to.equal(null);
    await press(step, 'ArrowDown');
    await press(step, 'Enter');
    expect(step.root.querySelector('#country-notice')?.textContent).to.equal('a notice');
    expect(input(step).getAttribute('aria-describedby')).to.equal('country-notice');
    expect(step.announcements).to.include('a notice');
  });
});
