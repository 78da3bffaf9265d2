/**
 * The proxy from the command line: `npm run proxy` (or `node --import tsx proxy/server.ts`). Reads the
 * configuration from the environment, prints every problem and exits 78 (EX_CONFIG) if it is unusable,
 * listens, and shuts down gracefully on SIGTERM/SIGINT (a load balancer's drain, Ctrl-C).
 */
import { ConfigError } from './config/config-problems.js';
import { loadConfig } from './config/load-config.js';
import { createProxy } from './create-proxy.js';

async function main(): Promise<void> {
  let config;
  try {
    config = await loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const proxy = await createProxy(config);
  let listening;
  try {
    listening = await proxy.listen();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`Port ${config.port} on ${config.host} is in use. Choose another with PROXY_PORT=<port>.\n`);
      await proxy.close();
      process.exit(1);
    }
    throw error;
  }
  proxy.deps.logger.info({ url: listening.url, sales: [...config.sales.keys()], redis: config.redis !== undefined }, 'proxy listening');
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    proxy.deps.logger.info({ signal }, 'shutting down');
    void proxy.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

await main();
