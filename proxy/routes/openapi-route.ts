/**
 * `GET /openapi.json`: the proxy's OpenAPI 3.1 document (`openapi/openapi-document.ts`). Public and
 * cacheable: nothing in it is secret.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { openApiDocument } from '../openapi/openapi-document.js';
import type { ProxyDeps } from '../proxy-deps.js';

/** Add the OpenAPI route to `router`. */
export function addOpenApiRoute(router: Router, deps: ProxyDeps): void {
  // The document does not change while the process runs: serialise it once.
  const body = JSON.stringify(openApiDocument(deps.config.publicUrl));
  router.get('/openapi.json', (ctx: Context) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.type = 'application/json';
    ctx.body = body;
  });
}
