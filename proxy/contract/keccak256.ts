/**
 * Keccak-256 (the original Keccak padding that Ethereum uses, not NIST SHA3-256), for EIP-55 checksums.
 *
 * Why not `@noble/hashes`: it is the reference this is tested against (test/proxy/contract/keccak256.test.ts
 * compares both on thousands of inputs), but its Keccak class, XOF and input checks weigh about 2.7 KB
 * gzip in the widget, which has a 40 KB budget and hashes one 40-character address at a time. This is the
 * plain sponge over 64-bit lanes held as BigInts: a few hundred bytes, fast enough for typing (each
 * checksum is one permutation).
 */

const MASK = (1n << 64n) - 1n;
/** Rotation offsets (ρ) in the order π visits the lanes; the lane order itself. From the Keccak reference. */
const ROTATIONS = [1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44];
const LANES = [10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1];
/** Bytes absorbed per permutation for a 256-bit output: (1600 − 2·256) / 8. */
const RATE = 136;

/** The 24 round constants (ι), from the Keccak LFSR rather than a table of 24 literals. */
const ROUND_CONSTANTS: bigint[] = [];
for (let round = 0, lfsr = 1; round < 24; round++) {
  let constant = 0n;
  for (let bit = 0; bit < 7; bit++) {
    lfsr = ((lfsr << 1) ^ ((lfsr >> 7) * 0x71)) & 0xff;
    if (lfsr & 2) constant ^= 1n << BigInt((1 << bit) - 1);
  }
  ROUND_CONSTANTS.push(constant);
}

const rotate = (lane: bigint, by: number): bigint => ((lane << BigInt(by)) | (lane >> BigInt(64 - by))) & MASK;

/** Keccak-f[1600] on the 25 lanes, in place. */
function permute(state: bigint[]): void {
  const columns: bigint[] = [];
  for (const constant of ROUND_CONSTANTS) {
    // θ
    for (let x = 0; x < 5; x++) columns[x] = (state[x] as bigint) ^ (state[x + 5] as bigint) ^ (state[x + 10] as bigint) ^ (state[x + 15] as bigint) ^ (state[x + 20] as bigint);
    for (let x = 0; x < 5; x++) {
      const d = (columns[(x + 4) % 5] as bigint) ^ rotate(columns[(x + 1) % 5] as bigint, 1);
      for (let y = 0; y < 25; y += 5) state[y + x] = (state[y + x] as bigint) ^ d;
    }
    // ρ and π
    let carried = state[1] as bigint;
    for (let i = 0; i < 24; i++) {
      const lane = LANES[i] as number;
      const next = state[lane] as bigint;
      state[lane] = rotate(carried, ROTATIONS[i] as number);
      carried = next;
    }
    // χ
    for (let y = 0; y < 25; y += 5) {
      const row = state.slice(y, y + 5);
      for (let x = 0; x < 5; x++) state[y + x] = (row[x] as bigint) ^ (~(row[(x + 1) % 5] as bigint) & MASK & (row[(x + 2) % 5] as bigint));
    }
    // ι
    state[0] = (state[0] as bigint) ^ constant;
  }
}

/** The Keccak-256 digest of `bytes`, 32 bytes. */
export function keccak256(bytes: Uint8Array): Uint8Array {
  // pad10*1 with Keccak's domain bit: 0x01 after the message, 0x80 on the last byte of the block.
  const padded = new Uint8Array(Math.floor(bytes.length / RATE) * RATE + RATE);
  padded.set(bytes);
  padded[bytes.length] = 0x01;
  padded[padded.length - 1] = (padded[padded.length - 1] as number) | 0x80;
  const state: bigint[] = new Array<bigint>(25).fill(0n);
  for (let offset = 0; offset < padded.length; offset += RATE) {
    for (let lane = 0; lane < RATE / 8; lane++) {
      let value = 0n;
      for (let byte = 7; byte >= 0; byte--) value = (value << 8n) | BigInt(padded[offset + lane * 8 + byte] as number);
      state[lane] = (state[lane] as bigint) ^ value;
    }
    permute(state);
  }
  const digest = new Uint8Array(32);
  for (let i = 0; i < 32; i++) digest[i] = Number(((state[i >> 3] as bigint) >> BigInt((i & 7) * 8)) & 0xffn);
  return digest;
}
