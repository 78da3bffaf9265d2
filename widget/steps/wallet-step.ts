/**
 * The "wallet" step: the Ethereum address where the tokens go (see ethereum-field.ts) and the estimated
 * participation amount, each drawn only when the sale collects it.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import { renderEthereumField } from '../fields/ethereum-field.js';
import { renderTextField } from '../fields/text-field.js';
import type { StepHost } from '../flow/step-host.js';
import { format } from '../i18n/format.js';

const AMOUNT = 'estimatedParticipationAmount';

/** Arabic-Indic (U+0660–0669) and Persian (U+06F0–06F9) digits, which phones in those languages type. */
const EASTERN_DIGIT = /[\u0660-\u0669\u06F0-\u06F9]/g;
/** U+066B ARABIC DECIMAL SEPARATOR: never anything but a decimal separator. */
const ARABIC_DECIMAL_SEPARATOR = /\u066B/g;
/** Digits with one comma and nothing else: the only shape in which a comma is read as the decimal separator. */
const COMMA_DECIMAL = /^\s*\d*,\d*\s*$/;

const commaLocales = new Map<string, boolean>();

/** Whether `locale` writes its decimal separator as a comma (`de`, `fr`, `es`…). */
function usesDecimalComma(locale: string): boolean {
  let comma = commaLocales.get(locale);
  if (comma === undefined) {
    comma = new Intl.NumberFormat(locale).formatToParts(1.5).find((part) => part.type === 'decimal')?.value === ',';
    commaLocales.set(locale, comma);
  }
  return comma;
}

/**
 * The amount as typed, rewritten into the plain decimal the shared rule reads (`1500`, `0.5`), only where
 * that cannot change what the investor meant:
 * - Arabic-Indic and Persian digits become ASCII digits, and the Arabic decimal separator a point;
 * - in a locale whose decimal separator is a comma, digits with a single comma (`1500,50`) take a point
 *   instead. Nothing else is touched: a comma in an English form may be a thousands separator
 *   (`1,500`), and a value with both a point and a comma (`1.500,50`) mixes grouping and decimals; both
 *   stay as typed, so the shared rule refuses them and explains the expected form, rather than this
 *   guessing a number a thousand times off. For the same reason a point is never read as grouping.
 */
export function normaliseAmountInput(text: string, locale: string): string {
  const western = text
    .replace(EASTERN_DIGIT, (digit) => String(digit.charCodeAt(0) - (digit.charCodeAt(0) >= 0x06f0 ? 0x06f0 : 0x0660)))
    .replace(ARABIC_DECIMAL_SEPARATOR, '.');
  return usesDecimalComma(locale) && COMMA_DECIMAL.test(western) ? western.replace(',', '.') : western;
}

/** The amount's hint: what it is for and, when the sale sets one, its minimum written the locale's way. */
function amountHint(host: StepHost): string {
  const min = host.config.rules.minAmount;
  const hint = host.messages.amount.hint;
  return min === undefined ? hint : `${hint} ${format(host.messages.amount.minimum, { min }, host.locale)}`;
}

/** Draw the estimated participation amount. */
function renderAmountField(host: StepHost): TemplateResult {
  return renderTextField(host, AMOUNT, {
    inputmode: 'decimal',
    dir: 'ltr',
    autocomplete: 'off',
    spellcheck: false,
    hint: amountHint(host),
    onInput: (value) => {
      const normalised = normaliseAmountInput(value, host.locale);
      if (normalised !== value) host.setAnswer(AMOUNT, normalised);
    },
  });
}

/** Draw the wallet step's content (the element draws its heading, progress and buttons around it). */
export function renderWalletStep(host: StepHost): TemplateResult {
  const address = host.isCollected('ethereumAddress');
  return html`${address ? html`<p class="wallet-intro">${host.messages.wallet.intro}</p>${renderEthereumField(host)}` : nothing}
  ${host.isCollected(AMOUNT) ? renderAmountField(host) : nothing}`;
}

/**
 * The wallet step's own styles, for the element's `static styles` next to `ethereumFieldStyles`
 * (fields/ethereum-field.ts), which the step draws.
 */
export const walletStepStyles = css`
  #estimatedParticipationAmount {
    /* An amount is short: a narrower box says so, and aligned digits are easier to check. */
    max-inline-size: 20em;
    font-variant-numeric: tabular-nums;
  }
`;
