/**
 * The whole demo on 127.0.0.1, in one process: the sandbox provider with its S3 stand-in and webhook
 * dispatcher, the mail catcher with its inbox page, the proxy wired to both, and the token-sale site.
 *
 * Everything it needs is generated on the first start and kept under `dataDir` (git-ignored), so a
 * restart keeps the sandbox's users and KYC cases, the proxy's token keys (tokens issued before still
 * verify) and every credential:
 * - `sandbox/`: the sandbox's SQLite files, uploaded files and its client's API key and secret;
 * - `proxy/`: the proxy's token signing key and code pepper (`PROXY_DATA_DIR`);
 * - `demo-secrets.json`: the webhook secret and the integrator key;
 * - `proxy.json`: the proxy's config file as the demo wires it (secrets by reference only), rewritten
 *   at each start since the ports may change: a readable example for integrators.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startInboxPage } from './mail-catcher/inbox-page.js';
import { startSmtpCatcher } from './mail-catcher/smtp-catcher.js';
import { loadConfig as loadSandboxConfig } from './sandbox/config.js';
import { startLocalSandbox } from './sandbox/main.js';
import { loadConfig as loadProxyConfig } from '../proxy/config/load-config.js';
import { createProxy } from '../proxy/create-proxy.js';
import { DEMO_MAIL_FROM, DEMO_SALE_ID, DEMO_SECRET_VARIABLES, demoProxySale, demoSandboxClient } from './demo-sale.js';
import { loadDemoSecrets } from './demo-secrets.js';
import { DEMO_HOST, ensurePortsFree, listenOrExplain, type DemoPorts } from './demo-ports.js';
import { createHostBackend } from './host-backend.js';
import { startSiteServer } from './site-server.js';

/** Options of {@link startDemoStack}. */
export interface DemoStackOptions {
  ports: DemoPorts;
  /** Where everything generated is kept (`.data/demo` by default in `start.ts`). */
  dataDir: string;
  /** The repository root: `demo/site/` and `dist/` are found from it. */
  rootDir: string;
  /**
   * The few settings passed through to the parts: `LOG_LEVEL` (the proxy's, default `warn`),
   * `SANDBOX_AUTO_REVIEW_SECONDS` and `SANDBOX_WEBHOOK_TIME_FACTOR` (default 60: retries after 1, 2,
   * 4 … minutes rather than hours). Nothing else is read from it.
   */
  env?: NodeJS.ProcessEnv;
  /** Where the parts' start-up lines go. */
  log?: (line: string) => void;
}

/** Where everything answers. */
export interface DemoUrls {
  /** The token-sale page, e.g. `http://127.0.0.1:8080/`. */
  site: string;
  /** The host-authenticated page. */
  hostPage: string;
  /** The inbox page of the mail catcher. */
  inbox: string;
  /** The sandbox's review console. */
  console: string;
  /** The proxy (no trailing slash). */
  proxy: string;
  /** The sandbox provider API (no trailing slash). */
  sandbox: string;
  /** The S3 stand-in (no trailing slash). */
  s3: string;
  /** The mail catcher's SMTP address, `smtp://127.0.0.1:1025`. */
  smtp: string;
}

/** A running demo. */
export interface DemoStack {
  urls: DemoUrls;
  /** The sale id on the proxy. */
  saleId: string;
  /** Stop every part, the last started first; resolves when all are closed (a part's failure does not stop the others). */
  close(): Promise<void>;
}

