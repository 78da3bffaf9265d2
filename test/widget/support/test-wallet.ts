/**
 * A real EIP-1193 wallet for the browser tests: it holds test private keys and signs with viem
 * (`privateKeyToAccount(key).signMessage`, a code path independent of the widget's), answers the calls
 * the widget makes (`eth_requestAccounts`, `eth_chainId`, `wallet_switchEthereumChain`, `personal_sign`),
 * emits the EIP-1193 events, and makes itself known the EIP-6963 way (or as `window.ethereum`).
 *
 * Switches, settable at any time, say how it behaves: decline the signature (4001), sit on another
 * chain and refuse to switch (4001) or not know the sale's chain (4902), decline the account request,
 * say a request is already pending (-32002); and actions: change account, disconnect.
 */
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';

/** Hardhat's and Anvil's first two development keys: public test keys, never used for anything real. */
export const TEST_KEYS = ['0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80', '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'] as const;

/** The EIP-55 addresses of {@link TEST_KEYS}, as viem derives them. */
export const TEST_ADDRESSES = [privateKeyToAccount(TEST_KEYS[0]).address, privateKeyToAccount(TEST_KEYS[1]).address] as const;

/** How the wallet behaves; every switch may be changed while a test runs. */
export interface TestWalletSettings {
  /** The chain the wallet is on (default 1). */
  chainId: number;
  /** Answer to `wallet_switchEthereumChain`: switch, decline (4001), or not know the chain (4902). */
  switchChain: 'accept' | 'reject' | 'unknown';
  /** Decline `personal_sign` (4001). */
  rejectSignature: boolean;
  /** Decline `eth_requestAccounts` (4001). */
  rejectAccounts: boolean;
  /** Answer `eth_requestAccounts` with -32002 (a request of this site already waits in the wallet). */
  accountsPending: boolean;
}

/** One request the wallet received. */
export interface WalletRequest {
  method: string;
  params: unknown;
}

/** The wallet. */
export interface TestWallet {
  /** The EIP-1193 provider. */
  readonly provider: { request(args: { method: string; params?: unknown }): Promise<unknown>; on(event: string, listener: (...args: unknown[]) => void): void; removeListener(event: string, listener: (...args: unknown[]) => void): void };
  readonly settings: TestWalletSettings;
  /** Every request, in order. */
  readonly requests: WalletRequest[];
  /** The account in use now (EIP-55). */
  readonly address: string;
  /** The EIP-6963 name. */
  readonly name: string;
  /** The signatures it made, in order. */
  readonly signatures: string[];
  /** Answer `eip6963:requestProvider` on `target` (default: this window; a frame's), and announce once now; returns the function that stops. */
  announce(target?: Window): () => void;
  /** Be the page's `window.ethereum`; returns the function that removes it. */
  inject(): () => void;
  /** Switch to the other test account, telling the page (`accountsChanged`). */
  changeAccount(): void;
  /** Switch to another chain, telling the page (`chainChanged`). */
  changeChain(chainId: number): void;
  /** Lose the connection: `disconnect` is emitted and every later request fails with 4900. */
  disconnect(): void;
  /** How many listeners the page has on the wallet's events now. */
  listenerCount(): number;
  /** Called before answering each request (a test may change the wallet mid-flow). */
  onRequest: ((request: WalletRequest) => void | Promise<void>) | undefined;
}

/** An EIP-1193 `ProviderRpcError`. */
function rpcError(code: number, message: string): Error & { code: number } {
  return Object.assign(new Error(message), { code });
}

let created = 0;

