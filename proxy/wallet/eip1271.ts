/**
 * EIP-1271: ask a smart-contract wallet whether it accepts a signature, through the sale's JSON-RPC
 * endpoint: `isValidSignature(bytes32 hash, bytes signature)` must return the magic value `0x1626ba7e`.
 *
 * viem is imported on first use: most sales never verify a contract wallet, and the proxy's start-up
 * memory should not pay for it.
 *
 * The RPC URL may carry an API key, so nothing here quotes it: an unreachable endpoint is reported as a
 * {@link WalletRpcError} whose message says what failed, never where (viem's own errors name the URL).
 */

/** `bytes4(keccak256("isValidSignature(bytes32,bytes)"))`: the answer of a wallet that accepts. */
export const EIP1271_MAGIC_VALUE = '0x1626ba7e';

const ERC1271_ABI = [
  {
    type: 'function',
    name: 'isValidSignature',
    stateMutability: 'view',
    inputs: [{ name: 'hash', type: 'bytes32' }, { name: 'signature', type: 'bytes' }],
    outputs: [{ name: 'magicValue', type: 'bytes4' }],
  },
] as const;

/** The sale's chain could not be asked (unreachable, timed out, refused the request, or another chain). */
export class WalletRpcError extends Error {
  override name = 'WalletRpcError';
  /** `unreachable`: no usable answer; `wrong_chain`: the endpoint serves another chain than the sale's. */
  readonly reason: 'unreachable' | 'wrong_chain';

  constructor(reason: WalletRpcError['reason']) {
    super(reason === 'wrong_chain'
      ? 'The wallet RPC endpoint serves another chain than the sale\'s chainId.'
      : 'The wallet RPC endpoint could not be reached or did not answer usably.');
    this.reason = reason;
  }
}

/** What {@link checkEip1271Signature} needs. */
export interface Eip1271Check {
  /** The sale's JSON-RPC endpoint (http/https). */
  rpcUrl: string;
  /** The sale's chain: the endpoint must serve it. */
  chainId: number;
  /** The contract wallet's address. */
  address: `0x${string}`;
  /** The EIP-191 hash of the signed message. */
  hash: `0x${string}`;
  signature: `0x${string}`;
  /** Per RPC request. Default 5000 ms. */
  timeoutMs?: number;
}

/**
 * Whether the contract at `address` accepts `signature` for `hash`. False when it answers anything but
 * the magic value, reverts, or is no contract at all (an account without code returns no data).
 * @throws {WalletRpcError} when the chain could not be asked.
 */
export async function checkEip1271Signature(check: Eip1271Check): Promise<boolean> {
  const viem = await import('viem');
  const client = viem.createPublicClient({ transport: viem.http(check.rpcUrl, { timeout: check.timeoutMs ?? 5000, retryCount: 0 }) });
  // Both questions at once (one round trip of latency); the chain is judged first.
  const [chain, answer] = await Promise.allSettled([
    client.getChainId(),
    client.readContract({ address: check.address, abi: ERC1271_ABI, functionName: 'isValidSignature', args: [check.hash, check.signature] }),
  ]);
  // Not quoted or chained: viem's errors carry the URL.
  if (chain.status === 'rejected') throw new WalletRpcError('unreachable');
  if (chain.value !== check.chainId) throw new WalletRpcError('wrong_chain');
  if (answer.status === 'rejected') {
    const error: unknown = answer.reason;
    // The wallet said no (reverted, no code there, or an answer that is not a bytes4): not valid.
    const refused = error instanceof viem.BaseError && error.walk((cause) =>
      cause instanceof viem.ContractFunctionRevertedError
      || cause instanceof viem.ContractFunctionZeroDataError
      || cause instanceof viem.ExecutionRevertedError
      || cause instanceof viem.AbiDecodingZeroDataError
      || cause instanceof viem.AbiDecodingDataSizeTooSmallError) !== null;
    if (refused) return false;
    throw new WalletRpcError('unreachable');
  }
  return answer.value.toLowerCase() === EIP1271_MAGIC_VALUE;
}
