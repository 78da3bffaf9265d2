/**
 * `GET /v1/sales/:sale/allowlist` over real HTTP: investors who submitted through the proxy's routes and
 * were reviewed in the sandbox, some having proved their address through the proxy's wallet routes with
 * a key held by ethers; the export lists exactly the approved and whitelisted ones with the
 * address the provider holds, their proofs of ownership, and Merkle proofs that verify both with
 * OpenZeppelin's library and with its on-chain hashing recomputed in ethers. One stack for the file.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createServer, type Server } from 'node:http';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { getAddress, verifyMessage, Wallet } from 'ethers';
import { gatherAllowlistInvestors } from '../../../proxy/allowlist/allowlist-investors.js';
import type { AllowlistDocument } from '../../../proxy/allowlist/allowlist-document.js';
import { openApiDocument } from '../../../proxy/openapi/openapi-document.js';
import type { OpenApiDocument } from '../../../proxy/openapi/openapi-types.js';
import { createProviderClient } from '../../../proxy/provider/provider-client.js';
import { walletProofRecords } from '../../../proxy/wallet/wallet-proof-records.js';
import { signIn, uniqueEmail } from '../support/investor.js';
import { assertFetchResponse } from '../support/openapi-check.js';
import { CLIENT_ID, INTEGRATOR_KEY, PROVIDER_API_KEY, PROVIDER_SECRET_ENV, SALE_ID, freePort, startStack, type Stack } from '../support/proxy-stack.js';
import { proveAddress, review, submitInvestor, type CaseInvestor, type Outcome, type ProvenAddress } from './investor-cases.js';
import { verifyOnChainStyle } from './openzeppelin-proof.js';

let stack: Stack;
let document: OpenApiDocument;
/** A provider that answers every request with an HTML error page (a broken gateway in front of it). */
let brokenProvider: Server;

/** The investors of the file, by role. */
const people = {} as Record<
  'proven' | 'plain' | 'sharedFirst' | 'sharedSecond' | 'changed' | 'badChecksum' | 'noAddress' | 'denied' | 'pending' | 'notWhitelisted' | 'needsAction',
  CaseInvestor
>;

/** What the proxy answered to `proven`'s proof of the address they submitted. */
let provenProof: ProvenAddress;

/** The address a reviewer put on `changed`'s case in place of the proven one. */
let reviewerAddress: string;

/** Ask for the export; the integrator key by default, `null` for none. */
function exportRequest(query = '', options: { key?: string | null; sale?: string } = {}): Promise<Response> {
  const key = options.key === undefined ? INTEGRATOR_KEY : options.key;
  return fetch(`${stack.proxyUrl}/v1/sales/${options.sale ?? SALE_ID}/allowlist${query}`, {
    headers: key === null ? {} : { Authorization: `Bearer ${key}` },
    signal: AbortSignal.timeout(10_000),
  });
}

/** The JSON export, checked against the OpenAPI document. */
async function exportJson(query = ''): Promise<AllowlistDocument> {
  const response = await exportRequest(query);
  assert.equal(response.status, 200);
  return (await assertFetchResponse(document, 'GET', response)) as AllowlistDocument;
}

