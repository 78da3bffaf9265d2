/**
 * `GET /v1/sales/:sale/kyc/events` (bearer): the investor's status as server-sent events, fed by the
 * provider's webhooks through the status hub (so any proxy instance can serve the stream).
 *
 * The widget reads it with `fetch` (the token goes in the `Authorization` header, never in a URL, which
 * rules out `EventSource`). Events: `status` (data: `InvestorStatus`, id: the investor's event number)
 * and `reauth` shortly before the token expires (the widget refreshes it while it is still valid,
 * reconnects with `Last-Event-ID`, and receives what it missed). A comment line every 15 s keeps proxies
 * and load balancers from closing an idle connection. Shutdown ends streams with a `retry` hint so widgets reconnect to another instance.
 *
 * Memory: a proxy holds one stream per investor with the page open, thousands at once, so a stream keeps
 * little. The events are written straight to the response (no `PassThrough` piped by Koa, whose
 * `stream.pipeline` adds an AbortController and a dozen listeners per stream), one ticker beats and
 * expires every stream (`stream-ticker.ts`), and the stream itself keeps the response, a few numbers and
 * the hub subscription (not the session). What remains per stream is mostly Node's connection and Koa's
 * context, which Koa holds until the response ends: about 14 KB in all (`npm run bench proxyStreams`).
 */
import type { ServerResponse } from 'node:http';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { requireSession } from '../http/widget-session.js';
import type { ProxyDeps } from '../proxy-deps.js';
import type { StatusEvent } from '../status/status-hub.js';
import { createStreamTicker, type TickedStream } from '../status/stream-ticker.js';
import { currentStatus } from './kyc-routes.js';

/** Default heartbeat interval. */
export const HEARTBEAT_MS = 15_000;
/**
 * How long before its token expires a stream asks for a new one: the widget refreshes with the token it
 * has, which must still be valid then, whatever the network's delay.
 */
export const REAUTH_AHEAD_MS = 20_000;

const HEARTBEAT = ': keep-alive\n\n';

function eventText(name: string, data: unknown, id?: number): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** One open stream, as the hub's listener, the ticker and shutdown see it. */
interface OpenStream extends TickedStream {
  /** A live event: sent unless the stream already sent it (or a later one); before `start`, kept. */
  receive(event: StatusEvent): void;
  /** Send events the stream missed while it was away, oldest first (before `start`). */
  replay(events: readonly StatusEvent[]): void;
  /** The first status went out: send what arrived meanwhile, then everything live. */
  start(): void;
  /** Send the status the stream starts from (the current one, with the latest event's id if known). */
  sendFirst(status: unknown, id: number | undefined): void;
  /** Say the status cannot be read now. */
  sendUnavailable(): void;
  closed(): boolean;
  unsubscribe?: () => Promise<void>;
}

/**
 * The stream over `res`. Only what is passed here stays referenced while the stream is open; in
 * particular not the Koa context, whose request and session are done with once the stream is set up.
 */
function openStream(res: ServerResponse, lastId: number, endsAt: number, onClose: (stream: OpenStream) => void): OpenStream {
  let lastSent = lastId;
  let held: StatusEvent[] | undefined = [];
  let ended = false;
  const send = (event: StatusEvent): void => {
    if (ended || event.id <= lastSent) return;
    lastSent = event.id;
    res.write(eventText('status', event.status, event.id));
  };
  const stream: OpenStream = {
    endsAt,
    receive: (event) => (held === undefined ? send(event) : held.push(event)),
    replay(events) {
      for (const event of events) send(event);
    },
    start() {
      const events = held ?? [];
      held = undefined;
      for (const event of events) send(event);
    },
    sendFirst(status, id) {
      if (ended) return;
      res.write(eventText('status', status, id));
      if (id !== undefined) lastSent = Math.max(lastSent, id);
    },
    sendUnavailable() {
      if (!ended) res.write(eventText('unavailable', { message: 'The verification service is unreachable; the status will appear when it answers.' }));
    },
    heartbeat() {
      if (!ended) res.write(HEARTBEAT);
    },
    closed: () => ended,
    close(reason) {
      if (ended) return;
      ended = true;
      onClose(stream);
      void stream.unsubscribe?.().catch(() => undefined);
      if (res.writableEnded) return;
      if (reason === 'token_expired') res.write(eventText('reauth', { reason }));
      // The server is closing and waits for every connection: hang up once the stream's last bytes are
      // out, rather than leave the connection idle until the client drops it.
      if (reason === 'shutdown') res.end('retry: 1000\n\n', () => res.socket?.end());
      else res.end();
    },
  };
  res.once('close', () => stream.close('client_closed'));
  return stream;
}

