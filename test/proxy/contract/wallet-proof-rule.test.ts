// The one rule the widget's wallet step and the proxy's submit check both apply.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { walletProofNeeded } from '../../../proxy/contract/wallet-proof-rule.js';

test('a proof is needed when the sale requires it, or takes proofs and lets no address be typed', () => {
  assert.equal(walletProofNeeded({ proof: 'required', allowTypedAddress: true }), true);
  assert.equal(walletProofNeeded({ proof: 'required', allowTypedAddress: false }), true);
  assert.equal(walletProofNeeded({ proof: 'optional', allowTypedAddress: false }), true);
  assert.equal(walletProofNeeded({ proof: 'optional', allowTypedAddress: true }), false);
  assert.equal(walletProofNeeded({ proof: 'off', allowTypedAddress: true }), false);
});
