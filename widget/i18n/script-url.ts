/**
 * The URL of the widget's own script, for finding the files built next to it (`<script dir>/locales/<lang>.js`,
 * `<script dir>/wallet.js`).
 *
 * It must be read while the script runs: `document.currentScript` is only set then. As an ES module
 * (`dist/kyc-onboarding.esm.js`, or the sources in tests) `import.meta.url` is the module's own URL. In
 * the script-tag build (an IIFE) rollup rewrites `import.meta.url` into `document.currentScript.src`,
 * captured once at the top of the bundle, so no line in the entry is needed. Undefined outside a browser
 * (server-side rendering), where nothing is loaded.
 */
export const WIDGET_SCRIPT_URL: string | undefined = typeof document === 'undefined' ? undefined : import.meta.url;

/**
 * The URL of `path` (`locales/de.js`, `wallet.js`) in the folder of the widget's files: under `baseUrl`
 * when given (absolute, or relative to the page; one without a trailing slash names a file, so `path`
 * resolves next to it), else next to the widget's script. Throws when there is no base at all (no page).
 */
export function widgetFileUrl(path: string, baseUrl?: string | URL): string {
  const page = typeof document === 'undefined' ? undefined : document.baseURI;
  const base = baseUrl ?? WIDGET_SCRIPT_URL ?? page;
  if (base === undefined) throw new Error(`no base URL to load ${path} from`);
  return new URL(path, new URL(base, page)).href;
}
