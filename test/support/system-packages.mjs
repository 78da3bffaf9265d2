// The Debian packages the tests need (Chromium for browser tests, redis-server for the proxy's
// scale-out tests). On a fresh machine the test command
// installs them itself when it can (root with apt-get); otherwise it stops with the exact command to run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromiumPath } from './chromium.mjs';

/** Package name → a check that it is installed. */
const REQUIRED = [
  { pkg: 'chromium', present: () => existsSync(chromiumPath()) },
  // test/support/redis-server.ts starts /usr/bin/redis-server, Debian's path.
  { pkg: 'redis-server', present: () => existsSync('/usr/bin/redis-server') },
];

function commandExists(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Install what is missing, or throw with the command a person should run. */
export function ensureSystemPackages() {
  const missing = REQUIRED.filter((entry) => !entry.present()).map((entry) => entry.pkg);
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !commandExists('apt-get')) {
    throw new Error(`Missing Debian packages: ${missing.join(', ')}. Install them with:\n  sudo ${command}\n` +
      `(or set CHROME_PATH to an existing Chromium binary).`);
  }
  console.log(`Installing missing Debian packages: ${missing.join(', ')}`);
  execFileSync('sh', ['-c', command], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  const still = REQUIRED.filter((entry) => !entry.present()).map((entry) => entry.pkg);
  if (still.length > 0) throw new Error(`apt-get finished but these are still missing: ${still.join(', ')}`);
}
