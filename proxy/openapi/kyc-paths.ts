/**
 * The KYC operations of the widget: the sale's form configuration (`routes/sale-config-route.ts`),
 * upload tickets (`upload-routes.ts`), submitting and reading the case (`kyc-routes.ts`), the status
 * stream (`status-stream-route.ts`) and the Ethereum address check (`ethereum-route.ts`).
 */
import { HEARTBEAT_MS } from '../routes/status-stream-route.js';
import type { JsonSchema, PathItemObject } from './openapi-types.js';
import { errorResponses, INTERNAL, JSON_BODY, parameterRef, PROVIDER, STORE, textResponse, UNKNOWN_SALE, WIDGET_TOKEN, jsonResponse } from './responses.js';
import { schemaRef } from './schemas.js';

/** The Ethereum check's component schemas. */
export const ETHEREUM_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  EthereumCheckRequest: {
    type: 'object',
    required: ['address'],
    properties: { address: { type: 'string', maxLength: 100, description: 'As typed: any case, with or without `0x`.' } },
  },
  EthereumCheckResult: {
    type: 'object',
    required: ['address', 'wasChecksummed'],
    additionalProperties: false,
    properties: {
      address: { type: 'string', pattern: '^0x[0-9a-fA-F]{40}$', description: 'The EIP-55 checksummed address.' },
      wasChecksummed: { type: 'boolean', description: 'Whether the address as typed carried a (valid) checksum.' },
    },
  },
};

const PARAMETERS = [parameterRef('Sale'), parameterRef('Origin'), parameterRef('RequestId')];
const SECURITY = [{ widgetToken: [] }];

const STREAM_DESCRIPTION = [
  'The investor\'s status as [server-sent events](https://html.spec.whatwg.org/multipage/server-sent-events.html), live from the provider\'s webhooks (any proxy instance can serve it). Read it with `fetch` and the `Authorization` header: tokens never go in URLs, so `EventSource` cannot be used.',
  '',
  'The stream opens with `retry: 3000`, then:',
  '- `event: status`, `id: <n>`, `data:` an `InvestorStatus`. The first one is where the case stands; then one per change. `id` counts this investor\'s changes.',
  '- `event: reauth`, `data: {"reason":"token_expired"}` (`ReauthEvent`) when the token expires; the stream then ends. Refresh the token and reconnect with `Last-Event-ID`.',
  '- `event: unavailable`, `data: {"message"}` (`UnavailableEvent`) when the provider cannot be read as the stream opens; the status follows when it is known.',
  `- a comment line \`: keep-alive\` every ${HEARTBEAT_MS / 1000} s, so that idle connections are not closed by proxies in between.`,
  '- at shutdown, `retry: 1000` and the end of the stream: reconnect (to another instance).',
  '',
  'Reconnecting with `Last-Event-ID` replays exactly the events missed when they are still kept, or else sends the current status.',
  '',
  'The schema of each event\'s `data` is in the `x-events` extension of this operation.',
].join('\n');

/** The sale's form configuration, the widget's first call. */
export const SALE_CONFIG_PATHS: Readonly<Record<string, PathItemObject>> = {
  '/v1/sales/{sale}/config': {
    get: {
      operationId: 'getSaleConfig',
      summary: 'The sale\'s form configuration',
      description: 'Fields collected and required, the field rules, countries and nationalities with display names (blocked ones marked, not hidden), upload limits, locales, confirmations and code timings. Public and cacheable.',
      tags: ['widget'],
      parameters: [
        parameterRef('Sale'),
        {
          name: 'locale',
          in: 'query',
          required: false,
          description: 'BCP 47 tag for the country names (e.g. `de`); default: the sale\'s first locale. A malformed tag is ignored.',
          schema: { type: 'string', maxLength: 35 },
        },
        parameterRef('RequestId'),
      ],
      responses: {
        '200': jsonResponse('The configuration.', schemaRef('SaleConfig'), { cached: true }),
        ...errorResponses([...UNKNOWN_SALE, ...INTERNAL]),
      },
    },
  },
};

