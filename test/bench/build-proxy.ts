/**
 * The proxy compiled as a deployment runs it: `proxy/server.ts` bundled by esbuild (its dependencies
 * included) into one ES module for Node, plus the benchmarks' probe, in a temporary folder.
 *
 * Why the benchmarks measure the compiled proxy: `npm run proxy` runs the TypeScript through tsx, whose
 * loader keeps the compiled sources and their source maps of every module in memory (about 30 MB of the
 * proxy's resident memory at start, nothing per stream). A production proxy is built once and started
 * with plain `node`; its memory is what the streams goal is about. The streams benchmark still prints
 * the tsx figure at start, side by side.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from './child-process.js';

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
    await build({
      absWorkingDir: REPO_ROOT,
      entryPoints: { server: 'proxy/server.ts', probe: 'test/bench/process-probe.ts' },
      outdir: dir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // Whitespace and syntax only: names stay readable in stack traces. Without comments the bundle is
      // also pure ASCII, which V8 keeps as a one-byte string (a single non-ASCII character in a comment
      // doubles the memory the source takes).
      minifyWhitespace: true,
      minifySyntax: true,
      legalComments: 'none',
      // Bundled CommonJS dependencies call `require` for Node's built-in modules; an ES module has none.
      banner: { js: "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);" },
      logLevel: 'error',
    });
    // `proxy/countries.ts` reads its lists from `./data/` next to the module, here next to the bundle.
    cpSync(join(REPO_ROOT, 'proxy', 'data'), join(dir, 'data'), { recursive: true });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    server: join(dir, 'server.mjs'),
    probe: join(dir, 'probe.mjs'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
