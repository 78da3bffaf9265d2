import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { keccak_256 } from '@noble/hashes/sha3.js';
import fc from 'fast-check';
import { keccak256 } from '../../../proxy/contract/keccak256.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const text = (value: string): Uint8Array => new TextEncoder().encode(value);

describe('keccak256', () => {
  it('gives the published Keccak-256 digests', () => {
    assert.equal(hex(keccak256(new Uint8Array())), 'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
    assert.equal(hex(keccak256(text('abc'))), '4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45');
    assert.equal(hex(keccak256(text('The quick brown fox jumps over the lazy dog'))), '4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15');
  });

  it('agrees with @noble/hashes on every length around the block size and on random inputs', () => {
    for (let length = 0; length <= 3 * 136 + 1; length++) {
      const input = Uint8Array.from({ length }, (_, i) => (i * 151 + length) & 0xff);
      assert.equal(hex(keccak256(input)), hex(keccak_256(input)), `length ${length}`);
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (input) => hex(keccak256(input)) === hex(keccak_256(input))),
      { numRuns: 2000, seed: 55 },
    );
  });
});
