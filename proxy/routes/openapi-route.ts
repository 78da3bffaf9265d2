/** `GET /openapi.json`: the proxy's OpenAPI 3.1 document. */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { openApiDocument } from '../openapi/openapi-document.js';
import type { ProxyDeps } from '../proxy-deps.js';

/** Add the OpenAPI route to `router`. */
export function addOpenApiRoute(router: Router, deps: ProxyDeps): void {
  const document = openApiDocument(deps.config.publicUrl);
  router.get('/openapi.json', (ctx: Context) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = document;
  });
}
