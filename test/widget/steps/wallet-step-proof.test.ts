import { expect } from '@esm-bundle/chai';
import { createSessionKeeper, type SessionKeeper } from '../../../widget/api/session-keeper.js';
import type { SaleConfig } from '../../../widget/api/proxy-types.js';
import { ethereumFieldStyles } from '../../../widget/fields/ethereum-field.js';
import { format } from '../../../widget/i18n/format.js';
import { renderWalletStep, walletStepStyles } from '../../../widget/steps/wallet-step.js';
import { loadWalletModule } from '../../../widget/wallet/load-wallet-module.js';
import { walletProofProblem, type WalletHost } from '../../../widget/wallet/wallet-proof.js';
import { signIn, testClient, until } from '../services/backend.js';
import { loadAxe } from '../support/axe.js';
import { TEST_ADDRESSES, createTestWallet, type TestWallet } from '../support/test-wallet.js';
import { memoryStorage, mountStep, type MountOptions, type MountedStep } from './step-harness.js';

/** Another address (EIP-55's test vector), typed by hand. */
const TYPED = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';

interface ProofStep extends MountedStep {
  keeper: SessionKeeper;
  /** How many times the wallet module was asked for. */
  loads: number;
}

/** The step with a wallet host over a real signed-in session and the built wallet module (`/dist/wallet.js`). */
async function mountProof(options: MountOptions & { keeper?: SessionKeeper } = {}): Promise<ProofStep> {
  const client = await testClient();
  let keeper = options.keeper;
  if (keeper === undefined) {
    keeper = createSessionKeeper({ client, autoRefresh: false });
    keeper.set(await signIn(client));
  }
  const session = keeper;
  let loads = 0;
  const wallet: WalletHost = {
    challenge: (address, chainId, signal) => session.authorized((token) => client.walletChallenge(token, address, chainId, signal)),
    prove: (message, signature, signal) => session.authorized((token) => client.proveWallet(token, message, signature, signal)),
    proofs: (signal) => session.authorized((token) => client.walletProofs(token, signal)),
    loadModule: () => {
      loads += 1;
      return loadWalletModule('/dist/');
    },
  };
  const step = await mountStep((form) => renderWalletStep(form, wallet), { styles: [ethereumFieldStyles, walletStepStyles], ...options });
  const mounted: ProofStep = Object.assign(step, { keeper: session, loads: 0 });
  Object.defineProperty(mounted, 'loads', { get: () => loads });
  return mounted;
}

function withWallet(settings: Partial<NonNullable<SaleConfig['wallet']>>): (config: SaleConfig) => SaleConfig {
  return (config) => ({ ...config, wallet: { proof: 'optional', chainId: 1, allowTypedAddress: true, ...config.wallet, ...settings } });
}

const $ = <T extends Element = HTMLElement>(step: MountedStep, selector: string) => step.root.querySelector<T>(selector);
const text = (step: MountedStep, selector: string) => $(step, selector)?.textContent?.trim();
const mainButton = (step: MountedStep) => $<HTMLButtonElement>(step, '#wallet-connect') as HTMLButtonElement;
const addressInput = (step: MountedStep) => $<HTMLInputElement>(step, 'input#ethereumAddress') as HTMLInputElement;

async function press(step: MountedStep, button: HTMLElement): Promise<void> {
  button.focus();
  button.click();
  await step.update();
}

async function enter(step: MountedStep, value: string): Promise<void> {
  const input = addressInput(step);
  input.value = value;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
  await step.update();
}

/** Wait until `selector` exists (and, when given, says `expected`). */
async function untilShown(step: MountedStep, selector: string, expected?: string): Promise<void> {
  await until(async () => {
    await step.update();
    const found = $(step, selector);
    return found !== null && (expected === undefined || found.textContent?.trim() === expected);
  }, 8000, `${selector}${expected === undefined ? '' : ` to say "${expected}"`} (now "${text(step, selector) ?? 'absent'}")`);
}

