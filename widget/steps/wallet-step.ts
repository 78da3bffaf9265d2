/**
 * The "wallet" step: the Ethereum address where the tokens go (see ethereum-field.ts) and the estimated
 * participation amount, each drawn only when the sale collects it. When the sale takes proofs of wallet
 * ownership (issue 8) and the element gives a {@link WalletHost}, the address comes with "Connect
 * wallet": the wallet's choice, the message to sign shown before the wallet's prompt, the proof's status
 * on the field and every failure in words (the state is widget/wallet/wallet-proof.ts; the wallet code
 * itself loads only then, from `wallet.js`).
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import { checkEthereumAddress } from '../../proxy/contract/eip55.js';
import { renderEthereumField } from '../fields/ethereum-field.js';
import { renderTextField } from '../fields/text-field.js';
import type { StepHost } from '../flow/step-host.js';
import { errorText } from '../i18n/error-text.js';
import { format } from '../i18n/format.js';
import { walletProofController, type WalletHost, type WalletProofController } from '../wallet/wallet-proof.js';
import type { BrowserWallet, WalletFlow } from '../wallet/wallet-types.js';

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

const IDLE: WalletFlow = { state: 'idle' };

/** The failure of the last attempt, in words. */
function failureText(host: StepHost, proof: WalletProofController): string | undefined {
  const failure = proof.loadFailed ? 'loadFailed' : proof.session?.failure;
  if (failure === undefined) return undefined;
  // The chain id as typed in a wallet's settings: digits, never grouped.
  return typeof failure === 'string' ? format(host.messages.wallet.failures[failure], { chainId: String(proof.chainId) }, host.locale) : errorText(host.messages, failure.code);
}

/** "Connect wallet", the wallets to choose from, the message to sign, and why the last attempt stopped. */
function renderWalletProof(host: StepHost, proof: WalletProofController): TemplateResult {
  const messages = host.messages.wallet;
  const session = proof.session;
  const flow = session?.flow ?? IDLE;
  const nameOf = (wallet: BrowserWallet): string => wallet.name || messages.browserWallet;
  const busy = flow.state === 'connecting' || flow.state === 'signing';
  const label =
    flow.state === 'connecting' ? messages.connecting : flow.state === 'signing' ? messages.signing : flow.state === 'ready' ? format(messages.sign, { wallet: nameOf(flow.wallet) }, host.locale) : messages.connect;
  const failure = failureText(host, proof);
  return html`<div class="wallet-proof">
    <p class="hint" id="wallet-proof-intro">${messages.proofIntro}</p>
    ${flow.state === 'choosing'
      ? html`<fieldset class="wallet-choice">
          <legend>${messages.chooseWallet}</legend>
          ${flow.wallets.map((wallet) => html`<button type="button" class="secondary" @click=${() => void session?.connect(wallet)}>${nameOf(wallet)}</button>`)}
        </fieldset>`
      : nothing}
    ${flow.state === 'ready' || flow.state === 'signing'
      ? html`<p id="wallet-sign-intro">${messages.signIntro}</p>
          <pre class="siwe-message" lang="en" dir="ltr" aria-labelledby="wallet-sign-intro">${flow.message}</pre>`
      : nothing}
    ${failure === undefined ? nothing : html`<p class="notice" role="alert">${failure}</p>`}
    <div class="wallet-actions">
      <button
        id="wallet-connect"
        type="button"
        class=${flow.state === 'ready' ? '' : 'secondary'}
        aria-disabled=${busy ? 'true' : 'false'}
        aria-describedby="wallet-proof-intro"
        @click=${() => {
          if (flow.state === 'ready') void session?.sign();
          else if (!busy) void proof.connect();
        }}
      >
        ${label}
      </button>
      ${flow.state === 'idle' ? nothing : html`<button type="button" class="link" @click=${() => session?.cancel()}>${host.messages.common.cancel}</button>`}
    </div>
  </div>`;
}

/** Draw the Ethereum address, with the wallet proof when the sale takes proofs and `wallet` is given. */
function renderAddress(host: StepHost, wallet: WalletHost | undefined): TemplateResult {
  const settings = host.config.wallet;
  const proof = wallet === undefined || settings === undefined || settings.proof === 'off' ? undefined : walletProofController(host, wallet);
  proof?.drawn(host, wallet as WalletHost);
  const value = host.answer('ethereumAddress');
  // A half-typed address is neither proven nor not: the status waits for a whole one.
  const text = proof !== undefined && value !== '' && checkEthereumAddress(value).ok ? proof.statusText(value) : undefined;
  return html`<p class="wallet-intro">${host.messages.wallet.intro}</p>
    ${proof === undefined ? nothing : renderWalletProof(host, proof)}
    ${renderEthereumField(host, {
      status: text === undefined ? undefined : { text, proven: proof?.provenBy(value) !== undefined },
      readOnly: proof !== undefined && settings?.allowTypedAddress === false,
    })}`;
}

/**
 * Draw the wallet step's content (the element draws its heading, progress and buttons around it).
 * `wallet`: the proxy's wallet routes and the wallet module, for the proof of ownership.
 */
export function renderWalletStep(host: StepHost, wallet?: WalletHost): TemplateResult {
  return html`${host.isCollected('ethereumAddress') ? renderAddress(host, wallet) : nothing}
  ${host.isCollected(AMOUNT) ? renderAmountField(host) : nothing}`;
}

/**
 * The wallet step's own styles, for the element's `static styles` next to `ethereumFieldStyles`
 * (fields/ethereum-field.ts), which the step draws.
 */
export const walletStepStyles = css`
  .wallet-proof {
    display: grid;
    gap: 0.5em;
  }
  .wallet-proof > * {
    margin: 0;
  }
  .siwe-message {
    /* The investor reads what they sign: wrapped, never scrolled sideways, on a 320 px phone too. */
    font-family: var(--_mono);
    font-size: 0.875em;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    background: var(--_surface);
    border: 1px solid var(--_border);
    padding: 0.75em;
  }
  .wallet-choice,
  .wallet-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em 1em;
    align-items: center;
  }
  #estimatedParticipationAmount {
    /* An amount is short: a narrower box says so, and aligned digits are easier to check. */
    max-inline-size: 20em;
    font-variant-numeric: tabular-nums;
  }
`;
