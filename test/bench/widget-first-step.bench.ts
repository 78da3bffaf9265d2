/**
 * How long the widget takes from its script's evaluation to its first step drawn, in Debian's Chromium
 * against the real proxy and sandbox on 127.0.0.1, measured side by side with the one thing it cannot do
 * without: the sale configuration request (the same request, from a page with no widget). The figure
 * that matters is the widget's own cost on top of that request, and the ratio of the two.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../support/chromium.mjs';
import { SALE_ID, startStack } from '../proxy/support/proxy-stack.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DIST = join(ROOT, 'dist');
/** Page loads of each kind, alternated so both see the same machine load. */
const ROUNDS = 15;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** The two pages: the widget as a sale embeds it, and the same configuration request without it. */
function pages(proxyUrl: string): Record<string, string> {
  return {
    '/widget': `<!doctype html><html lang="en"><body>
<script>window.__start = performance.now();</script>
<script src="/kyc-onboarding.js"></script>
<script>window.__evaluated = performance.now();</script>
<kyc-onboarding proxy="${proxyUrl}" sale="${SALE_ID}"></kyc-onboarding>
<script>document.querySelector('kyc-onboarding').addEventListener('kyc-ready', () => { window.__done = performance.now(); });</script>
</body></html>`,
    '/baseline': `<!doctype html><html lang="en"><body>
<script>window.__start = performance.now(); window.__evaluated = window.__start;
fetch(${JSON.stringify(`${proxyUrl}/v1/sales/${SALE_ID}/config?locale=en`)}, { cache: 'no-store' }).then((r) => r.json()).then(() => { window.__done = performance.now(); });</script>
</body></html>`,
  };
}

function serve(routes: Record<string, string>): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const page = routes[path];
    if (page !== undefined) {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      response.end(page);
    } else if (path === '/kyc-onboarding.js' || /^\/locales\/[a-z]{2}\.js$/.test(path)) {
      response.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' });
      response.end(readFileSync(join(DIST, path)));
    } else {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as { port: number }).port}` })));
}

/** Figures of {@link benchWidgetFirstStep}, in ms (medians). */
export interface WidgetFirstStep {
  /** Evaluating the script (parse, compile, run, define the element). */
  evaluateMs: number;
  /** From the script's start to the first step drawn (`kyc-ready`). */
  firstStepMs: number;
  /** The sale configuration request alone, from a page without the widget. */
  configRequestMs: number;
  /** firstStepMs / configRequestMs. */
  ratio: number;
}

/** Load both pages {@link ROUNDS} times each, alternating, in fresh browser contexts. */
export async function benchWidgetFirstStep(): Promise<WidgetFirstStep> {
  if (!existsSync(join(DIST, 'kyc-onboarding.js'))) execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  const routes: Record<string, string> = {};
  const site = await serve(routes);
  const stack = await startStack({ sale: { origins: [site.origin] } });
  Object.assign(routes, pages(stack.proxyUrl));
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs(), headless: true });
  const samples = { evaluate: [] as number[], widget: [] as number[], baseline: [] as number[] };
  try {
    for (let round = 0; round < ROUNDS + 1; round++) {
      for (const kind of ['widget', 'baseline'] as const) {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(`${site.origin}/${kind}`);
        await page.waitForFunction(() => (globalThis as unknown as { __done?: number }).__done !== undefined, undefined, { timeout: 15_000 });
        const times = await page.evaluate(() => {
          const w = globalThis as unknown as { __start: number; __evaluated: number; __done: number };
          return { evaluate: w.__evaluated - w.__start, done: w.__done - w.__start };
        });
        await context.close();
        // The first round warms the proxy, the sandbox and Chromium's code cache for the files alike.
        if (round === 0) continue;
        if (kind === 'widget') {
          samples.widget.push(times.done);
          samples.evaluate.push(times.evaluate);
        } else samples.baseline.push(times.done);
      }
    }
  } finally {
    await browser.close();
    await stack.close();
    await new Promise((resolve) => site.server.close(resolve));
  }
  const result = { evaluateMs: median(samples.evaluate), firstStepMs: median(samples.widget), configRequestMs: median(samples.baseline), ratio: 0 };
  result.ratio = result.firstStepMs / result.configRequestMs;
  console.log(`  script evaluation: ${result.evaluateMs.toFixed(1)} ms (median of ${ROUNDS})`);
  console.log(`  script start → first step drawn: ${result.firstStepMs.toFixed(1)} ms`);
  console.log(`  the configuration request alone: ${result.configRequestMs.toFixed(1)} ms`);
  console.log(`  widget / request alone: ${result.ratio.toFixed(2)}x (the widget's own cost: ${(result.firstStepMs - result.configRequestMs).toFixed(1)} ms)`);
  return result;
}
