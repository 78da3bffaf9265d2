// Browser tests: real Chromium (Debian's, see test/support/chromium.mjs), TypeScript through esbuild,
// and the real backend (sandbox provider, S3 stand-in, SMTP catcher, proxy) for the widget's services.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { defaultReporter } from '@web/test-runner';
import { chromiumPath, chromiumArgs } from './test/support/chromium.mjs';
import { backendPlugin } from './test/support/wtr-backend-plugin.mjs';
import { screenshotPlugin } from './test/support/wtr-screenshot-plugin.mjs';
import { summaryReporter } from './test/support/wtr-summary-reporter.mjs';

export default {
  files: ['test/widget/**/*.test.ts'],
  nodeResolve: true,
  hostname: '127.0.0.1',
  concurrency: 1,
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.web.json' }), backendPlugin(), screenshotPlugin()],
  browsers: [
    chromeLauncher({
      launchOptions: { executablePath: chromiumPath(), headless: true, args: chromiumArgs() },
    }),
  ],
  testFramework: { config: { timeout: 10000 } },
  reporters: [defaultReporter(), summaryReporter()],
};
