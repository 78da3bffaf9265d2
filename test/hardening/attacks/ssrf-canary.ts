/**
 * Test support for the SSRF attacks: a canary HTTP server on 127.0.0.1 that records every request it
 * receives. The suite puts the canary's URL into every URL-shaped input the proxy accepts; any request
 * the canary then sees means the proxy fetched a URL it was given by a caller.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the canary received. */
export interface CanaryHit {
  method: string;
  url: string;
}

/** A running canary. */
export interface SsrfCanary {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** `host:port` as it appears inside URLs. */
  host: string;
  /** A URL on the canary whose path names `label`, so a hit says which input caused it. */
  url(label: string): string;
  /** Every request received so far. */
  hits: CanaryHit[];
  close(): Promise<void>;
}

/** Start a canary on a free port. */
export async function startSsrfCanary(): Promise<SsrfCanary> {
  const hits: CanaryHit[] = [];
  const server = createServer((req, res) => {
    hits.push({ method: req.method ?? '', url: req.url ?? '' });
    req.resume();
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"canary":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin: `http://${host}`,
    host,
    url: (label) => `http://${host}/ssrf/${encodeURIComponent(label)}`,
    hits,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
