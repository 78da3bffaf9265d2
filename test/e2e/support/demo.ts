/**
 * The demo for an end-to-end test file: `npm start` as a real child process (test/demo/support/demo-process.ts)
 * on free ports with a temporary data folder, started once per file and stopped in its `after` hook.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WIDGET_SCRIPT, widgetBuildNeeded } from '../../../demo/widget-build.js';
import { demoEnv, freeDemoPorts, ROOT, spawnDemo, type DemoProcess } from '../../demo/support/demo-process.js';

/** Where the running demo answers, read from the banner it printed (as a newcomer reads it). */
export interface DemoUrls {
  /** The token-sale page with the widget. */
  site: string;
  /** The mail catcher's inbox page (`messages.json` below it). */
  inbox: string;
  /** The sandbox's review console. */
  console: string;
  /** The KYC proxy, no trailing slash. */
  proxy: string;
  /** The sandbox provider API, no trailing slash. */
  sandbox: string;
}

/** A demo started for one test file. */
export interface RunningDemo {
  urls: DemoUrls;
  /** The `npm start` child process (its output, for a failure's message). */
  child: DemoProcess;
  /** Stop it (SIGTERM, then SIGKILL if it lingers) and remove its data folder; safe to call twice. */
  stop(): Promise<void>;
}

/** The URL printed on the banner line that holds `label`. */
function urlAfter(stdout: string, label: string): string {
  const line = stdout.split('\n').find((text) => text.includes(label));
  const url = line === undefined ? undefined : /\bhttps?:\/\/\S+/.exec(line)?.[0];
  if (url === undefined) throw new Error(`The demo printed no URL after "${label}":\n${stdout}`);
  return url;
}

/**
 * Build the widget when `dist/` is missing or older than its sources, as `npm start` does (the test
 * command builds first, so this is for running one e2e file by hand after an edit). `DEMO_SKIP_BUILD=1`,
 * the demo's own setting, serves `dist/` as it is unless it is missing.
 */
function buildWidgetIfStale(): void {
  const built = existsSync(join(ROOT, WIDGET_SCRIPT));
  if (built && (process.env['DEMO_SKIP_BUILD'] === '1' || !widgetBuildNeeded(ROOT).needed)) return;
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'ignore', timeout: 120_000 });
  if (build.status !== 0) throw new Error('npm run build failed; the end-to-end tests need dist/kyc-onboarding.js');
}

/** Start the demo on free ports with a fresh data folder; resolves once its banner says it is ready. */
export async function startDemo(): Promise<RunningDemo> {
  buildWidgetIfStale();
  const dataDir = mkdtempSync(join(tmpdir(), 'kyc-e2e-'));
  const child = spawnDemo(demoEnv(await freeDemoPorts(), dataDir));
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child.child.exitCode === null && child.child.signalCode === null) {
      child.child.kill('SIGTERM');
      await child.exited(10_000).catch(() => {
        child.kill();
        return child.exited(5000).catch(() => undefined);
      });
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await child.ready(30_000);
    const stdout = child.stdout();
    const urls: DemoUrls = {
      site: urlAfter(stdout, 'Demo site'),
      inbox: urlAfter(stdout, 'Mail inbox'),
      console: urlAfter(stdout, 'Review console'),
      proxy: urlAfter(stdout, 'KYC proxy'),
      sandbox: urlAfter(stdout, 'Sandbox provider API'),
    };
    return { urls, child, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
