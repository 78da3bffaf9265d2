/**
 * The proxy's signed client of the provider API (OST KYC API v2). The proxy alone holds the API key and
 * secret, and every provider call goes through here: signed per attempt with the provider's clock,
 * timed out, retried where that is safe (see `provider-call.ts`), and failed with a {@link ProviderError}
 * whose `httpStatus` is what the widget should see (504 timeout, 503 unreachable, 502 bad answer).
 *
 * @example
 * const provider = createProviderClient({ baseUrl: 'https://kyc.ost.com', apiKey, apiSecret });
 * const user = await provider.findOrCreateUser('investor@example.com');
 * const { kyc } = await provider.submitKycOnce(user.id, fields);
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { ParamValue } from '../signer.js';
import { findOrCreateUser } from './find-or-create-user.js';
import { createKeepAliveTransport } from './keep-alive-transport.js';
import { createProviderCall, type CallOptions, type ProviderCall } from './provider-call.js';
import { createProviderClock } from './provider-clock.js';
import { isProviderRejection } from './provider-error.js';
import { fetchTransport } from './provider-transport.js';
import type {
  FilesToPresign,
  KycDetailResult,
  KycFields,
  KycFilters,
  ListParams,
  PresignedPostForm,
  PresignedPostResult,
  PresignedPutResult,
  PresignedPutUrl,
  ProviderKycDetail,
  ProviderUser,
  ProviderUserKyc,
  UserFilters,
  UserKycResult,
  UserResult,
  UsersKycList,
  UsersList,
} from './provider-types.js';
import { submitKycOnce, type SubmitOnceResult } from './submit-kyc-once.js';

/** Options of {@link createProviderClient}. */
export interface ProviderClientOptions {
  /** The provider's origin, e.g. `https://kyc.ost.com` (no path: the path is part of what is signed). */
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
  /** Time limit of one attempt, answer body included, in ms. Default 8000. */
  timeoutMs?: number;
  /** Retries after the first attempt, for failures that may be retried. Default 2. */
  retries?: number;
  /**
   * A fetch to send the calls with (tests put a stand-in between the proxy and the provider). Default: a
   * pool of keep-alive connections to `baseUrl` (`keep-alive-transport.ts`), closed by `close()`.
   */
  fetch?: typeof fetch;
  /** Our clock in ms. Default `Date.now`. */
  now?: () => number;
  /** Uniform random in [0, 1) for the backoff's jitter. Default `Math.random`. */
  random?: () => number;
  /** Waits between retries. Default a real timer. */
  sleep?: (ms: number) => Promise<void>;
}

/** The provider client. Every method throws {@link ProviderError} on failure. */
export interface ProviderClient {
  /** The low-level signed call: resolves with the envelope's `data` (see `provider-call.ts`). */
  call: ProviderCall;
  /** `POST /users`. Rejected 400 `um_u_c_ve_2` when the email is taken (case-insensitively). */
  createUser(email: string): Promise<ProviderUser>;
  /** `GET /users/{id}`. Rejected 404 `um_u_g_favu_2` when there is no such user. */
  getUser(id: number): Promise<ProviderUser>;
  /** `GET /users`: one page; `filters.email` is a prefix match. */
  listUsers(params?: ListParams<UserFilters>): Promise<UsersList>;
  /** Create the user, or find the existing one with this email (see `find-or-create-user.ts`). */
  findOrCreateUser(email: string): Promise<ProviderUser>;
  /** `POST /users-kyc/{user_id}`: one submission, not retried once it may have been sent. */
  submitKyc(userId: number, fields: KycFields): Promise<ProviderUserKyc>;
  /** Submit KYC, never twice because of a lost answer (see `submit-kyc-once.ts`). */
  submitKycOnce(userId: number, fields: KycFields): Promise<SubmitOnceResult>;
  /** `GET /users-kyc/{user_id}`. Rejected 404 `um_k_g_favukd_1` when nothing was submitted yet. */
  getKyc(userId: number): Promise<ProviderUserKyc>;
  /** `GET /users-kyc-detail/{user_id}`: the latest submission; file fields are presigned GET URLs (12 h). */
  getKycDetail(userId: number): Promise<ProviderKycDetail>;
  /** `GET /users-kyc`: one page of cases, latest submission first by default. */
  listKyc(params?: ListParams<KycFilters>): Promise<UsersKycList>;
  /** `GET /users-kyc/pre-signed-urls/for-post`: an S3 POST form per file key (15 min, 200 KB–20 MB). */
  presignedPost(files: FilesToPresign): Promise<Record<string, PresignedPostForm>>;
  /** `GET /users-kyc/pre-signed-urls/for-put`: a presigned S3 PUT URL per file key. */
  presignedPut(files: FilesToPresign): Promise<Record<string, PresignedPutUrl>>;
  /**
   * `GET /ethereum-address-validation`: true when the provider accepts the address, false when it
   * answers 400 `um_cea_1` (not 40 hex digits) or `um_cea_2` (mixed case failing EIP-55).
   */
  validateEthereumAddress(address: string): Promise<boolean>;
  /** The current estimate of the provider's clock minus ours, in ms (for health output and metrics). */
  clockOffsetMs(): number;
  /** Close the pooled connections to the provider (at shutdown; a later call would connect again). */
  close(): void;
}

