/**
 * The wallet proof state in the shared store, on the in-memory store and on a real redis-server: proof
 * records (one per address, newest wins, the submitted one kept and cleared) and challenge nonces (single
 * use, even when many claim at once). The routes' own tests cover the same over HTTP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createMemoryStore } from '../../../proxy/store/memory-store.js';
import { createRedisStore } from '../../../proxy/store/redis-store.js';
import type { SharedStore } from '../../../proxy/store/shared-store.js';
import { walletNonces, type IssuedChallenge } from '../../../proxy/wallet/wallet-nonces.js';
import { MAX_PROOFS_PER_INVESTOR, walletProofRecords, type WalletProofRecord } from '../../../proxy/wallet/wallet-proof-records.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';

const A = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const B = '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359';

function record(address: string, provenAt: string, extra: Partial<WalletProofRecord> = {}): WalletProofRecord {
  return { sale: 'acme', userId: 7, address, message: `message for ${address} at ${provenAt}`, signature: `0x${'ab'.repeat(65)}`, method: 'eip191', provenAt, ...extra };
}

function challenge(nonce: string): IssuedChallenge {
  return {
    sale: 'acme', userId: 7, origin: 'https://sale.test', domain: 'sale.test', address: A, statement: 'I control this address.',
    uri: 'https://sale.test', chainId: 1, nonce, issuedAt: '2030-01-01T00:00:00.000Z', expiresAt: '2030-01-01T00:10:00.000Z',
  };
}

for (const kind of ['memory', 'redis'] as const) {
  describe(`wallet state in the ${kind} store`, () => {
    let redis: RedisServer | undefined;
    let store: SharedStore;
    let prefix = 0;

    before(async () => {
      if (kind === 'redis') redis = await startRedisServer();
    });
    after(async () => {
      await store?.close();
      await redis?.stop();
    });

    /** A fresh, empty store view for each test (its own key prefix on Redis). */
    async function freshStore(): Promise<SharedStore> {
      await store?.close();
      prefix += 1;
      store = redis === undefined ? createMemoryStore() : createRedisStore(redis.url, { keyPrefix: `t${prefix}:` });
      return store;
    }

    test('proven addresses: one per address, the latest proof wins, in the order last proven', async () => {
      const records = walletProofRecords(await freshStore());
      assert.deepEqual(await records.provenFor('acme', 7), []);
      await records.saveProven(record(A, '2030-01-01T00:00:00.000Z'));
      await records.saveProven(record(B, '2030-01-01T00:01:00.000Z', { method: 'eip1271' }));
      await records.saveProven(record(A.toLowerCase(), '2030-01-01T00:02:00.000Z'));
      const proven = await records.provenFor('acme', 7);
      assert.deepEqual(proven.map((each) => [each.address, each.method, each.provenAt]), [
        [B, 'eip1271', '2030-01-01T00:01:00.000Z'],
        [A.toLowerCase(), 'eip191', '2030-01-01T00:02:00.000Z'],
      ]);
      // Another investor and another sale see nothing of these.
      assert.deepEqual(await records.provenFor('acme', 8), []);
      assert.deepEqual(await records.provenFor('beta', 7), []);
    });

    test('the submitted proof: recorded for a proven address in any case, cleared by a submission without one', async () => {
      const records = walletProofRecords(await freshStore());
      await records.saveProven(record(A, '2030-01-01T00:00:00.000Z'));
      assert.equal(await records.submittedProof('acme', 7), undefined);
      const proof = await records.provenProof('acme', 7, A.toUpperCase().replace('0X', '0x'));
      const submitted = await records.recordSubmitted('acme', 7, proof, '2030-01-01T00:05:00.000Z');
      assert.deepEqual(submitted, { ...record(A, '2030-01-01T00:00:00.000Z'), submittedAt: '2030-01-01T00:05:00.000Z' });
      assert.deepEqual(await records.submittedProof('acme', 7), submitted);
      // A later submission of an unproven address: the earlier proof no longer describes the submission.
      assert.equal(await records.provenProof('acme', 7, B), undefined);
      assert.equal(await records.recordSubmitted('acme', 7, await records.provenProof('acme', 7, B), '2030-01-01T00:06:00.000Z'), undefined);
      assert.equal(await records.submittedProof('acme', 7), undefined);
      // A stored submittedAt is not taken from a proven record.
      await records.saveProven(record(B, '2030-01-01T00:07:00.000Z', { submittedAt: '1999-01-01T00:00:00.000Z' }));
      assert.equal((await records.provenFor('acme', 7)).find((each) => each.address === B)?.submittedAt, undefined);
    });

    test(`at most ${MAX_PROOFS_PER_INVESTOR} proofs are kept per investor, the newest`, async () => {
      const records = walletProofRecords(await freshStore());
      const addresses = Array.from({ length: MAX_PROOFS_PER_INVESTOR + 5 }, (_, i) => `0x${i.toString(16).padStart(40, '0')}`);
      for (const address of addresses) await records.saveProven(record(address, '2030-01-01T00:00:00.000Z'));
      const kept = await records.provenFor('acme', 7);
      assert.deepEqual(kept.map((each) => each.address), addresses.slice(5));
    });

    test('a nonce is claimed once: after that it is no longer found, and of many claims at once one wins', async () => {
      const nonces = walletNonces(await freshStore());
      assert.equal(await nonces.find('acme', 'Nonce0000000000000000001'), undefined);
      await nonces.save(challenge('Nonce0000000000000000001'));
      assert.deepEqual(await nonces.find('acme', 'Nonce0000000000000000001'), challenge('Nonce0000000000000000001'));
      assert.equal(await nonces.find('beta', 'Nonce0000000000000000001'), undefined);
      assert.equal(await nonces.claim('acme', 'Nonce0000000000000000001'), true);
      assert.equal(await nonces.claim('acme', 'Nonce0000000000000000001'), false);
      assert.equal(await nonces.find('acme', 'Nonce0000000000000000001'), undefined);
      // Saved again after use (a replayed save): still not usable.
      await nonces.save(challenge('Nonce0000000000000000001'));
      assert.equal(await nonces.find('acme', 'Nonce0000000000000000001'), undefined);

      await nonces.save(challenge('Nonce0000000000000000002'));
      const claims = await Promise.all(Array.from({ length: 20 }, () => nonces.claim('acme', 'Nonce0000000000000000002')));
      assert.equal(claims.filter(Boolean).length, 1);
    });
  });
}
