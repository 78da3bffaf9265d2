/**
 * The server's country and nationality lists and alias maps (`proxy/data/countries_nationalities.json`, shared with the proxy), and
 * its normalisation: strip, upcase, map aliases, then require membership (upstream §2.4).
 */
import { readFileSync } from 'node:fs';

interface ListsFile {
  countries: string[];
  nationalities: string[];
  country_aliases: Record<string, string>;
  nationality_aliases: Record<string, string>;
}

const lists = JSON.parse(readFileSync(new URL('../../proxy/data/countries_nationalities.json', import.meta.url), 'utf8')) as ListsFile;
const COUNTRIES = new Set(lists.countries);
const NATIONALITIES = new Set(lists.nationalities);
const COUNTRY_ALIASES = new Map(Object.entries(lists.country_aliases));
const NATIONALITY_ALIASES = new Map(Object.entries(lists.nationality_aliases));

/** The canonical country for `raw` (already stripped), or undefined when it is not on the list. */
export function canonicalCountry(raw: string): string | undefined {
  const upper = raw.toUpperCase();
  const name = COUNTRY_ALIASES.get(upper) ?? upper;
  return COUNTRIES.has(name) ? name : undefined;
}

/** The canonical nationality for `raw` (already stripped), or undefined when it is not on the list. */
export function canonicalNationality(raw: string): string | undefined {
  const upper = raw.toUpperCase();
  const name = NATIONALITY_ALIASES.get(upper) ?? upper;
  return NATIONALITIES.has(name) ? name : undefined;
}
