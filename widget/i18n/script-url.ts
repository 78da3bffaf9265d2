/**
 * The URL of the widget's own script, for finding the locale files built next to it
 * (`<script dir>/locales/<lang>.js`).
 *
 * It must be read while the script runs: `document.currentScript` is only set then. As an ES module
 * (`dist/kyc-onboarding.esm.js`, or the sources in tests) `import.meta.url` is the module's own URL. In
 * the script-tag build (an IIFE) rollup rewrites `import.meta.url` into `document.currentScript.src`,
 * captured once at the top of the bundle, so no line in the entry is needed. Undefined outside a browser
 * (server-side rendering), where nothing is loaded.
 */
export const WIDGET_SCRIPT_URL: string | undefined = typeof document === 'undefined' ? undefined : import.meta.url;
