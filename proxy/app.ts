/**
 * `createApp(deps)`: the proxy's Koa application, middleware and routes, without listening. Order:
 * request id and access log, metrics, security headers, errors as JSON, CORS for the sale's origins,
 * body parsing with size limits (JSON for the widget, raw form text for webhooks), then the routes.
 */
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import { errorHandler } from './http/error-handler.js';
import { requestContext } from './http/request-context.js';
import { saleCors } from './http/sale-cors.js';
import { requestBodyGuard } from './http/request-body-guard.js';
import { securityHeaders } from './http/security-headers.js';
import type { ProxyDeps } from './proxy-deps.js';
import { addAllowlistRoute } from './routes/allowlist-route.js';
import { addEthereumRoute } from './routes/ethereum-route.js';
import { addKycRoutes } from './routes/kyc-routes.js';
import { addOpenApiRoute } from './routes/openapi-route.js';
import { addOperationsRoutes } from './routes/operations-routes.js';
import { addSaleConfigRoute } from './routes/sale-config-route.js';
import { addSignInRoutes } from './routes/sign-in-routes.js';
import { addStatusStreamRoute } from './routes/status-stream-route.js';
import { addUploadRoutes } from './routes/upload-routes.js';
import { addWalletRoutes } from './routes/wallet-routes.js';
import { addWebhookRoute } from './routes/webhook-route.js';

/** Options of {@link createApp}. */
export interface AppOptions {
  /** Heartbeat interval of status streams (tests shorten it). */
  heartbeatMs?: number;
}

/** Build the proxy's Koa app. */
export function createApp(deps: ProxyDeps, options: AppOptions = {}): Koa {
  // Behind load balancers, the client's address is the X-Forwarded-For entry the outermost trusted one
  // appended, counted from the right; entries further left were written by the client and would let it
  // choose its own address (and a fresh per-IP limit on every request).
  const app = new Koa({ proxy: deps.config.trustProxy, maxIpsCount: deps.config.trustedProxyHops ?? 1 });
  // Errors are logged (without internals reaching the caller) by errorHandler; Koa's own printer stays quiet.
  app.silent = true;

  const jsonBody = bodyParser({
    enableTypes: ['json'],
    jsonLimit: deps.config.maxBodyBytes,
    jsonStrict: true,
    encoding: 'utf-8',
  });
  const webhookBody = bodyParser({
    enableTypes: ['text'],
    // Read the form body as text: it is verified byte for byte against its signature before parsing.
    extendTypes: { text: ['application/x-www-form-urlencoded'] },
    textLimit: deps.config.maxBodyBytes,
    encoding: 'utf-8',
  });

  const router = new Router();
  addOperationsRoutes(router, deps);
  addOpenApiRoute(router, deps);
  addSaleConfigRoute(router, deps);
  addSignInRoutes(router, deps);
  addUploadRoutes(router, deps);
  addKycRoutes(router, deps);
  addStatusStreamRoute(router, deps, options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs });
  addEthereumRoute(router, deps);
  addWalletRoutes(router, deps);
  addWebhookRoute(router, deps);
  addAllowlistRoute(router, deps);

  app.use(requestContext(deps.logger));
  app.use(deps.metrics.middleware());
  app.use(securityHeaders());
  app.use(errorHandler());
  app.use(saleCors(deps));
  app.use(requestBodyGuard(deps.config.maxBodyBytes));
  app.use(async (ctx, next) => (ctx.path.startsWith('/webhooks/') ? webhookBody(ctx, next) : jsonBody(ctx, next)));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
