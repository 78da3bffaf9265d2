import { expect } from '@esm-bundle/chai';
import { verifyMessage } from 'viem';
import { connectWallet, signMessage, watchWallet } from '../../../widget/wallet/browser-wallet.js';
import { walletFailureOf } from '../../../widget/wallet/eip1193-errors.js';
import { discoverWallets, injectedWallet } from '../../../widget/wallet/eip6963-discovery.js';
import { proofFailureOf, startWalletProof } from '../../../widget/wallet/wallet-proof-flow.js';
import type { BrowserWallet, WalletEvent, WalletProofSession } from '../../../widget/wallet/wallet-types.js';
import { createSessionKeeper } from '../../../widget/api/session-keeper.js';
import { signIn, testClient, until } from '../services/backend.js';
import { TEST_ADDRESSES, createTestWallet, type TestWallet } from '../support/test-wallet.js';

/** A wallet as the module sees it. */
const asBrowserWallet = (wallet: TestWallet): BrowserWallet => ({ id: 'test', name: wallet.name, provider: wallet.provider });

/** The reason a call rejected with. */
async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { reason: string }).reason;
  }
  throw new Error('the call did not fail');
}

describe('wallet module: EIP-6963 discovery', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it('lists every announcing wallet by name, once each, and stops listening when told', () => {
    const first = createTestWallet('First Wallet');
    const second = createTestWallet('Second Wallet');
    cleanups.push(first.announce(), second.announce());
    const seen: string[][] = [];
    const stop = discoverWallets((wallets) => seen.push(wallets.map((wallet) => wallet.name)));
    expect(seen.at(-1)).to.deep.equal(['First Wallet', 'Second Wallet']);
    // Asking again: the wallets answer again, and nothing new is listed.
    window.dispatchEvent(new Event('eip6963:requestProvider'));
    expect(seen.length).to.equal(2);

    stop();
    const late = createTestWallet('Late Wallet');
    cleanups.push(late.announce());
    expect(seen.length, 'no listener left on window').to.equal(2);
  });

  it('ignores announcements without a uuid or a provider, and cuts an overlong name', () => {
    const seen: string[][] = [];
    const stop = discoverWallets((wallets) => seen.push(wallets.map((wallet) => wallet.name)));
    cleanups.push(stop);
    const provider = createTestWallet().provider;
    window.dispatchEvent(new CustomEvent('eip6963:announceProvider', { detail: { info: { name: 'No uuid' }, provider } }));
    window.dispatchEvent(new CustomEvent('eip6963:announceProvider', { detail: { info: { uuid: 'x', name: 'No provider' }, provider: {} } }));
    expect(seen).to.deep.equal([]);
    window.dispatchEvent(new CustomEvent('eip6963:announceProvider', { detail: { info: { uuid: 'y', name: `  ${'W'.repeat(80)}  ` }, provider } }));
    expect(seen).to.deep.equal([['W'.repeat(48)]]);
  });

  it('falls back to window.ethereum, nameless, and finds nothing when there is none', () => {
    expect(injectedWallet()).to.equal(undefined);
    const wallet = createTestWallet();
    cleanups.push(wallet.inject());
    const injected = injectedWallet();
    expect(injected?.provider).to.equal(wallet.provider);
    expect(injected?.name).to.equal('');
  });
});

