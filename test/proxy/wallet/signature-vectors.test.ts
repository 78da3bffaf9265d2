/**
 * The proxy's EIP-191 and EIP-4361 code against fixed vectors and an independent library:
 * - EIP-191 `personal_sign`: the web3.js documentation's vector (`"Some data"`, its key, hash and
 *   signature), then messages signed by ethers (never by the code under test) and recovered.
 * - EIP-4361: the specification's example message read field by field, malformed variants refused, and
 *   the proxy's own challenge text read back to the same fields.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hashMessage, Signature, Wallet } from 'ethers';
import { personalMessageHash, recoverPersonalSigner } from '../../../proxy/wallet/eip191.js';
import { challengeStatement, newSiweNonce, NONCE_PATTERN, siweChallengeMessage, siweDomainOf } from '../../../proxy/wallet/siwe-challenge.js';
import { readSiweFields, WalletProofRefusal } from '../../../proxy/wallet/verify-wallet-proof.js';

/** web3.js 1.x docs, `web3.eth.accounts.sign('Some data', key)`. */
const WEB3_VECTOR = {
  key: '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318',
  address: '0x2c7536E3605D9C16a7a3D7b1898e529396a65c23',
  message: 'Some data',
  hash: '0x1da44b586eb0729ff70a73c326926f6ed5a25f5b056e7f47fbc6e58d86871655',
  signature: '0xb91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c',
} as const;

/** EIP-4361's example message (the specification's "Example message" section). */
const EIP4361_EXAMPLE = [
  'example.com wants you to sign in with your Ethereum account:',
  '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2',
  '',
  'I accept the ExampleOrg Terms of Service: https://example.com/tos',
  '',
  'URI: https://example.com/login',
  'Version: 1',
  'Chain ID: 1',
  'Nonce: 32891756',
  'Issued At: 2021-09-30T16:25:24Z',
  'Resources:',
  '- ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/',
  '- https://example.com/my-web2-claim.json',
].join('\n');

/** Assert that reading `message` is refused as malformed. */
async function assertMalformed(message: string): Promise<void> {
  await assert.rejects(readSiweFields(message), (error: unknown) => {
    assert.ok(error instanceof WalletProofRefusal, String(error));
    assert.equal(error.code, 'proof_malformed');
    assert.equal(error.field, 'message');
    return true;
  }, JSON.stringify(message));
}

describe('EIP-191 personal_sign', () => {
  test('the web3.js vector: hash and signer', async () => {
    assert.equal(await personalMessageHash(WEB3_VECTOR.message), WEB3_VECTOR.hash);
    assert.equal(await recoverPersonalSigner(WEB3_VECTOR.message, WEB3_VECTOR.signature), WEB3_VECTOR.address);
    // The vector is what ethers makes too (RFC 6979 signatures are deterministic).
    assert.equal(await new Wallet(WEB3_VECTOR.key).signMessage(WEB3_VECTOR.message), WEB3_VECTOR.signature);
    assert.equal(hashMessage(WEB3_VECTOR.message), WEB3_VECTOR.hash);
  });

  test('messages signed by ethers are recovered to their signer: text, Unicode, several lines, empty, long', async () => {
    const messages = ['hello', 'Grüße aus 東京 🚀', 'line one\nline two\r\nline three', '', 'x'.repeat(3000), EIP4361_EXAMPLE];
    for (let i = 0; i < 4; i += 1) {
      const wallet = Wallet.createRandom();
      for (const message of messages) {
        const signature = await wallet.signMessage(message);
        assert.equal(await recoverPersonalSigner(message, signature as `0x${string}`), wallet.address, JSON.stringify(message.slice(0, 40)));
        assert.equal(await personalMessageHash(message), hashMessage(message));
      }
    }
  });

  test('a recovery id of 0/1 instead of 27/28 is accepted', async () => {
    const signature = Signature.from(WEB3_VECTOR.signature);
    const raw = `${signature.r}${signature.s.slice(2)}${signature.yParity === 0 ? '00' : '01'}`;
    assert.equal(await recoverPersonalSigner(WEB3_VECTOR.message, raw as `0x${string}`), WEB3_VECTOR.address);
  });

  test('another message gives another signer; broken signatures give none', async () => {
    const other = await recoverPersonalSigner('Some data!', WEB3_VECTOR.signature);
    assert.ok(other !== undefined && other !== WEB3_VECTOR.address);
    const body = WEB3_VECTOR.signature.slice(0, 130);
    for (const broken of [`${body}1d`, `${body}ff`, `0x${'00'.repeat(64)}1b`, `0x${'ff'.repeat(64)}1c`, body, `0x${'ab'.repeat(66)}`]) {
      assert.equal(await recoverPersonalSigner(WEB3_VECTOR.message, broken as `0x${string}`), undefined, broken);
    }
  });
});

