/**
 * Browser-test support for the wallet proof in the whole element: an investor signed in to one of the
 * test sales (the default one takes optional proofs; the backend's `walletSales` require or refuse them),
 * with a draft that opens the journey on the wallet step or the review, and `<kyc-onboarding>` mounted
 * with that investor's token and the built files (`/dist/`: locales and `wallet.js`).
 */
import { createProxyClient, type ProxyClient } from '../../../widget/api/proxy-client.js';
import type { WidgetSession } from '../../../widget/api/proxy-types.js';
import { KycOnboarding, TAG_NAME } from '../../../widget/index.js';
import { backendInfo, saveCompletedDraft, signIn, until } from '../services/backend.js';

/** Which test sale: `optional` (the default sale), `required` or `off`. */
export type WalletSale = 'optional' | 'required' | 'off';

/** An investor of one sale, signed in, with a draft in this tab's session storage. */
export interface WalletInvestor {
  proxy: string;
  sale: string;
  client: ProxyClient;
  session: WidgetSession & { email: string };
}

/** The sale's id. */
export async function walletSaleId(which: WalletSale): Promise<string> {
  const info = (await backendInfo()) as Awaited<ReturnType<typeof backendInfo>> & { walletSales: { required: string; off: string } };
  return which === 'optional' ? info.sale : info.walletSales[which];
}

/**
 * Sign a new investor in to `which` sale, and leave a draft with every answer (the documents uploaded
 * for real) that opens on `step`.
 */
export async function investorAt(which: WalletSale, step: 'wallet' | 'review', answers: Record<string, string> = {}): Promise<WalletInvestor> {
  const info = await backendInfo();
  const sale = await walletSaleId(which);
  const client = createProxyClient({ proxy: info.proxyUrl, sale });
  const session = await signIn(client);
  await saveCompletedDraft(client, { proxy: info.proxyUrl, sale }, session, step, answers);
  return { proxy: info.proxyUrl, sale, client, session };
}

/** `<kyc-onboarding>` for `investor`, attached to the page. */
export function mountFor(investor: WalletInvestor, attributes: Record<string, string> = {}): KycOnboarding {
  const element = document.createElement(TAG_NAME) as KycOnboarding;
  element.setAttribute('proxy', investor.proxy);
  element.setAttribute('sale', investor.sale);
  element.setAttribute('locales-url', '/dist/');
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.token = investor.session.token;
  document.body.append(element);
  return element;
}

/** The element's shadow root. */
export function rootOf(element: KycOnboarding): ShadowRoot {
  return element.shadowRoot as ShadowRoot;
}

/** Wait (at most 8 s) for `step` to be shown. */
export async function stepShown(element: KycOnboarding, step: string): Promise<void> {
  await until(() => element.currentStep === step && rootOf(element).querySelector('h2') !== null, 8000, `step ${step} (now ${element.currentStep})`);
  await element.updateComplete;
}

/** Wait (at most 8 s) until `selector` is in the element (and says `expected`, when given). */
export async function shown(element: KycOnboarding, selector: string, expected?: string): Promise<HTMLElement> {
  await until(async () => {
    await element.updateComplete;
    const found = rootOf(element).querySelector(selector);
    return found !== null && (expected === undefined || found.textContent?.trim() === expected);
  }, 8000, `${selector}${expected === undefined ? '' : ` to say "${expected}"`} (now "${rootOf(element).querySelector(selector)?.textContent?.trim() ?? 'absent'}")`);
  return rootOf(element).querySelector(selector) as HTMLElement;
}

/** Click `selector` and wait for the redraw. */
export async function press(element: KycOnboarding, selector: string): Promise<void> {
  const target = rootOf(element).querySelector<HTMLElement>(selector);
  if (target === null) throw new Error(`nothing matches ${selector}`);
  target.focus();
  target.click();
  await element.updateComplete;
}

/** Connect the wallet and sign, through the step's buttons; resolves once the field is marked proven. */
export async function proveThroughStep(element: KycOnboarding): Promise<void> {
  await press(element, '#wallet-connect');
  await shown(element, 'pre.siwe-message');
  await press(element, '#wallet-connect');
  await shown(element, '#ethereumAddress-proof.proven');
}

/** The URLs of `wallet.js` the page has fetched so far. */
export function walletModuleFetches(): string[] {
  return performance
    .getEntriesByType('resource')
    .map((entry) => entry.name)
    .filter((name) => new URL(name).pathname.endsWith('/wallet.js'));
}
