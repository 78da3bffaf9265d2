/**
 * A sale's configuration as the shared field rules want it (`SaleFieldRules`), computed once per sale:
 * the same object the proxy validates with and the widget receives in the sale's public configuration.
 */
import type { SaleFieldRules } from '../contract/kyc-rules.js';
import { providerListRules } from '../countries.js';
import type { SaleConfig } from './sale-config.js';

const cache = new WeakMap<SaleConfig, SaleFieldRules>();

/** The field rules of `sale`. */
export function saleFieldRules(sale: SaleConfig): SaleFieldRules {
  const cached = cache.get(sale);
  if (cached !== undefined) return cached;
  const lists = providerListRules();
  const participating = sale.countries.participating;
  const rules: SaleFieldRules = {
    ...lists,
    collected: sale.fields.collected,
    required: sale.fields.required,
    countries: participating === undefined ? lists.countries : lists.countries.filter((country) => participating.includes(country)),
    blockedCountries: sale.countries.blocked,
    residenceProofNationalities: sale.residenceProofNationalities,
    maxInvestorProofs: sale.maxInvestorProofs,
  };
  cache.set(sale, rules);
  return rules;
}