describe('wallet module: EIP-1193 calls', () => {
  it('connects: the account as the wallet gives it, on the chain asked for', async () => {
    const wallet = createTestWallet();
    expect(await connectWallet(asBrowserWallet(wallet), 1)).to.equal(TEST_ADDRESSES[0].toLowerCase());
    expect(wallet.requests.map((request) => request.method)).to.deep.equal(['eth_requestAccounts', 'eth_chainId']);
  });

  it('switches a wallet on another chain to the sale’s, and says why when it will not', async () => {
    const wallet = createTestWallet('Polygon', { chainId: 137 });
    expect(await connectWallet(asBrowserWallet(wallet), 1)).to.equal(TEST_ADDRESSES[0].toLowerCase());
    expect(wallet.requests.find((request) => request.method === 'wallet_switchEthereumChain')?.params).to.deep.equal([{ chainId: '0x1' }]);
    expect(wallet.settings.chainId).to.equal(1);

    const refusing = createTestWallet('Refusing', { chainId: 137, switchChain: 'reject' });
    expect(await reasonOf(connectWallet(asBrowserWallet(refusing), 1))).to.equal('wrongChain');
    const unaware = createTestWallet('Unaware', { chainId: 137, switchChain: 'unknown' });
    expect(await reasonOf(connectWallet(asBrowserWallet(unaware), 11155111))).to.equal('unknownChain');
  });

  it('does not believe a switch the wallet did not make', async () => {
    const wallet = createTestWallet('Stubborn', { chainId: 137 });
    // Answers the switch with success, but stays where it is.
    const provider = { ...wallet.provider, request: async (args: { method: string; params?: unknown }) => (args.method === 'wallet_switchEthereumChain' ? null : wallet.provider.request(args)) };
    expect(await reasonOf(connectWallet({ id: 's', name: 'Stubborn', provider }, 1))).to.equal('wrongChain');
  });

  it('classifies a declined, pending or disconnected account request', async () => {
    expect(await reasonOf(connectWallet(asBrowserWallet(createTestWallet('No', { rejectAccounts: true })), 1))).to.equal('rejected');
    expect(await reasonOf(connectWallet(asBrowserWallet(createTestWallet('Busy', { accountsPending: true })), 1))).to.equal('pending');
    const gone = createTestWallet('Gone');
    gone.disconnect();
    expect(await reasonOf(connectWallet(asBrowserWallet(gone), 1))).to.equal('disconnected');
  });

  it('signs with personal_sign: the UTF-8 message as hex, a signature viem recovers to the account', async () => {
    const wallet = createTestWallet();
    const message = 'sale.test wants you to sign in with your Ethereum account:\n…\nStatement: « café » ✓';
    const signature = await signMessage(asBrowserWallet(wallet), TEST_ADDRESSES[0], message);
    const request = wallet.requests.find((item) => item.method === 'personal_sign');
    const hex = Array.from(new TextEncoder().encode(message), (byte) => byte.toString(16).padStart(2, '0')).join('');
    expect(request?.params).to.deep.equal([`0x${hex}`, TEST_ADDRESSES[0]]);
    expect(await verifyMessage({ address: TEST_ADDRESSES[0], message, signature: signature as `0x${string}` })).to.equal(true);

    wallet.settings.rejectSignature = true;
    expect(await reasonOf(signMessage(asBrowserWallet(wallet), TEST_ADDRESSES[0], message))).to.equal('rejected');
  });

  it('classifies the EIP-1193 codes, wrapped ones too', () => {
    const reason = (error: unknown, during?: 'switch') => walletFailureOf(error, during).reason;
    expect(reason({ code: 4001 })).to.equal('rejected');
    expect(reason({ code: 4001 }, 'switch')).to.equal('wrongChain');
    expect(reason({ code: 4100 })).to.equal('unauthorized');
    expect(reason({ code: 4900 })).to.equal('disconnected');
    expect(reason({ code: 4901 })).to.equal('disconnected');
    expect(reason({ code: 4902 }, 'switch')).to.equal('unknownChain');
    expect(reason({ code: -32603, data: { originalError: { code: 4902 } } }, 'switch')).to.equal('unknownChain');
    expect(reason({ code: -32002 })).to.equal('pending');
    expect(reason({ code: -32603 })).to.equal('failed');
    expect(reason({ code: -32603 }, 'switch')).to.equal('wrongChain');
    expect(reason(new Error('boom'))).to.equal('failed');
    expect(reason('nonsense')).to.equal('failed');
  });

  it('classifies the proxy’s refusals of a proof', () => {
    expect(proofFailureOf({ code: 'proof_expired' })).to.equal('expired');
    expect(proofFailureOf({ code: 'proof_nonce_unknown' })).to.equal('expired');
    expect(proofFailureOf({ code: 'wrong_chain' })).to.equal('wrongChain');
    expect(proofFailureOf({ code: 'proof_signature' })).to.equal('proofRefused');
    expect(proofFailureOf({ code: 'network_error' })).to.deep.equal({ code: 'network_error' });
    expect(proofFailureOf({ reason: 'pending' })).to.equal('pending');
  });

  it('follows the wallet’s events and removes its listeners when told', () => {
    const wallet = createTestWallet();
    const events: WalletEvent[] = [];
    const stop = watchWallet(asBrowserWallet(wallet), (event) => events.push(event));
    expect(wallet.listenerCount()).to.equal(3);
    wallet.changeChain(10);
    wallet.changeAccount();
    wallet.disconnect();
    expect(events).to.deep.equal([
      { type: 'chainChanged', chainId: 10 },
      { type: 'accountsChanged', accounts: [TEST_ADDRESSES[1].toLowerCase()] },
      { type: 'disconnect' },
    ]);
    stop();
    expect(wallet.listenerCount()).to.equal(0);
  });
});

