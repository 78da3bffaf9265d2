/**
 * The proxy compiled as a deployment runs it (`npm run proxy:build`, build/build-proxy.mjs), plus the
 * benchmarks' probe, in a temporary folder.
 *
 * Why the benchmarks measure the compiled proxy: `npm run proxy` runs the TypeScript through tsx, whose
 * loader keeps the compiled sources and their source maps of every module in memory (about 30 MB of the
 * proxy's resident memory at start, nothing per stream). A production proxy is built once and started
 * with plain `node`; its memory is what the streams goal is about. The streams benchmark still prints
 * the tsx figure at start, side by side.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProxyBundle } from '../../build/build-proxy.mjs';

/** The built files. */
export interface BuiltProxy {
  /** `node <server>` starts the proxy, configured by the environment as `npm run proxy`. */
  server: string;
  /** `node --import <probe> …` answers the benchmarks' probe (`process-probe.ts`). */
  probe: string;
  /** Remove the folder. */
  remove(): void;
}

/** Bundle the proxy and the probe into a new temporary folder. */
export async function buildProxy(): Promise<BuiltProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'kyc-proxy-build-'));
  try {
    const { server, outdir } = await buildProxyBundle({ outdir: dir, entryPoints: { probe: 'test/bench/process-probe.ts' } });
    return {
      server,
      probe: join(outdir, 'probe.mjs'),
      remove: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