/** A new test wallet named `name`, on account 0 of {@link TEST_KEYS}. */
export function createTestWallet(name = 'Test Wallet', settings: Partial<TestWalletSettings> = {}): TestWallet {
  created += 1;
  const uuid = `00000000-0000-4000-8000-${String(created).padStart(12, '0')}`;
  const current: TestWalletSettings = { chainId: 1, switchChain: 'accept', rejectSignature: false, rejectAccounts: false, accountsPending: false, ...settings };
  let account: PrivateKeyAccount = privateKeyToAccount(TEST_KEYS[0]);
  let connected = true;
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  const requests: WalletRequest[] = [];
  const signatures: string[] = [];

  const emit = (event: string, ...args: unknown[]): void => {
    for (const listener of [...(listeners.get(event) ?? [])]) listener(...args);
  };
  const hexChain = (): string => `0x${current.chainId.toString(16)}`;

  async function answer(method: string, params: unknown): Promise<unknown> {
    if (!connected) throw rpcError(4900, 'Disconnected');
    switch (method) {
      case 'eth_requestAccounts':
        if (current.accountsPending) throw rpcError(-32002, 'Request of type eth_requestAccounts already pending');
        if (current.rejectAccounts) throw rpcError(4001, 'User rejected the request.');
        return [account.address.toLowerCase()];
      case 'eth_accounts':
        return [account.address.toLowerCase()];
      case 'eth_chainId':
        return hexChain();
      case 'wallet_switchEthereumChain': {
        const wanted = Number((params as [{ chainId: string }])[0].chainId);
        if (current.switchChain === 'reject') throw rpcError(4001, 'User rejected the request.');
        if (current.switchChain === 'unknown') throw rpcError(4902, `Unrecognized chain ID ${wanted}`);
        if (wanted !== current.chainId) {
          current.chainId = wanted;
          emit('chainChanged', hexChain());
        }
        return null;
      }
      case 'personal_sign': {
        const [data, address] = params as [`0x${string}`, string];
        if (address.toLowerCase() !== account.address.toLowerCase()) throw rpcError(4100, 'Unknown account');
        if (current.rejectSignature) throw rpcError(4001, 'User rejected the request.');
        const signature = await account.signMessage({ message: { raw: data } });
        signatures.push(signature);
        return signature;
      }
      default:
        throw rpcError(4200, `Unsupported method ${method}`);
    }
  }

  const provider: TestWallet['provider'] = {
    async request({ method, params }) {
      const request = { method, params };
      requests.push(request);
      await wallet.onRequest?.(request);
      return answer(method, params);
    },
    on(event, listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)?.add(listener);
    },
    removeListener(event, listener) {
      listeners.get(event)?.delete(listener);
    },
  };

  const announceOn = (target: Window): void => {
    const detail = Object.freeze({ info: Object.freeze({ uuid, name, icon: 'data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg"/>', rdns: `test.wallet.${created}` }), provider });
    // The frame's own CustomEvent: a listener there reads `detail` from an event of its realm.
    const Custom = (target as Window & { CustomEvent: typeof CustomEvent }).CustomEvent;
    target.dispatchEvent(new Custom('eip6963:announceProvider', { detail }));
  };

  const wallet: TestWallet = {
    provider,
    settings: current,
    requests,
    signatures,
    name,
    onRequest: undefined,
    get address() {
      return account.address;
    },
    announce(target = window) {
      const onRequest = (): void => announceOn(target);
      target.addEventListener('eip6963:requestProvider', onRequest);
      announceOn(target);
      return () => target.removeEventListener('eip6963:requestProvider', onRequest);
    },
    inject() {
      (window as { ethereum?: unknown }).ethereum = provider;
      return () => {
        delete (window as { ethereum?: unknown }).ethereum;
      };
    },
    changeAccount() {
      account = privateKeyToAccount(account.address === TEST_ADDRESSES[0] ? TEST_KEYS[1] : TEST_KEYS[0]);
      emit('accountsChanged', [account.address.toLowerCase()]);
    },
    changeChain(chainId) {
      current.chainId = chainId;
      emit('chainChanged', hexChain());
    },
    disconnect() {
      connected = false;
      emit('disconnect', rpcError(4900, 'Disconnected'));
    },
    listenerCount() {
      return [...listeners.values()].reduce((sum, set) => sum + set.size, 0);
    },
  };
  return wallet;
}
