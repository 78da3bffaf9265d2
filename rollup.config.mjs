// Two builds of the widget:
// - dist/kyc-onboarding.js: one minified classic script for a <script src> tag, everything bundled,
//   no globals (an IIFE without a name);
// - dist/kyc-onboarding.esm.js: an ES module for bundlers, with its dependencies left as imports so the
//   host's bundler can share them. Types come from `tsc -p tsconfig.types.json` (see `npm run build`);
// - dist/locales/<lang>.js: each catalog but English (widget/i18n/locales/*.ts) as its own small minified
//   ES module. Both builds import them on demand from next to their own file (widget/i18n/locale.ts):
//   the IIFE cannot code-split, and a page that never needs German never downloads it;
// - dist/wallet.js: the wallet code (widget/wallet/wallet-proof-flow.ts: EIP-6963 discovery, EIP-1193
//   calls, the proof's flow) as its own minified ES module, imported the same way by both builds, only when the wallet
//   step opens on a sale that takes proofs of wallet ownership (widget/wallet/load-wallet-module.ts).
import { readdirSync } from 'node:fs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';
import htmlLiterals from 'rollup-plugin-html-literals';
import { SCRIPT_TAG_BUDGET_GZIP_BYTES, WALLET_MODULE_BUDGET_GZIP_BYTES, bundleReport } from './build/bundle-report.mjs';

const typescript = () => esbuild({ target: 'es2022', tsconfig: 'tsconfig.web.json', include: /\.ts$/ });
const minify = () => terser({ ecma: 2022, module: false, compress: { passes: 3, pure_getters: true, unsafe_arrows: true, unsafe_methods: true }, toplevel: true, format: { comments: false } });
// Lit's html`` and css`` templates keep their indentation through terser (it never touches the text of
// a template literal); this minifies the HTML and CSS inside them, about a kilobyte gzip off the bundle.
const minifyTemplates = () => htmlLiterals({ include: ['widget/**/*.ts'] });
const localeInputs = Object.fromEntries(
  readdirSync('widget/i18n/locales')
    .filter((file) => file.endsWith('.ts'))
    .map((file) => [file.slice(0, -'.ts'.length), `widget/i18n/locales/${file}`]),
);

export default [
  {
    input: 'widget/script-tag.ts',
    output: { file: 'dist/kyc-onboarding.js', format: 'iife', sourcemap: true },
    plugins: [nodeResolve({ browser: true }), typescript(), minifyTemplates(), minify(), bundleReport({ budget: SCRIPT_TAG_BUDGET_GZIP_BYTES })],
  },
  {
    input: 'widget/index.ts',
    output: { file: 'dist/kyc-onboarding.esm.js', format: 'es', sourcemap: true },
    external: (id) => /^(lit|@lit|@noble)(\/|$)/.test(id),
    plugins: [nodeResolve({ browser: true }), typescript()],
  },
  {
    input: 'widget/wallet/wallet-proof-flow.ts',
    output: { file: 'dist/wallet.js', format: 'es', sourcemap: true },
    plugins: [
      nodeResolve({ browser: true }),
      typescript(),
      terser({ ecma: 2022, module: true, compress: { passes: 3, pure_getters: true, unsafe_arrows: true }, format: { comments: false } }),
      bundleReport({ budget: WALLET_MODULE_BUDGET_GZIP_BYTES }),
    ],
  },
  {
    input: localeInputs,
    output: { dir: 'dist/locales', format: 'es', entryFileNames: '[name].js' },
    plugins: [typescript(), terser({ ecma: 2022, module: true, format: { comments: false } })],
  },
];
