/**
 * The allowlist export from the command line:
 *
 *   npm run allowlist -- --sale <id> --format csv|json [--proven-only] [--out <file>]
 *
 * The same export as `GET /v1/sales/:sale/allowlist`, reading the proxy's configuration exactly as the
 * proxy does (`loadConfig(process.env)`: `PROXY_CONFIG_FILE` and the environment). The export goes to
 * `--out` (written whole or not at all) or to stdout; a summary, duplicates and warnings go to stderr.
 *
 * Wallet proofs are read from the proxy's shared store, so this command sees them only when the proxy
 * keeps them in Redis (`REDIS_URL`); with the in-memory store they live inside the running proxy, and
 * `--proven-only` is refused (use the route then).
 *
 * Exit codes: 0 done; 64 a bad argument or unknown sale; 78 an unusable configuration; 69 the provider or
 * the store could not be read; 73 the output file could not be written.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { CliError, EXIT, readArguments, USAGE } from './allowlist/cli-arguments.js';
import { exportAllowlist, renderAllowlist } from './allowlist/export-allowlist.js';
import { ConfigError } from './config/config-problems.js';
import { loadConfig } from './config/load-config.js';
import { createProviderClient } from './provider/provider-client.js';
import { ProviderError } from './provider/provider-error.js';
import { createSharedStore } from './store/create-shared-store.js';
import { RedisStoreError } from './store/redis-store-error.js';

/** Write `text` to `path` whole or not at all: a half-written allowlist must never be picked up. */
async function writeWhole(path: string, text: string): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, text, { mode: 0o644, flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new CliError(`Cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}.`, EXIT.cantCreate);
  }
}

/** Why the export could not be read, without the provider's internals (and never a secret). */
function unavailable(error: unknown): CliError | undefined {
  if (error instanceof ProviderError) return new CliError(`The KYC provider could not be read (${error.kind}${error.providerStatus !== undefined ? `, HTTP ${error.providerStatus}` : ''}). Nothing was written; try again.`, EXIT.unavailable);
  if (error instanceof RedisStoreError) return new CliError('The shared store (Redis) could not be read. Nothing was written; try again.', EXIT.unavailable);
  return undefined;
}

async function run(args: string[]): Promise<void> {
  const options = readArguments(args);
  if (options === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let config;
  try {
    config = await loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, EXIT.config);
    throw error;
  }
  const saleConfig = config.sales.get(options.sale);
  if (saleConfig === undefined) throw new CliError(`There is no sale "${options.sale}" in the configuration; configured: ${[...config.sales.keys()].join(', ')}.`, EXIT.usage);
  if (config.redis === undefined && options.provenOnly) {
    throw new CliError('--proven-only needs the proxy to keep wallet proofs in Redis (REDIS_URL): without it they live in the running proxy\'s memory, which this command cannot read. Use GET /v1/sales/<sale>/allowlist?proven=only instead.', EXIT.config);
  }
  if (config.redis === undefined) process.stderr.write('Warning: no REDIS_URL, so wallet proofs (kept in the running proxy\'s memory) cannot be read: every address is listed as unproven.\n');

  const store = createSharedStore({ redisUrl: config.redis?.url.reveal(), keyPrefix: config.redis?.keyPrefix });
  const provider = createProviderClient({ baseUrl: saleConfig.provider.baseUrl, apiKey: saleConfig.provider.apiKey, apiSecret: saleConfig.provider.apiSecret.reveal(), timeoutMs: saleConfig.provider.timeoutMs });
  let file;
  try {
    file = renderAllowlist(await exportAllowlist({ config: saleConfig, provider }, store, { provenOnly: options.provenOnly }), options.format);
  } catch (error) {
    throw unavailable(error) ?? error;
  } finally {
    provider.close();
    await store.close();
  }

  if (options.out === undefined) process.stdout.write(file.text);
  else await writeWhole(options.out, file.text);
  const { document } = file;
  const proven = document.investors.filter((investor) => investor.proven).length;
  process.stderr.write(`${document.investors.length} investors (${proven} proven) on the allowlist of ${document.sale}; Merkle root ${document.merkle.root ?? 'none (empty list)'}${options.out === undefined ? '' : `; written to ${options.out}`}.\n`);
  for (const duplicate of document.duplicates) process.stderr.write(`Warning: ${duplicate.address} was submitted by several investors: ${duplicate.userIds.join(', ')}.\n`);
  if (document.skipped.length > 0) {
    const reasons = new Map<string, number>();
    for (const { reason } of document.skipped) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    process.stderr.write(`Left out: ${[...reasons].map(([reason, count]) => `${count} ${reason}`).join(', ')} (user ids in the JSON export's "skipped").\n`);
  }
}

try {
  await run(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof CliError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = error.exitCode;
}
