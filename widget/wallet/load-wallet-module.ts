/**
 * Loading the wallet module (`wallet.js`, built from wallet-proof-flow.ts) on demand, from the folder of
 * the widget's files exactly as the locale files are (widget/i18n/locale.ts): the script-tag build
 * cannot split code, and a sale that never opens the wallet step never downloads it.
 */
import { widgetFileUrl } from '../i18n/script-url.js';
import type { WalletModule } from './wallet-types.js';

/**
 * The wallet module from `<baseUrl>/wallet.js`, or from next to the widget's script. The browser imports
 * a URL once, however many elements ask. Rejects when the file cannot be loaded (missing, refused by
 * the page's Content-Security-Policy).
 */
export async function loadWalletModule(baseUrl?: string): Promise<WalletModule> {
  // A computed URL: bundlers must leave this import to the browser instead of resolving it at build time.
  return (await import(/* webpackIgnore: true */ /* @vite-ignore */ widgetFileUrl('wallet.js', baseUrl))) as WalletModule;
}
