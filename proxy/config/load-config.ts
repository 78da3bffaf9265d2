/**
 * `loadConfig(env)`: the proxy's whole configuration, read once at start from an optional JSON file
 * (`PROXY_CONFIG_FILE`) and environment variables, validated, with every problem listed at once
 * ({@link ConfigError}). Nothing else in the proxy reads `process.env`.
 *
 * A single sale needs only environment variables (`PROVIDER_URL`, `PROVIDER_API_KEY`,
 * `PROVIDER_API_SECRET`, `SALE_ORIGINS`, …); several sales need the file. See the README's
 * "Configuration" section for every variable and key.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SigningKeyError } from '../session/signing-key-error.js';
import { generateSigningKey, loadSigningKeys } from '../session/signing-keys.js';
import { ConfigProblems } from './config-problems.js';
import { parseOrigin, parseSale, type SaleConfig } from './sale-config.js';
import { Secret } from './secret.js';
import { secretFromConfig, secretFromEnv } from './secret-source.js';

/** Limits on one-time codes and sign-up sends. */
export interface CodeLimits {
  /** How long a code is valid. */
  ttlSeconds: number;
  /** Wrong guesses allowed per code. */
  maxAttempts: number;
  /** Codes sent per email address per hour. */
  sendsPerEmailPerHour: number;
  /** Codes sent per client IP per hour. */
  sendsPerIpPerHour: number;
  /** Seconds the widget must wait before asking for another code for the same email. */
  resendCooldownSeconds: number;
}

/** The proxy's configuration. */
export interface ProxyConfig {
  host: string;
  port: number;
  /** The proxy's public URL: the tokens' issuer, and the base of `webhookUrl`s. */
  publicUrl: string;
  /** Trust `X-Forwarded-For`/`-Proto` from a load balancer in front (for per-IP limits and logs). */
  trustProxy: boolean;
  /**
   * How many trusted proxies stand in front (each appends the address it saw to `X-Forwarded-For`); the
   * client's address is the entry the outermost of them added, counted from the right. Entries further
   * left were written by the client and are ignored. Default 1.
   */
  trustedProxyHops?: number;
  redis?: { url: Secret; keyPrefix: string };
  smtp: { url: Secret; from: string };
  tokens: { current: Secret; previous: Secret[] };
  /** The server-side secret codes are hashed with. */
  codePepper: Secret;
  codes: CodeLimits;
  /** Largest JSON body accepted, in bytes. */
  maxBodyBytes: number;
  /** When set, `/metrics` answers only requests with `Authorization: Bearer <this token>`. */
  metricsToken?: Secret;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  sales: ReadonlyMap<string, SaleConfig>;
}