describe('wallet module: a whole proof against the proxy', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it('connects, shows the proxy’s message, signs it, and the proxy lists the proven address', async () => {
    const client = await testClient();
    const keeper = createSessionKeeper({ client, autoRefresh: false });
    keeper.set(await signIn(client));
    cleanups.push(() => keeper.dispose());
    const wallet = createTestWallet('Proof Wallet');
    cleanups.push(wallet.announce());
    const proven: string[] = [];
    const session: WalletProofSession = startWalletProof({
      chainId: 1,
      challenge: (address, chainId, signal) => keeper.authorized((token) => client.walletChallenge(token, address, chainId, signal)),
      prove: (message, signature, signal) => keeper.authorized((token) => client.proveWallet(token, message, signature, signal)),
      onChange: () => undefined,
      onProven: (address, name) => proven.push(`${address} ${name}`),
    });
    cleanups.push(() => session.close());

    await session.connect();
    const flow = session.flow;
    expect(flow.state).to.equal('ready');
    const message = flow.state === 'ready' ? flow.message : '';
    expect(message).to.contain(`\n${TEST_ADDRESSES[0]}\n`);
    expect(message).to.match(/\nChain ID: 1\n/);
    expect(wallet.listenerCount(), 'the wallet is watched while the proof is under way').to.equal(3);

    await session.sign();
    expect(session.failure).to.equal(undefined);
    expect(proven).to.deep.equal([`${TEST_ADDRESSES[0]} Proof Wallet`]);
    expect(wallet.listenerCount(), 'and no longer afterwards').to.equal(0);
    const listed = await keeper.authorized((token) => client.walletProofs(token));
    expect(listed.map((proof) => proof.address)).to.deep.equal([TEST_ADDRESSES[0]]);
    expect(listed[0]?.method).to.equal('eip191');
  });

  it('stops a proof whose account changes before signing, and ignores a wallet that answers later', async () => {
    const client = await testClient();
    const keeper = createSessionKeeper({ client, autoRefresh: false });
    keeper.set(await signIn(client));
    cleanups.push(() => keeper.dispose());
    const wallet = createTestWallet('Fickle');
    cleanups.push(wallet.announce());
    let changes = 0;
    const session = startWalletProof({
      chainId: 1,
      challenge: (address, chainId, signal) => keeper.authorized((token) => client.walletChallenge(token, address, chainId, signal)),
      prove: () => Promise.reject(new Error('must not be called')),
      onChange: () => void (changes += 1),
      onProven: () => {
        throw new Error('must not be called');
      },
    });
    cleanups.push(() => session.close());
    await session.connect();
    expect(session.flow.state).to.equal('ready');
    wallet.changeAccount();
    expect(session.flow.state).to.equal('idle');
    expect(session.failure).to.equal('accountChanged');
    expect(changes).to.be.greaterThan(2);
    await session.sign();
    expect(session.flow.state, 'nothing to sign any more').to.equal('idle');
    await until(() => wallet.listenerCount() === 0, 1000, 'the listeners removed');
  });
});
