/**
 * Test support: one more proxy instance beside a running {@link Stack}, built from the stack's own
 * configuration with a few settings changed (the default code limits, `trustProxy`) and its own clock and
 * in-memory store, so an attack on rate limits or token lifetimes can move time and exhaust budgets
 * without touching the stack's main proxy. It shares the stack's sandbox, SMTP catcher and signing keys
 * (a token of the main proxy is valid here too) and writes its log lines into `stack.logs`.
 */
import { Writable } from 'node:stream';
import type { ProxyConfig } from '../../../proxy/config/load-config.js';
import { createProxy, type Proxy } from '../../../proxy/create-proxy.js';
import { createMemoryStore } from '../../../proxy/store/memory-store.js';
import type { Stack } from '../../proxy/support/proxy-stack.js';

/** A clock tests move forward; the variant's proxy and store read it. */
export interface MovableClock {
  now(): number;
  /** Move the clock forward by `ms`. */
  advance(ms: number): void;
}

/** A clock that runs with the real one, plus whatever it was moved by. */
export function movableClock(): MovableClock {
  let offsetMs = 0;
  return {
    now: () => Date.now() + offsetMs,
    advance(ms) {
      offsetMs += ms;
    },
  };
}

/** A running variant proxy. */
export interface ProxyVariant {
  /** Its base URL (pass it as `baseUrl` to the investor helpers). */
  url: string;
  proxy: Proxy;
  clock: MovableClock;
  close(): Promise<void>;
}

/** Start a proxy from `stack`'s configuration with `changes` applied. */
export async function startProxyVariant(stack: Stack, changes: (config: ProxyConfig) => Partial<ProxyConfig> = () => ({})): Promise<ProxyVariant> {
  const base = stack.proxies[0]?.deps.config;
  if (base === undefined) throw new Error('startProxyVariant: the stack has no proxy');
  const clock = movableClock();
  const store = createMemoryStore({ now: clock.now });
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      stack.logs.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
      callback();
    },
  });
  const proxy = await createProxy({ ...base, ...changes(base) }, { logDestination, now: clock.now, store, shutdownGraceMs: 1000 });
  const { url } = await proxy.listen(0);
  return {
    url,
    proxy,
    clock,
    async close() {
      await proxy.close();
      await store.close();
    },
  };
}
