/**
 * The wallet proof operations (`routes/wallet-routes.ts`): a Sign-In with Ethereum challenge, its signed
 * proof, and the investor's proven addresses.
 */
import { CHALLENGE_LIFETIME_MS } from '../wallet/siwe-challenge.js';
import type { ProofRefusalCode } from '../wallet/verify-wallet-proof.js';
import type { JsonSchema, PathItemObject } from './openapi-types.js';
import { errorResponses, INTERNAL, JSON_BODY, parameterRef, STORE, WIDGET_TOKEN, jsonResponse, type ErrorCase } from './responses.js';
import { schemaRef } from './schemas.js';

const ADDRESS: JsonSchema = { type: 'string', pattern: '^0x[0-9a-fA-F]{40}$', description: 'EIP-55 checksummed.' };
const METHOD: JsonSchema = {
  type: 'string',
  enum: ['eip191', 'eip1271'],
  description: '`eip191`: a plain account\'s `personal_sign`, recovered with secp256k1; `eip1271`: a smart-contract wallet accepted the signature (`isValidSignature`), asked through the sale\'s RPC endpoint.',
};
const ISO_TIME: JsonSchema = { type: 'string', format: 'date-time' };

/** The wallet component schemas. */
export const WALLET_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  WalletChallengeRequest: {
    type: 'object',
    required: ['address', 'chainId'],
    properties: {
      address: { type: 'string', maxLength: 100, description: 'The account the wallet gave (any case, with or without `0x`).' },
      chainId: { type: 'integer', minimum: 1, description: 'The wallet\'s current chain (EIP-155); it must be the sale\'s `wallet.chainId`.' },
    },
  },
  WalletChallenge: {
    type: 'object',
    required: ['message', 'nonce', 'issuedAt', 'expiresAt'],
    additionalProperties: false,
    properties: {
      message: {
        type: 'string',
        description: 'The complete EIP-4361 message for the wallet to sign with `personal_sign` (show it to the investor first): the domain and URI of the investor\'s site, the checksummed address, a statement naming the sale and this KYC, version 1, the chain id, the nonce, the issue and expiry times.',
      },
      nonce: { type: 'string', pattern: '^[A-Za-z0-9]{8,}$', description: 'Single-use, bound to this investor, site, address and chain.' },
      issuedAt: ISO_TIME,
      expiresAt: { ...ISO_TIME, description: `The message must be sent back signed before this (${CHALLENGE_LIFETIME_MS / 60_000} minutes).` },
    },
  },
  WalletProofRequest: {
    type: 'object',
    required: ['message', 'signature'],
    properties: {
      message: { type: 'string', maxLength: 4000, description: 'The challenge\'s message, exactly as signed.' },
      signature: { type: 'string', pattern: '^0x([0-9a-fA-F]{2})+$', maxLength: 8194, description: 'The wallet\'s signature.' },
    },
  },
  WalletProof: {
    type: 'object',
    required: ['address', 'method', 'provenAt'],
    additionalProperties: false,
    properties: { address: ADDRESS, method: METHOD, provenAt: ISO_TIME },
  },
  WalletProofs: {
    type: 'object',
    required: ['proofs'],
    additionalProperties: false,
    properties: { proofs: { type: 'array', items: schemaRef('WalletProof'), description: 'One per proven address (its latest proof), oldest first.' } },
  },
};

const PARAMETERS = [parameterRef('Sale'), parameterRef('Origin'), parameterRef('RequestId')];
const SECURITY = [{ widgetToken: [] }];

const PROOF_OFF: ErrorCase = { status: 404, code: 'wallet_proof_off', when: 'the sale does not offer wallet proof (`wallet.proof` is `off`).' };
const RATE_LIMITED: ErrorCase = { status: 429, code: 'rate_limited', when: 'too many requests of this kind from this investor this hour.', retryAfter: true };