before(async () => {
  brokenProvider = createServer((_request, response) => response.writeHead(500, { 'Content-Type': 'text/html' }).end('<h1>Bad gateway</h1>'));
  await new Promise<void>((resolve) => brokenProvider.listen(0, '127.0.0.1', resolve));
  const brokenUrl = `http://127.0.0.1:${(brokenProvider.address() as { port: number }).port}`;
  const deadUrl = `http://127.0.0.1:${await freePort()}`;
  const provider = (url: string) => ({ url, apiKey: PROVIDER_API_KEY, apiSecret: { env: PROVIDER_SECRET_ENV } });
  stack = await startStack({ extraSales: [{ id: 'unreachable', provider: provider(deadUrl) }, { id: 'broken', provider: provider(brokenUrl) }] });
  document = openApiDocument(stack.proxyUrl);

  // Submitted at once (each signs in by mail and uploads two files), then reviewed.
  const [proven, plain, sharedFirst] = await Promise.all([
    // Proofs made before submitting, as the widget's wallet step does: of the address submitted, and
    // then of a second wallet the investor also holds, which must not be taken for the first.
    submitInvestor(stack, {
      before: async (investor) => {
        provenProof = await proveAddress(stack, investor);
        await proveAddress(stack, investor, Wallet.createRandom());
      },
    }),
    submitInvestor(stack),
    submitInvestor(stack),
  ]);
  Object.assign(people, { proven, plain, sharedFirst });
  const [sharedSecond, changed, badChecksum, noAddress, denied, pending, notWhitelisted, needsAction] = await Promise.all([
    // Another investor submits the first one's address.
    submitInvestor(stack, { address: sharedFirst.wallet.address }),
    submitInvestor(stack, { before: (investor) => proveAddress(stack, investor) }),
    submitInvestor(stack),
    submitInvestor(stack),
    submitInvestor(stack),
    submitInvestor(stack),
    submitInvestor(stack),
    submitInvestor(stack),
  ]);
  Object.assign(people, { sharedSecond, changed, badChecksum, noAddress, denied, pending, notWhitelisted, needsAction });
  const outcomes: [CaseInvestor, Outcome][] = [
    [proven, 'whitelisted'], [plain, 'whitelisted'], [sharedFirst, 'whitelisted'], [sharedSecond, 'whitelisted'],
    [changed, 'whitelisted'], [badChecksum, 'whitelisted'], [noAddress, 'whitelisted'],
    [denied, 'denied'], [pending, 'pending'], [notWhitelisted, 'approved_not_whitelisted'], [needsAction, 'needs_action'],
  ];
  for (const [investor, outcome] of outcomes) review(stack, investor.id, outcome);
  // A reviewer corrects addresses at the provider: the export must follow the provider, not the proof.
  reviewerAddress = getAddress(`0x${'ab'.repeat(20)}`);
  stack.sandbox.store.updateEthereumAddress(CLIENT_ID, changed.id, reviewerAddress.toLowerCase(), 'Admin');
  // Mixed case that fails EIP-55 (one letter's case flipped): a likely typo, never "corrected" silently.
  const flipped = badChecksum.wallet.address.replace(/[a-f]/, (letter) => letter.toUpperCase());
  stack.sandbox.store.updateEthereumAddress(CLIENT_ID, badChecksum.id, flipped === badChecksum.wallet.address ? badChecksum.wallet.address.replace(/[A-F]/, (letter) => letter.toLowerCase()) : flipped, 'Admin');
  stack.sandbox.store.updateEthereumAddress(CLIENT_ID, noAddress.id, '', 'Admin');
});

after(async () => {
  await stack?.close();
  await new Promise((resolve) => brokenProvider?.close(resolve));
});

