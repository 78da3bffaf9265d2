/**
 * Proof of wallet ownership over real HTTP (`routes/wallet-routes.ts` and the submit check in
 * `kyc-routes.ts`): a challenge, signed by an independent library (ethers, never the code under test),
 * proven, listed, and required at submission; every refusal with its code and field; the nonce single-use
 * on one instance and across two sharing a real Redis; and no signature, message, address or nonce in any
 * log line. Three sales on one stack: `acme` requires proof, `loose` offers it, `quiet` has it off.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Wallet } from 'ethers';
import { openApiDocument } from '../../../proxy/openapi/openapi-document.js';
import type { OpenApiDocument } from '../../../proxy/openapi/openapi-types.js';
import { siweChallengeMessage } from '../../../proxy/wallet/siwe-challenge.js';
import { walletNonces } from '../../../proxy/wallet/wallet-nonces.js';
import { walletProofRecords } from '../../../proxy/wallet/wallet-proof-records.js';
import { assertResponseMatches } from '../support/openapi-check.js';
import { api, postToS3, uniqueEmail, VALID_FILE_BYTES, validSubmission, type ApiAnswer, type ApiOptions, type UploadedKeys, type UploadTicket } from '../support/investor.js';
import { INTEGRATOR_KEY, SALE_ORIGIN, startStack, type Stack } from '../support/proxy-stack.js';

/** A second site of the `acme` sale (tokens are bound to one site). */
const OTHER_ORIGIN = 'https://other.sale.test';
const CHAIN_ID = 1;

/** Test accounts: fixed keys, so a failure is reproducible. */
const alice = new Wallet('0x' + '11'.repeat(32));
const bob = new Wallet('0x' + '22'.repeat(32));
const carol = new Wallet('0x' + '33'.repeat(32));
const dave = new Wallet('0x' + '44'.repeat(32));

/** A session at a sale, from the sale's backend (the integrator key): no mail round trip needed here. */
interface Session {
  sale: string;
  token: string;
  userId: number;
  origin: string;
  baseUrl: string;
}

/** Everything that must never reach a log line. */
const secrets = new Set<string>();

function remember(...values: string[]): void {
  for (const value of values) secrets.add(value);
}

async function hostSession(stack: Stack, sale: string, options: { origin?: string; email?: string; baseUrl?: string } = {}): Promise<Session> {
  const origin = options.origin ?? SALE_ORIGIN;
  const baseUrl = options.baseUrl ?? stack.proxyUrl;
  const answer = await api(stack, `/v1/sales/${sale}/host-sessions`, {
    body: { email: options.email ?? uniqueEmail('wallet'), origin },
    headers: { Authorization: `Bearer ${INTEGRATOR_KEY}` },
    origin: null,
    baseUrl,
  });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return { sale, token: answer.body.token as string, userId: Number(answer.body.userId), origin, baseUrl };
}

/** Call a wallet (or other) route of the session's sale as the widget does. */
function call(stack: Stack, session: Session, path: string, options: ApiOptions = {}): Promise<ApiAnswer> {
  return api(stack, `/v1/sales/${session.sale}/${path}`, { token: session.token, origin: session.origin, baseUrl: session.baseUrl, ...options });
}

/** Upload an ID document and a selfie for the session's sale, as `uploadDocuments` does for `acme`. */
async function uploadDocuments(stack: Stack, session: Session): Promise<UploadedKeys> {
  const files = [{ field: 'documentIdFile', contentType: 'image/jpeg' }, { field: 'selfieFile', contentType: 'image/png' }];
  const answer = await call(stack, session, 'uploads', { body: { files } });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const keys: UploadedKeys = {};
  for (const ticket of answer.body.uploads as UploadTicket[]) {
    assert.equal((await postToS3(ticket, VALID_FILE_BYTES)).status, 204);
    if (ticket.field === 'documentIdFile' || ticket.field === 'selfieFile') keys[ticket.field] = ticket.key;
  }
  return keys;
}