/** Start every part; on any failure, stop what already started and rethrow. */
export async function startDemoStack(options: DemoStackOptions): Promise<DemoStack> {
  const { ports, rootDir, env = {}, log = console.log } = options;
  const dataDir = resolve(options.dataDir);
  await ensurePortsFree(ports);

  const secrets = loadDemoSecrets(dataDir);
  const origin = (port: number): string => `http://${DEMO_HOST}:${port}`;
  const siteOrigin = origin(ports.site);
  // Both names of this machine, so the page works whether it is opened as 127.0.0.1 or localhost.
  const siteOrigins = [siteOrigin, `http://localhost:${ports.site}`];
  const proxyUrl = origin(ports.proxy);

  const closers: { name: string; close: () => Promise<void> }[] = [];
  const close = async (): Promise<void> => {
    for (const part of closers.splice(0).reverse()) {
      try {
        await part.close();
      } catch (error) {
        log(`demo: could not close the ${part.name} cleanly (${(error as Error).message})`);
      }
    }
  };

  try {
    const catcher = await listenOrExplain({ smtp: ports.smtp }, () => startSmtpCatcher({ port: ports.smtp, host: DEMO_HOST }));
    closers.push({ name: 'mail catcher', close: () => catcher.close() });
    const inbox = await listenOrExplain({ inbox: ports.inbox }, () => startInboxPage({ catcher, port: ports.inbox, host: DEMO_HOST }));
    closers.push({ name: 'inbox page', close: () => inbox.close() });

    const sandboxConfig = loadSandboxConfig({ SANDBOX_PORT: String(ports.sandbox), SANDBOX_DATA_DIR: join(dataDir, 'sandbox'), ...pick(env, ['SANDBOX_AUTO_REVIEW_SECONDS']) });
    const generated = sandboxConfig.clients[0];
    if (generated === undefined) throw new Error('the sandbox config has no client');
    const client = demoSandboxClient({ clientId: generated.clientId, apiKey: generated.apiKey, apiSecret: generated.apiSecret, webhookUrl: `${proxyUrl}/webhooks/${DEMO_SALE_ID}`, webhookSecret: secrets.webhookSecret });
    const sandboxEnv = {
      SANDBOX_S3_PORT: String(ports.s3),
      SANDBOX_S3_ORIGINS: siteOrigins.join(','),
      SANDBOX_WEBHOOK_TIME_FACTOR: env['SANDBOX_WEBHOOK_TIME_FACTOR'] ?? '60',
    };
    const sandbox = await listenOrExplain({ sandbox: ports.sandbox, s3: ports.s3 }, () =>
      startLocalSandbox({ ...sandboxConfig, clients: [client] }, sandboxEnv, (line) => log(`sandbox: ${line}`)));
    closers.push({ name: 'sandbox', close: () => sandbox.close() });

    const configFile = join(dataDir, 'proxy.json');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(configFile, JSON.stringify({ sales: [demoProxySale({ providerUrl: sandbox.url, apiKey: client.apiKey, origins: siteOrigins })] }, null, 2) + '\n');
    // Only the variables the demo means: a PROVIDER_URL or REDIS_URL left in the shell must not change it.
    const proxyConfig = await loadProxyConfig({
      PROXY_CONFIG_FILE: configFile,
      PROXY_DATA_DIR: join(dataDir, 'proxy'),
      PROXY_HOST: DEMO_HOST,
      PROXY_PORT: String(ports.proxy),
      PROXY_PUBLIC_URL: proxyUrl,
      SMTP_URL: `smtp://${DEMO_HOST}:${ports.smtp}`,
      MAIL_FROM: DEMO_MAIL_FROM,
      LOG_LEVEL: env['LOG_LEVEL'] ?? 'warn',
      [DEMO_SECRET_VARIABLES.providerApiSecret]: client.apiSecret,
      [DEMO_SECRET_VARIABLES.webhookSecret]: secrets.webhookSecret,
      [DEMO_SECRET_VARIABLES.integratorKey]: secrets.integratorKey,
    });
    const proxy = await createProxy(proxyConfig, { shutdownGraceMs: 2000 });
    closers.push({ name: 'proxy', close: () => proxy.close() });
    await listenOrExplain({ proxy: ports.proxy }, () => proxy.listen(ports.proxy));

    const consoleUrl = `${sandbox.url}/console/`;
    const site = await listenOrExplain({ site: ports.site }, () => startSiteServer({
      port: ports.site,
      host: DEMO_HOST,
      siteDir: join(rootDir, 'demo', 'site'),
      distDir: join(rootDir, 'dist'),
      pageValues: { proxyUrl, saleId: DEMO_SALE_ID, inboxUrl: inbox.url, consoleUrl },
      connectOrigins: [proxyUrl, sandbox.s3Url],
      backend: createHostBackend({ proxyUrl, saleId: DEMO_SALE_ID, integratorKey: secrets.integratorKey, siteOrigins }),
    }));
    closers.push({ name: 'demo site', close: () => site.close() });

    return {
      saleId: DEMO_SALE_ID,
      urls: {
        site: `${site.url}/`,
        hostPage: `${site.url}/host.html`,
        inbox: inbox.url,
        console: consoleUrl,
        proxy: proxyUrl,
        sandbox: sandbox.url,
        s3: sandbox.s3Url,
        smtp: `smtp://${DEMO_HOST}:${catcher.port}`,
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The entries of `env` named in `names` that are set. */
function pick(env: NodeJS.ProcessEnv, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]]])));
}