describe('the JSON export', () => {
  test('lists exactly the approved and whitelisted investors, by user id, with the address the provider holds', async () => {
    const exported = await exportJson('?format=json');
    const listed = [people.proven, people.plain, people.sharedFirst, people.sharedSecond, people.changed].sort((a, b) => a.id - b.id);
    assert.deepEqual(exported.investors.map((row) => row.userId), listed.map((investor) => investor.userId));
    const expectedAddress = new Map(listed.map((investor) => [investor.userId, investor === people.sharedSecond ? people.sharedFirst.wallet.address : investor.wallet.address]));
    expectedAddress.set(people.changed.userId, reviewerAddress);
    for (const row of exported.investors) {
      assert.equal(row.address, expectedAddress.get(row.userId), `address of ${row.userId}`);
      assert.equal(row.address, getAddress(row.address), 'EIP-55 checksummed');
      assert.equal(row.whitelistStatus, 'done');
      assert.ok(Math.abs(Date.parse(row.submittedAt) - Date.now()) < 10 * 60_000, 'submittedAt is the submission time');
    }
    assert.equal(exported.sale, SALE_ID);
    assert.equal(exported.provenOnly, false);
    assert.deepEqual(exported.merkle.leafEncoding, ['address']);
    assert.equal(exported.merkle.format, 'standard-v1');
    // Two investors share one address: one leaf for both.
    assert.equal(exported.merkle.leaves, 4);
  });

  test('the left-out and the shared are reported, not dropped or merged silently', async () => {
    const exported = await exportJson();
    assert.deepEqual(exported.duplicates, [{ address: people.sharedFirst.wallet.address, userIds: [people.sharedFirst.userId, people.sharedSecond.userId].sort((a, b) => Number(a) - Number(b)) }]);
    const skipped = new Map(exported.skipped.map(({ userId, reason }) => [userId, reason]));
    assert.deepEqual(Object.fromEntries(skipped), { [people.badChecksum.userId]: 'invalid_ethereum_address', [people.noAddress.userId]: 'no_ethereum_address' });
    const shared = exported.investors.filter((row) => row.address === people.sharedFirst.wallet.address);
    assert.equal(shared.length, 2);
    assert.deepEqual(shared[0]?.merkleProof, shared[1]?.merkleProof);
  });

  test('a proven address carries its method, time, signed message and signature; ethers recovers the address from them', async () => {
    const exported = await exportJson();
    const byUser = new Map(exported.investors.map((row) => [row.userId, row]));
    const proven = byUser.get(people.proven.userId);
    assert.equal(proven?.proven, true);
    assert.equal(proven.proofMethod, 'eip191');
    assert.ok(proven.siweMessage?.includes(people.proven.wallet.address));
    assert.equal(verifyMessage(proven.siweMessage ?? '', proven.siweSignature ?? ''), people.proven.wallet.address);
    assert.deepEqual([proven.siweMessage, proven.siweSignature, proven.provenAt], [provenProof.message, provenProof.signature, provenProof.provenAt]);
    // The reviewer's address was never proven, though the investor proved their own.
    for (const who of [people.plain, people.changed, people.sharedFirst, people.sharedSecond]) {
      const row = byUser.get(who.userId);
      assert.equal(row?.proven, false, `${who.userId} is unproven`);
      assert.equal(row.proofMethod ?? row.provenAt ?? row.siweMessage ?? row.siweSignature, undefined);
    }
  });

  test('every Merkle proof verifies with StandardMerkleTree.verify and with OpenZeppelin\'s hashing recomputed in ethers', async () => {
    const exported = await exportJson();
    const root = exported.merkle.root ?? assert.fail('no root');
    for (const row of exported.investors) {
      assert.ok(StandardMerkleTree.verify(root, ['address'], [row.address], row.merkleProof), `library verify ${row.address}`);
      assert.ok(verifyOnChainStyle(root, row.address, row.merkleProof), `ethers recomputation ${row.address}`);
      // A proof does not prove another address.
      assert.equal(verifyOnChainStyle(root, people.denied.wallet.address, row.merkleProof), false);
    }
  });

  test('holds no email, name or other KYC answer', async () => {
    const text = await (await exportRequest()).text();
    for (const investor of Object.values(people)) assert.ok(!text.includes(investor.email), 'no email');
    for (const answer of ['Ann', 'Lee', 'Rivoli', 'Paris', 'X1234567', 'x1234567', '1990-02-01', '01/02/1990', 'FRANCE', 'FRENCH']) assert.ok(!text.includes(answer), `no "${answer}"`);
  });

  test('proven=only lists only the proven investors, and the root covers only their addresses', async () => {
    const exported = await exportJson('?proven=only');
    assert.equal(exported.provenOnly, true);
    assert.deepEqual(exported.investors.map((row) => row.userId), [people.proven.userId]);
    assert.equal(exported.merkle.leaves, 1);
    assert.equal(exported.merkle.root, StandardMerkleTree.of([[people.proven.wallet.address]], ['address']).root);
    assert.deepEqual(exported.investors[0]?.merkleProof, []);
    const unproven = exported.skipped.filter(({ reason }) => reason === 'unproven').map(({ userId }) => userId).sort();
    assert.deepEqual(unproven, [people.plain, people.sharedFirst, people.sharedSecond, people.changed].map((investor) => investor.userId).sort());
  });
});

describe('the CSV export', () => {
  test('has the header, one row per investor with the JSON\'s values, and comes as a download', async () => {
    const response = await exportRequest('?format=csv');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
    assert.match(response.headers.get('content-disposition') ?? '', /^attachment; filename="acme-allowlist-\d{8}T\d{6}Z\.csv"$/);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const text = await assertFetchResponse(document, 'GET', response) as string;
    const exported = await exportJson();
    assert.equal(response.headers.get('x-allowlist-merkle-root'), exported.merkle.root);
    assert.ok(text.endsWith('\r\n'));
    const lines = text.slice(0, -2).split('\r\n');
    assert.equal(lines[0], 'user_id,ethereum_address,proven,proof_method,proven_at,merkle_proof');
    assert.deepEqual(lines.slice(1), exported.investors.map((row) => [row.userId, row.address, String(row.proven), row.proofMethod ?? '', row.provenAt ?? '', row.merkleProof.join(';')].join(',')));
  });

  test('proven=only as CSV has the proven investor alone', async () => {
    const text = await (await exportRequest('?format=csv&proven=only')).text();
    const rows = text.trim().split('\r\n').slice(1);
    assert.equal(rows.length, 1);
    assert.match(rows[0] ?? '', new RegExp(`^${people.proven.userId},${people.proven.wallet.address},true,eip191,\\d{4}-`));
  });
});