/** Ask for a challenge for `wallet`'s address (as the wallet gives it: lowercase). */
async function challenge(stack: Stack, session: Session, wallet: Wallet, options: { baseUrl?: string } = {}): Promise<{ message: string; nonce: string; issuedAt: string; expiresAt: string }> {
  const answer = await call(stack, session, 'wallet/challenges', { body: { address: wallet.address.toLowerCase(), chainId: CHAIN_ID }, ...options });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  remember(answer.body.message as string, answer.body.nonce as string);
  return answer.body;
}

/** Sign `message` with ethers (EIP-191 personal_sign), as a wallet does. */
async function sign(wallet: Wallet, message: string): Promise<string> {
  const signature = await wallet.signMessage(message);
  remember(signature, message);
  return signature;
}

function prove(stack: Stack, session: Session, message: string, signature: string, options: { baseUrl?: string } = {}): Promise<ApiAnswer> {
  return call(stack, session, 'wallet/proofs', { body: { message, signature }, ...options });
}

/** Assert a 400 with `code` on `field`. */
function assertRefused(answer: ApiAnswer, code: string, field: string): void {
  assert.equal(answer.status, 400, JSON.stringify(answer.body));
  assert.equal(answer.body.error.code, code, JSON.stringify(answer.body));
  assert.equal(answer.body.error.fields?.[0]?.field, field, JSON.stringify(answer.body));
}

/** Replace the line of `message` starting with `prefix` by `line`. */
function withLine(message: string, prefix: string, line: string): string {
  const lines = message.split('\n');
  const index = lines.findIndex((each) => each.startsWith(prefix));
  assert.ok(index >= 0, `no line starting with ${prefix}`);
  lines[index] = line;
  return lines.join('\n');
}

/** `address` with the case of its first hex letter flipped: a wrong EIP-55 checksum. */
function withOneLetterFlipped(address: string): string {
  const index = address.slice(2).search(/[a-fA-F]/) + 2;
  const letter = address.charAt(index);
  const flipped = letter === letter.toUpperCase() ? letter.toLowerCase() : letter.toUpperCase();
  return address.slice(0, index) + flipped + address.slice(index + 1);
}

for (const wallet of [alice, bob, carol, dave]) remember(wallet.address, wallet.address.toLowerCase(), wallet.address.slice(2).toLowerCase());

