/**
 * The wallet module's entry, built on its own to `dist/wallet.js` and imported by the widget only when
 * the wallet step opens on a sale that takes proofs (load-wallet-module.ts), so none of it weighs on the
 * main script: the whole proof of ownership but its drawing.
 *
 * "Connect wallet" → (the investor picks a wallet by name when the browser announced several) → the
 * wallet's account on the sale's chain → the proxy's challenge, whose Sign-In with Ethereum text the step
 * shows → "Sign" → `personal_sign` → the proxy checks the signature → `onProven`. While a proof is under
 * way the wallet is watched: another account, another chain or a disconnection stops it, said in words.
 * The widget draws `flow` and `failure` (widget/steps/wallet-step.ts) and keeps the proven addresses
 * (widget/wallet/wallet-proof.ts).
 */
import { connectWallet, signMessage, watchWallet } from './browser-wallet.js';
import { discoverWallets, injectedWallet } from './eip6963-discovery.js';
import type { BrowserWallet, WalletEvent, WalletFailure, WalletFlow, WalletProofFailure, WalletProofOptions, WalletProofSession } from './wallet-types.js';

/** What to say for what a wallet call or a proxy call (an `ApiError`, read by its `code`) threw. */
export function proofFailureOf(error: unknown): WalletProofFailure {
  const { reason, code } = (typeof error === 'object' && error !== null ? error : {}) as Partial<WalletFailure> & { code?: unknown };
  if (typeof reason === 'string') return reason;
  if (typeof code !== 'string') return 'failed';
  if (code === 'wrong_chain' || code === 'proof_chain') return 'wrongChain';
  if (code === 'proof_expired' || code === 'proof_nonce_unknown') return 'expired';
  return code.startsWith('proof_') || code === 'wallet_proof_off' ? 'proofRefused' : { code };
}

/** Start a proof session for the step just opened: wallets are discovered from now until {@link WalletProofSession.close}. */
export function startWalletProof(options: WalletProofOptions): WalletProofSession {
  const { chainId } = options;
  let flow: WalletFlow = { state: 'idle' };
  let failure: WalletProofFailure | undefined;
  let announced: BrowserWallet[] = [];
  let run: AbortController | undefined;
  let stopWatching: (() => void) | undefined;

  const set = (next: WalletFlow): void => {
    flow = next;
    options.onChange();
  };
  const endRun = (): void => {
    run?.abort();
    run = undefined;
    stopWatching?.();
    stopWatching = undefined;
  };
  /** A new attempt: the last one is abandoned, its failure forgotten. */
  const restart = (): AbortSignal => {
    endRun();
    failure = undefined;
    run = new AbortController();
    return run.signal;
  };
  const fail = (signal: AbortSignal, error: unknown): void => {
    if (signal.aborted) return;
    endRun();
    failure = proofFailureOf(error);
    set({ state: 'idle' });
  };
  const onWalletEvent = (signal: AbortSignal, event: WalletEvent): void => {
    if (flow.state !== 'ready' && flow.state !== 'signing') return;
    if (event.type === 'disconnect') fail(signal, { reason: 'disconnected' });
    else if (event.type === 'chainChanged' && event.chainId !== chainId) fail(signal, { reason: 'wrongChain' });
    else if (event.type === 'accountsChanged' && event.accounts[0]?.toLowerCase() !== flow.address.toLowerCase()) {
      fail(signal, { reason: event.accounts.length === 0 ? 'disconnected' : 'accountChanged' });
    }
  };
  const stopDiscovery = discoverWallets((wallets) => {
    announced = wallets;
    if (flow.state === 'choosing') set({ state: 'choosing', wallets });
  });

  return {
    get flow() {
      return flow;
    },
    get failure() {
      return failure;
    },
    async connect(chosen) {
      const signal = restart();
      const injected = injectedWallet();
      const wallets = announced.length > 0 ? announced : injected === undefined ? [] : [injected];
      const wallet = chosen ?? (wallets.length === 1 ? wallets[0] : undefined);
      if (wallet === undefined) {
        if (wallets.length === 0) fail(signal, { reason: 'noWallet' });
        else set({ state: 'choosing', wallets });
        return;
      }
      set({ state: 'connecting', wallet });
      try {
        const address = await connectWallet(wallet, chainId);
        if (signal.aborted) return;
        stopWatching = watchWallet(wallet, (event) => onWalletEvent(signal, event));
        const { message } = await options.challenge(address, chainId, signal);
        if (!signal.aborted) set({ state: 'ready', wallet, address, message });
      } catch (error) {
        fail(signal, error);
      }
    },
    async sign() {
      const signal = run?.signal;
      const ready = flow;
      if (ready.state !== 'ready' || signal === undefined) return;
      set({ ...ready, state: 'signing' });
      try {
        const signature = await signMessage(ready.wallet, ready.address, ready.message);
        if (signal.aborted) return;
        const { address } = await options.prove(ready.message, signature, signal);
        if (signal.aborted) return;
        endRun();
        set({ state: 'idle' });
        options.onProven(address, ready.wallet.name);
      } catch (error) {
        fail(signal, error);
      }
    },
    cancel() {
      endRun();
      set({ state: 'idle' });
    },
    close() {
      stopDiscovery();
      endRun();
      flow = { state: 'idle' };
      failure = undefined;
    },
  };
}
