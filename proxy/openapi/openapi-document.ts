/**
 * The OpenAPI 3.1 document of the proxy's HTTP API (widget, integrator, webhook and operations routes).
 * To be completed: see routes/*.ts for the contract.
 */

/** Build the document for a proxy whose public URL is `serverUrl`. */
export function openApiDocument(serverUrl: string): Record<string, unknown> {
  return { openapi: '3.1.0', info: { title: 'KYC onboarding proxy', version: '1.0.0' }, servers: [{ url: serverUrl }], paths: {} };
}
