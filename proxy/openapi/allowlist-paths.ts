/**
 * The allowlist export (`routes/allowlist-route.ts`): the sale's approved and whitelisted investors with
 * their addresses, proofs of ownership and a Merkle tree for an allowlist contract, as JSON or CSV.
 */
import type { JsonSchema, PathItemObject } from './openapi-types.js';
import { errorResponses, INTERNAL, parameterRef, PROVIDER, STORE, UNKNOWN_SALE } from './responses.js';
import { schemaRef } from './schemas.js';

const ADDRESS: JsonSchema = { type: 'string', pattern: '^0x[0-9a-fA-F]{40}$', description: 'EIP-55 checksummed.' };
const HASH: JsonSchema = { type: 'string', pattern: '^0x[0-9a-f]{64}$' };
const USER_ID: JsonSchema = { type: 'string', pattern: '^[0-9]+$', description: 'The provider user id.' };
const DATE_TIME: JsonSchema = { type: 'string', format: 'date-time' };

/** The allowlist component schemas. */
export const ALLOWLIST_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  AllowlistInvestor: {
    type: 'object',
    required: ['userId', 'address', 'proven', 'whitelistStatus', 'submittedAt', 'merkleProof'],
    additionalProperties: false,
    properties: {
      userId: USER_ID,
      address: ADDRESS,
      proven: { type: 'boolean', description: 'Whether the investor proved owning the address by signing a Sign-In with Ethereum message with it.' },
      proofMethod: { enum: ['eip191', 'eip1271'], description: '`eip191`: a plain account\'s signature; `eip1271`: a smart-contract wallet\'s `isValidSignature`.' },
      provenAt: { ...DATE_TIME, description: 'When the proxy verified the proof.' },
      siweMessage: { type: 'string', description: 'The EIP-4361 message the wallet signed, exactly as signed (for an auditor).' },
      siweSignature: { type: 'string', pattern: '^0x[0-9a-fA-F]*$', description: 'Its signature.' },
      whitelistStatus: { enum: ['done'], description: 'Only investors whose whitelisting is done are listed.' },
      submittedAt: { ...DATE_TIME, description: 'When the latest KYC submission was made.' },
      merkleProof: { type: 'array', items: HASH, description: 'The address\'s proof for `MerkleProof.verify(proof, root, leaf)`; empty when the tree has one leaf.' },
    },
  },
  Allowlist: {
    type: 'object',
    required: ['sale', 'generatedAt', 'provenOnly', 'merkle', 'investors', 'duplicates', 'skipped'],
    additionalProperties: false,
    properties: {
      sale: { type: 'string' },
      generatedAt: DATE_TIME,
      provenOnly: { type: 'boolean' },
      merkle: {
        type: 'object',
        required: ['format', 'leafEncoding', 'root', 'leaves'],
        additionalProperties: false,
        description: 'An OpenZeppelin `StandardMerkleTree` of the listed addresses: leaf `keccak256(bytes.concat(keccak256(abi.encode(address))))`, pairs hashed sorted.',
        properties: {
          format: { const: 'standard-v1' },
          leafEncoding: { type: 'array', prefixItems: [{ const: 'address' }], items: false, minItems: 1 },
          root: { oneOf: [HASH, { type: 'null' }], description: '`null` when nobody is listed.' },
          leaves: { type: 'integer', minimum: 0, description: 'Distinct addresses in the tree.' },
        },
      },
      investors: { type: 'array', items: schemaRef('AllowlistInvestor'), description: 'By ascending user id.' },
      duplicates: {
        type: 'array',
        description: 'Addresses submitted by more than one listed or skipped investor; each is one leaf of the tree. Decide before deploying the root.',
        items: { type: 'object', required: ['address', 'userIds'], additionalProperties: false, properties: { address: ADDRESS, userIds: { type: 'array', items: USER_ID, minItems: 2 } } },
      },
      skipped: {
        type: 'array',
        description: 'Approved, whitelisted investors left out, and why.',
        items: {
          type: 'object',
          required: ['userId', 'reason'],
          additionalProperties: false,
          properties: { userId: USER_ID, reason: { enum: ['no_ethereum_address', 'invalid_ethereum_address', 'unproven', 'case_gone'] } },
        },
      },
    },
  },
};

/** The allowlist path. */
export const ALLOWLIST_PATHS: Readonly<Record<string, PathItemObject>> = {
  '/v1/sales/{sale}/allowlist': {
    get: {
      operationId: 'exportAllowlist',
      summary: 'The sale\'s allowlist: approved, whitelisted investors, their addresses and a Merkle tree',
      description: 'Server to server (no CORS). Lists every investor whose KYC is approved and whose whitelisting is done, with the Ethereum address of their latest submission as the provider holds it, whether they proved owning it (Sign-In with Ethereum), and the address\'s proof in an OpenZeppelin standard Merkle tree for an allowlist contract. Read from the provider on each call (one detail call per investor), so it takes a moment for a large sale. Authenticate with an integrator key of the sale as the bearer token.',
      tags: ['integrator'],
      parameters: [
        parameterRef('Sale'),
        { name: 'format', in: 'query', required: false, description: '`json` (default) or `csv`.', schema: { enum: ['json', 'csv'] } },
        { name: 'proven', in: 'query', required: false, description: '`only`: list only investors who proved owning their address; `all` (default): everyone.', schema: { enum: ['only', 'all'] } },
        parameterRef('RequestId'),
      ],
      security: [{ integratorKey: [] }],
      responses: {
        '200': {
          description: 'The export as a download (`Content-Disposition: attachment`). CSV columns: `user_id,ethereum_address,proven,proof_method,proven_at,merkle_proof` (RFC 4180, CRLF; the proof\'s nodes joined by `;`; a cell starting with `= + - @` gets a leading `\'`).',
          headers: {
            'X-Request-Id': { $ref: '#/components/headers/RequestId' },
            'Content-Disposition': { description: '`attachment; filename="<sale>-allowlist-<UTC time>.json|csv"`.', required: true, schema: { type: 'string', pattern: '^attachment; filename="[a-z0-9-]+-allowlist-[0-9]{8}T[0-9]{6}Z\\.(json|csv)"$' } },
            'Cache-Control': { description: 'Never cached.', required: true, schema: { const: 'no-store' } },
            'X-Allowlist-Merkle-Root': { description: 'The Merkle root (`none` for an empty list), for CSV downloads.', required: true, schema: { oneOf: [HASH, { const: 'none' }] } },
          },
          content: {
            'application/json': { schema: schemaRef('Allowlist') },
            'text/csv': { schema: { type: 'string' } },
          },
        },
        ...errorResponses([
          ...UNKNOWN_SALE,
          { status: 401, code: 'unauthorized', when: 'no integrator key, or not one of the sale\'s.', authenticate: true },
          { status: 400, code: 'invalid_request', when: '`format` or `proven` is not one of its values, or given twice (see `fields`).' },
          ...PROVIDER,
          ...STORE,
          ...INTERNAL,
        ]),
      },
    },
  },
};
