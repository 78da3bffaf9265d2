/**
 * axe-core for the browser tests: its package is a UMD script (no ES default export in the browser), so
 * it is loaded once with a script element from the test server and read from `window.axe`.
 */
import type * as Axe from 'axe-core';

let axeOnce: Promise<typeof Axe> | undefined;

/** axe-core, loaded on first use. */
export function loadAxe(): Promise<typeof Axe> {
  axeOnce ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/node_modules/axe-core/axe.min.js';
    script.onload = () => resolve((window as unknown as { axe: typeof Axe }).axe);
    script.onerror = () => reject(new Error('axe-core did not load'));
    document.head.append(script);
  });
  return axeOnce;
}
