/**
 * EIP-55 and the provider's address checks, with every address listed in upstream §5.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkEthereumAddress,
  isChecksumValid,
  isWeb3Address,
  serverEthereumAddressCheck,
  toChecksumAddress,
} from '../../../proxy/contract/eip55.js';

/** The EIP-55 specification's examples (§5). */
const EIP55_VECTORS = [
  '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
  '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
  '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
  '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
];
/** The OST docs' address and the Ruby README / Java ValidatorsTest address (§5). */
const OST_ADDRESSES = ['0xEC305b4c269dEd899b6fBA12776fbbDBdC564793', '0x7f2ED21D1702057C7d9f163cB7e5458FA2B6B7c4'];
/** The JS/Python SDK tests' lowercase address and its checksum form (§5). */
const LOWERCASE = '0x32be343b94f860124dc4fee278fdcbd38c102d88';
const LOWERCASE_CHECKSUMMED = '0x32Be343B94f860124dC4fEe278FDCBD38C102D88';
/** `…1BeAed` with the last `d` flipped to `D` (§5). */
const FLIPPED = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD';

describe('toChecksumAddress', () => {
  for (const address of [...EIP55_VECTORS, ...OST_ADDRESSES]) {
    it(`reproduces ${address} from its lowercase and uppercase forms`, () => {
      assert.equal(toChecksumAddress(address.toLowerCase()), address);
      assert.equal(toChecksumAddress('0x' + address.slice(2).toUpperCase()), address);
      assert.equal(toChecksumAddress(address.slice(2).toLowerCase()), address, 'without prefix');
    });
  }

  it('gives the documented checksum form of the SDKs’ lowercase address', () => {
    assert.equal(toChecksumAddress(LOWERCASE), LOWERCASE_CHECKSUMMED);
  });

  it('throws on anything that is not 40 hex digits', () => {
    for (const bad of ['', '0x', '0x123', LOWERCASE + '0', LOWERCASE.replace('b', 'g'), ' ' + LOWERCASE]) {
      assert.throws(() => toChecksumAddress(bad), TypeError, JSON.stringify(bad));
    }
  });
});

describe('isChecksumValid', () => {
  it('accepts every checksummed address of §5', () => {
    for (const address of [...EIP55_VECTORS, ...OST_ADDRESSES, LOWERCASE_CHECKSUMMED]) {
      assert.equal(isChecksumValid(address), true, address);
    }
  });

  it('rejects one flipped letter, the lowercase form and malformed input', () => {
    assert.equal(isChecksumValid(FLIPPED), false);
    assert.equal(isChecksumValid(LOWERCASE), false);
    assert.equal(isChecksumValid('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe'), false);
  });
});

describe('isWeb3Address (web3 1.0.0-beta.37 rules)', () => {
  it('accepts all-lowercase and all-uppercase hex without a checksum, with or without 0x', () => {
    assert.equal(isWeb3Address(LOWERCASE), true);
    assert.equal(isWeb3Address('0x' + LOWERCASE.slice(2).toUpperCase()), true);
    assert.equal(isWeb3Address(LOWERCASE.slice(2)), true);
  });

  it('requires EIP-55 for mixed case', () => {
    assert.equal(isWeb3Address(EIP55_VECTORS[0] as string), true);
    assert.equal(isWeb3Address(FLIPPED), false);
  });
});

describe('checkEthereumAddress (widget)', () => {
  it('returns the checksummed form and wasChecksummed for every valid mixed-case address', () => {
    for (const address of [...EIP55_VECTORS, ...OST_ADDRESSES, LOWERCASE_CHECKSUMMED]) {
      assert.deepEqual(checkEthereumAddress(address), { ok: true, address, wasChecksummed: true });
    }
  });

  it('accepts the lowercase address without a checksum and returns its checksum form', () => {
    assert.deepEqual(checkEthereumAddress(LOWERCASE), { ok: true, address: LOWERCASE_CHECKSUMMED, wasChecksummed: false });
    assert.deepEqual(checkEthereumAddress(LOWERCASE.toUpperCase().replace('0X', '0x')), {
      ok: true,
      address: LOWERCASE_CHECKSUMMED,
      wasChecksummed: false,
    });
  });

  it('follows the server for a missing prefix, 0X and surrounding whitespace', () => {
    assert.deepEqual(checkEthereumAddress(`  ${LOWERCASE.slice(2)}\n`), {
      ok: true,
      address: LOWERCASE_CHECKSUMMED,
      wasChecksummed: false,
    });
    assert.deepEqual(checkEthereumAddress('0X' + (OST_ADDRESSES[0] as string).slice(2)), {
      ok: true,
      address: OST_ADDRESSES[0],
      wasChecksummed: true,
    });
  });

  it('reports a flipped case as a checksum failure with the checksummed suggestion', () => {
    assert.deepEqual(checkEthereumAddress(FLIPPED), { ok: false, reason: 'checksum', suggestion: EIP55_VECTORS[0] });
  });

  it('reports malformed input as a format failure without suggestion', () => {
    for (const bad of ['', '0x', '0x123', LOWERCASE + 'a', LOWERCASE.replace('b', 'g'), `${LOWERCASE}\nx`, '\u00a0' + LOWERCASE]) {
      assert.deepEqual(checkEthereumAddress(bad), { ok: false, reason: 'format' }, JSON.stringify(bad));
    }
  });
});

describe('serverEthereumAddressCheck (GET /api/v2/ethereum-address-validation)', () => {
  it('accepts every valid address of §5, with or without prefix and surrounding whitespace', () => {
    for (const address of [...EIP55_VECTORS, ...OST_ADDRESSES, LOWERCASE, LOWERCASE_CHECKSUMMED]) {
      assert.equal(serverEthereumAddressCheck(address), 'ok', address);
      assert.equal(serverEthereumAddressCheck(`\t${address.slice(2)} `), 'ok', 'stripped and prefixed');
    }
  });

  it('answers um_cea_2 for a flipped case (passes the regex, fails EIP-55)', () => {
    assert.equal(serverEthereumAddressCheck(FLIPPED), 'um_cea_2');
  });

  it('answers um_cea_1 when the regex fails', () => {
    for (const bad of ['', '0x', '0x123', LOWERCASE + 'a', LOWERCASE.replace('b', 'g'), '0x0x' + LOWERCASE.slice(2)]) {
      assert.equal(serverEthereumAddressCheck(bad), 'um_cea_1', JSON.stringify(bad));
    }
  });

  it('keeps 0X and lets web3 accept it', () => {
    assert.equal(serverEthereumAddressCheck('0X' + LOWERCASE.slice(2)), 'ok');
  });

  it('lets a multi-line value through the line-anchored regex, to fail in the web3 stage (um_cea_2)', () => {
    assert.equal(serverEthereumAddressCheck(`${LOWERCASE}\nnot an address`), 'um_cea_2');
    assert.equal(serverEthereumAddressCheck(`garbage\n${LOWERCASE}`), 'um_cea_2');
    // \r is not a line break for Ruby's anchors.
    assert.equal(serverEthereumAddressCheck(`${LOWERCASE}\rx`), 'um_cea_1');
  });
});
