/**
 * Proof of wallet ownership on the wallet step (issue 8), the part that lives in the main bundle: the
 * proven addresses, the proxy's routes and the step's life. The proof itself (discovery, the wallet's
 * calls, the flow) is the wallet module (wallet-proof-flow.ts → `dist/wallet.js`), imported only once
 * the step opens on a sale that takes proofs; the step draws its state (widget/steps/wallet-step.ts).
 *
 * The proven addresses are the proxy's (`GET …/wallet/proofs` restores them after a reload); the field is
 * marked proven only while it holds one of them, so changing it drops the mark. Nothing the investor
 * typed is touched by a failure.
 *
 * One controller per element, kept in a WeakMap like the Ethereum check's. It follows the step: opened
 * when the step draws it, closed (the wallet module's listeners removed, an attempt abandoned) as soon
 * as an update no longer draws it.
 */
import type { ReactiveController } from 'lit';
import { walletProofNeeded } from '../../proxy/contract/wallet-proof-rule.js';
import type { ProxyClient } from '../api/proxy-client.js';
import type { WalletChallenge, WalletProof } from '../api/proxy-types.js';
import type { SessionKeeper } from '../api/session-keeper.js';
import { fillEthereumAddress } from '../fields/ethereum-field.js';
import type { StepHost } from '../flow/step-host.js';
import type { FieldProblem } from '../i18n/error-text.js';
import { format } from '../i18n/format.js';
import { loadWalletModule } from './load-wallet-module.js';
import type { WalletModule, WalletProofSession } from './wallet-types.js';

const FIELD = 'ethereumAddress';

/** What the wallet step needs from the element besides the form: the proxy's wallet routes and the module. */
export interface WalletHost {
  /** The Sign-In with Ethereum message for `address` (`POST …/wallet/challenges`). */
  challenge(address: string, chainId: number, signal: AbortSignal): Promise<WalletChallenge>;
  /** Send the signed message (`POST …/wallet/proofs`). */
  prove(message: string, signature: string, signal: AbortSignal): Promise<WalletProof>;
  /** The addresses the investor has proven (`GET …/wallet/proofs`). */
  proofs(signal: AbortSignal): Promise<WalletProof[]>;
  /** The wallet module (`wallet.js`). */
  loadModule(): Promise<WalletModule>;
}

/** The element's {@link WalletHost}: its proxy client under its session, the module from `baseUrl()` (or next to the script). */
export function createWalletHost(client: ProxyClient, keeper: SessionKeeper, baseUrl: () => string | undefined): WalletHost {
  return {
    challenge: (address, chainId, signal) => keeper.authorized((token) => client.walletChallenge(token, address, chainId, signal)),
    prove: (message, signature, signal) => keeper.authorized((token) => client.proveWallet(token, message, signature, signal)),
    proofs: (signal) => keeper.authorized((token) => client.walletProofs(token, signal)),
    loadModule: () => loadWalletModule(baseUrl()),
  };
}

/** The proof state of one element. */
export class WalletProofController implements ReactiveController {
  host: StepHost;
  wallet: WalletHost;
  /** The wallet module's session while the step is open and the module loaded. */
  session: WalletProofSession | undefined;
  /** The module could not be loaded when the investor asked to connect. */
  loadFailed = false;
  #open = false;
  #drawn = false;
  /** Proven addresses (lowercase) → the name of the wallet that proved them ('' when not known: after a reload). */
  #proven = new Map<string, string>();
  /** The form the proven addresses were read for (a new sign-in brings a new form, and reads them again). */
  #provenFor: StepHost | undefined;
  #hadFocus = false;
  #wasChoosing = false;

  constructor(host: StepHost, wallet: WalletHost) {
    this.host = host;
    this.wallet = wallet;
    host.element.addController(this);
  }

