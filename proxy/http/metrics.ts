/**
 * Prometheus metrics. Each app has its own registry (several apps in one test process must not share
 * counters). Labels use the matched route pattern and the sale id, never anything an investor typed.
 */
import type { Middleware } from 'koa';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The proxy's metrics. */
export interface ProxyMetrics {
  registry: Registry;
  /** Count HTTP requests by route and status, with durations. */
  middleware(): Middleware;
  openStreams: Gauge;
  codesSent: Counter;
  webhooksReceived: Counter;
  providerCalls: Histogram;
}

/** Create the metrics registry and instruments. */
export function createMetrics(): ProxyMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kyc_proxy_' });
  const duration = new Histogram({
    name: 'kyc_proxy_http_request_duration_seconds',
    help: 'HTTP request duration by route and status (event streams excluded).',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const openStreams = new Gauge({ name: 'kyc_proxy_status_streams_open', help: 'Open status event streams.', registers: [registry] });
  const codesSent = new Counter({ name: 'kyc_proxy_codes_sent_total', help: 'One-time codes mailed.', labelNames: ['sale'], registers: [registry] });
  const webhooksReceived = new Counter({
    name: 'kyc_proxy_webhooks_received_total',
    help: 'Provider webhooks by outcome (accepted, duplicate, rejected).',
    labelNames: ['sale', 'outcome'],
    registers: [registry],
  });
  const providerCalls = new Histogram({
    name: 'kyc_proxy_provider_call_duration_seconds',
    help: 'Calls to the provider API by operation and outcome.',
    labelNames: ['operation', 'outcome'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    registry,
    openStreams,
    codesSent,
    webhooksReceived,
    providerCalls,
    middleware() {
      return async (ctx, next) => {
        const end = duration.startTimer();
        try {
          await next();
        } finally {
          const route = (ctx as { _matchedRoute?: string })._matchedRoute;
          if (route !== undefined && !route.endsWith('/events')) end({ method: ctx.method, route, status: String(ctx.status) });
        }
      };
    },
  };
}
