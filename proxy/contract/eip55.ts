/**
 * Ethereum address checks, as the OST KYC provider makes them (`shared/upstream/ost-kyc-v2-behaviour.md` §5):
 * EIP-55 mixed-case checksums, web3.js 1.0.0-beta.37 `isAddress` rules, and the server's two-stage check
 * behind `GET /api/v2/ethereum-address-validation`.
 *
 * Isomorphic: no Node APIs, so the browser widget and the proxy/sandbox share this module. EIP-55 hashes
 * with Keccak-256 (not NIST SHA3-256): keccak256.ts, tested against `@noble/hashes`.
 */
import { keccak256 } from './keccak256.js';

/** web3's loose shape check: optional `0x` (any case, the regex is `/i`), then 40 hex digits. */
const LOOSE_ADDRESS = /^(0x)?[0-9a-f]{40}$/i;
/** web3's "no checksum present" shapes: every hex letter lowercase, or every hex letter uppercase. */
const ALL_LOWER = /^(0x|0X)?[0-9a-f]{40}$/;
const ALL_UPPER = /^(0x|0X)?[0-9A-F]{40}$/;
/** The Rails side's regex (`check_ethereum_address.rb`), applied per line, see {@link serverEthereumAddressCheck}. */
const RUBY_ADDRESS_LINE = /^(0x|0X)?[a-fA-F0-9]{40}$/;

/** The 40 hex digits of a loosely valid address, without its prefix. */
function hexDigits(address: string): string {
  return address.replace(/^0x/i, '');
}

/** Keccak-256 of the lowercase hex digits (as ASCII text), in hex: the EIP-55 case mask. */
function caseMask(lowerHex: string): string {
  // The digits are ASCII, so their UTF-8 bytes are their char codes.
  return Array.from(keccak256(Uint8Array.from(lowerHex, (char) => char.charCodeAt(0))), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * The EIP-55 checksummed form of an address.
 *
 * @param hex 40 hex digits in any case, with or without a `0x`/`0X` prefix.
 * @returns `0x` followed by the digits, each letter uppercase when its nibble of the hash is ≥ 8.
 * @throws TypeError when `hex` is not 40 hex digits (as web3's `toChecksumAddress` throws).
 */
export function toChecksumAddress(hex: string): string {
  if (!LOOSE_ADDRESS.test(hex)) throw new TypeError(`Not an Ethereum address: ${JSON.stringify(hex)}`);
  const lower = hexDigits(hex).toLowerCase();
  const mask = caseMask(lower);
  let out = '0x';
  for (let i = 0; i < 40; i++) {
    const char = lower.charAt(i);
    out += parseInt(mask.charAt(i), 16) >= 8 ? char.toUpperCase() : char;
  }
  return out;
}

/**
 * Whether the case of every letter of `address` agrees with its EIP-55 checksum (web3's
 * `checkAddressChecksum`). An all-lowercase address therefore fails unless its mask happens to have no
 * letter position ≥ 8; use {@link isWeb3Address} for "valid address" semantics.
 *
 * @param address 40 hex digits with or without a `0x`/`0X` prefix; anything else is `false`.
 */
export function isChecksumValid(address: string): boolean {
  if (!LOOSE_ADDRESS.test(address)) return false;
  return hexDigits(address) === toChecksumAddress(address).slice(2);
}

/**
 * web3.js 1.0.0-beta.37 `utils.isAddress`: the loose shape, then all-lowercase or all-uppercase hex is valid
 * without a checksum, and mixed case must pass EIP-55. The prefix is optional, as in web3.
 */
export function isWeb3Address(address: string): boolean {
  if (!LOOSE_ADDRESS.test(address)) return false;
  if (ALL_LOWER.test(address) || ALL_UPPER.test(address)) return true;
  return isChecksumValid(address);
}

/** The result of {@link checkEthereumAddress}. */
export type EthereumAddressCheck =
  | {
      ok: true;
      /** The EIP-55 checksummed form, always with a lowercase `0x` prefix. */
      address: string;
      /**
       * True when the input had mixed case and so was verified against its checksum; false when it was
       * all-lowercase or all-uppercase, which carries no checksum (a typo in it cannot be detected).
       */
      wasChecksummed: boolean;
    }
  | {
      ok: false;
      /** `format`: not 40 hex digits with an optional prefix. `checksum`: mixed case that fails EIP-55. */
      reason: 'format' | 'checksum';
      /**
       * For `checksum` only: the checksummed form of the digits as typed. A failed checksum usually means
       * a mistyped digit, so show this as information, never substitute it silently.
       */
      suggestion?: string;
    };

/**
 * Ruby 2.4 `String#strip`: leading ASCII whitespace, and trailing ASCII whitespace or NUL. JavaScript's
 * `trim()` would also remove Unicode spaces, which the server keeps (and then rejects).
 */
function rubyStrip(text: string): string {
  return text.replace(/^[\t\n\v\f\r ]+/, '').replace(/[\0\t\n\v\f\r ]+$/, '');
}

/** The server's normalisation: strip, then prefix `0x` unless the value starts with `0x` or `0X`. */
function withPrefix(raw: string): string {
  const stripped = rubyStrip(raw);
  return /^0x/i.test(stripped) ? stripped : '0x' + stripped;
}

/**
 * Check an address as a user typed it, for the widget (and anything that wants a clear answer).
 *
 * Same acceptance as the provider's validation endpoint for every single-line value: surrounding ASCII
 * whitespace is ignored and a missing `0x` is accepted, because the server strips and adds `0x` itself
 * (§5 step 2); then web3's `isAddress` rules apply. Unlike the server's line-anchored regex, a value with
 * an embedded newline is a `format` error here (the server also rejects it, only later, as `um_cea_2`).
 */
export function checkEthereumAddress(input: string): EthereumAddressCheck {
  const candidate = withPrefix(input);
  if (!LOOSE_ADDRESS.test(candidate)) return { ok: false, reason: 'format' };
  const checksummed = toChecksumAddress(candidate);
  if (ALL_LOWER.test(candidate) || ALL_UPPER.test(candidate)) {
    return { ok: true, address: checksummed, wasChecksummed: false };
  }
  if (hexDigits(candidate) === checksummed.slice(2)) return { ok: true, address: checksummed, wasChecksummed: true };
  return { ok: false, reason: 'checksum', suggestion: checksummed };
}

/** The answer of the provider's address check: success, or its two error codes (§5). */
export type ServerEthereumAddressResult = 'ok' | 'um_cea_1' | 'um_cea_2';

/**
 * The provider's `GET /api/v2/ethereum-address-validation` check of a present `ethereum_address`
 * (the missing case, 400 `sb_1`, is the endpoint's own). Faithful to the server, quirks included:
 *
 * 1. Ruby `strip`, and `0x` prepended unless the value starts with `0x` or `0X` (which is kept).
 * 2. The Rails regex `/^(0x|0X)?[a-fA-F0-9]{40}$/`. Ruby's `^`/`$` are *line* anchors, so the value passes
 *    when any line of it (split on `\n` only, as Ruby does) matches; otherwise `um_cea_1`.
 * 3. The ops service's web3 `isAddress` on the whole value (JavaScript anchors, so a multi-line value
 *    fails here); failure is `um_cea_2`. The real server fails open when that service is down; the
 *    sandbox always runs the check.
 */
export function serverEthereumAddressCheck(raw: string): ServerEthereumAddressResult {
  const value = withPrefix(raw);
  if (!value.split('\n').some((line) => RUBY_ADDRESS_LINE.test(line))) return 'um_cea_1';
  return isWeb3Address(value) ? 'ok' : 'um_cea_2';
}