describe('EIP-4361 messages', () => {
  test('the specification\'s example is read field by field', async () => {
    const fields = await readSiweFields(EIP4361_EXAMPLE);
    assert.deepEqual(fields, {
      domain: 'example.com',
      address: '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2',
      statement: 'I accept the ExampleOrg Terms of Service: https://example.com/tos',
      uri: 'https://example.com/login',
      version: '1',
      chainId: 1,
      nonce: '32891756',
      issuedAt: Date.UTC(2021, 8, 30, 16, 25, 24),
      resources: ['ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/', 'https://example.com/my-web2-claim.json'],
    });
  });

  test('the optional time fields and request id are read', async () => {
    const message = EIP4361_EXAMPLE.replace('Resources:', 'Expiration Time: 2021-10-01T16:25:24Z\nNot Before: 2021-09-30T16:30:00.500+02:00\nRequest ID: abc-1\nResources:');
    const fields = await readSiweFields(message);
    assert.equal(fields.expiresAt, Date.UTC(2021, 9, 1, 16, 25, 24));
    assert.equal(fields.notBefore, Date.UTC(2021, 8, 30, 14, 30, 0, 500));
    assert.equal(fields.requestId, 'abc-1');
  });

  test('a message missing a mandatory field, or with a date that is not one, is refused', async () => {
    const without = (prefix: string) => EIP4361_EXAMPLE.split('\n').filter((line) => !line.startsWith(prefix)).join('\n');
    await assertMalformed(without('Version: '));
    await assertMalformed(without('Chain ID: '));
    await assertMalformed(without('Nonce: '));
    await assertMalformed(without('Issued At: '));
    await assertMalformed(without('URI: '));
    await assertMalformed(without('example.com wants you'));
    await assertMalformed(EIP4361_EXAMPLE.replace('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2', '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc'));
    await assertMalformed(EIP4361_EXAMPLE.replace('2021-09-30T16:25:24Z', 'yesterday'));
    await assertMalformed(EIP4361_EXAMPLE.replace('2021-09-30T16:25:24Z', '2021-13-45T16:25:24Z'));
    await assertMalformed(EIP4361_EXAMPLE.replace('Resources:', 'Expiration Time: 30/09/2021\nResources:'));
    await assertMalformed('');
    await assertMalformed('hello');
  });

  test('the proxy\'s challenge is EIP-4361 text that reads back to what it was built from', async () => {
    const challenge = {
      domain: 'sale.example',
      address: '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2',
      statement: challengeStatement('Acme'),
      uri: 'https://sale.example',
      chainId: 11155111,
      nonce: 'Abc123Def456Ghi789Jkl012',
      issuedAt: '2021-09-30T16:25:24.000Z',
      expiresAt: '2021-09-30T16:35:24.000Z',
    };
    const message = siweChallengeMessage(challenge);
    assert.equal(message, [
      'sale.example wants you to sign in with your Ethereum account:',
      '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2',
      '',
      'I control this address and submit it for the KYC of the Acme token sale.',
      '',
      'URI: https://sale.example',
      'Version: 1',
      'Chain ID: 11155111',
      'Nonce: Abc123Def456Ghi789Jkl012',
      'Issued At: 2021-09-30T16:25:24.000Z',
      'Expiration Time: 2021-09-30T16:35:24.000Z',
    ].join('\n'));
    assert.deepEqual(await readSiweFields(message), {
      domain: challenge.domain,
      address: challenge.address,
      statement: challenge.statement,
      uri: challenge.uri,
      version: '1',
      chainId: challenge.chainId,
      nonce: challenge.nonce,
      issuedAt: Date.parse(challenge.issuedAt),
      expiresAt: Date.parse(challenge.expiresAt),
    });
  });

  test('a sale name cannot break the statement onto several lines', () => {
    const statement = challengeStatement('Acme\nURI: https://evil.example\r\n\u2028Sale\u0000');
    assert.equal(statement, 'I control this address and submit it for the KYC of the Acme URI: https://evil.example Sale token sale.');
  });

  test('the domain is the site\'s host with a non-default port', () => {
    assert.equal(siweDomainOf('https://sale.example'), 'sale.example');
    assert.equal(siweDomainOf('https://sale.example:443'), 'sale.example');
    assert.equal(siweDomainOf('http://127.0.0.1:8080'), '127.0.0.1:8080');
    assert.equal(siweDomainOf('https://Sale.Example:8443'), 'sale.example:8443');
  });

  test('nonces: 24 alphanumerics, all different, every character of the alphabet used', () => {
    const nonces = Array.from({ length: 1000 }, () => newSiweNonce());
    for (const nonce of nonces) assert.match(nonce, NONCE_PATTERN);
    assert.equal(new Set(nonces).size, nonces.length);
    // 24,000 draws from 62 characters: missing one by chance has a probability around 1e-168.
    assert.equal(new Set(nonces.join('')).size, 62);
  });
});
