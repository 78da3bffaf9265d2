/**
 * The sandbox's clients: who may call the API, with which credentials, and how each client's KYC form
 * is configured (the server's `client_kyc_config_details`, upstream §2.4).
 *
 * Loaded from an optional JSON file plus env vars for the default client; when a local run gives no
 * secret, a key and secret are generated once and kept in the data dir so restarts keep them.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalCountry, canonicalNationality } from './countries.js';

/** The canonical name of `raw`, or an error naming where the unknown name was configured. */
function canonicalOrThrow(canonical: (raw: string) => string | undefined, raw: string, where: string): string {
  const name = canonical(raw.trim());
  if (name === undefined) throw new Error(`${where}: "${raw}" is not on the provider's list`);
  return name;
}

/** The KYC fields every client collects (the server's `mandatory_client_fields`). */
export const MANDATORY_KYC_FIELDS = [
  'first_name',
  'last_name',
  'birthdate',
  'country',
  'nationality',
  'document_id_number',
  'document_id_file_path',
  'selfie_file_path',
] as const;

/** The optional KYC fields a client may switch on (`kyc_fields`); the mandatory ones are always on. */
export const OPTIONAL_KYC_FIELDS = [
  'ethereum_address',
  'estimated_participation_amount',
  'street_address',
  'city',
  'state',
  'postal_code',
  'residence_proof_file_path',
  'investor_proof_files_path',
] as const;

/** One of {@link OPTIONAL_KYC_FIELDS}. */
export type OptionalKycField = (typeof OPTIONAL_KYC_FIELDS)[number];

/** A client-defined extra text field of the KYC form (`extra_kyc_fields`, data_type text). */
export interface ExtraKycField {
  /** The param name. */
  key: string;
  /** The label used in error messages. */
  label: string;
  /** `validation.required == 1`. */
  required: boolean;
}

/** One client of the sandbox. */
export interface ClientConfig {
  /** The server's numeric client id: the first segment of every file key. */
  clientId: number;
  apiKey: string;
  apiSecret: string;
  /** Inactive clients get 403 `a_ar_b_vc_2`. Default true. */
  active: boolean;
  /** Clients on OST's hosted frontend may not `POST /users` (403 `a_ar_b_vc_3`). Default false. */
  webHost: boolean;
  /** The optional fields this client's form has. */
  kycFields: OptionalKycField[];
  extraKycFields: ExtraKycField[];
  /** Canonical country names (as in the server list) this client refuses. */
  blacklistedCountries: string[];
  /** Nationalities (canonical) for which a residence proof is required. */
  residencyProofNationalities: string[];
  /** The webhooks, passed through untouched for the dispatcher. */
  webhooks: unknown[];
}

/** Everything the sandbox needs to start. */
export interface SandboxConfig {
  port: number;
  dataDir: string;
  clients: ClientConfig[];
  /** True when the default client's credentials were generated for a local run (so main may print them). */
  generatedCredentials: boolean;
  /**
   * Seconds after a KYC submission at which the demo's auto-review decides the case (`console/auto-review.ts`).
   * Absent (the default): off, every case waits for a reviewer.
   */
  autoReviewSeconds?: number;
}

const HEX32 = /^[0-9a-f]{32}$/;

/** 32 lowercase hex chars, as the server's `SecureRandom.hex` keys and secrets. */
export function randomHex32(): string {
  return randomBytes(16).toString('hex');
}

function asStringArray(value: unknown, what: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new Error(`${what} must be an array of strings`);
  return value as string[];
}

/**
 * Normalise one client entry of a config file (camelCase or the server's snake_case names), filling
 * defaults. Throws on a malformed entry rather than running with a half-configured client.
 */
