// The proxy's email rule is the provider's: an address the proxy takes, the provider takes (otherwise the
// investor is mailed a code and then refused), and the widget explains the same rule before any request.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isValidEmail as providerAcceptsEmail } from '../../../demo/sandbox/api/users.js';
import { isEmailAddress } from '../../../proxy/contract/email-address.js';

test('agrees with the provider\'s REGEX_EMAIL on generated addresses and near-misses', () => {
  const nearMiss = fc.tuple(fc.emailAddress(), fc.constantFrom("'", 'é', '_', '.', '..', ' ', '@', '-', '+', '%', '"', 'ü', ',', '\t'), fc.nat(40))
    .map(([email, extra, at]) => `${email.slice(0, at % (email.length + 1))}${extra}${email.slice(at % (email.length + 1))}`);
  fc.assert(fc.property(fc.oneof(fc.emailAddress(), nearMiss, fc.string()), (email) => {
    fc.pre(!email.endsWith('\n') && email.length <= 254);
    assert.equal(isEmailAddress(email), providerAcceptsEmail(email), email);
  }), { numRuns: 5000, seed: 424242 });
});

test('refuses what the provider refuses, with examples investors type', () => {
  for (const email of ["o'brien@example.com", 'josé@example.com', '_x@example.com', '.x@example.com', 'a@b.c', 'a@example.museum-of-everything-long-tld']) {
    assert.equal(isEmailAddress(email), false, email);
  }
  for (const email of ['ada.lovelace@example.com', 'ADA+kyc@Example.CO.UK', 'x_y-z%1@sub-domain.example.io']) {
    assert.equal(isEmailAddress(email), true, email);
  }
});
