/**
 * `POST /v1/sales/:sale/ethereum-address/check` (bearer) `{ address }`: EIP-55 locally first (a wrong
 * checksum is explained with the checksummed form offered), then the provider's own validation
 * (upstream §5). Answers `{ address }`, checksummed, when both accept it.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { checkEthereumAddress } from '../contract/eip55.js';
import { invalidField } from '../http/api-error.js';
import { providerFailure } from '../http/provider-failure.js';
import { jsonObjectBody, requiredString } from '../http/request-body.js';
import { requireSession } from '../http/widget-session.js';
import type { ProxyDeps } from '../proxy-deps.js';

/** Add the Ethereum address route to `router`. */
export function addEthereumRoute(router: Router, deps: ProxyDeps): void {
  router.post('/v1/sales/:sale/ethereum-address/check', async (ctx: Context) => {
    const session = await requireSession(ctx, deps);
    const address = requiredString(jsonObjectBody(ctx), 'address', 100);
    const local = checkEthereumAddress(address);
    if (!local.ok) {
      const message = local.reason === 'checksum'
        ? 'This address has a wrong checksum: a letter may have the wrong case, or a character is mistyped. Copy it again from your wallet.'
        : 'An Ethereum address is 0x followed by 40 hexadecimal characters.';
      throw invalidField('address', local.reason, message, local.suggestion !== undefined ? { suggestion: local.suggestion } : undefined);
    }
    let accepted: boolean;
    try {
      accepted = await session.sale.provider.validateEthereumAddress(local.address);
    } catch (error) {
      throw providerFailure(error);
    }
    if (!accepted) {
      const message = 'The verification service does not accept this Ethereum address.';
      throw invalidField('address', 'provider', message);
    }
    ctx.body = { address: local.address, wasChecksummed: local.wasChecksummed };
  });
}
