/**
 * Proof of wallet ownership (Sign-In with Ethereum), for a signed-in investor (bearer + allowed Origin):
 * - `POST /v1/sales/:sale/wallet/challenges` `{ address, chainId }` → 201 `{ message, nonce, issuedAt,
 *   expiresAt }`: the EIP-4361 message for the wallet to sign, with a single-use nonce bound to this
 *   investor, site, address and chain, valid 10 minutes.
 * - `POST /v1/sales/:sale/wallet/proofs` `{ message, signature }` → 201 `{ address, method, provenAt }`:
 *   verified (`wallet/verify-wallet-proof.ts`) and kept (`wallet/wallet-proof-records.ts`).
 * - `GET /v1/sales/:sale/wallet/proofs` → `{ proofs: [{ address, method, provenAt }] }`: the investor's
 *   proven addresses (the widget restores its "proven" mark after a reload).
 *
 * A sale with `wallet.proof: "off"` answers 404 `wallet_proof_off`. Nothing of a proof (address, message,
 * signature) nor the sale's RPC URL is logged.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { checkEthereumAddress } from '../contract/eip55.js';
import { ApiError, invalidField } from '../http/api-error.js';
import { jsonObjectBody, requiredString } from '../http/request-body.js';
import { requireSession, type InvestorSession } from '../http/widget-session.js';
import type { ProxyDeps } from '../proxy-deps.js';
import { checkRateLimit } from '../rate-limit.js';
import { WalletRpcError } from '../wallet/eip1271.js';
import { CHALLENGE_LIFETIME_MS, challengeStatement, newSiweNonce, siweChallengeMessage, siweDomainOf } from '../wallet/siwe-challenge.js';
import { verifyWalletProof, WalletProofRefusal } from '../wallet/verify-wallet-proof.js';
import { walletNonces } from '../wallet/wallet-nonces.js';
import { walletProofRecords } from '../wallet/wallet-proof-records.js';

/** Challenges an investor may ask for per hour (a few wallets, a few retries; each is kept 11 minutes). */
export const CHALLENGES_PER_HOUR = 30;
/** Proofs an investor may send per hour, refused ones included. */
export const PROOFS_PER_HOUR = 30;
const HOUR_MS = 3600_000;

/** The signed-in investor, on a sale that offers wallet proof. */
async function walletSession(ctx: Context, deps: ProxyDeps): Promise<InvestorSession> {
  const session = await requireSession(ctx, deps);
  if (session.sale.config.wallet.proof === 'off') {
    throw new ApiError(404, 'wallet_proof_off', 'This sale does not ask for a proof of wallet ownership.');
  }
  return session;
}

/** Count one request against the investor's hourly budget of `route`; a 429 when it is spent. */
async function limit(deps: ProxyDeps, session: InvestorSession, route: 'challenges' | 'proofs', perHour: number): Promise<void> {
  const result = await checkRateLimit(deps.store, `rate:wallet-${route}:${session.sale.config.id}:${session.userId}`, { limit: perHour, windowMs: HOUR_MS });
  if (!result.allowed) {
    throw new ApiError(429, 'rate_limited', 'Too many wallet signature requests. Please wait a little and try again.', { headers: { 'Retry-After': String(result.retryAfterSeconds) } });
  }
}

/** The body's `chainId`: a positive integer equal to the sale's chain. */
function requestedChain(body: Record<string, unknown>, saleChainId: number): number {
  const chainId = body['chainId'];
  if (chainId === undefined || chainId === null) throw invalidField('chainId', 'required', 'chainId is required.');
  if (typeof chainId !== 'number' || !Number.isSafeInteger(chainId) || chainId < 1) {
    throw invalidField('chainId', 'type', 'chainId must be a positive integer (the EIP-155 chain id).');
  }
  if (chainId !== saleChainId) {
    const message = `The wallet is on another network than the sale's (chain ${saleChainId}). Please switch networks in your wallet.`;
    throw new ApiError(400, 'wrong_chain', message, { fields: [{ field: 'chainId', rule: 'wrong_chain', message, params: { expected: saleChainId } }] });
  }
  return chainId;
}

/** Add the wallet proof routes to `router`. */
export function addWalletRoutes(router: Router, deps: ProxyDeps): void {
  const nonces = walletNonces(deps.store);
  const records = walletProofRecords(deps.store);

  router.post('/v1/sales/:sale/wallet/challenges', async (ctx: Context) => {
    const session = await walletSession(ctx, deps);
    const sale = session.sale.config;
    const body = jsonObjectBody(ctx);
    const checked = checkEthereumAddress(requiredString(body, 'address', 100));
    if (!checked.ok) {
      const message = checked.reason === 'checksum'
        ? 'This address has a wrong checksum: a letter may have the wrong case, or a character is mistyped.'
        : 'An Ethereum address is 0x followed by 40 hexadecimal characters.';
      throw invalidField('address', checked.reason, message);
    }
    const chainId = requestedChain(body, sale.wallet.chainId);
    await limit(deps, session, 'challenges', CHALLENGES_PER_HOUR);

    const issued = deps.now();
    const challenge = {
      sale: sale.id,
      userId: session.userId,
      origin: session.origin,
      domain: siweDomainOf(session.origin),
      address: checked.address,
      statement: challengeStatement(sale.name),
      uri: session.origin,
      chainId,
      nonce: newSiweNonce(),
      issuedAt: new Date(issued).toISOString(),
      expiresAt: new Date(issued + CHALLENGE_LIFETIME_MS).toISOString(),
    };
    await nonces.save(challenge);
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { message: siweChallengeMessage(challenge), nonce: challenge.nonce, issuedAt: challenge.issuedAt, expiresAt: challenge.expiresAt };
  });

  router.post('/v1/sales/:sale/wallet/proofs', async (ctx: Context) => {
    const session = await walletSession(ctx, deps);
    const sale = session.sale.config;
    const body = jsonObjectBody(ctx);
    await limit(deps, session, 'proofs', PROOFS_PER_HOUR);
    let proof;
    try {
      proof = await verifyWalletProof({
        sale: { id: sale.id, chainId: sale.wallet.chainId, rpcUrl: sale.wallet.rpcUrl?.reveal() },
        userId: session.userId,
        origin: session.origin,
        message: body['message'],
        signature: body['signature'],
        now: deps.now(),
      }, nonces);
    } catch (error) {
      if (error instanceof WalletProofRefusal) {
        throw new ApiError(400, error.code, error.message, { fields: [{ field: error.field, rule: error.code, message: error.message }] });
      }
      if (error instanceof WalletRpcError) {
        // The cause is logged by the error handler: its message names the failure, never the URL.
        throw new ApiError(503, 'wallet_rpc_unavailable', 'The network could not be asked to check this smart-contract wallet\'s signature. Please try again in a moment.', { cause: error, headers: { 'Retry-After': '30' } });
      }
      throw error;
    }
    const provenAt = new Date(deps.now()).toISOString();
    await records.saveProven({ sale: sale.id, userId: session.userId, address: proof.address, message: proof.message, signature: proof.signature, method: proof.method, provenAt });
    ctx.status = 201;
    ctx.body = { address: proof.address, method: proof.method, provenAt };
  });

  router.get('/v1/sales/:sale/wallet/proofs', async (ctx: Context) => {
    const session = await walletSession(ctx, deps);
    const proven = await records.provenFor(session.sale.config.id, session.userId);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { proofs: proven.map(({ address, method, provenAt }) => ({ address, method, provenAt })) };
  });
}