describe('refusals', () => {
  test('no key, a wrong key or a widget token is 401 with a bearer challenge', async () => {
    const investor = await signIn(stack, uniqueEmail('not-an-integrator'));
    for (const key of [null, 'integrator-key-0123456789abcdeX', investor.token]) {
      const response = await exportRequest('?format=csv', { key });
      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/);
      const body = await assertFetchResponse(document, 'GET', response) as { error: { code: string } };
      assert.equal(body.error.code, 'unauthorized');
    }
  });

  test('a bad format or proven value, or one given twice, is 400 naming it; an unknown sale is 404', async () => {
    for (const [query, field] of [['?format=xml', 'format'], ['?proven=yes', 'proven'], ['?format=csv&format=json', 'format']] as const) {
      const response = await exportRequest(query);
      assert.equal(response.status, 400, query);
      const body = await assertFetchResponse(document, 'GET', response) as { error: { code: string; fields: { field: string }[] } };
      assert.equal(body.error.code, 'invalid_request');
      assert.equal(body.error.fields[0]?.field, field);
    }
    const unknown = await exportRequest('', { sale: 'nope' });
    assert.equal(unknown.status, 404);
    assert.equal((await unknown.json() as { error: { code: string } }).error.code, 'unknown_sale');
  });

  test('a provider that cannot be reached is 503, one that answers garbage is 502, and nothing of it leaks', async () => {
    const unreachable = await exportRequest('', { sale: 'unreachable' });
    assert.equal(unreachable.status, 503);
    assert.ok(Number(unreachable.headers.get('retry-after')) > 0);
    assert.equal((await assertFetchResponse(document, 'GET', unreachable) as { error: { code: string } }).error.code, 'provider_unavailable');
    const broken = await exportRequest('', { sale: 'broken' });
    assert.equal(broken.status, 502);
    const text = await broken.text();
    assert.equal(JSON.parse(text).error.code, 'provider_error');
    assert.ok(!text.includes('Bad gateway') && !text.includes('127.0.0.1'), 'no provider internals');
  });
});

describe('paging through the provider', () => {
  test('gathers across several provider pages and reads only approved, whitelisted cases', async () => {
    const listRequests: URL[] = [];
    const counting: typeof fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.pathname === '/api/v2/users-kyc') listRequests.push(url);
      return fetch(input, init);
    };
    const provider = createProviderClient({ baseUrl: stack.sandbox.url, apiKey: PROVIDER_API_KEY, apiSecret: (stack.proxies[0] as Stack['proxies'][number]).deps.config.sales.get(SALE_ID)?.provider.apiSecret.reveal() ?? '', fetch: counting });
    try {
      const gathered = await gatherAllowlistInvestors({ sale: SALE_ID, provider, proofs: walletProofRecords((stack.proxies[0] as Stack['proxies'][number]).deps.store), pageSize: 2 });
      const full = await exportJson();
      assert.deepEqual(gathered.investors.map((investor) => String(investor.userId)), full.investors.map((row) => row.userId));
      assert.deepEqual(gathered.skipped.map(({ userId }) => String(userId)), full.skipped.map(({ userId }) => userId));
      // Seven approved, whitelisted cases (five listed, two skipped) at two a page: four pages, each asked once.
      assert.deepEqual(listRequests.map((url) => url.searchParams.get('page_number')), ['1', '2', '3', '4']);
      for (const url of listRequests) {
        assert.equal(url.searchParams.get('limit'), '2');
        assert.equal(url.searchParams.get('filters[whitelist_status]'), 'done');
        assert.equal(url.searchParams.get('filters[admin_status]'), 'qualified');
        assert.equal(url.searchParams.get('filters[aml_status]'), 'cleared:approved');
      }
    } finally {
      provider.close();
    }
  });
});
