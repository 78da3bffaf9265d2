// Two builds of the widget:
// - dist/kyc-onboarding.js: one minified classic script for a <script src> tag, everything bundled,
//   no globals (an IIFE without a name);
// - dist/kyc-onboarding.esm.js: an ES module for bundlers, with its dependencies left as imports so the
//   host's bundler can share them. Types come from `tsc -p tsconfig.types.json` (see `npm run build`).
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';

const typescript = () => esbuild({ target: 'es2022', tsconfig: 'tsconfig.web.json', include: /\.ts$/ });
const minify = () => terser({ ecma: 2022, module: false, format: { comments: false } });

export default [
  {
    input: 'widget/script-tag.ts',
    output: { file: 'dist/kyc-onboarding.js', format: 'iife', sourcemap: true },
    plugins: [nodeResolve({ browser: true }), typescript(), minify()],
  },
  {
    input: 'widget/index.ts',
    output: { file: 'dist/kyc-onboarding.esm.js', format: 'es', sourcemap: true },
    external: (id) => /^(lit|@lit|@noble)(\/|$)/.test(id),
    plugins: [nodeResolve({ browser: true }), typescript()],
  },
];