describe('wallet proof on one proxy', () => {
  let stack: Stack;
  let document: OpenApiDocument;

  before(async () => {
    stack = await startStack({
      sale: { origins: [SALE_ORIGIN, OTHER_ORIGIN], wallet: { proof: 'required', chainId: CHAIN_ID } },
      extraSales: [
        { id: 'loose', origins: [SALE_ORIGIN] },
        { id: 'quiet', origins: [SALE_ORIGIN], wallet: { proof: 'off' } },
        { id: 'wallet-only', origins: [SALE_ORIGIN], wallet: { proof: 'optional', allowTypedAddress: false } },
      ],
    });
    document = openApiDocument(stack.proxyUrl);
  });
  after(async () => {
    await stack?.close();
  });

  /** Assert that `answer` to `method path` is as documented. */
  function documented(method: string, path: string, answer: ApiAnswer): void {
    assertResponseMatches(document, { method, path, status: answer.status, contentType: answer.headers.get('content-type'), body: answer.body, headers: answer.headers });
  }

  test('the public config shows each sale\'s wallet settings, never an RPC URL', async () => {
    const strict = await api(stack, '/v1/sales/acme/config');
    assert.deepEqual(strict.body.wallet, { proof: 'required', chainId: 1, allowTypedAddress: true });
    const loose = await api(stack, '/v1/sales/loose/config');
    assert.deepEqual(loose.body.wallet, { proof: 'optional', chainId: 1, allowTypedAddress: true });
    const quiet = await api(stack, '/v1/sales/quiet/config');
    assert.deepEqual(quiet.body.wallet, { proof: 'off', chainId: 1, allowTypedAddress: true });
  });

  test('challenge → signed by ethers → proof 201 → listed → a submission with that address passes and keeps the proof', async () => {
    const session = await hostSession(stack, 'acme');
    const asked = await call(stack, session, 'wallet/challenges', { body: { address: alice.address.toLowerCase(), chainId: CHAIN_ID } });
    documented('POST', '/v1/sales/acme/wallet/challenges', asked);
    assert.equal(asked.status, 201);
    const { message, nonce, issuedAt, expiresAt } = asked.body;
    remember(message, nonce);
    assert.match(nonce, /^[A-Za-z0-9]{17,}$/);
    assert.equal(Date.parse(expiresAt) - Date.parse(issuedAt), 10 * 60 * 1000);
    assert.equal(message, [
      'sale.test wants you to sign in with your Ethereum account:',
      alice.address,
      '',
      'I control this address and submit it for the KYC of the Acme Token Sale token sale.',
      '',
      'URI: https://sale.test',
      'Version: 1',
      'Chain ID: 1',
      `Nonce: ${nonce}`,
      `Issued At: ${issuedAt}`,
      `Expiration Time: ${expiresAt}`,
    ].join('\n'));

    const before = await call(stack, session, 'wallet/proofs');
    assert.deepEqual(before.body, { proofs: [] });

    const signature = await sign(alice, message);
    const proven = await prove(stack, session, message, signature);
    documented('POST', '/v1/sales/acme/wallet/proofs', proven);
    assert.equal(proven.status, 201, JSON.stringify(proven.body));
    assert.equal(proven.body.address, alice.address);
    assert.equal(proven.body.method, 'eip191');
    assert.ok(Math.abs(Date.parse(proven.body.provenAt) - Date.now()) < 60_000);

    const listed = await call(stack, session, 'wallet/proofs');
    documented('GET', '/v1/sales/acme/wallet/proofs', listed);
    assert.deepEqual(listed.body, { proofs: [{ address: alice.address, method: 'eip191', provenAt: proven.body.provenAt }] });

    const keys = await uploadDocuments(stack, session);
    // Submitted in lowercase: the proof is of the address, not of its spelling.
    const submitted = await call(stack, session, 'kyc', { body: validSubmission(keys, { ethereumAddress: alice.address.toLowerCase() }) });
    assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
    const kept = await walletProofRecords(stack.proxies[0]!.deps.store).submittedProof('acme', session.userId);
    assert.ok(kept !== undefined, 'the proof is kept with the submission');
    assert.equal(kept.address, alice.address);
    assert.equal(kept.message, message);
    assert.equal(kept.signature, signature);
    assert.equal(kept.method, 'eip191');
    assert.equal(kept.provenAt, proven.body.provenAt);
    assert.ok(kept.submittedAt !== undefined && Date.parse(kept.submittedAt) >= Date.parse(kept.provenAt));
  });

  test('a sale that requires proof refuses an unproven address on ethereum_address; a sale that offers it takes one', async () => {
    const strict = await hostSession(stack, 'acme');
    const strictKeys = await uploadDocuments(stack, strict);
    const refused = await call(stack, strict, 'kyc', { body: validSubmission(strictKeys, { ethereumAddress: bob.address }) });
    documented('POST', '/v1/sales/acme/kyc', refused);
    assertRefused(refused, 'wallet_proof_required', 'ethereumAddress');
    // Another investor's proof does not count: Alice's address was proven by someone else above.
    const someoneElses = await call(stack, strict, 'kyc', { body: validSubmission(strictKeys, { ethereumAddress: alice.address }) });
    assertRefused(someoneElses, 'wallet_proof_required', 'ethereumAddress');

    const loose = await hostSession(stack, 'loose');
    // Dave's address proven, Bob's typed: the submission goes, with no proof attached (Dave's is not Bob's).
    const { message } = await challenge(stack, loose, dave);
    assert.equal((await prove(stack, loose, message, await sign(dave, message))).status, 201);
    const looseKeys = await uploadDocuments(stack, loose);
    const accepted = await call(stack, loose, 'kyc', { body: validSubmission(looseKeys, { ethereumAddress: bob.address }) });
    assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
    assert.equal(await walletProofRecords(stack.proxies[0]!.deps.store).submittedProof('loose', loose.userId), undefined);
  });

  test('a sale that lets no address be typed refuses an unproven one at submit too, and takes a proven one', async () => {
    const session = await hostSession(stack, 'wallet-only');
    const keys = await uploadDocuments(stack, session);
    const typed = await call(stack, session, 'kyc', { body: validSubmission(keys, { ethereumAddress: bob.address }) });
    assertRefused(typed, 'wallet_proof_required', 'ethereumAddress');
    const { message } = await challenge(stack, session, bob);
    assert.equal((await prove(stack, session, message, await sign(bob, message))).status, 201);
    const proven = await call(stack, session, 'kyc', { body: validSubmission(keys, { ethereumAddress: bob.address }) });
    assert.equal(proven.status, 201, JSON.stringify(proven.body));
  });

  test('a sale with proof off answers 404 wallet_proof_off on every wallet route', async () => {
    const session = await hostSession(stack, 'quiet');
    for (const [path, options] of [['wallet/challenges', { body: { address: alice.address, chainId: 1 } }], ['wallet/proofs', { body: { message: 'x', signature: '0x00' } }], ['wallet/proofs', {}]] as const) {
      const answer = await call(stack, session, path, options);
      assert.equal(answer.status, 404, `${path}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error.code, 'wallet_proof_off');
    }
  });

  test('a used nonce is refused: the same proof twice', async () => {
    const session = await hostSession(stack, 'acme');
    const { message } = await challenge(stack, session, bob);
    const signature = await sign(bob, message);
    assert.equal((await prove(stack, session, message, signature)).status, 201);
    assertRefused(await prove(stack, session, message, signature), 'proof_nonce_unknown', 'message');
  });

  test('another session\'s nonce is refused: another investor, or the same investor on another site', async () => {
    const email = uniqueEmail('owner');
    const owner = await hostSession(stack, 'acme', { email });
    const { message } = await challenge(stack, owner, carol);
    const signature = await sign(carol, message);
    const thief = await hostSession(stack, 'acme');
    assert.notEqual(thief.userId, owner.userId);
    assertRefused(await prove(stack, thief, message, signature), 'proof_nonce_unknown', 'message');
    const ownerElsewhere = await hostSession(stack, 'acme', { email, origin: OTHER_ORIGIN });
    assert.equal(ownerElsewhere.userId, owner.userId);
    assertRefused(await prove(stack, ownerElsewhere, message, signature), 'proof_nonce_unknown', 'message');
    // Still unused: its owner proves with it.
    assert.equal((await prove(stack, owner, message, signature)).status, 201);
  });

  test('a message for another domain, URI or chain is refused, each with its code', async () => {
    const session = await hostSession(stack, 'acme');
    const { message } = await challenge(stack, session, dave);
    const otherDomain = withLine(message, 'sale.test wants you', 'evil.example wants you to sign in with your Ethereum account:');
    assertRefused(await prove(stack, session, otherDomain, await sign(dave, otherDomain)), 'proof_domain', 'message');
    const otherUri = withLine(message, 'URI: ', 'URI: https://evil.example');
    assertRefused(await prove(stack, session, otherUri, await sign(dave, otherUri)), 'proof_uri', 'message');
    const otherChain = withLine(message, 'Chain ID: ', 'Chain ID: 137');
    assertRefused(await prove(stack, session, otherChain, await sign(dave, otherChain)), 'proof_chain', 'message');
    // None of these used the nonce up.
    assert.equal((await prove(stack, session, message, await sign(dave, message))).status, 201);
  });

  test('a message for another site of the sale is refused on its domain', async () => {
    // The investor's token is bound to OTHER_ORIGIN; a message naming the sale's first site is not theirs.
    const session = await hostSession(stack, 'acme', { origin: OTHER_ORIGIN });
    const { message } = await challenge(stack, session, dave);
    assert.ok(message.startsWith('other.sale.test wants you to sign in'));
    const firstSite = withLine(message, 'other.sale.test wants you', 'sale.test wants you to sign in with your Ethereum account:');
    assertRefused(await prove(stack, session, firstSite, await sign(dave, firstSite)), 'proof_domain', 'message');
  });

  test('a proof for another address is refused: another address in the message, or another key\'s signature', async () => {
    const session = await hostSession(stack, 'acme');
    const { message } = await challenge(stack, session, alice);
    const bobsMessage = withLine(message, alice.address, bob.address);
    assertRefused(await prove(stack, session, bobsMessage, await sign(bob, bobsMessage)), 'proof_address', 'message');
    assertRefused(await prove(stack, session, message, await sign(bob, message)), 'proof_signature', 'signature');
  });

  test('a tampered message, a bad signature and a message not valid yet are refused', async () => {
    const session = await hostSession(stack, 'acme');
    const { message, expiresAt } = await challenge(stack, session, alice);
    const signature = await sign(alice, message);
    const reworded = message.replace('I control this address', 'I do not control this address');
    assertRefused(await prove(stack, session, reworded, signature), 'proof_malformed', 'message');
    assertRefused(await prove(stack, session, reworded, await sign(alice, reworded)), 'proof_malformed', 'message');
    const longer = withLine(message, 'Expiration Time: ', `Expiration Time: ${new Date(Date.parse(expiresAt) + 86_400_000).toISOString()}`);
    assertRefused(await prove(stack, session, longer, await sign(alice, longer)), 'proof_malformed', 'message');
    const withResources = `${message}\nResources:\n- https://evil.example/claim`;
    assertRefused(await prove(stack, session, withResources, await sign(alice, withResources)), 'proof_malformed', 'message');
    const notYet = `${message}\nNot Before: ${new Date(Date.now() + 3600_000).toISOString()}`;
    assertRefused(await prove(stack, session, notYet, await sign(alice, notYet)), 'proof_not_yet_valid', 'message');

    const flipped = signature.slice(0, 10) + (signature[10] === 'a' ? 'b' : 'a') + signature.slice(11);
    assertRefused(await prove(stack, session, message, flipped), 'proof_signature', 'signature');
    assertRefused(await prove(stack, session, message, '0x' + '00'.repeat(65)), 'proof_signature', 'signature');
    assertRefused(await prove(stack, session, message, signature.slice(0, 130) + '1d'), 'proof_signature', 'signature');
    assertRefused(await prove(stack, session, message, signature.slice(0, 120)), 'proof_signature', 'signature');
    // After all that, the genuine proof still works once.
    assert.equal((await prove(stack, session, message, signature)).status, 201);
  });

  test('an expired challenge, or one issued ahead of this proxy\'s clock, is refused', async () => {
    const session = await hostSession(stack, 'acme');
    const { message } = await challenge(stack, session, bob);
    const fresh = message.split('\n');
    const nonces = walletNonces(stack.proxies[0]!.deps.store);
    // Challenges as the proxy keeps them, issued 15 minutes ago and 5 minutes from now.
    for (const [offsetMs, code] of [[-15 * 60_000, 'proof_expired'], [5 * 60_000, 'proof_not_yet_valid']] as const) {
      const nonce = `Test${String(offsetMs).replace('-', 'm')}${'x'.repeat(14)}`.slice(0, 24);
      const issued = Date.now() + offsetMs;
      const stored = {
        sale: 'acme', userId: session.userId, origin: session.origin, domain: 'sale.test', address: bob.address,
        statement: fresh[3] as string, uri: session.origin, chainId: CHAIN_ID, nonce,
        issuedAt: new Date(issued).toISOString(), expiresAt: new Date(issued + 10 * 60_000).toISOString(),
      };
      await nonces.save(stored);
      const text = siweChallengeMessage(stored);
      assertRefused(await prove(stack, session, text, await sign(bob, text)), code, 'message');
    }
  });

  test('malformed bodies name their field', async () => {
    const session = await hostSession(stack, 'acme');
    const challengeCases: [unknown, string, string][] = [
      [{ chainId: 1 }, 'invalid_request', 'address'],
      [{ address: 42, chainId: 1 }, 'invalid_request', 'address'],
      [{ address: 'not an address', chainId: 1 }, 'invalid_request', 'address'],
      [{ address: withOneLetterFlipped(alice.address), chainId: 1 }, 'invalid_request', 'address'],
      [{ address: alice.address }, 'invalid_request', 'chainId'],
      [{ address: alice.address, chainId: '1' }, 'invalid_request', 'chainId'],
      [{ address: alice.address, chainId: 1.5 }, 'invalid_request', 'chainId'],
      [{ address: alice.address, chainId: 137 }, 'wrong_chain', 'chainId'],
    ];
    for (const [body, code, field] of challengeCases) {
      const answer = await call(stack, session, 'wallet/challenges', { body });
      documented('POST', '/v1/sales/acme/wallet/challenges', answer);
      assert.equal(answer.status, 400, `${JSON.stringify(body)} → ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error.code, code, JSON.stringify(body));
      assert.equal(answer.body.error.fields[0].field, field, JSON.stringify(body));
    }
    const wrongChain = await call(stack, session, 'wallet/challenges', { body: { address: alice.address, chainId: 137 } });
    assert.equal(wrongChain.body.error.fields[0].params.expected, CHAIN_ID);

    const { message } = await challenge(stack, session, alice);
    const signature = await sign(alice, message);
    const proofCases: [unknown, string][] = [
      [{}, 'message'],
      [{ signature }, 'message'],
      [{ message: 7, signature }, 'message'],
      [{ message: 'hello', signature }, 'message'],
      [{ message: 'x'.repeat(5000), signature }, 'message'],
      [{ message }, 'signature'],
      [{ message, signature: 12 }, 'signature'],
      [{ message, signature: signature.slice(2) }, 'signature'],
      [{ message, signature: `${signature}0` }, 'signature'],
      [{ message, signature: `0x${'zz'.repeat(65)}` }, 'signature'],
    ];
    for (const [body, field] of proofCases) {
      const answer = await call(stack, session, 'wallet/proofs', { body });
      documented('POST', '/v1/sales/acme/wallet/proofs', answer);
      assertRefused(answer, 'proof_malformed', field);
    }
    const notJson = await fetch(`${stack.proxyUrl}/v1/sales/acme/wallet/proofs`, {
      method: 'POST',
      headers: { Origin: SALE_ORIGIN, Authorization: `Bearer ${session.token}`, 'Content-Type': 'application/json' },
      body: '{"message":',
    });
    assert.equal(notJson.status, 400);
    assert.equal(((await notJson.json()) as { error: { code: string } }).error.code, 'invalid_json');
    // The nonce survived every malformed try.
    assert.equal((await prove(stack, session, message, signature)).status, 201);
  });

  test('the wallet routes need the investor\'s token and an allowed site', async () => {
    const session = await hostSession(stack, 'acme');
    const noToken = await api(stack, '/v1/sales/acme/wallet/proofs');
    assert.equal(noToken.status, 401);
    const otherSite = await api(stack, '/v1/sales/acme/wallet/proofs', { token: session.token, origin: 'https://evil.example' });
    assert.equal(otherSite.status, 403);
    // A token of the first site used from the second.
    const wrongSite = await api(stack, '/v1/sales/acme/wallet/challenges', { token: session.token, origin: OTHER_ORIGIN, body: { address: alice.address, chainId: 1 } });
    assert.equal(wrongSite.status, 401);
  });

  test('no signature, message, address or nonce reaches a log line', () => {
    assert.ok(stack.logs.length > 20, 'requests were logged');
    assert.ok(secrets.size > 20);
    for (const line of stack.logs) {
      for (const secret of secrets) {
        // The statement and fixed lines are in every message; look for each message whole, and the rest.
        assert.ok(!line.includes(secret), `a log line carries a secret value: ${line.slice(0, 300)}`);
      }
      assert.ok(!/0x[0-9a-fA-F]{40}/.test(line), `a log line carries an address: ${line.slice(0, 300)}`);
    }
  });
});

describe('wallet proof on two proxies sharing Redis', () => {
  let stack: Stack;
  let first: string;
  let second: string;

  before(async () => {
    stack = await startStack({ instances: 2, redis: true, sale: { wallet: { proof: 'required' } } });
    [first, second] = stack.urls as [string, string];
  });
  after(async () => {
    await stack?.close();
  });

  test('a challenge from one instance is proven on the other, listed by both, and cannot be replayed on either', async () => {
    const session = await hostSession(stack, 'acme', { baseUrl: first });
    const { message } = await challenge(stack, session, alice, { baseUrl: first });
    const signature = await sign(alice, message);
    const proven = await prove(stack, session, message, signature, { baseUrl: second });
    assert.equal(proven.status, 201, JSON.stringify(proven.body));
    assertRefused(await prove(stack, session, message, signature, { baseUrl: first }), 'proof_nonce_unknown', 'message');
    assertRefused(await prove(stack, session, message, signature, { baseUrl: second }), 'proof_nonce_unknown', 'message');
    for (const baseUrl of [first, second]) {
      const listed = await call(stack, session, 'wallet/proofs', { baseUrl });
      assert.deepEqual(listed.body.proofs.map((proof: { address: string }) => proof.address), [alice.address]);
    }
    // The submission on the first instance sees the proof made on the second.
    const keys = await uploadDocuments(stack, session);
    const submitted = await call(stack, session, 'kyc', { body: validSubmission(keys, { ethereumAddress: alice.address }), baseUrl: first });
    assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
  });

  test('the same proof sent to both instances at once is accepted exactly once', async () => {
    for (let round = 0; round < 5; round += 1) {
      const session = await hostSession(stack, 'acme');
      const { message } = await challenge(stack, session, bob);
      const signature = await sign(bob, message);
      const answers = await Promise.all([first, second, first, second].map((baseUrl) => prove(stack, session, message, signature, { baseUrl })));
      const statuses = answers.map((answer) => answer.status).sort();
      assert.deepEqual(statuses, [201, 400, 400, 400], JSON.stringify(answers.map((answer) => answer.body)));
      for (const answer of answers.filter((each) => each.status === 400)) assertRefused(answer, 'proof_nonce_unknown', 'message');
    }
  });

  test('proof records are in Redis: a proxy started afterwards sees them', async () => {
    const session = await hostSession(stack, 'acme');
    const { message } = await challenge(stack, session, carol);
    assert.equal((await prove(stack, session, message, await sign(carol, message))).status, 201);
    const { createRedisStore } = await import('../../../proxy/store/redis-store.js');
    const store = createRedisStore(stack.redis!.url, { keyPrefix: 'kyc:' });
    try {
      const proofs = await walletProofRecords(store).provenFor('acme', session.userId);
      assert.deepEqual(proofs.map((proof) => [proof.address, proof.method, proof.message]), [[carol.address, 'eip191', message]]);
    } finally {
      await store.close();
    }
  });
});