/** What each refusal of a proof means (`fields[0].field` is `message` or `signature`). */
const REFUSALS: Record<ProofRefusalCode, string> = {
  proof_malformed: 'the message or signature is missing or not well-formed, or the message differs from the challenge the proxy built.',
  proof_nonce_unknown: 'the nonce is unknown, already used, expired, or another investor\'s or site\'s: ask for a new challenge.',
  proof_domain: 'the message names another domain than the investor\'s site.',
  proof_uri: 'the message names another URI than the investor\'s site.',
  proof_chain: 'the message names another chain than the sale\'s.',
  proof_expired: 'the message\'s expiry time has passed: ask for a new challenge.',
  proof_not_yet_valid: 'the message\'s `Not Before` (or issue time) is still to come.',
  proof_address: 'the message names another address than the challenge\'s.',
  proof_signature: 'the signature is not the address\'s (neither recovered with EIP-191 nor accepted by an EIP-1271 contract).',
};

/** The wallet proof paths. */
export const WALLET_PATHS: Readonly<Record<string, PathItemObject>> = {
  '/v1/sales/{sale}/wallet/challenges': {
    post: {
      operationId: 'createWalletChallenge',
      summary: 'A Sign-In with Ethereum message to prove an address',
      description: `An EIP-4361 message for the investor's wallet to sign, with a single-use nonce valid ${CHALLENGE_LIFETIME_MS / 60_000} minutes. Send it back signed to \`proveWallet\`.`,
      tags: ['widget'],
      parameters: PARAMETERS,
      security: SECURITY,
      requestBody: { required: true, content: { 'application/json': { schema: schemaRef('WalletChallengeRequest') } } },
      responses: {
        '201': jsonResponse('The message to sign.', schemaRef('WalletChallenge')),
        ...errorResponses([
          ...WIDGET_TOKEN,
          ...JSON_BODY,
          { status: 400, code: 'invalid_request', when: 'a property is missing or not valid (see `fields`: `address` with rule `format` or `checksum`; `chainId` with `required` or `type`).' },
          { status: 400, code: 'wrong_chain', when: 'the wallet is on another chain than the sale\'s (`fields[0]`: `chainId`, with `params.expected`).' },
          PROOF_OFF,
          RATE_LIMITED,
          ...STORE,
          ...INTERNAL,
        ]),
      },
    },
  },
  '/v1/sales/{sale}/wallet/proofs': {
    post: {
      operationId: 'proveWallet',
      summary: 'Prove an address with the signed message',
      description: 'Checks the message field by field against its challenge (domain, URI, version, chain, address, nonce, times, and then the whole text), then the signature: EIP-191 recovery, or EIP-1271 on the address when the sale configures an RPC endpoint. The nonce is used up. The proof is kept, and goes with the next submission of that address.',
      tags: ['widget'],
      parameters: PARAMETERS,
      security: SECURITY,
      requestBody: { required: true, content: { 'application/json': { schema: schemaRef('WalletProofRequest') } } },
      responses: {
        '201': jsonResponse('The address is proven.', schemaRef('WalletProof')),
        ...errorResponses([
          ...WIDGET_TOKEN,
          ...JSON_BODY,
          ...Object.entries(REFUSALS).map(([code, when]) => ({ status: 400, code, when })),
          PROOF_OFF,
          RATE_LIMITED,
          { status: 503, code: 'wallet_rpc_unavailable', when: 'a smart-contract wallet\'s signature could not be checked: the sale\'s RPC endpoint is unreachable, failed, or serves another chain.', retryAfter: true },
          ...STORE,
          ...INTERNAL,
        ]),
      },
    },
    get: {
      operationId: 'listWalletProofs',
      summary: 'The investor\'s proven addresses',
      description: 'To restore the widget\'s "proven" mark after a reload.',
      tags: ['widget'],
      parameters: PARAMETERS,
      security: SECURITY,
      responses: {
        '200': jsonResponse('The proven addresses.', schemaRef('WalletProofs')),
        ...errorResponses([...WIDGET_TOKEN, PROOF_OFF, ...STORE, ...INTERNAL]),
      },
    },
  },
};
