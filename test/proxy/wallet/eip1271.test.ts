/**
 * Smart-contract wallets (EIP-1271) over real HTTP: a local chain (ganache) with a minimal wallet contract
 * compiled by solc-js and deployed by ethers; the sale's `rpcUrl` points at it (through an environment
 * variable, carrying a fake API key). The owner's signature proves the contract's address, a stranger's
 * does not; an unreachable endpoint or one on another chain is a 503 that names neither URL nor key.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Wallet } from 'ethers';
import { api, uniqueEmail, type ApiAnswer } from '../support/investor.js';
import { freePort, INTEGRATOR_KEY, SALE_ORIGIN, startStack, type Stack } from '../support/proxy-stack.js';
import { startLocalChain, type LocalChain } from './fixtures/local-chain.js';

const CHAIN_ID = 1337;
const RPC_KEY = 'rpc-api-key-7f3a51c0';
const OFFLINE_KEY = 'offline-api-key-9b2c44d1';

const owner = new Wallet('0x' + '5a'.repeat(32));
const stranger = new Wallet('0x' + '6b'.repeat(32));

interface Session {
  sale: string;
  token: string;
}

describe('EIP-1271 smart-contract wallets', () => {
  let chain: LocalChain;
  let stack: Stack;
  let walletAddress: string;
  let rpcUrl: string;
  let offlineUrl: string;

  before(async () => {
    chain = await startLocalChain(CHAIN_ID);
    walletAddress = await chain.deployWallet(owner.address);
    rpcUrl = `${chain.url}?key=${RPC_KEY}`;
    offlineUrl = `http://127.0.0.1:${await freePort()}/?key=${OFFLINE_KEY}`;
    stack = await startStack({
      sale: { wallet: { proof: 'required', chainId: CHAIN_ID, rpcUrl: { env: 'TEST_WALLET_RPC_URL' } } },
      extraSales: [
        { id: 'mainnet', wallet: { proof: 'optional', chainId: 1, rpcUrl: { env: 'TEST_WALLET_RPC_URL' } } },
        { id: 'offline', wallet: { proof: 'optional', chainId: CHAIN_ID, rpcUrl: offlineUrl } },
      ],
      env: { TEST_WALLET_RPC_URL: rpcUrl },
    });
  });
  after(async () => {
    await stack?.close();
    await chain?.close();
  });

  async function session(sale: string): Promise<Session> {
    const answer = await api(stack, `/v1/sales/${sale}/host-sessions`, { body: { email: uniqueEmail('contract'), origin: SALE_ORIGIN }, headers: { Authorization: `Bearer ${INTEGRATOR_KEY}` }, origin: null });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    return { sale, token: answer.body.token as string };
  }

  async function challenge(investor: Session, address: string, chainId: number): Promise<string> {
    const answer = await api(stack, `/v1/sales/${investor.sale}/wallet/challenges`, { token: investor.token, body: { address, chainId } });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    return answer.body.message as string;
  }

  function prove(investor: Session, message: string, signature: string): Promise<ApiAnswer> {
    return api(stack, `/v1/sales/${investor.sale}/wallet/proofs`, { token: investor.token, body: { message, signature } });
  }

  test('the owner\'s signature proves the contract\'s address; a stranger\'s does not', async () => {
    const investor = await session('acme');
    const message = await challenge(investor, walletAddress, CHAIN_ID);
    assert.ok(message.includes(`\n${walletAddress}\n`));

    const refused = await prove(investor, message, await stranger.signMessage(message));
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'proof_signature');
    assert.equal(refused.body.error.fields[0].field, 'signature');

    const proven = await prove(investor, message, await owner.signMessage(message));
    assert.equal(proven.status, 201, JSON.stringify(proven.body));
    assert.deepEqual({ address: proven.body.address, method: proven.body.method }, { address: walletAddress, method: 'eip1271' });
    const listed = await api(stack, '/v1/sales/acme/wallet/proofs', { token: investor.token });
    assert.deepEqual(listed.body.proofs.map((proof: { address: string; method: string }) => [proof.address, proof.method]), [[walletAddress, 'eip1271']]);
  });

  test('a plain account is still proven by EIP-191; an account without code and a wrong signature is refused, not a 503', async () => {
    const investor = await session('acme');
    const message = await challenge(investor, owner.address, CHAIN_ID);
    // The stranger's signature: recovery gives the stranger, then the chain says the owner's account has no code.
    const refused = await prove(investor, message, await stranger.signMessage(message));
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'proof_signature');
    const proven = await prove(investor, message, await owner.signMessage(message));
    assert.equal(proven.status, 201, JSON.stringify(proven.body));
    assert.equal(proven.body.method, 'eip191');
  });

  test('an unreachable RPC endpoint is a 503 wallet_rpc_unavailable, and the nonce stays usable', async () => {
    const investor = await session('offline');
    const message = await challenge(investor, walletAddress, CHAIN_ID);
    const signature = await owner.signMessage(message);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const answer = await prove(investor, message, signature);
      assert.equal(answer.status, 503, JSON.stringify(answer.body));
      assert.equal(answer.body.error.code, 'wallet_rpc_unavailable');
      assert.match(answer.headers.get('retry-after') ?? '', /^\d+$/);
      assert.ok(!JSON.stringify(answer.body).includes('127.0.0.1') && !JSON.stringify(answer.body).includes(OFFLINE_KEY));
    }
  });

  test('an RPC endpoint on another chain than the sale\'s is a 503, not a verdict', async () => {
    const investor = await session('mainnet');
    const message = await challenge(investor, walletAddress, 1);
    const answer = await prove(investor, message, await owner.signMessage(message));
    assert.equal(answer.status, 503, JSON.stringify(answer.body));
    assert.equal(answer.body.error.code, 'wallet_rpc_unavailable');
  });

  test('the RPC URLs and their keys are in no log line, and not in the public config', async () => {
    const config = await api(stack, '/v1/sales/acme/config');
    assert.deepEqual(config.body.wallet, { proof: 'required', chainId: CHAIN_ID, allowTypedAddress: true });
    assert.ok(!JSON.stringify(config.body).includes(RPC_KEY));
    assert.ok(stack.logs.some((line) => line.includes('wallet_rpc_unavailable')), 'the 503s were logged');
    for (const line of stack.logs) {
      for (const secret of [RPC_KEY, OFFLINE_KEY, chain.url, new URL(offlineUrl).host, walletAddress, walletAddress.toLowerCase()]) {
        assert.ok(!line.includes(secret), `a log line carries ${secret}: ${line.slice(0, 300)}`);
      }
    }
  });
});