/** Add the status stream route to `router`. */
export function addStatusStreamRoute(router: Router, deps: ProxyDeps, options: { heartbeatMs?: number } = {}): void {
  const ticker = createStreamTicker(deps.streams, { heartbeatMs: options.heartbeatMs ?? HEARTBEAT_MS, now: deps.now });
  const onClose = (stream: OpenStream): void => {
    // Counted only once it was added (a client may leave while the stream subscribes).
    if (deps.streams.delete(stream)) deps.metrics.openStreams.dec();
  };

  router.get('/v1/sales/:sale/kyc/events', async (ctx: Context) => {
    const session = await requireSession(ctx, deps);
    // The router answers HEAD with this GET route. A stream's headers go out with its first write, and a
    // HEAD answer has no body, so it would hang until the token expires: answer the headers alone.
    if (ctx.method === 'HEAD') {
      ctx.status = 200;
      ctx.type = 'text/event-stream';
      ctx.set('Cache-Control', 'no-store');
      return;
    }
    const sale = session.sale.config.id;
    const userId = String(session.userId);
    const lastIdText = ctx.get('Last-Event-ID');
    const lastId = /^[0-9]{1,15}$/.test(lastIdText) ? Number(lastIdText) : undefined;

    const stream = openStream(ctx.res, lastId ?? 0, session.claims.exp * 1000 - REAUTH_AHEAD_MS, onClose);
    // Subscribe first, then read the state, so no change can fall between the two. Until the headers
    // are written below, a failure here is still answered as a JSON error.
    stream.unsubscribe = await deps.statusHub.subscribe(sale, userId, stream.receive);
    if (stream.closed()) {
      // The client left while the stream subscribed: nothing to answer, nobody to answer it to.
      void stream.unsubscribe().catch(() => undefined);
      ctx.status = 200;
      ctx.respond = false;
      return;
    }
    ticker.add(stream);
    deps.metrics.openStreams.inc();

    // The response is written here, not by Koa (see the module comment); the headers the middleware set
    // (CORS, security, request id) are already on it.
    ctx.status = 200;
    ctx.respond = false;
    ctx.res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    // Headers go out now; the widget knows the stream is open before the first event.
    ctx.res.write('retry: 3000\n\n');

    try {
      // A resumed stream gets exactly the events it missed, when they are all still kept.
      const missed = lastId !== undefined && lastId > 0 ? await deps.statusHub.since(sale, userId, lastId) : undefined;
      if (missed !== undefined) {
        stream.replay(missed);
      } else {
        // First connection, or too much was missed: send where the case stands (read from the provider).
        const status = await currentStatus(deps, session);
        const latest = await deps.statusHub.latest(sale, userId);
        stream.sendFirst(status, latest?.id);
      }
    } catch (error) {
      // The provider is unreachable: the stream stays open and live changes still arrive.
      const latest = await deps.statusHub.latest(sale, userId).catch(() => undefined);
      if (latest !== undefined) stream.sendFirst(latest.status, latest.id);
      else stream.sendUnavailable();
      (ctx.state['log'] as { warn: (o: object, m: string) => void } | undefined)?.warn({ err: error as Error }, 'status stream without a first status');
    }
    stream.start();
  });
}
