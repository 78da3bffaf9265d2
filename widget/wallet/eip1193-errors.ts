/**
 * EIP-1193 errors in the investor's terms: a wallet rejects with `{ code, message }` (EIP-1193 §
 * "Provider Errors", EIP-1474 for -32002), and the step says why in words from the reason given here.
 */
import type { WalletFailure, WalletFailureReason } from './wallet-types.js';

/** An Error that carries the reason the step words. */
export type WalletError = Error & WalletFailure;

/** A {@link WalletError} for `reason`. */
export function walletError(reason: WalletFailureReason, cause?: unknown): WalletError {
  return Object.assign(new Error(`wallet: ${reason}`, cause === undefined ? undefined : { cause }), { reason });
}

/** The numeric EIP-1193 code of a wallet's error; some wallets wrap the original in `data.originalError`. */
function codeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, data } = error as { code?: unknown; data?: { originalError?: { code?: unknown } } };
  const value = typeof code === 'number' || typeof code === 'string' ? Number(code) : undefined;
  if (value !== undefined && Number.isInteger(value) && value !== -32603) return value;
  // -32603 "internal error" is how some wallets (MetaMask mobile) wrap 4902 and friends.
  const inner = data?.originalError?.code;
  return typeof inner === 'number' ? inner : value;
}

/**
 * The reason a wallet call failed. `during: 'switch'` is the call that brings the wallet to the sale's
 * chain: there a refusal or an unknown failure means the wallet stays on another chain.
 */
export function walletFailureOf(error: unknown, during?: 'switch'): WalletError {
  if (typeof error === 'object' && error !== null && typeof (error as Partial<WalletFailure>).reason === 'string') return error as WalletError;
  switch (codeOf(error)) {
    case 4001:
      return walletError(during === 'switch' ? 'wrongChain' : 'rejected', error);
    case 4100:
      return walletError('unauthorized', error);
    case 4900:
    case 4901:
      return walletError('disconnected', error);
    case 4902:
      return walletError('unknownChain', error);
    case -32002:
      return walletError('pending', error);
    default:
      return walletError(during === 'switch' ? 'wrongChain' : 'failed', error);
  }
}
