/** Types of build/build-proxy.mjs (`npm run proxy:build`). */
export interface BuildProxyOptions {
  /** Where to write the bundle (emptied first); default dist/proxy. */
  outdir?: string;
  /** Extra entry points bundled beside the server (name → source path), e.g. the benchmarks' probe. */
  entryPoints?: Record<string, string>;
}

/** Bundle `proxy/server.ts` for plain `node`, with its data files beside it. */
export function buildProxyBundle(options?: BuildProxyOptions): Promise<{ server: string; outdir: string }>;
