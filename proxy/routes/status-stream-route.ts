/**
 * `GET /v1/sales/:sale/kyc/events` (bearer): the investor's status as server-sent events, fed by the
 * provider's webhooks through the status hub (so any proxy instance can serve the stream).
 *
 * The widget reads it with `fetch` (the token goes in the `Authorization` header, never in a URL, which
 * rules out `EventSource`). Events: `status` (data: `InvestorStatus`, id: the investor's event number)
 * and `reauth` shortly before the token expires (the widget refreshes it while it is still valid,
 * reconnects with `Last-Event-ID`, and receives what it missed). A comment line every 15 s keeps proxies
 * and load balancers from closing an idle connection. Shutdown ends streams with a `retry` hint so widgets reconnect to another instance.
 */
import { PassThrough } from 'node:stream';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { requireSession } from '../http/widget-session.js';
import type { ProxyDeps } from '../proxy-deps.js';
import type { StatusEvent } from '../status/status-hub.js';
import { currentStatus } from './kyc-routes.js';

/** Default heartbeat interval. */
export const HEARTBEAT_MS = 15_000;
/**
 * How long before its token expires a stream asks for a new one: the widget refreshes with the token it
 * has, which must still be valid then, whatever the network's delay.
 */
export const REAUTH_AHEAD_MS = 20_000;

function eventText(name: string, data: unknown, id?: number): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Add the status stream route to `router`. */
export function addStatusStreamRoute(router: Router, deps: ProxyDeps, options: { heartbeatMs?: number } = {}): void {
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;

  router.get('/v1/sales/:sale/kyc/events', async (ctx: Context) => {
    const session = await requireSession(ctx, deps);
    const sale = session.sale.config.id;
    const userId = String(session.userId);
    const lastIdText = ctx.get('Last-Event-ID');
    const lastId = /^[0-9]{1,15}$/.test(lastIdText) ? Number(lastIdText) : undefined;

    const stream = new PassThrough();
    let closed = false;
    const buffered: StatusEvent[] = [];
    let ready = false;
    let lastSent = lastId ?? 0;
    const send = (event: StatusEvent): void => {
      if (closed || event.id <= lastSent) return;
      lastSent = event.id;
      stream.write(eventText('status', event.status, event.id));
    };
    // Subscribe first, then read the state, so no change can fall between the two.
    const unsubscribe = await deps.statusHub.subscribe(sale, userId, (event) => (ready ? send(event) : buffered.push(event)));

    const heartbeat = setInterval(() => stream.write(': keep-alive\n\n'), heartbeatMs);
    const msUntilExpiry = session.claims.exp * 1000 - REAUTH_AHEAD_MS - deps.now();
    const expiry = setTimeout(() => close('token_expired'), Math.max(0, Math.min(msUntilExpiry, 2 ** 31 - 1)));
    const handle = { close };
    deps.streams.add(handle);
    deps.metrics.openStreams.inc();

    function close(reason: string): void {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      clearTimeout(expiry);
      deps.streams.delete(handle);
      deps.metrics.openStreams.dec();
      void unsubscribe().catch(() => undefined);
      if (!stream.writableEnded) {
        if (reason === 'token_expired') stream.write(eventText('reauth', { reason }));
        if (reason === 'shutdown') {
          stream.write('retry: 1000\n\n');
          // The server is closing and waits for every connection: hang up once the stream's last bytes
          // are out, rather than leave the connection idle until the client drops it.
          ctx.res.once('finish', () => ctx.req.socket.end());
        }
        stream.end();
      }
    }
    ctx.req.on('close', () => close('client_closed'));

    ctx.status = 200;
    ctx.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    ctx.body = stream;
    // Headers go out now; the widget knows the stream is open before the first event.
    stream.write(`retry: 3000\n\n`);

    try {
      // A resumed stream gets exactly the events it missed, when they are all still kept.
      const missed = lastId !== undefined && lastId > 0 ? await deps.statusHub.since(sale, userId, lastId) : undefined;
      if (missed !== undefined) {
        for (const event of missed) send(event);
      } else {
        // First connection, or too much was missed: send where the case stands (read from the provider).
        const status = await currentStatus(deps, session);
        const latest = await deps.statusHub.latest(sale, userId);
        if (!closed) stream.write(eventText('status', status, latest?.id));
        if (latest) lastSent = Math.max(lastSent, latest.id);
      }
    } catch (error) {
      // The provider is unreachable: the stream stays open and live changes still arrive.
      const latest = await deps.statusHub.latest(sale, userId).catch(() => undefined);
      if (latest !== undefined && !closed) {
        stream.write(eventText('status', latest.status, latest.id));
        lastSent = Math.max(lastSent, latest.id);
      } else if (!closed) {
        stream.write(eventText('unavailable', { message: 'The verification service is unreachable; the status will appear when it answers.' }));
      }
      (ctx.state['log'] as { warn: (o: object, m: string) => void } | undefined)?.warn({ err: error as Error }, 'status stream without a first status');
    }
    ready = true;
    for (const event of buffered.splice(0)) send(event);
  });
}
