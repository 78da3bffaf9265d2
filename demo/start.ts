/**
 * `npm start`: the whole demo on this machine, with no configuration. Builds the widget when `dist/`
 * is missing or older than its sources, starts every part on 127.0.0.1 (`demo-stack.ts`), prints what
 * to open, and stops everything on Ctrl-C (SIGINT) or SIGTERM with exit code 0.
 *
 * Settings, all optional: the ports (`demo-ports.ts`: DEMO_SITE_PORT, PROXY_PORT, SANDBOX_PORT,
 * SANDBOX_S3_PORT, DEMO_SMTP_PORT, DEMO_INBOX_PORT), DEMO_DATA_DIR (default `.data/demo`),
 * DEMO_SKIP_BUILD=1 (serve `dist/` as it is), LOG_LEVEL (the proxy's, default warn),
 * SANDBOX_AUTO_REVIEW_SECONDS and SANDBOX_WEBHOOK_TIME_FACTOR.
 *
 * A problem the user can fix (a port in use, a failed build) is printed in words, without a stack
 * trace, and the exit code is 1.
 */
import { join, relative, resolve } from 'node:path';
import { ConfigError } from '../proxy/config/config-problems.js';
import { readDemoPorts } from './demo-ports.js';
import { startDemoStack, type DemoStack, type DemoUrls } from './demo-stack.js';
import { isDemoStartError } from './demo-start-error.js';
import { ensureWidgetBuilt } from './widget-build.js';

/** A stopping part gets this long before the process exits anyway. */
const STOP_TIMEOUT_MS = 8000;

const root = join(import.meta.dirname, '..');

/** The lines printed once everything listens: what to open first, then what runs behind it. */
function readyBanner(urls: DemoUrls, dataDir: string): string {
  const open: [string, string, string][] = [
    ['1. Demo site (start here)', urls.site, 'the token-sale page with the KYC widget'],
    ['2. Mail inbox', urls.inbox, 'the one-time codes the investor receives'],
    ['3. Review console', urls.console, 'play the reviewer: approve, deny, report an issue'],
    ['   Host sign-in page', urls.hostPage, 'the host-authenticated mode'],
  ];
  const behind: [string, string, string][] = [
    ['   KYC proxy', urls.proxy, 'health: /readyz, API description: /openapi.json'],
    ['   Sandbox provider API', urls.sandbox, 'OST KYC API v2'],
    ['   S3 stand-in', urls.s3, 'where the documents are uploaded'],
    ['   Mail catcher (SMTP)', urls.smtp, 'where the proxy sends its mails'],
  ];
  const urlWidth = Math.max(...[...open, ...behind].map(([, url]) => url.length)) + 3;
  const row = ([label, url, note]: [string, string, string]): string => `  ${label.padEnd(28)}${url.padEnd(urlWidth)}${note}`;
  return [
    '',
    'The Acme Token sale demo is running. Open, in this order:',
    '',
    ...open.map(row),
    '',
    'Behind them:',
    ...behind.map(row),
    '',
    `Users, KYC cases and keys are kept in ${dataDir} (delete it to start afresh). Press Ctrl-C to stop.`,
    '',
  ].join('\n');
}

/** Stop `stack` once, on the first signal; a second signal exits at once. */
function stopOnSignals(stack: DemoStack): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      console.error(`\n${signal} again: exiting without waiting.`);
      process.exit(1);
    }
    stopping = true;
    console.log(`\nStopping the demo (${signal})…`);
    setTimeout(() => {
      console.error(`Some part did not stop within ${STOP_TIMEOUT_MS / 1000} s; exiting anyway.`);
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    void stack.close().then(() => {
      console.log('Demo stopped.');
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function main(): Promise<void> {
  const env = process.env;
  const ports = readDemoPorts(env);
  const dataDir = resolve(env['DEMO_DATA_DIR'] || join(root, '.data', 'demo'));
  ensureWidgetBuilt(root, { skip: env['DEMO_SKIP_BUILD'] === '1' });
  const stack = await startDemoStack({ ports, dataDir, rootDir: root, env });
  stopOnSignals(stack);
  const shownDir = relative(process.cwd(), dataDir);
  console.log(readyBanner(stack.urls, shownDir === '' || shownDir.startsWith('..') ? dataDir : shownDir));
}

try {
  await main();
} catch (error) {
  if (isDemoStartError(error) || error instanceof ConfigError) {
    console.error(`\nThe demo did not start.\n${error.message}`);
  } else {
    console.error('\nThe demo did not start because of an unexpected error:', error);
  }
  process.exit(1);
}
