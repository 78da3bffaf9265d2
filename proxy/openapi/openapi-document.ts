/**
 * The OpenAPI 3.1 document of the proxy's HTTP API: widget, integrator, provider webhook and operations
 * routes, written from the routes in `proxy/routes/` (one file of operations per group beside this one).
 * Served at `/openapi.json`, and used by the tests to check every answer the routes give
 * (`test/proxy/support/openapi-check.ts`), so the document cannot drift from the code unnoticed.
 */
import { ALLOWLIST_PATHS, ALLOWLIST_SCHEMAS } from './allowlist-paths.js';
import { HEADERS, PARAMETERS } from './responses.js';
import { ETHEREUM_SCHEMAS, KYC_PATHS, SALE_CONFIG_PATHS } from './kyc-paths.js';
import { KYC_SCHEMAS } from './kyc-schemas.js';
import type { OpenApiDocument } from './openapi-types.js';
import { OPERATIONS_PATHS } from './operations-paths.js';
import { SHARED_SCHEMAS } from './schemas.js';
import { SIGN_IN_PATHS, SIGN_IN_SCHEMAS } from './sign-in-paths.js';
import { WALLET_PATHS, WALLET_SCHEMAS } from './wallet-paths.js';
import { WEBHOOK_PATHS, WEBHOOK_SCHEMAS } from './webhook-path.js';

const DESCRIPTION = [
  'The signing proxy between the `<kyc-onboarding>` widget and an OST KYC API v2 provider. It holds the provider\'s API key and secret, proves investors\' emails with one-time codes, issues short-lived widget tokens, signs every provider call, and turns the provider\'s webhooks into a live status stream.',
  '',
  '- **Widget routes** (`/v1/sales/{sale}/…`) are called by the widget from the sale\'s pages: the `Origin` must be one of the sale\'s origins (CORS is granted to those only), and routes about an investor need a widget token as `Authorization: Bearer <token>`, bound to the sale, the origin and the investor. Tokens never travel in URLs.',
  '- **Integrator routes** are for the sale\'s backend: host sessions and the allowlist export (with an integrator key) and the public keys of widget tokens.',
  '- **Provider webhooks** carry their signature in the form body.',
  '',
  'Browsers\' CORS preflights are answered for the sale\'s origins on the widget routes. Bodies are JSON (`application/json`, UTF-8) except the webhooks (form), the status stream (`text/event-stream`) and the metrics (text). Every error is `{ "error": { "code", "message", "fields"? } }` (`ErrorBody`): act on `code`, show `message`, point at `fields`. 5xx answers mean "try again later; nothing entered was lost" and never carry internals. Every answer has an `X-Request-Id` header. Unknown paths answer 404 `not_found`.',
].join('\n');

/** Build the document for a proxy whose public URL is `serverUrl` (e.g. `https://kyc.sale.example`). */
export function openApiDocument(serverUrl: string): OpenApiDocument {
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'KYC onboarding proxy',
      version: '1.0.0',
      summary: 'Widget, integrator, provider webhook and operations routes of the KYC onboarding kit\'s proxy.',
      description: DESCRIPTION,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: serverUrl.replace(/\/+$/, ''), description: 'This proxy' }],
    tags: [
      { name: 'widget', description: 'Called by the `<kyc-onboarding>` widget from the sale\'s pages.' },
      { name: 'integrator', description: 'Called by the sale\'s backend.' },
      { name: 'provider webhooks', description: 'Called by the KYC provider.' },
      { name: 'operations', description: 'Probes, metrics and this document, for whoever runs the proxy.' },
    ],
    // In the order an integrator meets them: the widget's journey, then the servers' routes.
    paths: { ...SALE_CONFIG_PATHS, ...SIGN_IN_PATHS, ...WALLET_PATHS, ...KYC_PATHS, ...ALLOWLIST_PATHS, ...WEBHOOK_PATHS, ...OPERATIONS_PATHS },
    components: {
      schemas: { ...SHARED_SCHEMAS, ...KYC_SCHEMAS, ...SIGN_IN_SCHEMAS, ...ETHEREUM_SCHEMAS, ...WALLET_SCHEMAS, ...ALLOWLIST_SCHEMAS, ...WEBHOOK_SCHEMAS },
      parameters: PARAMETERS,
      headers: HEADERS,
      securitySchemes: {
        widgetToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A widget token from `createSession`, `createHostSession` or `refreshSession`: a JWT (EdDSA or ES256, header `typ: kyc-widget+jwt`) valid for at most 15 minutes, bound to the sale, the embedding origin and the provider user. Refresh it before it expires.',
        },
        integratorKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'One of the sale\'s integrator keys (16–512 printable ASCII characters), configured on the proxy and known only to the sale\'s backend. Never send it from a browser.',
        },
      },
    },
  };
}
