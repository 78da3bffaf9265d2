/**
 * The "address" step: the country of residence (a searchable list in which countries the sale refuses
 * stay visible, tagged and explained once chosen, rather than missing without a word) and the postal
 * address. Only the fields the sale collects are drawn.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { renderChoiceList } from '../fields/choice-list.js';
import { renderTextField, type TextFieldOptions } from '../fields/text-field.js';
import type { StepHost } from '../flow/step-host.js';
import { format } from '../i18n/format.js';

/** The postal address's fields with their autofill tokens (a single-line street is `address-line1`). */
const ADDRESS_FIELDS = [
  ['streetAddress', 'address-line1'],
  ['city', 'address-level2'],
  ['state', 'address-level1'],
  ['postalCode', 'postal-code'],
] as const;

/** Draw the address step's fields. */
export function renderAddressStep(host: StepHost): TemplateResult {
  const { messages, locale } = host;
  return html`<p class="intro">${messages.address.intro}</p>
    ${host.isCollected('country')
      ? renderChoiceList(host, 'country', {
          choices: host.config.countries,
          hint: messages.address.countryHint,
          tagOf: (choice) => (choice.blocked ? messages.address.blockedCountryTag : undefined),
          noticeOf: (choice) => (choice.blocked ? format(messages.address.blockedCountryNotice, { country: choice.label }, locale) : undefined),
        })
      : nothing}
    ${ADDRESS_FIELDS.filter(([field]) => host.isCollected(field)).map(([field, autocomplete]) => {
      const options: TextFieldOptions = { autocomplete, dir: 'auto', spellcheck: false };
      if (field === 'state') options.hint = messages.address.stateHint;
      return renderTextField(host, field, options);
    })}`;
}
