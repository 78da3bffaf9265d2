/**
 * The operations routes (`routes/operations-routes.ts` and `routes/openapi-route.ts`): health and
 * readiness probes, Prometheus metrics, the widget tokens' public keys, and this document.
 */
import type { PathItemObject } from './openapi-types.js';
import { errorResponses, INTERNAL, jsonResponse, parameterRef, textResponse } from './responses.js';
import { schemaRef } from './schemas.js';

const PARAMETERS = [parameterRef('RequestId')];

/** The operations paths. */
export const OPERATIONS_PATHS: Readonly<Record<string, PathItemObject>> = {
  '/healthz': {
    get: {
      operationId: 'getHealth',
      summary: 'Liveness',
      description: 'The process is up and answering.',
      tags: ['operations'],
      parameters: PARAMETERS,
      responses: { '200': jsonResponse('Alive.', schemaRef('Health')), ...errorResponses(INTERNAL) },
    },
  },
  '/readyz': {
    get: {
      operationId: 'getReadiness',
      summary: 'Readiness',
      description: 'The shared store answers and every sale\'s provider accepts a signed call (cached 10 s, 3 s timeout per check). A load balancer should send traffic elsewhere while it is 503.',
      tags: ['operations'],
      parameters: PARAMETERS,
      responses: {
        '200': jsonResponse('Ready.', schemaRef('Readiness')),
        '503': jsonResponse('Not ready: `checks` says which dependency fails.', schemaRef('Readiness')),
        ...errorResponses(INTERNAL),
      },
    },
  },
  '/metrics': {
    get: {
      operationId: 'getMetrics',
      summary: 'Prometheus metrics',
      description: 'Requests by route pattern and status, provider call durations, codes sent, webhooks by outcome, open status streams, and the Node process. Labels never hold anything an investor typed. Expose it to the scraper only, or set `METRICS_TOKEN`: then it needs `Authorization: Bearer <token>`.',
      tags: ['operations'],
      parameters: PARAMETERS,
      responses: {
        '200': textResponse('Prometheus text exposition format 0.0.4.', 'text/plain', { type: 'string' }),
        ...errorResponses([
          ...INTERNAL,
          { status: 401, code: 'unauthorized', when: '`METRICS_TOKEN` is set and the request does not carry it.', authenticate: true },
        ]),
      },
    },
  },
  '/.well-known/jwks.json': {
    get: {
      operationId: 'getJwks',
      summary: 'The widget tokens\' public keys',
      description: 'A JWK Set, so the sale\'s backend can verify a widget token itself (`iss`: the proxy\'s public URL; `aud`: the sale id; `sub`: the provider user id; `origin`; header `typ: kyc-widget+jwt`).',
      tags: ['integrator'],
      parameters: PARAMETERS,
      responses: { '200': jsonResponse('The keys.', schemaRef('Jwks'), { cached: true }), ...errorResponses(INTERNAL) },
    },
  },
  '/openapi.json': {
    get: {
      operationId: 'getOpenApiDocument',
      summary: 'This document',
      description: 'The OpenAPI 3.1 description of the proxy\'s HTTP API.',
      tags: ['operations'],
      parameters: PARAMETERS,
      responses: {
        '200': jsonResponse('The document.', {
          type: 'object',
          required: ['openapi', 'info', 'paths'],
          properties: { openapi: { type: 'string', const: '3.1.0' }, info: { type: 'object' }, paths: { type: 'object' } },
        }, { cached: true }),
        ...errorResponses(INTERNAL),
      },
    },
  },
};
