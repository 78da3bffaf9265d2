#!/usr/bin/env node
// `npm run proxy:build`: the proxy as a deployment runs it, `proxy/server.ts` and its dependencies bundled
// by esbuild into ES modules for Node under dist/proxy/, started with plain `node dist/proxy/server.mjs`
// and configured by the environment exactly as `npm run proxy`.
//
// Why build at all: `npm run proxy` compiles the TypeScript through tsx at start, and tsx's loader keeps
// every module's compiled source and source map in memory (about 40 MB more resident memory). The built
// proxy starts faster, with less memory, and needs no dev dependency. Modules loaded on demand (the wallet
// proof code and its cryptography, Redis) stay in their own chunks, so a sale that never uses them never
// loads them.
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Bundle the proxy into `outdir` (emptied first).
 * @param {{ outdir?: string, entryPoints?: Record<string, string> }} [options] extra entry points (the
 *   benchmarks add their process probe); `outdir` defaults to dist/proxy.
 * @returns {Promise<{ server: string, outdir: string }>} the path of the server module
 */
export async function buildProxyBundle({ outdir = join(root, 'dist', 'proxy'), entryPoints = {} } = {}) {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: { server: 'proxy/server.ts', ...entryPoints },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Whitespace and syntax only: names stay readable in stack traces. Without comments the bundle is
    // also pure ASCII, which V8 keeps as one-byte strings (a single non-ASCII character in a comment
    // doubles the memory the source takes).
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    sourcemap: 'linked',
    // Bundled CommonJS dependencies call `require` for Node's built-in modules; an ES module has none.
    banner: { js: "import { createRequire as __kycCreateRequire } from 'node:module'; const require = __kycCreateRequire(import.meta.url);" },
    logLevel: 'error',
  });
  // `proxy/countries.ts` reads its lists from `./data/` next to the module: here, next to the bundle.
  cpSync(join(root, 'proxy', 'data'), join(outdir, 'data'), { recursive: true });
  return { server: join(outdir, 'server.mjs'), outdir };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { server } = await buildProxyBundle();
  console.log(`Built ${server.slice(root.length)}: start it with \`node ${server.slice(root.length)}\` (configured by the environment, as npm run proxy).`);
}
