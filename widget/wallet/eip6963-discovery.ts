/**
 * Finding the browser's wallets: EIP-6963 (each wallet answers `eip6963:requestProvider` with an
 * `eip6963:announceProvider` event carrying its name and provider), and the page's `window.ethereum`
 * for wallets older than that.
 */
import type { BrowserWallet, Eip1193Provider } from './wallet-types.js';

/** A wallet's name is shown as text; a very long one is cut so it cannot flood the step. */
const MAX_NAME_LENGTH = 48;

function isProvider(value: unknown): value is Eip1193Provider {
  return typeof value === 'object' && value !== null && typeof (value as { request?: unknown }).request === 'function';
}

/**
 * Listen for announcements, then ask every wallet to announce itself; `onChange` receives the wallets
 * found so far each time a new one answers (a wallet announcing twice is listed once). Returns the
 * function that removes the listener.
 */
export function discoverWallets(onChange: (wallets: BrowserWallet[]) => void): () => void {
  const found = new Map<string, BrowserWallet>();
  const onAnnounce = (event: Event): void => {
    const detail = (event as CustomEvent<unknown>).detail as { info?: { uuid?: unknown; name?: unknown }; provider?: unknown } | null;
    const id = detail?.info?.uuid;
    const provider = detail?.provider;
    if (typeof id !== 'string' || id === '' || found.has(id) || !isProvider(provider)) return;
    const name = typeof detail?.info?.name === 'string' ? detail.info.name.trim().slice(0, MAX_NAME_LENGTH) : '';
    found.set(id, { id, name, provider });
    onChange([...found.values()]);
  };
  window.addEventListener('eip6963:announceProvider', onAnnounce);
  window.dispatchEvent(new Event('eip6963:requestProvider'));
  return () => window.removeEventListener('eip6963:announceProvider', onAnnounce);
}

/** The page's `window.ethereum`, if a wallet injected one. */
export function injectedWallet(): BrowserWallet | undefined {
  const provider = (window as { ethereum?: unknown }).ethereum;
  return isProvider(provider) ? { id: 'injected', name: '', provider } : undefined;
}