/** The message to sign is on screen. */
async function untilMessage(step: MountedStep): Promise<string> {
  await untilShown(step, 'pre.siwe-message');
  return text(step, 'pre.siwe-message') ?? '';
}

/** The failure said for `reason`. */
function failure(step: MountedStep, reason: keyof MountedStep['form']['messages']['wallet']['failures']): string {
  return format(step.form.messages.wallet.failures[reason], { chainId: '1' }, step.form.locale);
}

async function violations(step: MountedStep): Promise<{ id: string; targets: unknown[] }[]> {
  const axe = await loadAxe();
  const result = await axe.run(step.element, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
  return result.violations.map((violation) => ({ id: violation.id, targets: violation.nodes.map((node) => node.target) }));
}

describe('wallet step: proof of wallet ownership', () => {
  let step: ProofStep | undefined;
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    step?.remove();
    step?.keeper.dispose();
    step = undefined;
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  /** A test wallet announced through EIP-6963 for this test. */
  function announced(name?: string, settings?: Parameters<typeof createTestWallet>[1]): TestWallet {
    const wallet = createTestWallet(name, settings);
    cleanups.push(wallet.announce());
    return wallet;
  }

  it('proves the address: the message shown before the wallet signs it, then the field filled, checksummed and marked proven', async () => {
    const wallet = announced('Test Wallet');
    step = await mountProof();
    const { wallet: messages } = step.form.messages;
    expect(text(step, '#wallet-proof-intro')).to.equal(messages.proofIntro);
    expect(mainButton(step).textContent?.trim()).to.equal(messages.connect);

    await press(step, mainButton(step));
    const message = await untilMessage(step);
    expect(text(step, '#wallet-sign-intro')).to.equal(messages.signIntro);
    expect(message).to.match(/ wants you to sign in with your Ethereum account:\n/);
    expect(message).to.contain(`\n${TEST_ADDRESSES[0]}\n`);
    expect(message).to.match(/\nChain ID: 1\nNonce: \w{8,}\n/);
    expect(wallet.signatures, 'nothing signed before the investor asks').to.deep.equal([]);
    expect(mainButton(step).textContent?.trim()).to.equal(format(messages.sign, { wallet: 'Test Wallet' }, 'en'));
    expect(step.root.activeElement, 'the focus stayed on the button').to.equal(mainButton(step));

    await press(step, mainButton(step));
    const proven = format(messages.provenWith, { wallet: 'Test Wallet' }, 'en');
    await untilShown(step, '#ethereumAddress-proof', proven);
    expect(wallet.signatures.length).to.equal(1);
    const personalSign = wallet.requests.find((request) => request.method === 'personal_sign');
    expect((personalSign?.params as string[])[0]).to.equal(`0x${Array.from(new TextEncoder().encode(message), (byte) => byte.toString(16).padStart(2, '0')).join('')}`);
    expect(addressInput(step).value).to.equal(TEST_ADDRESSES[0]);
    expect(step.draft.load()?.answers['ethereumAddress']).to.equal(TEST_ADDRESSES[0]);
    expect(addressInput(step).getAttribute('aria-describedby')).to.contain('ethereumAddress-proof');
    expect($(step, '#ethereumAddress-proof')?.classList.contains('proven')).to.equal(true);
    expect($(step, 'pre.siwe-message'), 'the message is gone once signed').to.equal(null);
    expect(step.announcements).to.include(proven);
    expect(walletProofProblem(step.form)).to.equal(undefined);
    const listed = await step.keeper.authorized((token) => step!.client.walletProofs(token));
    expect(listed.map((proof) => proof.address)).to.deep.equal([TEST_ADDRESSES[0]]);
    expect(wallet.listenerCount(), 'the wallet is not watched once the proof is made').to.equal(0);
  });

  it('explains a declined signature, and keeps what was typed', async () => {
    announced('Test Wallet', { rejectSignature: true });
    step = await mountProof();
    await enter(step, TYPED);
    await press(step, mainButton(step));
    await untilMessage(step);
    await press(step, mainButton(step));
    await untilShown(step, '.wallet-proof [role="alert"]', failure(step, 'rejected'));
    expect(addressInput(step).value).to.equal(TYPED);
    expect(text(step, '#ethereumAddress-proof')).to.equal(step.form.messages.wallet.notProven);
    expect(mainButton(step).textContent?.trim(), 'ready to try again').to.equal(step.form.messages.wallet.connect);
    expect(step.root.activeElement).to.equal(mainButton(step));
  });

  it('explains a wallet on another network that will not switch, and one that does not know the sale’s network', async () => {
    const wallet = announced('Polygon Wallet', { chainId: 137, switchChain: 'reject' });
    step = await mountProof();
    await press(step, mainButton(step));
    await untilShown(step, '.wallet-proof [role="alert"]', failure(step, 'wrongChain'));
    expect(text(step, '.wallet-proof [role="alert"]')).to.contain('chain ID 1');

    wallet.settings.switchChain = 'unknown';
    await press(step, mainButton(step));
    await untilShown(step, '.wallet-proof [role="alert"]', failure(step, 'unknownChain'));

    wallet.settings.switchChain = 'accept';
    await press(step, mainButton(step));
    await untilMessage(step);
    expect(wallet.settings.chainId, 'switched when it agreed').to.equal(1);
    expect($(step, '.wallet-proof [role="alert"]'), 'the last failure forgotten').to.equal(null);
  });

  it('stops when the wallet’s account changes before signing, and when the wallet disconnects', async () => {
    const wallet = announced('Test Wallet');
    step = await mountProof();
    await press(step, mainButton(step));
    await untilMessage(step);
    wallet.changeAccount();
    await untilShown(step, '.wallet-proof [role="alert"]', failure(step, 'accountChanged'));
    expect($(step, 'pre.siwe-message')).to.equal(null);
    expect(wallet.listenerCount()).to.equal(0);

    // Connecting again proves the new account.
    await press(step, mainButton(step));
    expect(await untilMessage(step)).to.contain(`\n${TEST_ADDRESSES[1]}\n`);
    wallet.disconnect();
    await untilShown(step, '.wallet-proof [role="alert"]', failure(step, 'disconnected'));
    expect(addressInput(step).value).to.equal('');
  });

  it('says so when the browser has no wallet, and typing stays possible, marked not proven', async () => {
    step = await mountProof();
    await enter(step, TYPED);
    await press(step, mainButton(step));
    await untilShown(step, '.wallet-proof [role="alert"]', failure(step, 'noWallet'));
    expect(addressInput(step).readOnly).to.equal(false);
    expect(addressInput(step).value).to.equal(TYPED);
    expect(text(step, '#ethereumAddress-proof')).to.equal(step.form.messages.wallet.notProven);
    expect($(step, '#ethereumAddress-proof')?.classList.contains('proven')).to.equal(false);
  });

  it('uses window.ethereum when no wallet announces itself', async () => {
    const wallet = createTestWallet('Old Wallet');
    cleanups.push(wallet.inject());
    step = await mountProof();
    await press(step, mainButton(step));
    await untilMessage(step);
    const { wallet: messages } = step.form.messages;
    expect(mainButton(step).textContent?.trim()).to.equal(format(messages.sign, { wallet: messages.browserWallet }, 'en'));
    await press(step, mainButton(step));
    await untilShown(step, '#ethereumAddress-proof', format(messages.provenWith, { wallet: messages.browserWallet }, 'en'));
    expect(addressInput(step).value).to.equal(TEST_ADDRESSES[0]);
  });

  it('lets the investor choose by name among several wallets, keyboard focus following', async () => {
    announced('First Wallet');
    const second = announced('Second Wallet');
    step = await mountProof();
    await press(step, mainButton(step));
    await untilShown(step, '.wallet-choice');
    expect(text(step, '.wallet-choice legend')).to.equal(step.form.messages.wallet.chooseWallet);
    const choices = [...step.root.querySelectorAll<HTMLButtonElement>('.wallet-choice button')];
    expect(choices.map((button) => button.textContent?.trim())).to.deep.equal(['First Wallet', 'Second Wallet']);
    expect(step.root.activeElement, 'the focus moved to the list').to.equal(choices[0]);
    expect($(step, '.wallet-choice img'), 'no wallet icon drawn').to.equal(null);

    await press(step, choices[1]!);
    await untilMessage(step);
    expect(step.root.activeElement, 'back on the main button').to.equal(mainButton(step));
    await press(step, mainButton(step));
    await untilShown(step, '#ethereumAddress-proof', format(step.form.messages.wallet.provenWith, { wallet: 'Second Wallet' }, 'en'));
    expect(second.signatures.length).to.equal(1);
  });

  it('cancels an attempt, and drops the proven mark when the address is changed by hand', async () => {
    announced('Test Wallet');
    step = await mountProof();
    await press(step, mainButton(step));
    await untilMessage(step);
    await press(step, $(step, '.wallet-actions button.link') as HTMLElement);
    expect($(step, 'pre.siwe-message')).to.equal(null);
    expect(step.root.activeElement).to.equal(mainButton(step));

    await press(step, mainButton(step));
    await untilMessage(step);
    await press(step, mainButton(step));
    const proven = format(step.form.messages.wallet.provenWith, { wallet: 'Test Wallet' }, 'en');
    await untilShown(step, '#ethereumAddress-proof', proven);
    await enter(step, TYPED);
    expect(text(step, '#ethereumAddress-proof')).to.equal(step.form.messages.wallet.notProven);
    await enter(step, TEST_ADDRESSES[0].toLowerCase());
    expect(text(step, '#ethereumAddress-proof'), 'the proven address typed back').to.equal(proven);
  });

  it('restores the proven mark after a reload, from the proxy', async () => {
    announced('Test Wallet');
    const storage = memoryStorage();
    step = await mountProof({ storage });
    await press(step, mainButton(step));
    await untilMessage(step);
    await press(step, mainButton(step));
    await untilShown(step, '#ethereumAddress-proof', format(step.form.messages.wallet.provenWith, { wallet: 'Test Wallet' }, 'en'));
    const keeper = step.keeper;
    step.remove();
    step = undefined;

    step = await mountProof({ storage, keeper });
    expect(addressInput(step).value).to.equal(TEST_ADDRESSES[0]);
    await untilShown(step, '#ethereumAddress-proof', format(step.form.messages.wallet.provenWith, { wallet: step.form.messages.wallet.browserWallet }, 'en'));
  });

  it('requires a proof for the address in the field when the sale does (and when no address may be typed)', async () => {
    announced('Test Wallet');
    step = await mountProof({ config: withWallet({ proof: 'required' }) });
    await enter(step, TYPED);
    expect(walletProofProblem(step.form)).to.deep.equal({ field: 'ethereumAddress', rule: 'wallet_proof_required' });
    await press(step, mainButton(step));
    await untilMessage(step);
    await press(step, mainButton(step));
    await untilShown(step, '#ethereumAddress-proof', format(step.form.messages.wallet.provenWith, { wallet: 'Test Wallet' }, 'en'));
    expect(walletProofProblem(step.form)).to.equal(undefined);
    step.remove();
    step.keeper.dispose();

    step = await mountProof({ config: withWallet({ proof: 'optional', allowTypedAddress: false }) });
    expect(addressInput(step).readOnly, 'the wallet fills it').to.equal(true);
    step.form.setAnswer('ethereumAddress', TYPED);
    expect(walletProofProblem(step.form)?.rule).to.equal('wallet_proof_required');
  });

  it('asks nothing of the wallet, and loads no wallet code, when the sale takes no proofs', async () => {
    announced('Test Wallet');
    step = await mountProof({ config: withWallet({ proof: 'off' }) });
    await enter(step, TYPED);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await step.update();
    expect($(step, '.wallet-proof')).to.equal(null);
    expect($(step, '#ethereumAddress-proof')).to.equal(null);
    expect(step.loads).to.equal(0);
    expect(walletProofProblem(step.form)).to.equal(undefined);
  });

  it('explains a wallet module that cannot be loaded, and typing goes on', async () => {
    announced('Test Wallet');
    const client = await testClient();
    const keeper = createSessionKeeper({ client, autoRefresh: false });
    keeper.set(await signIn(client));
    const wallet: WalletHost = {
      challenge: () => Promise.reject(new Error('unused')),
      prove: () => Promise.reject(new Error('unused')),
      proofs: () => Promise.resolve([]),
      loadModule: () => loadWalletModule('/no-such-folder/'),
    };
    const mounted = await mountStep((form) => renderWalletStep(form, wallet), { styles: [ethereumFieldStyles, walletStepStyles] });
    step = Object.assign(mounted, { keeper, loads: 0 });
    await press(step, mainButton(step));
    await untilShown(step, '.wallet-proof [role="alert"]', failure(step, 'loadFailed'));
    await enter(step, TYPED);
    expect(step.draft.load()?.answers['ethereumAddress']).to.equal(TYPED);
  });

  it('removes every listener it added when the element goes away mid-proof', async () => {
    const wallet = announced('Test Wallet');
    const removed: string[] = [];
    const realRemove = window.removeEventListener.bind(window);
    window.removeEventListener = ((type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions) => {
      removed.push(type);
      realRemove(type, listener, options);
    }) as typeof window.removeEventListener;
    cleanups.push(() => {
      window.removeEventListener = realRemove;
    });
    step = await mountProof();
    await press(step, mainButton(step));
    await untilMessage(step);
    expect(wallet.listenerCount()).to.equal(3);
    step.remove();
    expect(wallet.listenerCount()).to.equal(0);
    expect(removed).to.include('eip6963:announceProvider');
  });

  it('passes axe in light and dark with the message shown, and with a failure', async () => {
    const wallet = announced('Test Wallet');
    step = await mountProof({ width: 320 });
    await press(step, mainButton(step));
    await untilMessage(step);
    const panel = $(step, '.panel') as HTMLElement;
    expect(panel.scrollWidth, 'the message wraps on a 320 px phone').to.be.at.most(panel.clientWidth);
    expect(await violations(step), 'light').to.deep.equal([]);
    step.element.setAttribute('theme', 'dark');
    await step.update();
    expect(await violations(step), 'dark').to.deep.equal([]);
    wallet.changeAccount();
    await untilShown(step, '.wallet-proof [role="alert"]');
    expect(await violations(step), 'dark, failure').to.deep.equal([]);
  });

  it('passes axe in Arabic, right to left, the message kept left to right', async () => {
    announced('محفظة الاختبار');
    step = await mountProof({ locale: 'ar', dir: 'rtl' });
    expect(mainButton(step).textContent?.trim()).to.equal('ربط المحفظة');
    await press(step, mainButton(step));
    await untilMessage(step);
    const { wallet: messages } = step.form.messages;
    expect(messages.sign).to.equal('التوقيع باستخدام {wallet}');
    expect(mainButton(step).textContent?.trim()).to.equal(format(messages.sign, { wallet: 'محفظة الاختبار' }, 'ar'));
    expect($(step, 'pre.siwe-message')?.getAttribute('dir')).to.equal('ltr');
    expect(getComputedStyle($(step, '#wallet-sign-intro') as HTMLElement).direction).to.equal('rtl');
    expect(await violations(step)).to.deep.equal([]);
    await press(step, mainButton(step));
    await untilShown(step, '#ethereumAddress-proof', format(messages.provenWith, { wallet: 'محفظة الاختبار' }, 'ar'));
    expect(await violations(step)).to.deep.equal([]);
  });
});
