/** Path of the Chromium binary: $CHROME_PATH, else Debian's /usr/bin/chromium. */
export function chromiumPath(): string;
/** True when the Chromium binary is present. */
export function hasChromium(): boolean;
/** Launch flags for tests: no sandbox when running as root, no background traffic. */
export function chromiumArgs(): string[];
