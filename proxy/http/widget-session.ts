/**
 * Who is calling a widget route: which sale (from the path), from which site (the `Origin` header), and,
 * for routes about an investor, whose session (the bearer token, bound to that sale, site and user).
 */
import type { Context } from 'koa';
import type { ProxyDeps, SaleServices } from '../proxy-deps.js';
import { TokenError } from '../session/token-error.js';
import type { WidgetClaims } from '../session/widget-token.js';
import { ApiError } from './api-error.js';

/** The sale named by the route's `:sale`, or a 404. */
export function saleOf(ctx: Context, deps: ProxyDeps): SaleServices {
  const id = String(ctx.params?.['sale'] ?? '');
  const sale = deps.sales.get(id);
  if (sale === undefined) throw new ApiError(404, 'unknown_sale', 'There is no such sale on this server.');
  return sale;
}

/**
 * The embedding site. Browsers send `Origin` on every cross-origin request; a same-origin GET may
 * lack it, and then the proxy's own origin stands in when the sale lists it (proxy and sale on one host).
 */
export function callerOrigin(ctx: Context, deps: ProxyDeps, sale: SaleServices): string {
  const origin = ctx.get('Origin');
  const candidate = origin !== '' ? origin : new URL(deps.config.publicUrl).origin;
  if (!sale.config.origins.includes(candidate)) {
    throw new ApiError(403, 'origin_not_allowed', 'This site is not allowed to use this sale\'s verification.');
  }
  return candidate;
}

/** An authenticated investor session. */
export interface InvestorSession {
  sale: SaleServices;
  origin: string;
  claims: WidgetClaims;
  /** The provider user id. */
  userId: number;
  /** The bearer token as sent (for refresh). */
  token: string;
}

/** Map a refused token to the 401 answer (the message never quotes the token). */
export function unauthorized(error: TokenError): ApiError {
  return new ApiError(401, error.code, error.message, { headers: { 'WWW-Authenticate': `Bearer error="invalid_token"` } });
}

/** Require a valid widget token for this sale and site. */
export async function requireSession(ctx: Context, deps: ProxyDeps): Promise<InvestorSession> {
  const sale = saleOf(ctx, deps);
  const origin = callerOrigin(ctx, deps, sale);
  try {
    const token = sale.tokens.readBearer(ctx.get('Authorization') || undefined);
    const claims = await sale.tokens.verify(token, { sale: sale.config.id, origin });
    const userId = Number(claims.sub);
    if (!Number.isSafeInteger(userId) || userId < 0) throw new TokenError('malformed');
    return { sale, origin, claims, userId, token };
  } catch (error) {
    if (error instanceof TokenError) {
      // Logged with the request (`expired`, `wrong_origin` …), so an operator sees which check refused it.
      ctx.state['tokenRefusal'] = error.reason;
      throw unauthorized(error);
    }
    throw error;
  }
}
