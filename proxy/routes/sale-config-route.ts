/**
 * `GET /v1/sales/:sale/config?locale=de`: what the widget needs to draw the sale's form before anyone
 * signs in: the fields it collects and requires, the field rules (the same object the proxy validates
 * with), countries and nationalities with display names (blocked ones marked, not hidden, so the widget
 * can explain them), upload limits and types, locales and the confirmations to tick. Nothing secret.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { saleFieldRules } from '../config/sale-field-rules.js';
import { countryChoices, nationalityChoices } from '../countries.js';
import { saleOf } from '../http/widget-session.js';
import type { ProxyDeps } from '../proxy-deps.js';
import { UPLOAD_CONTENT_TYPES, UPLOAD_MAX_BYTES, UPLOAD_MIN_BYTES } from './upload-routes.js';

/** Add the sale configuration route to `router`. */
export function addSaleConfigRoute(router: Router, deps: ProxyDeps): void {
  router.get('/v1/sales/:sale/config', (ctx: Context) => {
    const sale = saleOf(ctx, deps).config;
    const requested = typeof ctx.query['locale'] === 'string' ? ctx.query['locale'] : undefined;
    const locale = requested !== undefined && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/.test(requested) ? requested : sale.locales[0];
    const { countryAliases: _countryAliases, nationalityAliases: _nationalityAliases, countries: allowed, ...rules } = saleFieldRules(sale);
    const allowedSet = new Set(allowed);
    const blocked = new Set(sale.countries.blocked);
    const residenceProof = new Set(sale.residenceProofNationalities);
    ctx.set({ 'Cache-Control': 'public, max-age=300', Vary: 'Origin' });
    ctx.body = {
      sale: { id: sale.id, name: sale.name },
      locales: sale.locales,
      fields: sale.fields,
      rules: { ...rules, countries: allowed },
      countries: countryChoices(locale).map((choice) => ({
        ...choice,
        ...(blocked.has(choice.value) || !allowedSet.has(choice.value) ? { blocked: true } : {}),
      })),
      nationalities: nationalityChoices().map((choice) => ({
        ...choice,
        ...(residenceProof.has(choice.value) ? { needsResidenceProof: true } : {}),
      })),
      uploads: { contentTypes: UPLOAD_CONTENT_TYPES, minBytes: UPLOAD_MIN_BYTES, maxBytes: UPLOAD_MAX_BYTES, maxInvestorProofs: sale.maxInvestorProofs },
      confirmations: sale.confirmations,
      codes: { resendAfterSeconds: deps.config.codes.resendCooldownSeconds, expiresInSeconds: deps.config.codes.ttlSeconds },
      // Never the RPC URL: it may carry the sale's API key.
      wallet: { proof: sale.wallet.proof, chainId: sale.wallet.chainId, allowTypedAddress: sale.wallet.allowTypedAddress },
    };
  });
}