/** Check the origin once, so that a bad setting fails at start-up and never inside a request. */
function readOrigin(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError('The provider base URL is not a valid URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('The provider base URL must be http(s).');
  // The server signs the request path as received, so a path prefix would break every signature.
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new TypeError('The provider base URL must be an origin only, e.g. https://kyc.ost.com.');
  }
  return url.origin;
}

/** A user id as a path segment. Ids are integers; anything else is a bug in the caller. */
function idSegment(id: number): string {
  if (!Number.isSafeInteger(id) || id < 0) throw new TypeError('A provider user id must be a non-negative integer.');
  return String(id);
}

const INVALID_ETHEREUM_ADDRESS = ['um_cea_1', 'um_cea_2'];

/** Create the provider client. */
export function createProviderClient(options: ProviderClientOptions): ProviderClient {
  const now = options.now ?? Date.now;
  const clock = createProviderClock(now);
  const origin = readOrigin(options.baseUrl);
  // Made even when a fetch is given: it holds no connection until used, and `close()` stays simple.
  const pool = createKeepAliveTransport(origin);
  const call = createProviderCall({
    origin,
    apiKey: options.apiKey,
    apiSecret: options.apiSecret,
    timeoutMs: options.timeoutMs ?? 8000,
    retries: options.retries ?? 2,
    transport: options.fetch === undefined ? pool : fetchTransport(options.fetch),
    now,
    random: options.random ?? Math.random,
    sleep: options.sleep ?? ((ms) => delay(ms)),
    clock,
  });

  /** A call whose `data` must be `{ result_type, [key]: {…} }`. */
  async function callFor<T>(method: 'GET' | 'POST', path: string, params: Readonly<Record<string, ParamValue>>, retry: CallOptions['retry'], resultType: string, key: string): Promise<T> {
    return (await call(method, path, params, { retry, expect: { resultType, key } })) as T;
  }

  const client: ProviderClient = {
    call,
    async createUser(email) {
      return (await callFor<UserResult>('POST', '/api/v2/users', { email }, 'connection-only', 'user', 'user')).user;
    },
    async getUser(id) {
      return (await callFor<UserResult>('GET', `/api/v2/users/${idSegment(id)}`, {}, 'idempotent', 'user', 'user')).user;
    },
    async listUsers(params = {}) {
      return callFor<UsersList>('GET', '/api/v2/users', { ...params }, 'idempotent', 'users', 'meta');
    },
    findOrCreateUser: (email) => findOrCreateUser(client, email),
    async submitKyc(userId, fields) {
      return (await callFor<UserKycResult>('POST', `/api/v2/users-kyc/${idSegment(userId)}`, fields, 'connection-only', 'user_kyc', 'user_kyc')).user_kyc;
    },
    submitKycOnce: (userId, fields) => submitKycOnce(client, userId, fields),
    async getKyc(userId) {
      return (await callFor<UserKycResult>('GET', `/api/v2/users-kyc/${idSegment(userId)}`, {}, 'idempotent', 'user_kyc', 'user_kyc')).user_kyc;
    },
    async getKycDetail(userId) {
      return (await callFor<KycDetailResult>('GET', `/api/v2/users-kyc-detail/${idSegment(userId)}`, {}, 'idempotent', 'user_kyc_detail', 'user_kyc')).user_kyc;
    },
    async listKyc(params = {}) {
      return callFor<UsersKycList>('GET', '/api/v2/users-kyc', { ...params }, 'idempotent', 'users_kyc', 'meta');
    },
    async presignedPost(files) {
      // A GET: each call makes new keys, but nothing is stored until a file is uploaded, so retrying is safe.
      return (await callFor<PresignedPostResult>('GET', '/api/v2/users-kyc/pre-signed-urls/for-post', { files }, 'idempotent', 'file_upload_post', 'file_upload_post')).file_upload_post;
    },
    async presignedPut(files) {
      return (await callFor<PresignedPutResult>('GET', '/api/v2/users-kyc/pre-signed-urls/for-put', { files }, 'idempotent', 'file_upload_put', 'file_upload_put')).file_upload_put;
    },
    async validateEthereumAddress(address) {
      try {
        await call('GET', '/api/v2/ethereum-address-validation', { ethereum_address: address }, { retry: 'idempotent' });
        return true;
      } catch (error) {
        if (isProviderRejection(error, 400) && INVALID_ETHEREUM_ADDRESS.includes(error.internalId ?? '')) return false;
        throw error;
      }
    },
    clockOffsetMs: () => clock.offsetMs(),
    close: () => pool.close(),
  };
  return client;
}
