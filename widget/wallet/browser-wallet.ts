/**
 * EIP-1193 with the investor's wallet (part of the wallet module, `dist/wallet.js`): the account, the
 * sale's chain, `personal_sign` of the proxy's Sign-In with Ethereum message, and the wallet's events.
 * Every failure is turned into a reason the step words (eip1193-errors.ts).
 */
import { walletError, walletFailureOf } from './eip1193-errors.js';
import type { BrowserWallet, WalletEvent } from './wallet-types.js';

const ACCOUNT = /^0x[0-9a-fA-F]{40}$/;

/** `0x…` of a number, as EIP-1193 writes chain ids. */
const hexChainId = (chainId: number): string => `0x${chainId.toString(16)}`;

/** The wallet's chain id as a number (`0x1` → 1), or NaN. */
async function currentChain(wallet: BrowserWallet): Promise<number> {
  const chainId = await wallet.provider.request({ method: 'eth_chainId' });
  return typeof chainId === 'string' || typeof chainId === 'number' ? Number(chainId) : Number.NaN;
}

/** Bring the wallet to `chainId`, asking it to switch when it is elsewhere. */
async function ensureChain(wallet: BrowserWallet, chainId: number): Promise<void> {
  if ((await currentChain(wallet)) === chainId) return;
  try {
    await wallet.provider.request({ method: 'wallet_switchEthereumChain', params: [{ chainId: hexChainId(chainId) }] });
  } catch (error) {
    throw walletFailureOf(error, 'switch');
  }
  // Some wallets answer the switch before (or without) moving: believe the chain id, not the answer.
  if ((await currentChain(wallet)) !== chainId) throw walletError('wrongChain');
}

/**
 * Ask for the account and the sale's chain; resolves with the account as the wallet gives it (often all
 * lowercase: the proxy's challenge writes it in its EIP-55 form, and the proof answers with that form).
 */
export async function connectWallet(wallet: BrowserWallet, chainId: number): Promise<string> {
  try {
    const accounts = await wallet.provider.request({ method: 'eth_requestAccounts' });
    const account = Array.isArray(accounts) ? accounts[0] : undefined;
    if (typeof account !== 'string' || !ACCOUNT.test(account)) throw walletError('unauthorized');
    await ensureChain(wallet, chainId);
    return account;
  } catch (error) {
    throw walletFailureOf(error);
  }
}

/** `0x` and the hex of the UTF-8 bytes of `text`: how `personal_sign` takes a message. */
function utf8Hex(text: string): string {
  return `0x${Array.from(new TextEncoder().encode(text), (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/** Ask the wallet to sign `message` with `address` (EIP-191 `personal_sign`); resolves with the signature. */
export async function signMessage(wallet: BrowserWallet, address: string, message: string): Promise<string> {
  try {
    const signature = await wallet.provider.request({ method: 'personal_sign', params: [utf8Hex(message), address] });
    if (typeof signature !== 'string' || !/^0x[0-9a-fA-F]+$/.test(signature)) throw walletError('failed');
    return signature;
  } catch (error) {
    throw walletFailureOf(error);
  }
}

/** Follow the wallet's account, chain and connection; returns the function that stops listening. */
export function watchWallet(wallet: BrowserWallet, onEvent: (event: WalletEvent) => void): () => void {
  const { provider } = wallet;
  const listeners: Record<string, (value: unknown) => void> = {
    accountsChanged: (accounts: unknown) => onEvent({ type: 'accountsChanged', accounts: Array.isArray(accounts) ? accounts.filter((item): item is string => typeof item === 'string') : [] }),
    chainChanged: (chainId: unknown) => onEvent({ type: 'chainChanged', chainId: Number(chainId) }),
    disconnect: () => onEvent({ type: 'disconnect' }),
  };
  for (const [event, listener] of Object.entries(listeners)) provider.on?.(event, listener);
  return () => {
    for (const [event, listener] of Object.entries(listeners)) provider.removeListener?.(event, listener);
  };
}
