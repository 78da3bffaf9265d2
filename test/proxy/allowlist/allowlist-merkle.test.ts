/**
 * The allowlist's Merkle tree: OpenZeppelin's standard tree of addresses, whose proofs the on-chain
 * `MerkleProof.verify` accepts (recomputed here with ethers), one leaf per address whatever its case,
 * and no tree at all for an empty list.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { Wallet } from 'ethers';
import { allowlistMerkle } from '../../../proxy/allowlist/allowlist-merkle.js';
import { standardLeaf, verifyOnChainStyle } from './openzeppelin-proof.js';

const addresses = Array.from({ length: 7 }, () => Wallet.createRandom().address);

describe('allowlistMerkle', () => {
  test('gives each address a proof that both the library and the on-chain hashing accept', () => {
    const merkle = allowlistMerkle(addresses);
    assert.equal(merkle.leaves, addresses.length);
    assert.match(merkle.root ?? '', /^0x[0-9a-f]{64}$/);
    for (const address of addresses) {
      const proof = merkle.proofOf(address);
      assert.ok(proof.length >= 2, 'seven leaves need at least two levels');
      assert.ok(StandardMerkleTree.verify(merkle.root ?? '', ['address'], [address], proof));
      assert.ok(verifyOnChainStyle(merkle.root ?? '', address, proof));
    }
  });

  test('a proof fails for another address and for a changed node', () => {
    const merkle = allowlistMerkle(addresses);
    const [first, second] = addresses as [string, string];
    const proof = merkle.proofOf(first);
    assert.equal(verifyOnChainStyle(merkle.root ?? '', second, proof), false);
    const tampered = [`0x${(BigInt(proof[0] ?? '0x0') ^ 1n).toString(16).padStart(64, '0')}`, ...proof.slice(1)];
    assert.equal(verifyOnChainStyle(merkle.root ?? '', first, tampered), false);
    assert.equal(StandardMerkleTree.verify(merkle.root ?? '', ['address'], [first], tampered), false);
  });

  test('the root is the one OpenZeppelin\'s library builds for the same addresses', () => {
    assert.equal(allowlistMerkle(addresses).root, StandardMerkleTree.of(addresses.map((address) => [address]), ['address']).root);
  });

  test('an address given twice, in any case, is one leaf with one proof', () => {
    const [first] = addresses as [string];
    const merkle = allowlistMerkle([...addresses, first.toLowerCase()]);
    assert.equal(merkle.leaves, addresses.length);
    assert.deepEqual(merkle.proofOf(first.toLowerCase()), merkle.proofOf(first));
    assert.equal(merkle.root, allowlistMerkle(addresses).root);
  });

  test('a single address is the root itself, with an empty proof', () => {
    const [only] = addresses as [string];
    const merkle = allowlistMerkle([only]);
    assert.equal(merkle.root, standardLeaf(only));
    assert.deepEqual(merkle.proofOf(only), []);
  });

  test('an empty list has no root, and no address has a proof', () => {
    const merkle = allowlistMerkle([]);
    assert.equal(merkle.root, null);
    assert.equal(merkle.leaves, 0);
    assert.throws(() => merkle.proofOf(addresses[0] ?? ''), RangeError);
    assert.throws(() => allowlistMerkle(addresses).proofOf(Wallet.createRandom().address), RangeError);
  });
});
