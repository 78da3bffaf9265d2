/**
 * `npm start` serves the built widget (`dist/`), so it builds it first when the build is missing or
 * older than the sources, and skips the few seconds of rollup when it is up to date.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DemoStartError } from './demo-start-error.js';

/** What the built widget is made from, relative to the repository root (the widget imports the shared contract). */
export const WIDGET_SOURCES = ['widget', 'proxy/contract', 'rollup.config.mjs'];

/** The files of the build the demo site serves, relative to the repository root. */
export const WIDGET_SCRIPT = 'dist/kyc-onboarding.js';
/** The wallet module the script imports on the wallet step. */
const WALLET_MODULE = 'dist/wallet.js';
const LOCALES_DIR = 'dist/locales';

/** The newest modification time (ms) of `path`, or of any file below it when it is a folder; 0 when absent. */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const relative of readdirSync(path, { recursive: true, encoding: 'utf8' })) {
    const file = statSync(join(path, relative));
    if (file.isFile()) newest = Math.max(newest, file.mtimeMs);
  }
  return newest;
}

/** Whether the widget must be built before the demo can serve it, and why, in words. */
export function widgetBuildNeeded(root: string): { needed: boolean; reason: string } {
  const script = join(root, WIDGET_SCRIPT);
  const locales = join(root, LOCALES_DIR);
  const wallet = join(root, WALLET_MODULE);
  if (!existsSync(script) || !existsSync(locales)) return { needed: true, reason: `${WIDGET_SCRIPT} is not built yet` };
  if (!existsSync(wallet)) return { needed: true, reason: `${WALLET_MODULE} is not built yet` };
  const sources = Math.max(...WIDGET_SOURCES.map((source) => newestMtime(join(root, source))));
  const localeFiles = readdirSync(locales).filter((file) => file.endsWith('.js'));
  // The oldest output decides: a build interrupted half-way leaves some files older than the sources.
  const built = Math.min(statSync(script).mtimeMs, statSync(wallet).mtimeMs, ...localeFiles.map((file) => statSync(join(locales, file)).mtimeMs));
  if (sources > built) return { needed: true, reason: 'the widget sources changed since the last build' };
  return { needed: false, reason: 'the widget build is up to date' };
}

/**
 * Build the widget with `npm run build` when {@link widgetBuildNeeded} says so; rollup's output goes
 * to the terminal.
 *
 * @returns whether a build ran.
 * @throws {DemoStartError} when the build fails, or when `skip` is set and there is no build at all.
 */
export function ensureWidgetBuilt(root: string, options: { skip?: boolean; log?: (line: string) => void } = {}): boolean {
  const log = options.log ?? console.log;
  if (options.skip) {
    if (!existsSync(join(root, WIDGET_SCRIPT))) throw new DemoStartError(`${WIDGET_SCRIPT} is missing and DEMO_SKIP_BUILD is set: run npm run build first, or start without DEMO_SKIP_BUILD.`);
    return false;
  }
  const { needed, reason } = widgetBuildNeeded(root);
  if (!needed) return false;
  log(`Building the widget (${reason}): npm run build`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (build.error !== undefined || build.status !== 0) {
    throw new DemoStartError('The widget build failed (npm run build): see its errors above.', { cause: build.error });
  }
  return true;
}
