/**
 * The demo's one sale, "Acme Token sale", described once for both sides that must agree on it: the
 * sandbox provider's client (its form fields, blocked countries, webhook) and the proxy's sale entry
 * (the same fields and countries, the site's origins, the webhook and integrator secrets).
 */
import { parseClient, type ClientConfig } from './sandbox/config.js';
import { OPTIONAL_FIELDS, PROVIDER_FIELD_NAMES } from '../proxy/contract/kyc-fields.js';

/** The sale's id in the proxy's URLs and in the element's `sale` attribute. */
export const DEMO_SALE_ID = 'acme';
/** The sale's display name (code mails, the widget's heading). */
export const DEMO_SALE_NAME = 'Acme Token sale';
/** The sender of the code mails. */
export const DEMO_MAIL_FROM = 'Acme Token sale <kyc@acme-token.example>';

/** Countries the sale refuses, as the provider's canonical names; both sides must list the same ones. */
const BLOCKED_COUNTRIES = ['KOREA, NORTH'];

/**
 * The environment variables the proxy's config file points at for its secrets (`{ "env": … }`), so the
 * file written to the data folder holds no secret itself.
 */
export const DEMO_SECRET_VARIABLES = {
  providerApiSecret: 'DEMO_PROVIDER_API_SECRET',
  webhookSecret: 'DEMO_WEBHOOK_SECRET',
  integratorKey: 'DEMO_INTEGRATOR_KEY',
} as const;

/** The sandbox client of the sale: every optional field on, North Korea blocked, one webhook to the proxy. */
export function demoSandboxClient(options: { clientId: number; apiKey: string; apiSecret: string; webhookUrl: string; webhookSecret: string }): ClientConfig {
  return parseClient({
    clientId: options.clientId,
    apiKey: options.apiKey,
    apiSecret: options.apiSecret,
    kycFields: OPTIONAL_FIELDS.map((field) => PROVIDER_FIELD_NAMES[field]),
    blacklistedCountries: BLOCKED_COUNTRIES,
    webhooks: [{ url: options.webhookUrl, secret: options.webhookSecret, sources: ['web', 'api', 'kyc_system'], types: ['user', 'user_kyc'] }],
  }, 0);
}

/** The proxy's config-file entry for the sale; secrets are `{ "env": … }` references to {@link DEMO_SECRET_VARIABLES}. */
export function demoProxySale(options: { providerUrl: string; apiKey: string; origins: readonly string[] }): Record<string, unknown> {
  return {
    id: DEMO_SALE_ID,
    name: DEMO_SALE_NAME,
    provider: { url: options.providerUrl, apiKey: options.apiKey, apiSecret: { env: DEMO_SECRET_VARIABLES.providerApiSecret } },
    origins: [...options.origins],
    fields: { optional: [...OPTIONAL_FIELDS] },
    countries: { blocked: BLOCKED_COUNTRIES },
    webhook: { secrets: [{ env: DEMO_SECRET_VARIABLES.webhookSecret }] },
    integratorKeys: [{ env: DEMO_SECRET_VARIABLES.integratorKey }],
    locales: ['en', 'de', 'es', 'fr', 'ja', 'ar'],
    confirmations: [{ id: 'terms', label: 'I have read the terms of the Acme Token sale, and I may take part from the country I live in.' }],
  };
}
