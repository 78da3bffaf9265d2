/**
 * The allowlist as a Merkle tree for an on-chain allowlist contract, in OpenZeppelin's "standard" format
 * (`@openzeppelin/merkle-tree` `StandardMerkleTree`, leaf encoding `['address']`): a leaf is
 * `keccak256(keccak256(abi.encode(address)))` and pairs are hashed sorted, which is exactly what
 * OpenZeppelin's `MerkleProof.verify(proof, root, leaf)` checks in Solidity. The contract stores the root;
 * each investor sends their address's proof with their transaction.
 */
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';

/** The format's name and leaf encoding, as `StandardMerkleTree.dump()` states them. */
export const MERKLE_FORMAT = 'standard-v1';
export const LEAF_ENCODING: readonly ['address'] = ['address'];

/** A built tree. */
export interface AllowlistMerkle {
  /** The root (`0x` + 64 hex digits), or `null` for an empty allowlist (OpenZeppelin builds no empty tree). */
  root: string | null;
  /** How many leaves: one per distinct address. */
  leaves: number;
  /** The proof of an address of the list (any case), `0x` hex nodes; throws for an address not in it. */
  proofOf(address: string): string[];
}

/**
 * Build the tree of `addresses`. An address given twice (any case) is one leaf: the contract can only
 * admit an address once anyway, and the duplicate is the caller's to report.
 */
export function allowlistMerkle(addresses: readonly string[]): AllowlistMerkle {
  const distinct = new Map<string, string>();
  for (const address of addresses) if (!distinct.has(address.toLowerCase())) distinct.set(address.toLowerCase(), address);
  if (distinct.size === 0) {
    return {
      root: null,
      leaves: 0,
      proofOf(address) {
        throw new RangeError(`${address} is not on the allowlist.`);
      },
    };
  }
  const tree = StandardMerkleTree.of([...distinct.values()].map((address) => [address]), [...LEAF_ENCODING]);
  const indexOf = new Map<string, number>();
  for (const [index, [address]] of tree.entries()) indexOf.set(String(address).toLowerCase(), index);
  return {
    root: tree.root,
    leaves: tree.length,
    proofOf(address) {
      const index = indexOf.get(address.toLowerCase());
      if (index === undefined) throw new RangeError(`${address} is not on the allowlist.`);
      return tree.getProof(index);
    },
  };
}
