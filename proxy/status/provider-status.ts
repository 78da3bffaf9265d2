/**
 * The investor's status read from the provider, the authority, and pushed to their open streams (a
 * no-op for the streams when it has not changed). Used when a widget asks, when a stream opens, and
 * after each webhook.
 */
import { isProviderRejection } from '../provider/provider-error.js';
import type { ProxyDeps, SaleServices } from '../proxy-deps.js';
import { investorStatus, NOT_SUBMITTED, type InvestorStatus } from './investor-status.js';

/**
 * Read the case of provider user `userId` and publish its status; `not_submitted` when there is no case.
 * @throws ProviderError when the provider cannot answer (callers word it for the widget or log it).
 */
export async function refreshStatus(deps: ProxyDeps, sale: SaleServices, userId: number): Promise<InvestorStatus> {
  let status: InvestorStatus;
  try {
    status = investorStatus(await sale.provider.getKyc(userId));
  } catch (error) {
    if (isProviderRejection(error, 404)) return NOT_SUBMITTED;
    throw error;
  }
  await deps.statusHub.publish(sale.config.id, String(userId), status);
  return status;
}
