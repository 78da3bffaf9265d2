import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import type { SaleConfig } from '../../../widget/api/proxy-types.js';
import type { DraftFile } from '../../../widget/draft/draft-store.js';
import type { KycForm } from '../../../widget/flow/kyc-form.js';
import en from '../../../widget/i18n/en.js';
import { renderReviewStep, reviewStepStyles } from '../../../widget/steps/review-step.js';
import { mountStep, type MountedStep, type MountOptions } from './step-harness.js';
import { loadAxe } from '../support/axe.js';


/** Run axe-core over the step (its shadow root included) with the WCAG 2.2 AA rules. */
async function expectAccessible(step: MountedStep): Promise<void> {
  const axe = await loadAxe();
  const results = await axe.run(step.element, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'] } });
  // It did look inside the shadow root (contrast is checked on the step's own text).
  expect(results.passes.map((rule) => rule.id)).to.include('color-contrast');
  expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.html).join(' | ')}`)).to.deep.equal([]);
}

const file = (name: string, key: string): DraftFile => ({ key, name, size: 300_000, type: 'image/jpeg' });

/** A German national's complete answers (no residence proof needed), two investor proofs. */
function fillAnswers(form: KycForm): void {
  form.setAnswer('firstName', 'Ada');
  form.setAnswer('lastName', 'Lovelace');
  form.setAnswer('birthdate', '10/12/1990');
  form.setAnswer('nationality', 'GERMAN');
  form.setAnswer('documentIdNumber', 'X1234567');
  form.setAnswer('country', 'GERMANY');
  form.setAnswer('streetAddress', 'Unter den Linden 1');
  form.setAnswer('city', 'Berlin');
  form.setAnswer('state', 'Berlin');
  form.setAnswer('postalCode', '10117');
  form.setAnswer('ethereumAddress', '0x32Be343B94f860124dC4fEe278FDCBD38C102D88');
  form.setAnswer('estimatedParticipationAmount', '1500.50');
  form.setFiles('documentIdFile', [file('passport.jpg', '1/documents/a1')]);
  form.setFiles('selfieFile', [file('selfie.jpg', '1/documents/a2')]);
  form.setFiles('investorProofFiles', [file('bank-letter.pdf', '1/documents/a3'), file('broker.png', '1/documents/a4')]);
}

/** Mount the review step with the answers filled in. */
async function mountReview(options: MountOptions = {}, fill: (form: KycForm) => void = fillAnswers): Promise<MountedStep> {
  const step = await mountStep((form) => renderReviewStep(form), { styles: reviewStepStyles, ...options });
  fill(step.form);
  await step.update();
  return step;
}

/** Each section's heading and its answers as `label → value`, as rendered (whitespace collapsed), in page order. */
function sections(step: MountedStep): { heading: string; answers: [string, string][] }[] {
  const text = (element: HTMLElement | null) => (element?.innerText ?? '').replace(/\s+/g, ' ').trim();
  return [...step.root.querySelectorAll('section.review-section')].map((section) => ({
    heading: text(section.querySelector('h3')),
    answers: [...section.querySelectorAll('dl > div')].map((row) => [text(row.querySelector('dt')), text(row.querySelector('dd'))]),
  }));
}

function answerOf(step: MountedStep, label: string): string | undefined {
  for (const section of sections(step)) for (const [dt, dd] of section.answers) if (dt === label) return dd;
  return undefined;
}

const withConfirmations = (confirmations: SaleConfig['confirmations']) => (config: SaleConfig): SaleConfig => ({ ...config, confirmations });

describe('renderReviewStep', () => {
  let step: MountedStep | undefined;
  afterEach(() => {
    step?.remove();
    step = undefined;
  });

  it('shows every collected answer by section, in step order, as the investor recognises it', async () => {
    step = await mountReview();
    expect(step.root.querySelector('p.intro')?.textContent).to.equal(step.form.messages.review.intro);
    expect(sections(step)).to.deep.equal([
      {
        heading: 'Personal details',
        answers: [
          ['First name', 'Ada'],
          ['Last name', 'Lovelace'],
          ['Date of birth', 'December 10, 1990'],
          ['Nationality', 'German'],
          ['ID document number', 'X1234567'],
        ],
      },
      {
        heading: 'Address',
        answers: [
          ['Country of residence', 'Germany'],
          ['Street address', 'Unter den Linden 1'],
          ['City', 'Berlin'],
          ['State or region', 'Berlin'],
          ['Postal code', '10117'],
        ],
      },
      {
        heading: 'Documents',
        answers: [
          ['ID document', 'passport.jpg'],
          ['Selfie with your ID document', 'selfie.jpg'],
          // A German national is not asked for a residence proof: the row is left out.
          ['Accredited investor proofs', '2 files bank-letter.pdf broker.png'],
        ],
      },
      {
        heading: 'Participation',
        answers: [
          ['Ethereum address', '0x32Be343B94f860124dC4fEe278FDCBD38C102D88'],
          ['Estimated participation amount', '1,500.50'],
        ],
      },
    ]);
    // The headings are the catalog's step names, and the investor proofs are a list.
    expect(sections(step).map((section) => section.heading)).to.deep.equal(step.form.formSteps.map((id) => step!.form.messages.common.steps[id]));
    expect([...step.root.querySelectorAll('.file-names li')].map((item) => item.textContent)).to.deep.equal(['bank-letter.pdf', 'broker.png']);
    const address = step.root.querySelector('dd[dir="ltr"]') as HTMLElement;
    expect(address.textContent).to.equal('0x32Be343B94f860124dC4fEe278FDCBD38C102D88');
    expect(getComputedStyle(address).fontFamily, 'the address in monospace, where 0 and O differ').to.match(/mono/i);
    expect(step.root.querySelectorAll('dd[class=""]').length, 'no empty class attribute on the other answers').to.equal(0);
    await expectAccessible(step);
  });

  it('says "Not provided" for an empty optional field, and lists a residence proof the nationality requires', async () => {
    step = await mountReview({}, (form) => {
      fillAnswers(form);
      form.setFiles('investorProofFiles', []);
      form.setAnswer('nationality', 'INDIAN');
    });
    const { messages } = step.form;
    expect(answerOf(step, 'Accredited investor proofs')).to.equal(messages.review.notProvided);
    expect(answerOf(step, 'Nationality')).to.equal('Indian');
    expect(answerOf(step, 'Proof of residence')).to.equal(messages.review.notProvided);
    expect(step.root.querySelectorAll('dd.not-provided')).to.have.length(2);

    step.form.setFiles('residenceProofFile', [file('utility-bill.pdf', '1/documents/a5')]);
    await step.update();
    expect(answerOf(step, 'Proof of residence')).to.equal('utility-bill.pdf');
  });

  it('writes the birth date, the country and the amount the German way', async () => {
    step = await mountReview({ locale: 'de' });
    expect(answerOf(step, step.form.messages.fields.birthdate)).to.equal('10. Dezember 1990');
    expect(answerOf(step, step.form.messages.fields.country)).to.equal('Deutschland');
    expect(answerOf(step, step.form.messages.fields.estimatedParticipationAmount)).to.equal('1.500,50');
    expect(answerOf(step, step.form.messages.fields.investorProofFiles)).to.match(/^2 Dateien /);
  });

  it('writes the birth date and the country the Japanese way', async () => {
    step = await mountReview({ locale: 'ja' });
    expect(answerOf(step, step.form.messages.fields.birthdate)).to.equal('1990年12月10日');
    expect(answerOf(step, step.form.messages.fields.country)).to.equal('ドイツ');
  });

  it('shows an answer it cannot read as typed rather than hiding it', async () => {
    step = await mountReview({}, (form) => {
      fillAnswers(form);
      form.setAnswer('birthdate', '31/02/1990');
      form.setAnswer('country', 'Atlantis');
      form.setAnswer('estimatedParticipationAmount', '12abc');
    });
    expect(answerOf(step, 'Date of birth')).to.equal('31/02/1990');
    expect(answerOf(step, 'Country of residence')).to.equal('Atlantis');
    expect(answerOf(step, 'Estimated participation amount')).to.equal('12abc');
  });

  it('lists only the fields and the sections the sale collects', async () => {
    const dropped = ['state', 'ethereumAddress', 'estimatedParticipationAmount', 'investorProofFiles'];
    step = await mountReview({
      config: (config) => ({
        ...config,
        fields: { collected: config.fields.collected.filter((field) => !dropped.includes(field)), required: config.fields.required.filter((field) => !dropped.includes(field)) },
        rules: { ...config.rules, collected: config.rules.collected.filter((field) => !dropped.includes(field)) },
      }),
    });
    const shown = sections(step);
    expect(shown.map((section) => section.heading)).to.deep.equal(['Personal details', 'Address', 'Documents']);
    const labels = shown.flatMap((section) => section.answers.map(([label]) => label));
    expect(labels).to.not.include('State or region');
    expect(labels).to.not.include('Accredited investor proofs');
    expect(labels).to.include('City');
  });

  it('has one edit button per section, named after it, that opens the section by click or keyboard', async () => {
    step = await mountReview();
    const buttons = [...step.root.querySelectorAll<HTMLButtonElement>('.review-section button')];
    expect(buttons).to.have.length(step.form.formSteps.length);
    const names = buttons.map((button) => button.getAttribute('aria-label') ?? '');
    expect(names).to.deep.equal(['Edit Personal details', 'Edit Address', 'Edit Documents', 'Edit Participation']);
    expect(new Set(names).size).to.equal(names.length);
    // The visible text is part of the accessible name (WCAG 2.5.3).
    for (const button of buttons) expect(button.getAttribute('aria-label')?.toLowerCase()).to.contain(button.textContent?.trim().toLowerCase());
    expect(buttons.every((button) => button.type === 'button')).to.equal(true);

    buttons[1]?.click();
    expect(step.visited).to.deep.equal(['address']);
    buttons[3]?.focus();
    await sendKeys({ press: 'Enter' });
    buttons[0]?.focus();
    await sendKeys({ press: 'Space' });
    expect(step.visited).to.deep.equal(['address', 'wallet', 'personal']);
  });

  it('ticks a confirmation into the draft and shows its error, tied to the checkbox, when it is missing at submit', async () => {
    step = await mountReview();
    const { messages } = step.form;
    const box = step.root.querySelector<HTMLInputElement>('input[type="checkbox"][id="confirmations.terms"]');
    expect(box).to.not.equal(null);
    expect(step.root.querySelector('fieldset.confirmations legend')?.textContent).to.equal(messages.review.confirmationsTitle);
    expect(step.root.querySelector('label[for="confirmations.terms"]')?.textContent).to.equal(step.config.confirmations[0]?.label);
    expect(box!.checked).to.equal(false);
    expect(box!.getAttribute('aria-required')).to.equal('true');

    expect(step.form.checkConfirmations()).to.have.length(1);
    await step.update();
    const error = step.root.querySelector('[id="confirmations.terms-error"]');
    expect(error?.textContent).to.equal(messages.review.confirmationRequired);
    expect(box!.getAttribute('aria-invalid')).to.equal('true');
    expect(box!.getAttribute('aria-describedby')).to.equal('confirmations.terms-error');
    await expectAccessible(step);

    // Ticked from the keyboard: kept in the draft, the error goes.
    box!.focus();
    await sendKeys({ press: 'Space' });
    await step.update();
    expect(step.draft.load()?.confirmations['terms']).to.equal(true);
    expect(step.form.confirmed('terms')).to.equal(true);
    expect(step.root.querySelector('[id="confirmations.terms-error"]')).to.equal(null);
    expect(box!.getAttribute('aria-invalid')).to.equal('false');
    expect(box!.hasAttribute('aria-describedby')).to.equal(false);

    // Clicking the label unticks it.
    step.root.querySelector<HTMLLabelElement>('label[for="confirmations.terms"]')?.click();
    await step.update();
    expect(step.draft.load()?.confirmations['terms']).to.equal(false);
    expect(box!.checked).to.equal(false);
  });

  it('links a confirmation to its text safely, and shows a label with markup as text', async () => {
    const hostile = '<script>window.__reviewPwned = 1</script><b>I have read</b> the <img src=x onerror="window.__reviewPwned = 2">risk warning.';
    step = await mountReview({
      config: withConfirmations([
        { id: 'risk', label: hostile, url: 'https://acme.example/legal/risk-warning' },
        { id: 'script-url', label: 'A link that must not be one.', url: 'javascript:window.__reviewPwned = 3' },
        { id: 'privacy', label: 'I accept the privacy notice.' },
      ]),
    });
    const label = step.root.querySelector('label[for="confirmations.risk"]');
    expect(label?.textContent).to.equal(hostile);
    expect(step.root.querySelector('script, b, img')).to.equal(null);
    expect((window as unknown as { __reviewPwned?: number }).__reviewPwned).to.equal(undefined);

    const links = [...step.root.querySelectorAll<HTMLAnchorElement>('fieldset.confirmations a')];
    expect(links).to.have.length(1);
    const [link] = links;
    expect(link?.href).to.equal('https://acme.example/legal/risk-warning');
    expect(link?.target).to.equal('_blank');
    expect(link?.rel).to.equal('noopener noreferrer');
    // Its text says where it goes; the label of its confirmation describes it, as several links read alike.
    expect(link?.textContent).to.equal(step.form.messages.review.confirmationLink);
    expect(link?.getAttribute('aria-describedby')).to.equal('confirmations.risk-label');
    expect(step.root.getElementById(link?.getAttribute('aria-describedby') ?? '')).to.equal(label);
    expect(link?.closest('.confirmation')?.querySelector('input')?.id).to.equal('confirmations.risk');
    // Three checkboxes, each labelled.
    expect([...step.root.querySelectorAll('input[type="checkbox"]')].map((box) => box.id)).to.deep.equal(['confirmations.risk', 'confirmations.script-url', 'confirmations.privacy']);
    await expectAccessible(step);
  });

  it('draws no confirmations group when the sale asks for none', async () => {
    step = await mountReview({ config: withConfirmations([]) });
    expect(step.root.querySelector('fieldset')).to.equal(null);
    expect(step.root.querySelectorAll('section.review-section')).to.have.length(4);
  });

  it('passes axe-core in the dark theme on a phone, with an error shown', async () => {
    step = await mountReview({ width: 320 });
    step.element.setAttribute('theme', 'dark');
    step.form.checkConfirmations();
    await step.update();
    expect(step.root.querySelector('[id="confirmations.terms-error"]')).to.not.equal(null);
    // Nothing overflows the phone's width (the Ethereum address wraps).
    expect(step.element.scrollWidth).to.be.at.most(320);
    await expectAccessible(step);
  });

  it('passes axe-core in Arabic, right to left, and names the edit buttons and the confirmation links in Arabic', async () => {
    const terms = { id: 'terms', label: 'أوافق على شروط البيع.', url: 'https://acme.example/legal/terms' };
    step = await mountReview({ locale: 'ar', dir: 'rtl', config: withConfirmations([terms]) });
    const { messages } = step.form;
    step.form.checkConfirmations();
    await step.update();
    const first = step.root.querySelector('.review-section button');
    expect(first?.getAttribute('aria-label')).to.contain(messages.common.edit);
    expect(first?.getAttribute('aria-label')).to.contain(messages.common.steps.personal);
    const link = step.root.querySelector<HTMLAnchorElement>('.confirmation-link a');
    expect(link?.textContent).to.equal(messages.review.confirmationLink);
    expect(link?.textContent).to.not.equal(en.review.confirmationLink);
    // The link's text is Arabic now: it follows the element's direction.
    expect(getComputedStyle(link as Element).direction).to.equal('rtl');
    expect(answerOf(step, messages.fields.country)).to.equal('ألمانيا');
    await expectAccessible(step);
    step.element.setAttribute('theme', 'dark');
    await step.update();
    await expectAccessible(step);
  });
});
