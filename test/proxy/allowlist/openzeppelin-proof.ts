/**
 * Test support: OpenZeppelin's Merkle proof check recomputed with ethers, independently of
 * `@openzeppelin/merkle-tree`: what `MerkleProof.verify(proof, root, leaf)` does on-chain for a
 * `StandardMerkleTree` leaf `keccak256(bytes.concat(keccak256(abi.encode(address))))`, each pair of
 * nodes hashed in sorted order (`Hashes.commutativeKeccak256`).
 */
import { AbiCoder, concat, keccak256 } from 'ethers';

/** The standard tree's leaf of an address. */
export function standardLeaf(address: string): string {
  return keccak256(keccak256(AbiCoder.defaultAbiCoder().encode(['address'], [address])));
}

/** keccak256 of the two nodes, smaller first (as 256-bit numbers). */
function hashPair(a: string, b: string): string {
  return BigInt(a) < BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a]));
}

/** `MerkleProof.verify(proof, root, standardLeaf(address))`. */
export function verifyOnChainStyle(root: string, address: string, proof: readonly string[]): boolean {
  return BigInt(proof.reduce(hashPair, standardLeaf(address))) === BigInt(root);
}