/** The code pepper's minimum length (the code book refuses shorter ones). */
const MIN_PEPPER_LENGTH = 16;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** The keys of the config file's top level, `codes` and `tokenKeys` (sale keys: `sale-config.ts`). */
const FILE_KEYS = ['host', 'port', 'publicUrl', 'trustProxy', 'redisUrl', 'redisKeyPrefix', 'smtpUrl', 'mailFrom', 'tokenKeys', 'codePepper', 'codes', 'maxBodyBytes', 'metricsToken', 'logLevel', 'sales'];
const CODES_KEYS = ['ttlSeconds', 'maxAttempts', 'sendsPerEmailPerHour', 'sendsPerIpPerHour', 'resendCooldownSeconds'];
const TOKEN_KEYS_KEYS = ['current', 'previous'];
const SINGLE_SALE_VARIABLES = ['PROVIDER_URL', 'PROVIDER_API_KEY', 'PROVIDER_API_SECRET', 'PROVIDER_API_SECRET_FILE', 'SALE_ORIGINS'];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readConfigFile(path: string, problems: ConfigProblems): Json {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    problems.add('PROXY_CONFIG_FILE', `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (isObject(parsed)) return parsed;
    problems.add(path, 'must hold a JSON object');
  } catch (error) {
    problems.add(path, `is not valid JSON${jsonErrorPlace(text, error as Error)}`);
  }
  return {};
}

/**
 * Where a JSON syntax error is, as ` (line L, column C)`, or nothing when the parser does not say. The
 * parser's own message is not used: V8 quotes the text around the error, which may be a secret.
 */
function jsonErrorPlace(text: string, error: Error): string {
  const position = /at position (\d+)/.exec(error.message)?.[1];
  if (position === undefined) return ' (check the syntax: quotes around strings, no trailing commas)';
  const before = text.slice(0, Number(position));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return ` (line ${line}, column ${column})`;
}

function integer(text: string | number | undefined, fallback: number, where: string, min: number, max: number, problems: ConfigProblems): number {
  if (text === undefined || text === '') return fallback;
  const value = typeof text === 'number' ? text : Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.add(where, `must be an integer from ${min} to ${max}`);
    return fallback;
  }
  return value;
}

function commaList(text: string | undefined): string[] {
  return (text ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '');
}

/** A single sale from environment variables, in the same shape as a config-file entry. */
function saleFromEnv(env: NodeJS.ProcessEnv, problems: ConfigProblems): Json {
  const secretReference = (name: string): unknown => {
    if (env[name] && env[`${name}_FILE`]) problems.add(name, `set both ${name} and ${name}_FILE; keep one`);
    return env[name] ? { env: name } : env[`${name}_FILE`] ? { file: env[`${name}_FILE`] } : undefined;
  };
  const webhookSecret = secretReference('WEBHOOK_SECRET');
  const integratorKey = secretReference('INTEGRATOR_KEY');
  const wallet = walletFromEnv(env, secretReference('SALE_WALLET_RPC_URL'));
  return {
    id: env['SALE_ID'] ?? 'sale',
    ...(env['SALE_NAME'] ? { name: env['SALE_NAME'] } : {}),
    provider: { url: env['PROVIDER_URL'], apiKey: env['PROVIDER_API_KEY'], apiSecret: secretReference('PROVIDER_API_SECRET') },
    origins: commaList(env['SALE_ORIGINS']),
    ...(env['SALE_OPTIONAL_FIELDS'] !== undefined ? { fields: { optional: commaList(env['SALE_OPTIONAL_FIELDS']) } } : {}),
    ...(env['SALE_BLOCKED_COUNTRIES'] !== undefined ? { countries: { blocked: commaList(env['SALE_BLOCKED_COUNTRIES']) } } : {}),
    webhook: {
      ...(webhookSecret !== undefined ? { secrets: [webhookSecret] } : {}),
      ...(env['WEBHOOK_URL'] ? { registeredUrl: env['WEBHOOK_URL'] } : {}),
    },
    ...(integratorKey !== undefined ? { integratorKeys: [integratorKey] } : {}),
    ...(env['MAIL_FROM'] ? { mail: { from: env['MAIL_FROM'] } } : {}),
    ...(wallet !== undefined ? { wallet } : {}),
  };
}

/**
 * The single sale's `wallet` settings from `SALE_WALLET_*`, or undefined when none is set. Values are
 * passed on in the config file's types where they parse (a number, a boolean), and as typed otherwise, so
 * the sale's parser reports them in one place.
 */
function walletFromEnv(env: NodeJS.ProcessEnv, rpcUrl: unknown): Json | undefined {
  const proof = env['SALE_WALLET_PROOF'];
  const chainId = env['SALE_WALLET_CHAIN_ID'];
  const allowTyped = env['SALE_WALLET_ALLOW_TYPED_ADDRESS'];
  if (!proof && !chainId && !allowTyped && rpcUrl === undefined) return undefined;
  return {
    ...(proof ? { proof } : {}),
    ...(chainId ? { chainId: /^\d{1,15}$/.test(chainId) ? Number(chainId) : chainId } : {}),
    ...(allowTyped ? { allowTypedAddress: allowTyped === 'true' ? true : allowTyped === 'false' ? false : allowTyped } : {}),
    ...(rpcUrl !== undefined ? { rpcUrl } : {}),
  };
}

/**
 * A secret needed by the proxy itself (token signing key, code pepper): from the environment, else from
 * the config file, else generated once into `PROXY_DATA_DIR` for local runs.
 */
async function processSecret(
  name: string,
  fromFile: unknown,
  env: NodeJS.ProcessEnv,
  problems: ConfigProblems,
  generate: () => Promise<string>,
): Promise<Secret | undefined> {
  const fromEnv = secretFromEnv(env, name, problems);
  if (fromEnv !== undefined) return fromEnv;
  if (fromFile !== undefined) return secretFromConfig(fromFile, name, env, problems);
  const dataDir = env['PROXY_DATA_DIR'];
  if (dataDir === undefined || dataDir === '') {
    problems.add(name, `is not set: set ${name} or ${name}_FILE (or PROXY_DATA_DIR for a local run, where it is generated once)`);
    return undefined;
  }
  const path = join(dataDir, `${name.toLowerCase()}.secret`);
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path, await generate(), { mode: 0o600 });
    chmodSync(path, 0o600);
  }
  return new Secret(readFileSync(path, 'utf8'));
}

/**
 * Load the signing keys once, so that a key the proxy cannot sign with is one more problem in the list
 * rather than a crash after the configuration was accepted. The key set itself is built by `createProxy`.
 */
async function checkSigningKeys(current: Secret, previous: Secret[], problems: ConfigProblems): Promise<void> {
  try {
    await loadSigningKeys({ current: current.reveal(), previous: previous.map((key) => key.reveal()) });
  } catch (error) {
    // SigningKeyError messages name the key's place, never its material; anything else is not quoted.
    const problem = error instanceof SigningKeyError ? error.message : 'is not a usable signing key (a private Ed25519 or P-256 key as JWK or PKCS#8 PEM)';
    const where = error instanceof SigningKeyError && error.source !== 'current' ? 'TOKEN_PREVIOUS_KEY / tokenKeys.previous' : 'TOKEN_SIGNING_KEY';
    problems.add(where, problem);
  }
}

/**
 * Read and validate the configuration.
 * @throws {ConfigError} (from `config-problems.ts`) listing every problem found.
 */
export async function loadConfig(env: NodeJS.ProcessEnv = process.env): Promise<ProxyConfig> {
  const problems = new ConfigProblems();
  const file = env['PROXY_CONFIG_FILE'] ? readConfigFile(env['PROXY_CONFIG_FILE'], problems) : {};
  problems.unknownKeys('(config file)', file, FILE_KEYS);
  if (isObject(file['codes'])) problems.unknownKeys('codes', file['codes'], CODES_KEYS);
  if (isObject(file['tokenKeys'])) problems.unknownKeys('tokenKeys', file['tokenKeys'], TOKEN_KEYS_KEYS);

  const host = env['PROXY_HOST'] || (typeof file['host'] === 'string' ? file['host'] : '127.0.0.1');
  const port = integer(env['PROXY_PORT'] ?? (file['port'] as number | undefined), 8787, 'PROXY_PORT', 0, 65535, problems);
  const publicUrlText = env['PROXY_PUBLIC_URL'] || (typeof file['publicUrl'] === 'string' ? file['publicUrl'] : `http://${host.includes(':') ? `[${host}]` : host}:${port}`);
  const publicUrl = parseOrigin(publicUrlText, 'PROXY_PUBLIC_URL', problems) ?? publicUrlText;
  const trustProxyText = env['PROXY_TRUST_PROXY'] || String(file['trustProxy'] ?? 'false');
  // Anything but true/false/a hop count is refused: a "yes" read as false would silently count every
  // investor behind the load balancer as one IP address.
  const hopsMatch = /^[1-5]$/.exec(trustProxyText);
  if (trustProxyText !== 'true' && trustProxyText !== 'false' && hopsMatch === null) {
    problems.add('PROXY_TRUST_PROXY', 'must be true, false, or the number of proxies in front (1 to 5; true means 1)');
  }
  const trustProxy = trustProxyText === 'true' || hopsMatch !== null;
  const trustedProxyHops = hopsMatch === null ? 1 : Number(trustProxyText);

  const redisUrl = secretFromEnv(env, 'REDIS_URL', problems) ?? (file['redisUrl'] !== undefined ? secretFromConfig(file['redisUrl'], 'redisUrl', env, problems) : undefined);
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl.reveal())) problems.add('REDIS_URL', 'must start with redis:// or rediss://');
  const keyPrefix = env['REDIS_KEY_PREFIX'] ?? (typeof file['redisKeyPrefix'] === 'string' ? file['redisKeyPrefix'] : 'kyc:');

  const smtpUrl = secretFromEnv(env, 'SMTP_URL', problems) ?? (file['smtpUrl'] !== undefined ? secretFromConfig(file['smtpUrl'], 'smtpUrl', env, problems) : undefined);
  if (smtpUrl === undefined) problems.add('SMTP_URL', 'is not set: the proxy mails one-time codes through it, e.g. smtp://user:pass@mail.example:587');
  else if (!/^smtps?:\/\//.test(smtpUrl.reveal())) problems.add('SMTP_URL', 'must start with smtp:// or smtps://');
  const mailFrom = env['MAIL_FROM'] || (typeof file['mailFrom'] === 'string' ? file['mailFrom'] : undefined);
  if (mailFrom === undefined) problems.add('MAIL_FROM', 'is not set: the sender of code mails, e.g. "Acme KYC <kyc@acme.example>"');

  const tokenKeys = isObject(file['tokenKeys']) ? file['tokenKeys'] : {};
  const currentKey = await processSecret('TOKEN_SIGNING_KEY', tokenKeys['current'], env, problems, () => generateSigningKey('EdDSA'));
  const previousFromEnv = secretFromEnv(env, 'TOKEN_PREVIOUS_KEY', problems);
  const previousKeys = [
    ...(previousFromEnv !== undefined ? [previousFromEnv] : []),
    ...(Array.isArray(tokenKeys['previous']) ? tokenKeys['previous'].flatMap((item, index) => secretFromConfig(item, `tokenKeys.previous[${index}]`, env, problems) ?? []) : []),
  ];
  if (currentKey !== undefined) await checkSigningKeys(currentKey, previousKeys, problems);
  const codePepper = await processSecret('CODE_PEPPER', file['codePepper'], env, problems, async () => randomBytes(32).toString('base64url'));
  if (codePepper !== undefined && codePepper.reveal().length < MIN_PEPPER_LENGTH) {
    problems.add('CODE_PEPPER', `must be at least ${MIN_PEPPER_LENGTH} characters; use 32 random bytes, e.g. \`openssl rand -base64 32\``);
  }

  const limits = isObject(file['codes']) ? file['codes'] : {};
  const codes: CodeLimits = {
    ttlSeconds: integer(limits['ttlSeconds'] as number | undefined, 600, 'codes.ttlSeconds', 60, 3600, problems),
    maxAttempts: integer(limits['maxAttempts'] as number | undefined, 5, 'codes.maxAttempts', 1, 20, problems),
    sendsPerEmailPerHour: integer(limits['sendsPerEmailPerHour'] as number | undefined, 5, 'codes.sendsPerEmailPerHour', 1, 1000, problems),
    sendsPerIpPerHour: integer(limits['sendsPerIpPerHour'] as number | undefined, 30, 'codes.sendsPerIpPerHour', 1, 100000, problems),
    resendCooldownSeconds: integer(limits['resendCooldownSeconds'] as number | undefined, 30, 'codes.resendCooldownSeconds', 0, 600, problems),
  };
  const metricsToken = secretFromEnv(env, 'METRICS_TOKEN', problems) ?? (file['metricsToken'] !== undefined ? secretFromConfig(file['metricsToken'], 'metricsToken', env, problems) : undefined);
  const maxBodyBytes = integer(file['maxBodyBytes'] as number | undefined, 64 * 1024, 'maxBodyBytes', 1024, 1024 * 1024, problems);

  const logLevel = (env['LOG_LEVEL'] ?? (typeof file['logLevel'] === 'string' ? file['logLevel'] : 'info')) as ProxyConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) problems.add('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);

  const envSale = SINGLE_SALE_VARIABLES.some((name) => env[name]);
  const fileSales = file['sales'];
  if (envSale && fileSales !== undefined) problems.add('sales', `are configured both in ${env['PROXY_CONFIG_FILE']} and by PROVIDER_*/SALE_* variables; use one or the other`);
  const rawSales: unknown[] = envSale ? [saleFromEnv(env, problems)] : Array.isArray(fileSales) ? fileSales : [];
  if (rawSales.length === 0) problems.add('sales', 'no sale is configured: set PROVIDER_URL, PROVIDER_API_KEY, PROVIDER_API_SECRET and SALE_ORIGINS, or list "sales" in PROXY_CONFIG_FILE');
  const sales = new Map<string, SaleConfig>();
  rawSales.forEach((raw, index) => {
    const sale = parseSale(raw, envSale ? 'sale (from the environment)' : `sales[${index}]`, env, problems);
    if (sale === undefined) return;
    if (sales.has(sale.id)) problems.add(`sales[${index}].id`, `"${sale.id}" is used twice`);
    sales.set(sale.id, sale);
  });

  problems.throwIfAny();
  return {
    host,
    port,
    publicUrl,
    trustProxy,
    trustedProxyHops,
    ...(redisUrl !== undefined ? { redis: { url: redisUrl, keyPrefix } } : {}),
    smtp: { url: smtpUrl as Secret, from: mailFrom as string },
    tokens: { current: currentKey as Secret, previous: previousKeys },
    codePepper: codePepper as Secret,
    codes,
    maxBodyBytes,
    ...(metricsToken !== undefined ? { metricsToken } : {}),
    logLevel,
    sales,
  };
}