export function parseClient(raw: unknown, index: number): ClientConfig {
  if (typeof raw !== 'object' || raw === null) throw new Error(`clients[${index}] must be an object`);
  const r = raw as Record<string, unknown>;
  const pick = (...names: string[]): unknown => names.map((n) => r[n]).find((v) => v !== undefined);
  const clientId = pick('clientId', 'client_id');
  const apiKey = pick('apiKey', 'api_key');
  const apiSecret = pick('apiSecret', 'api_secret');
  if (typeof clientId !== 'number' || !Number.isSafeInteger(clientId) || clientId <= 0) throw new Error(`clients[${index}].clientId must be a positive integer`);
  if (typeof apiKey !== 'string' || apiKey === '') throw new Error(`clients[${index}].apiKey is required`);
  if (typeof apiSecret !== 'string' || apiSecret === '') throw new Error(`clients[${index}].apiSecret is required`);
  const kycFields = asStringArray(pick('kycFields', 'kyc_fields'), `clients[${index}].kycFields`);
  for (const field of kycFields) {
    if (!(OPTIONAL_KYC_FIELDS as readonly string[]).includes(field)) throw new Error(`clients[${index}].kycFields: unknown field ${field}`);
  }
  const extraRaw = pick('extraKycFields', 'extra_kyc_fields') ?? [];
  if (!Array.isArray(extraRaw)) throw new Error(`clients[${index}].extraKycFields must be an array`);
  const extraKycFields = extraRaw.map((e: unknown, j): ExtraKycField => {
    const x = (e ?? {}) as Record<string, unknown>;
    if (typeof x['key'] !== 'string' || x['key'] === '') throw new Error(`clients[${index}].extraKycFields[${j}].key is required`);
    return { key: x['key'], label: typeof x['label'] === 'string' ? x['label'] : x['key'], required: x['required'] === true || x['required'] === 1 };
  });
  const webhooks = pick('webhooks') ?? [];
  if (!Array.isArray(webhooks)) throw new Error(`clients[${index}].webhooks must be an array`);
  return {
    clientId,
    apiKey,
    apiSecret,
    active: pick('active') !== false,
    webHost: pick('webHost', 'web_host') === true,
    kycFields: kycFields as OptionalKycField[],
    extraKycFields,
    // Canonical names, as the server stores them (aliases such as NORTH KOREA → KOREA, NORTH), so a
    // blacklist written with an alias still matches the submitted (canonicalised) country.
    blacklistedCountries: asStringArray(pick('blacklistedCountries', 'blacklisted_countries'), `clients[${index}].blacklistedCountries`).map((c) =>
      canonicalOrThrow(canonicalCountry, c, `clients[${index}].blacklistedCountries`)),
    residencyProofNationalities: asStringArray(pick('residencyProofNationalities', 'residency_proof_nationalities'), `clients[${index}].residencyProofNationalities`).map((c) =>
      canonicalOrThrow(canonicalNationality, c, `clients[${index}].residencyProofNationalities`)),
    webhooks,
  };
}

/** Where generated local credentials are kept, in the data folder (mode 0600). */
export const CREDENTIALS_FILE = 'sandbox-credentials.json';

function localCredentials(dataDir: string): { apiKey: string; apiSecret: string; generated: boolean } {
  const file = join(dataDir, CREDENTIALS_FILE);
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { apiKey?: unknown; apiSecret?: unknown };
    if (typeof saved.apiKey === 'string' && typeof saved.apiSecret === 'string' && HEX32.test(saved.apiKey) && HEX32.test(saved.apiSecret)) {
      return { apiKey: saved.apiKey, apiSecret: saved.apiSecret, generated: true };
    }
  }
  const created = { apiKey: randomHex32(), apiSecret: randomHex32() };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(created, null, 2) + '\n', { mode: 0o600 });
  return { ...created, generated: true };
}

/** `SANDBOX_AUTO_REVIEW_SECONDS` (or the file's `autoReviewSeconds`): unset or empty is off, else seconds ≥ 0. */
function autoReviewSeconds(raw: unknown): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 86400 * 30) throw new Error('SANDBOX_AUTO_REVIEW_SECONDS must be a number of seconds (0 to 2592000), or unset to turn the auto-review off');
  return seconds;
}

/**
 * Load the sandbox config.
 *
 * - `configFile` (optional): JSON `{ "port"?, "dataDir"?, "clients": [ … ] }`; its first client is the default.
 * - `SANDBOX_PORT`, `SANDBOX_DATA_DIR`: override port and data dir.
 * - `SANDBOX_API_KEY`, `SANDBOX_API_SECRET`: the default client's credentials. Without a secret (and no
 *   clients in the file), a key and secret are generated once and kept in `<dataDir>/sandbox-credentials.json`.
 * - `SANDBOX_AUTO_REVIEW_SECONDS` (or the file's `autoReviewSeconds`): turns the demo auto-review on.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, configFile?: string): SandboxConfig {
  const file = configFile === undefined ? {} : (JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>);
  const port = Number(env['SANDBOX_PORT'] ?? file['port'] ?? 4010);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('SANDBOX_PORT must be a port number');
  const dataDir = String(env['SANDBOX_DATA_DIR'] ?? file['dataDir'] ?? '.sandbox-data');
  const rawClients = file['clients'] ?? [];
  if (!Array.isArray(rawClients)) throw new Error('clients must be an array');
  const clients = rawClients.map(parseClient);
  let generatedCredentials = false;
  const envKey = env['SANDBOX_API_KEY'];
  const envSecret = env['SANDBOX_API_SECRET'];
  const first = clients[0];
  if (envSecret !== undefined && envSecret !== '') {
    const apiKey = envKey ?? first?.apiKey ?? randomHex32();
    if (first) clients[0] = { ...first, apiKey, apiSecret: envSecret };
    else clients.push(parseClient({ clientId: 1, apiKey, apiSecret: envSecret, kycFields: [...OPTIONAL_KYC_FIELDS] }, 0));
  } else if (first === undefined) {
    const local = localCredentials(dataDir);
    generatedCredentials = local.generated;
    clients.push(parseClient({ clientId: 1, apiKey: envKey ?? local.apiKey, apiSecret: local.apiSecret, kycFields: [...OPTIONAL_KYC_FIELDS] }, 0));
  }
  const autoReview = autoReviewSeconds(env['SANDBOX_AUTO_REVIEW_SECONDS'] ?? file['autoReviewSeconds']);
  return { port, dataDir, clients, generatedCredentials, ...(autoReview === undefined ? {} : { autoReviewSeconds: autoReview }) };
}
