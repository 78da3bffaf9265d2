/**
 * What the lazily loaded wallet module (`dist/wallet.js`, built from browser-wallet.ts) offers the main
 * bundle, and the words both sides share. Types only: the main bundle imports nothing of the module's
 * code, it loads the file on demand (load-wallet-module.ts) and calls it through {@link WalletModule}.
 */

/** The part of an EIP-1193 provider the widget uses. */
export interface Eip1193Provider {
  request(args: { method: string; params?: readonly unknown[] | object }): Promise<unknown>;
  on?(event: string, listener: (value: unknown) => void): unknown;
  removeListener?(event: string, listener: (value: unknown) => void): unknown;
}

/** A wallet found in the browser: announced through EIP-6963, or the page's `window.ethereum`. */
export interface BrowserWallet {
  /** The EIP-6963 `uuid` (`injected` for `window.ethereum`). */
  id: string;
  /** The name the wallet gives itself, shown to the investor ('' for `window.ethereum`, which has none). */
  name: string;
  provider: Eip1193Provider;
}

/**
 * Why the wallet part stopped, for the step to say in words:
 * - `noWallet`: no wallet in this browser;
 * - `rejected`: the investor declined in the wallet (EIP-1193 4001);
 * - `unauthorized`: the wallet does not let the page use the account (4100);
 * - `disconnected`: the wallet lost its connection, or went away (4900, 4901, a `disconnect` event);
 * - `unknownChain`: the wallet does not know the sale's chain (4902);
 * - `wrongChain`: the wallet is on another chain and did not switch (or switched away while signing);
 * - `pending`: the wallet already has a request of this page waiting (-32002);
 * - `accountChanged`: the wallet's account changed between connecting and signing;
 * - `failed`: anything else.
 */
export type WalletFailureReason = 'noWallet' | 'rejected' | 'unauthorized' | 'disconnected' | 'unknownChain' | 'wrongChain' | 'pending' | 'accountChanged' | 'failed';

/** What the module's functions reject with (read by duck typing: the module is built apart from the bundle). */
export interface WalletFailure {
  reason: WalletFailureReason;
}

/** A change the wallet reported while the step is open. */
export type WalletEvent = { type: 'accountsChanged'; accounts: string[] } | { type: 'chainChanged'; chainId: number } | { type: 'disconnect' };

/** Where a proof stands. */
export type WalletFlow =
  | { state: 'idle' }
  | { state: 'choosing'; wallets: BrowserWallet[] }
  | { state: 'connecting'; wallet: BrowserWallet }
  | { state: 'ready' | 'signing'; wallet: BrowserWallet; address: string; message: string };

/** Why the last attempt stopped: a reason of the wallet's or the proxy's refusal of the proof, or the proxy's error `code`. */
export type WalletProofFailure = WalletFailureReason | 'proofRefused' | 'expired' | { code: string };

/** What a proof needs from the widget: the sale's chain, the proxy's routes, and where to report. */
export interface WalletProofOptions {
  chainId: number;
  /** `POST …/wallet/challenges`: the message to sign. */
  challenge(address: string, chainId: number, signal: AbortSignal): Promise<{ message: string }>;
  /** `POST …/wallet/proofs`: the proven address (EIP-55). */
  prove(message: string, signature: string, signal: AbortSignal): Promise<{ address: string }>;
  /** The flow or the failure changed: redraw. */
  onChange(): void;
  /** `address` is proven, with the wallet named `walletName` ('' when it gives no name). */
  onProven(address: string, walletName: string): void;
}

/** A proof of ownership in progress on the open wallet step. */
export interface WalletProofSession {
  readonly flow: WalletFlow;
  /** Why the last attempt stopped, until the next one. */
  readonly failure: WalletProofFailure | undefined;
  /**
   * "Connect wallet" (no argument: the only wallet, or the list to choose from when there are several),
   * or the investor's pick: the account on the sale's chain, then the proxy's message to show.
   */
  connect(chosen?: BrowserWallet): Promise<void>;
  /** Sign the message shown, and have the proxy check it. */
  sign(): Promise<void>;
  /** Abandon the attempt (a wallet prompt still open is ignored when answered). */
  cancel(): void;
  /** The step closed: the attempt abandoned, every listener removed (`window`'s and the wallet's). */
  close(): void;
}

/** The module's exports (`dist/wallet.js`). */
export interface WalletModule {
  /** Start following the browser's wallets (EIP-6963) for a proof on the step just opened. */
  startWalletProof(options: WalletProofOptions): WalletProofSession;
}
