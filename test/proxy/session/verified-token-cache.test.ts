// The token service remembers tokens whose signature it verified; a second use must still be refused
// when it has expired, is used before its time, or is presented for another sale, site or user.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateSigningKey, loadSigningKeys } from '../../../proxy/session/signing-keys.js';
import { TokenError } from '../../../proxy/session/token-error.js';
import { createTokenService } from '../../../proxy/session/widget-token.js';

const T0 = Date.UTC(2030, 0, 1);
const BINDING = { sale: 'acme', origin: 'https://acme.example' };

async function service() {
  let nowMs = T0;
  const keys = await loadSigningKeys({ current: await generateSigningKey() });
  const tokens = createTokenService({ issuer: 'https://kyc.acme.example', keys, lifetimeSeconds: 600, now: () => nowMs });
  const { token } = await tokens.issue({ ...BINDING, userId: '7' });
  return { tokens, token, setNow: (ms: number) => (nowMs = ms) };
}

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TokenError);
    return error.reason;
  }
  return 'accepted';
}

describe('verified-token cache', () => {
  it('accepts a verified token again while it is valid', async () => {
    const { tokens, token } = await service();
    assert.equal((await tokens.verify(token, BINDING)).sub, '7');
    assert.equal((await tokens.verify(token, BINDING)).sub, '7');
  });

  it('refuses a cached token once it has expired', async () => {
    const { tokens, token, setNow } = await service();
    await tokens.verify(token, BINDING);
    setNow(T0 + 606_000);
    assert.equal(await reason(tokens.verify(token, BINDING)), 'expired');
  });

  it('refuses a cached token when the clock is set before its issue time', async () => {
    const { tokens, token, setNow } = await service();
    await tokens.verify(token, BINDING);
    setNow(T0 - 60_000);
    assert.equal(await reason(tokens.verify(token, BINDING)), 'not_yet_valid');
  });

  it('refuses a cached token for another sale, site or user', async () => {
    const { tokens, token } = await service();
    await tokens.verify(token, BINDING);
    assert.equal(await reason(tokens.verify(token, { ...BINDING, sale: 'other' })), 'wrong_audience');
    assert.equal(await reason(tokens.verify(token, { ...BINDING, origin: 'https://evil.example' })), 'wrong_origin');
    assert.equal(await reason(tokens.verify(token, { ...BINDING, userId: '8' })), 'wrong_user');
  });

  it('drops expired tokens: the one presented after its expiry, and those at the front when another is remembered', async () => {
    const { tokens, token, setNow } = await service();
    await tokens.verify(token, BINDING);
    setNow(T0 + 300_000);
    const { token: later } = await tokens.issue({ ...BINDING, userId: '8' });
    await tokens.verify(later, BINDING);
    assert.equal(tokens.cachedTokenCount(), 2);

    // The first has expired (600 s lifetime, 5 s tolerance); the second has not.
    setNow(T0 + 606_000);
    const { token: third } = await tokens.issue({ ...BINDING, userId: '9' });
    await tokens.verify(third, BINDING);
    assert.equal(tokens.cachedTokenCount(), 2, 'the expired first token was dropped when the third was remembered');
    assert.equal(await reason(tokens.verify(token, BINDING)), 'expired');

    setNow(T0 + 906_000);
    assert.equal(await reason(tokens.verify(later, BINDING)), 'expired');
    assert.equal(tokens.cachedTokenCount(), 1, 'an expired token presented again is dropped');
    assert.equal((await tokens.verify(third, BINDING)).sub, '9');
  });

  it('does not cache a refused token', async () => {
    const { tokens, token } = await service();
    const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    assert.equal(await reason(tokens.verify(tampered, BINDING)), 'bad_signature');
    assert.equal(await reason(tokens.verify(tampered, BINDING)), 'bad_signature');
  });
});
