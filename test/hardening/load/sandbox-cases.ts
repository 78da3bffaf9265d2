/**
 * Every KYC case the sandbox holds for the sale's client, read back through the provider's own API
 * (`GET /api/v2/users-kyc`, signed, 100 a page), as an operator would check that nothing was lost: a
 * load run compares it with the investors whose submission the proxy accepted.
 */
import { signRequest, toQuery } from '../../../proxy/signer.js';

/** One case as the provider lists it. */
export interface SandboxCase {
  kycStatus: string;
  submissionCount: number;
}

interface ListPage {
  success?: boolean;
  data?: {
    users_kyc?: Array<{ user_id?: number; kyc_status?: string; submission_count?: number }>;
    meta?: { next_page_payload?: unknown };
  };
}

const PATH = '/api/v2/users-kyc';

/** Every case of the client, by provider user id. */
export async function listSandboxCases(sandboxUrl: string, credentials: { apiKey: string; apiSecret: string }): Promise<Map<number, SandboxCase>> {
  const cases = new Map<number, SandboxCase>();
  for (let page = 1; ; page += 1) {
    const params = { page_number: page, limit: 100, order: 'asc' };
    const response = await fetch(`${sandboxUrl}${PATH}?${toQuery(signRequest(PATH, params, credentials, Date.now()))}`, { signal: AbortSignal.timeout(30_000) });
    const body = (await response.json()) as ListPage;
    if (response.status !== 200 || body.success !== true) throw new Error(`the sandbox's case list answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
    for (const row of body.data?.users_kyc ?? []) {
      if (typeof row.user_id === 'number') cases.set(row.user_id, { kycStatus: String(row.kyc_status), submissionCount: Number(row.submission_count) });
    }
    if (body.data?.meta?.next_page_payload === undefined) return cases;
  }
}
