/**
 * The provider's webhook operation (`routes/webhook-route.ts`). It has no security scheme: the
 * signature travels in the form body itself, and the description says how it is made and checked.
 */
import type { JsonSchema, PathItemObject } from './openapi-types.js';
import { errorResponses, INTERNAL, jsonResponse, parameterRef, UNKNOWN_SALE } from './responses.js';
import { schemaRef } from './schemas.js';

/** The webhook's component schemas. */
export const WEBHOOK_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  ProviderWebhookForm: {
    type: 'object',
    description: 'An OST KYC v2 webhook event, form-encoded with Rack nesting (`data[user_kyc][user_id]=11`); the provider sorts the pairs. Empty lists are not transmitted, `null` is sent as an empty value.',
    required: ['id', 'name', 'request_timestamp', 'signature'],
    properties: {
      id: { type: 'string', pattern: '^[0-9A-Za-z_-]{1,64}$', description: 'The event id; the same on every retry (repeats are acknowledged and not applied again).' },
      name: { type: 'string', description: '`kyc_submit`, `kyc_status_update`, `kyc_reopen`, `update_ethereum_address` update the investor\'s status; `user_register`, `user_dopt_in`, `user_deleted` are acknowledged.' },
      type: { type: 'string', enum: ['user', 'user_kyc'] },
      description: { type: 'string' },
      version: { type: 'string' },
      source: { type: 'string', enum: ['web', 'api', 'kyc_system'] },
      data: { type: 'object', description: '`result_type` and `user` or `user_kyc` (the provider\'s case: `user_id`, `kyc_status`, `admin_status`, `aml_status`, `whitelist_status`, `admin_action_types`, `submission_count`, …).' },
      created_at: { type: 'string', pattern: '^[0-9]+$', description: 'Event time (unix seconds); an older event than one already applied does not change the status.' },
      request_timestamp: { type: 'string', pattern: '^[0-9]+$', description: 'Send time (unix seconds), new on each attempt; accepted within 300 s either way.' },
      signature: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'Hex HMAC-SHA256, see the operation description.' },
    },
  },
};

const SIGNATURE_DESCRIPTION = [
  'Receives the provider\'s signed webhooks for one sale. Register `<proxy public URL>/webhooks/<sale>` at the provider (or set the sale\'s `webhook.registeredUrl` to the URL exactly as registered there, trailing slash included), with the webhook secret configured for the sale.',
  '',
  '**Signature** (no security scheme: it is in the body). The string to sign is the URL as registered, then `?`, then the form body without `signature`, re-encoded as the provider\'s `to_query` does (pairs `CGI.escape`d, nested keys as `a%5Bb%5D`, sorted bytewise). `signature` must be the hex HMAC-SHA256 of it under the webhook secret (several secrets are tried during a rotation), compared in constant time; `request_timestamp` must be within 300 s of the proxy\'s clock. `verifyWebhook` in `proxy/signer.ts` is the reference.',
  '',
  'Answers 200 as soon as the event is recorded (the provider only counts a 200, within 10 s); the case is then read back from the provider and, when configured, forwarded to the sale\'s backend.',
].join('\n');

/** The webhook path. */
export const WEBHOOK_PATHS: Readonly<Record<string, PathItemObject>> = {
  '/webhooks/{sale}': {
    post: {
      operationId: 'receiveProviderWebhook',
      summary: 'A signed webhook from the KYC provider',
      description: SIGNATURE_DESCRIPTION,
      tags: ['provider webhooks'],
      parameters: [parameterRef('Sale'), parameterRef('RequestId')],
      requestBody: {
        required: true,
        content: {
          'application/x-www-form-urlencoded': {
            schema: schemaRef('ProviderWebhookForm'),
            encoding: { data: { style: 'deepObject', explode: true } },
          },
        },
      },
      responses: {
        '200': jsonResponse('Recorded (or a repeat of a recorded event).', schemaRef('WebhookReceipt')),
        ...errorResponses([
          { status: 400, code: 'webhook_malformed_body', when: 'the body is not a valid form body.' },
          { status: 400, code: 'webhook_malformed', when: 'the event has no valid `id` or `name`.' },
          { status: 401, code: 'webhook_missing_signature', when: 'no `signature` or `request_timestamp`.' },
          { status: 401, code: 'webhook_timestamp_out_of_window', when: '`request_timestamp` is more than 300 s old or ahead.' },
          { status: 401, code: 'webhook_bad_signature', when: 'the signature matches none of the sale\'s webhook secrets.' },
          ...UNKNOWN_SALE,
          { status: 404, code: 'webhooks_disabled', when: 'the sale has no webhook secret configured.' },
          { status: 413, code: 'body_too_large', when: 'the body is larger than the proxy accepts.' },
          { status: 415, code: 'unsupported_media_type', when: 'the body is not `application/x-www-form-urlencoded`.' },
          ...INTERNAL,
          { status: 503, code: 'temporarily_unavailable', when: 'the event could not be recorded (the shared store is unreachable); the provider\'s retry will be applied.' },
        ]),
      },
    },
  },
};
