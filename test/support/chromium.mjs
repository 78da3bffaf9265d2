// Where Debian's Chromium is, and the flags it needs here: headless as root on a machine whose only
// network is the npm registry (background networking would only produce refused connections).
import { existsSync } from 'node:fs';

/** Path of the Chromium binary: $CHROME_PATH, else Debian's /usr/bin/chromium. */
export function chromiumPath() {
  return process.env.CHROME_PATH || '/usr/bin/chromium';
}

/** True when the Chromium binary is present. */
export function hasChromium() {
  return existsSync(chromiumPath());
}

/** Launch flags for tests: no sandbox when running as root, no background traffic, a clean profile. */
export function chromiumArgs() {
  const args = [
    '--headless=new',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-dev-shm-usage',
  ];
  if (typeof process.getuid === 'function' && process.getuid() === 0) args.push('--no-sandbox');
  return args;
}