  /** The step drew the proof: on the first draw, read the proven addresses and load the module. */
  drawn(host: StepHost, wallet: WalletHost): void {
    this.host = host;
    this.wallet = wallet;
    this.#drawn = true;
    if (this.#open) return;
    this.#open = true;
    // After this render: the answers change the element's state, which a render must not do.
    queueMicrotask(() => {
      if (this.#provenFor !== this.host) void this.#readProofs();
      void this.#start();
    });
  }

  /** "Connect wallet": through the module, loaded now if it was not yet. */
  async connect(): Promise<void> {
    this.loadFailed = false;
    const session = await this.#start();
    if (session === undefined) {
      this.loadFailed = this.#open;
      this.host.element.requestUpdate();
    } else void session.connect();
  }

  hostUpdate(): void {
    this.#hadFocus = this.host.element.shadowRoot?.activeElement?.closest('.wallet-proof') != null;
  }

  hostUpdated(): void {
    if (this.#open && !this.#drawn) this.#close();
    this.#drawn = false;
    // The focus follows the flow: to the list of wallets when it appears, back to the main button when
    // the button the investor was on is gone (a choice made, an attempt stopped).
    const root = this.host.element.shadowRoot;
    const choosing = this.session?.flow.state === 'choosing';
    if (choosing && !this.#wasChoosing) root?.querySelector<HTMLElement>('.wallet-choice button')?.focus();
    else if (this.#hadFocus && root?.activeElement == null) root?.querySelector<HTMLElement>('#wallet-connect')?.focus();
    this.#wasChoosing = choosing;
  }

  hostDisconnected(): void {
    this.#close();
  }

  /** The name of the wallet that proved `address` ('' when unknown), or undefined when it is not proven. */
  provenBy(address: string): string | undefined {
    return this.#proven.get(address.toLowerCase());
  }

  /** The sale's chain. */
  get chainId(): number {
    return this.host.config.wallet?.chainId ?? 1;
  }

  /** The proof status of `address` in words. */
  statusText(address: string): string {
    const by = this.provenBy(address);
    const messages = this.host.messages.wallet;
    // After a reload the proxy knows the address, not the wallet: "proven with your wallet".
    return by === undefined ? messages.notProven : format(messages.provenWith, { wallet: by || messages.browserWallet }, this.host.locale);
  }

  async #start(): Promise<WalletProofSession | undefined> {
    if (this.session !== undefined) return this.session;
    let module: WalletModule;
    try {
      module = await this.wallet.loadModule();
    } catch {
      return undefined;
    }
    if (!this.#open) return undefined;
    this.session ??= module.startWalletProof({
      chainId: this.chainId,
      // The host's methods are plain functions (createWalletHost): passed as they are.
      challenge: this.wallet.challenge,
      prove: this.wallet.prove,
      onChange: () => this.host.element.requestUpdate(),
      onProven: (address, walletName) => {
        this.#proven.set(address.toLowerCase(), walletName);
        fillEthereumAddress(this.host, address);
        this.host.announce(this.statusText(address));
      },
    });
    this.host.element.requestUpdate();
    return this.session;
  }

  async #readProofs(): Promise<void> {
    const host = this.host;
    this.#provenFor = host;
    this.#proven.clear();
    try {
      for (const proof of await this.wallet.proofs(host.signal)) {
        const key = proof.address.toLowerCase();
        if (!this.#proven.has(key)) this.#proven.set(key, '');
      }
      host.element.requestUpdate();
    } catch {
      // Read again the next time the step opens; meanwhile the field says "not proven", which a new proof fixes.
      if (this.#provenFor === host) this.#provenFor = undefined;
    }
  }

  #close(): void {
    this.#open = false;
    this.session?.close();
    this.session = undefined;
    this.loadFailed = false;
  }
}

const controllers = new WeakMap<HTMLElement, WalletProofController>();

/** The proof controller of `host`'s element, created on first use. */
export function walletProofController(host: StepHost, wallet: WalletHost): WalletProofController {
  let controller = controllers.get(host.element);
  if (controller === undefined) {
    controller = new WalletProofController(host, wallet);
    controllers.set(host.element, controller);
  }
  return controller;
}

/**
 * The step's pass rule, the proxy's at submit: when the sale requires a proof (or takes proofs but lets
 * no address be typed), an address in the field that is not proven (and has no other error) stops the
 * investor, with the problem shown on the field. Undefined otherwise.
 */
export function walletProofProblem(host: StepHost): FieldProblem | undefined {
  const settings = host.config.wallet;
  if (settings === undefined || !walletProofNeeded(settings) || !host.isCollected(FIELD)) return undefined;
  const address = host.answer(FIELD);
  if (address === '' || host.fieldError(FIELD) !== undefined) return undefined;
  return controllers.get(host.element)?.provenBy(address) === undefined ? { field: FIELD, rule: 'wallet_proof_required' } : undefined;
}
