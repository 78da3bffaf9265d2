/**
 * Routes for operators and for the sale's backend:
 * - `GET /healthz`: the process is up (liveness).
 * - `GET /readyz`: the shared store and every sale's provider answer (readiness; a load balancer sends
 *   traffic elsewhere while it is 503). Provider checks are cached for 10 s so probes cost little.
 * - `GET /metrics`: Prometheus text (behind `METRICS_TOKEN` when set: the counters say how busy a sale is).
 * - `GET /.well-known/jwks.json`: the widget tokens' public keys, so a sale's backend can verify them.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { ApiError } from '../http/api-error.js';
import type { ProxyDeps } from '../proxy-deps.js';

const PROVIDER_CHECK_TTL_MS = 10_000;
const CHECK_TIMEOUT_MS = 3000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Add the operations routes to `router`. */
export function addOperationsRoutes(router: Router, deps: ProxyDeps): void {
  const providerChecks = new Map<string, { ok: boolean; at: number }>();

  async function providerReady(saleId: string): Promise<boolean> {
    const cached = providerChecks.get(saleId);
    if (cached !== undefined && deps.now() - cached.at < PROVIDER_CHECK_TTL_MS) return cached.ok;
    const sale = deps.sales.get(saleId);
    let ok = false;
    try {
      // A signed call: proves the provider answers and accepts our key and signature.
      await withTimeout(sale!.provider.listUsers({ limit: 1 }), CHECK_TIMEOUT_MS);
      ok = true;
    } catch {
      ok = false;
    }
    providerChecks.set(saleId, { ok, at: deps.now() });
    return ok;
  }

  router.get('/healthz', (ctx: Context) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async (ctx: Context) => {
    const checks: Record<string, 'ok' | 'failing'> = {};
    try {
      await withTimeout(deps.store.ping(), CHECK_TIMEOUT_MS);
      checks['store'] = 'ok';
    } catch {
      checks['store'] = 'failing';
    }
    await Promise.all([...deps.sales.keys()].map(async (id) => {
      checks[`provider:${id}`] = (await providerReady(id)) ? 'ok' : 'failing';
    }));
    const ready = Object.values(checks).every((value) => value === 'ok');
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not_ready', checks };
  });

  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  router.get('/metrics', async (ctx: Context) => {
    const token = deps.config.metricsToken;
    if (token !== undefined) {
      const presented = /^Bearer (.+)$/.exec(ctx.get('Authorization'))?.[1] ?? '';
      if (!timingSafeEqual(digest(presented), digest(token.reveal()))) {
        throw new ApiError(401, 'unauthorized', 'The metrics token is missing or wrong.', { headers: { 'WWW-Authenticate': 'Bearer' } });
      }
    }
    ctx.set('Content-Type', deps.metrics.registry.contentType);
    ctx.body = await deps.metrics.registry.metrics();
  });

  router.get('/.well-known/jwks.json', (ctx: Context) => {
    // Public keys may be cached briefly; a rotation keeps the old key listed for a token lifetime.
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = deps.keys.jwks();
  });
}