/** The KYC paths of a signed-in investor. */
export const KYC_PATHS: Readonly<Record<string, PathItemObject>> = {
  '/v1/sales/{sale}/uploads': {
    post: {
      operationId: 'createUploads',
      summary: 'Upload forms for the investor\'s files',
      description: 'Presigned S3 POST forms from the provider, one per file the investor is about to send; the browser posts each file straight to storage (the proxy never sees file bytes). 60 requests per investor per hour.',
      tags: ['widget'],
      parameters: PARAMETERS,
      security: SECURITY,
      requestBody: { required: true, content: { 'application/json': { schema: schemaRef('UploadRequest') } } },
      responses: {
        '200': jsonResponse('One form per requested file.', schemaRef('UploadTickets')),
        ...errorResponses([
          ...WIDGET_TOKEN,
          ...JSON_BODY,
          { status: 400, code: 'invalid_request', when: 'the files are not valid (see `fields`: `files` with rule `format`; `files[i].field` with `format`, `not_collected` or `too_many_files`; `files[i].contentType` with `file_type`).' },
          { status: 429, code: 'rate_limited', when: 'too many upload requests this hour.', retryAfter: true },
          ...PROVIDER,
          ...STORE,
          ...INTERNAL,
        ]),
      },
    },
  },
  '/v1/sales/{sale}/kyc': {
    post: {
      operationId: 'submitKyc',
      summary: 'Submit (or resubmit) the investor\'s KYC',
      description: 'Validates the answers with the same rules as the widget, checks that every file was uploaded by this investor, then submits once to the provider (a retried request never submits twice).',
      tags: ['widget'],
      parameters: PARAMETERS,
      security: SECURITY,
      requestBody: { required: true, content: { 'application/json': { schema: schemaRef('KycSubmitRequest') } } },
      responses: {
        '201': jsonResponse('Submitted; the new status.', schemaRef('StatusAnswer')),
        ...errorResponses([
          ...WIDGET_TOKEN,
          ...JSON_BODY,
          { status: 400, code: 'invalid_submission', when: 'answers need attention (every problem in `fields`, by KYC field, `confirmations.<id>`, or `submission`), a file was not uploaded in this session (rule `file_not_found`), or the provider refused answers.' },
          { status: 400, code: 'wallet_proof_required', when: 'the sale requires proof of wallet ownership and this investor has not proven the submitted Ethereum address (`fields[0].field`: `ethereum_address`): prove it with `createWalletChallenge` and `proveWallet`, then submit again.' },
          { status: 404, code: 'investor_not_found', when: 'the investor no longer exists at the provider: sign in again.' },
          { status: 409, code: 'submission_in_progress', when: 'another submission of this investor is being sent.', retryAfter: true },
          { status: 409, code: 'kyc_closed', when: 'the case is already decided and cannot be changed.' },
          ...PROVIDER,
          ...STORE,
          ...INTERNAL,
        ]),
      },
    },
    get: {
      operationId: 'getKycStatus',
      summary: 'The investor\'s status',
      description: 'Read from the provider (the authority) and pushed to the investor\'s open streams.',
      tags: ['widget'],
      parameters: PARAMETERS,
      security: SECURITY,
      responses: {
        '200': jsonResponse('The status (`not_submitted` before the first submission).', schemaRef('StatusAnswer')),
        ...errorResponses([...WIDGET_TOKEN, ...PROVIDER, ...STORE, ...INTERNAL]),
      },
    },
  },
  '/v1/sales/{sale}/kyc/submission': {
    get: {
      operationId: 'getKycSubmission',
      summary: 'The investor\'s latest answers',
      description: 'To fix a case from another device: text answers and file keys of the latest submission (no document URLs).',
      tags: ['widget'],
      parameters: PARAMETERS,
      security: SECURITY,
      responses: {
        '200': jsonResponse('The latest submission.', schemaRef('SubmittedAnswers')),
        ...errorResponses([
          ...WIDGET_TOKEN,
          { status: 404, code: 'no_submission', when: 'nothing has been submitted yet.' },
          ...PROVIDER,
          ...INTERNAL,
        ]),
      },
    },
  },
  '/v1/sales/{sale}/kyc/events': {
    get: {
      operationId: 'streamKycEvents',
      summary: 'The investor\'s status as a live event stream',
      description: STREAM_DESCRIPTION,
      tags: ['widget'],
      parameters: [
        ...PARAMETERS,
        {
          name: 'Last-Event-ID',
          in: 'header',
          required: false,
          description: 'The `id` of the last `status` event received, to resume after a reconnection.',
          schema: { type: 'string', pattern: '^[0-9]{1,15}$' },
        },
      ],
      security: SECURITY,
      'x-events': { status: schemaRef('InvestorStatus'), reauth: schemaRef('ReauthEvent'), unavailable: schemaRef('UnavailableEvent') },
      responses: {
        '200': textResponse('The event stream (`text/event-stream; charset=utf-8`, `Cache-Control: no-store`); it stays open until the token expires, the client leaves or the proxy shuts down.', 'text/event-stream', { type: 'string' }),
        ...errorResponses([...WIDGET_TOKEN, ...STORE, ...INTERNAL]),
      },
    },
  },
  '/v1/sales/{sale}/ethereum-address/check': {
    post: {
      operationId: 'checkEthereumAddress',
      summary: 'Check an Ethereum address',
      description: 'Checks the EIP-55 checksum locally (a wrong checksum comes with the checksummed form of the digits as typed in `fields[0].params.suggestion`), then asks the provider\'s own validation.',
      tags: ['widget'],
      parameters: PARAMETERS,
      security: SECURITY,
      requestBody: { required: true, content: { 'application/json': { schema: schemaRef('EthereumCheckRequest') } } },
      responses: {
        '200': jsonResponse('The address is accepted.', schemaRef('EthereumCheckResult')),
        ...errorResponses([
          ...WIDGET_TOKEN,
          ...JSON_BODY,
          { status: 400, code: 'invalid_request', when: 'the address is refused (see `fields`: `address` with rule `format`, `checksum` with `params.suggestion`, or `provider`), or missing.' },
          ...PROVIDER,
          ...INTERNAL,
        ]),
      },
    },
  },
};
