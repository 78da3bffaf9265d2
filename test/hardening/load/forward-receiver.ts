/**
 * The sale's own backend, as far as a load run needs it: an HTTP server on 127.0.0.1 that receives the
 * status changes the proxy forwards after each provider webhook (`webhook.forward` in the sale's config),
 * checks each one's `X-Kyc-Signature`, and keeps the latest state per investor. It shows that the
 * webhooks came back through the proxy and out the other side, for every investor.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forwardSignature, type ForwardedStatus } from '../../../proxy/status/webhook-forwarder.js';

/** A running receiver. */
export interface ForwardReceiver {
  /** Where the proxy posts (`webhook.forward.url`). */
  url: string;
  /** The latest forwarded state of each investor (provider user id → state). */
  states: Map<string, string>;
  /** Deliveries received with a valid signature. */
  received(): number;
  /** Deliveries refused (bad signature or body): must stay 0. */
  refused(): number;
  close(): Promise<void>;
}

async function readText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Start a receiver that verifies deliveries with `secret`. */
export async function startForwardReceiver(secret: string): Promise<ForwardReceiver> {
  const states = new Map<string, string>();
  let received = 0;
  let refused = 0;
  const server = createServer((request, response) => {
    readText(request).then((body) => {
      const header = request.headers['x-kyc-signature'];
      const timestamp = Number(/^t=(\d+),/.exec(typeof header === 'string' ? header : '')?.[1]);
      let change: ForwardedStatus | undefined;
      try {
        change = JSON.parse(body) as ForwardedStatus;
      } catch {
        change = undefined;
      }
      if (!Number.isSafeInteger(timestamp) || header !== forwardSignature(secret, timestamp, body) || typeof change?.userId !== 'string') {
        refused += 1;
        response.writeHead(400).end();
        return;
      }
      received += 1;
      states.set(change.userId, change.status.state);
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
    }, () => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/kyc-status`,
    states,
    received: () => received,
    refused: () => refused,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
