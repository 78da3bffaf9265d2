/**
 * The v2 routes of `config/routes/saas_api/v2.rb`. Rails ignores a trailing slash when routing (it is
 * still signed), ids follow the `/[0-9a-z.\-]+/i` constraint (§2.8), and anything else is the 404
 * `ac_1` catch-all, without authentication.
 */
import type { Handler } from './context.js';
import { createUser, getUser, listUsers } from './api/users.js';
import { getKyc, getKycDetail, listKyc, submitKyc } from './api/users-kyc.js';
import { presignedForPost, presignedForPut } from './api/uploads.js';
import { sendKycEmail } from './api/kyc-email.js';
import { validateEthereumAddress } from './api/ethereum.js';

/** One route. */
export interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  handler: Handler;
  /** False for the one endpoint hosted-frontend clients may not call. */
  allowWebHost: boolean;
}

const ID = '([0-9a-zA-Z.\\-]+)';
const route = (method: 'GET' | 'POST', path: string, handler: Handler, allowWebHost = true): Route => ({
  method,
  pattern: new RegExp(`^/api/v2${path}/?$`),
  handler,
  allowWebHost,
});

/** The routes, in the order Rails matches them. */
export const ROUTES: readonly Route[] = [
  route('POST', '/users', createUser, false),
  route('GET', '/users', listUsers),
  route('GET', `/users/${ID}`, getUser),
  route('GET', '/users-kyc/pre-signed-urls/for-post', presignedForPost),
  route('GET', '/users-kyc/pre-signed-urls/for-put', presignedForPut),
  route('POST', `/users-kyc/${ID}/email/approve`, sendKycEmail('approve')),
  route('POST', `/users-kyc/${ID}/email/deny`, sendKycEmail('deny')),
  route('POST', `/users-kyc/${ID}/email/report-issue`, sendKycEmail('report-issue')),
  route('POST', `/users-kyc/${ID}`, submitKyc),
  route('GET', `/users-kyc/${ID}`, getKyc),
  route('GET', '/users-kyc', listKyc),
  route('GET', `/users-kyc-detail/${ID}`, getKycDetail),
  route('GET', '/ethereum-address-validation', validateEthereumAddress),
];

/** The route for a request and its captured segments, or undefined (404 `ac_1`). */
export function matchRoute(method: string, path: string): { route: Route; params: string[] } | undefined {
  for (const candidate of ROUTES) {
    if (candidate.method !== method) continue;
    const m = candidate.pattern.exec(path);
    if (m) return { route: candidate, params: m.slice(1).map((p) => p ?? '') };
  }
  return undefined;
}
