/**
 * The provider's countries and nationalities (`proxy/data/countries_nationalities.json`, the lists and
 * alias maps of the OST KYC server, upstream §2.4) for the proxy: choices with display names for the
 * widget's select boxes, canonicalisation of what integrators send, and the list part of a sale's
 * {@link SaleFieldRules}.
 *
 * Node side only: the lists are data the widget receives from the proxy's sale-config route, so that they
 * stay out of the widget bundle (nothing under `proxy/contract/` may import this module).
 *
 * Display names: the provider's names are upper case (`BOSNIA AND HERZEGOVINA`, `CÔTE D'IVOIRE`); in
 * English they are title-cased with care for small words, hyphens, `d'` and abbreviations. For another
 * locale, `Intl.DisplayNames` names the country from its ISO 3166-1 code (`proxy/data/country-codes.json`),
 * falling back to the English name where a country has no code of its own. Nationalities have no
 * translation source, so they are English only.
 */
import { readFileSync } from 'node:fs';
import { canonicalName, nameLookupKey } from './contract/canonical-name.js';
import type { SaleFieldRules } from './contract/kyc-rules.js';

/** The shape of `proxy/data/countries_nationalities.json`. */
interface ProviderListsFile {
  countries: string[];
  nationalities: string[];
  nationality_iso3: Record<string, string>;
  country_aliases: Record<string, string>;
  nationality_aliases: Record<string, string>;
}

/** The shape of `proxy/data/country-codes.json`. */
interface CountryCodesFile {
  codes: Record<string, string | null>;
}

/** One entry of a select box: the value to send and the label to show. */
export interface Choice {
  /** The provider's canonical name, e.g. `UNITED STATES OF AMERICA`. */
  value: string;
  /** The display name, e.g. `United States of America` (or `États-Unis` in French). */
  label: string;
}

const readJson = <T>(name: string): T => JSON.parse(readFileSync(new URL(`./data/${name}`, import.meta.url), 'utf8')) as T;
const lists = readJson<ProviderListsFile>('countries_nationalities.json');
const codes = readJson<CountryCodesFile>('country-codes.json').codes;

/** The provider's 236 country names, canonical (upper case), in its order. */
export const COUNTRIES: readonly string[] = Object.freeze([...lists.countries]);
/** The provider's 241 nationalities, canonical (upper case), in its order. */
export const NATIONALITIES: readonly string[] = Object.freeze([...lists.nationalities]);
/** The provider's own country aliases (`updated_country_hash`): upper-case alias → canonical name. */
export const PROVIDER_COUNTRY_ALIASES: Readonly<Record<string, string>> = Object.freeze({ ...lists.country_aliases });
/** The provider's own nationality aliases (`updated_nationality_hash`). */
export const PROVIDER_NATIONALITY_ALIASES: Readonly<Record<string, string>> = Object.freeze({ ...lists.nationality_aliases });

const COUNTRY_SET = new Set(COUNTRIES);
const NATIONALITY_SET = new Set(NATIONALITIES);

/** The ISO 3166-1 alpha-2 code of a canonical country name, or undefined when it has none of its own. */
export function countryCode(country: string): string | undefined {
  return Object.hasOwn(codes, country) ? (codes[country] ?? undefined) : undefined;
}

/** `CÔTE D'IVOIRE` → `COTE D'IVOIRE`: what people type when they cannot type the accent. */
function withoutAccents(key: string): string {
  return key.normalize('NFD').replace(/\p{Mn}/gu, '').normalize('NFC');
}

/**
 * An alias map: the provider's aliases first, then `extra` (alias → canonical) where it takes nothing
 * from a canonical name or an earlier alias, then the accent-free variant of every key and every
 * canonical name. Any alias resolves to a canonical name, which is all the provider ever sees.
 */
function buildAliases(canonical: ReadonlySet<string>, provider: Readonly<Record<string, string>>, extra: readonly (readonly [string, string])[]): Readonly<Record<string, string>> {
  const aliases = new Map<string, string>(Object.entries(provider));
  // Keys as the lookup sees them (straight apostrophes), never shadowing a canonical name or an earlier alias.
  const add = (alias: string, name: string): void => {
    const key = nameLookupKey(alias);
    if (!canonical.has(key) && !aliases.has(key)) aliases.set(key, name);
  };
  for (const [alias, name] of extra) add(alias, name);
  for (const [alias, name] of [...aliases, ...[...canonical].map((name) => [name, name] as const)]) add(withoutAccents(alias), name);
  return Object.freeze(Object.fromEntries(aliases));
}

/**
 * Country aliases beyond the provider's: ISO codes (`US`, `CI`) and today's English short names as
 * `Intl.DisplayNames` knows them (`UNITED STATES`, `CZECHIA`, `ESWATINI`, `CÔTE D’IVOIRE`), plus
 * accent-free spellings. Safe to accept, since we send the canonical name.
 */
export const COUNTRY_ALIASES: Readonly<Record<string, string>> = (() => {
  const english = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const extra: [string, string][] = [];
  for (const country of COUNTRIES) {
    const code = countryCode(country);
    if (code === undefined) continue;
    extra.push([code, country]);
    const name = english.of(code);
    if (name !== undefined) extra.push([name.toUpperCase(), country]);
  }
  return buildAliases(COUNTRY_SET, PROVIDER_COUNTRY_ALIASES, extra);
})();

/** Nationality aliases: the provider's, plus accent-free spellings. */
export const NATIONALITY_ALIASES: Readonly<Record<string, string>> = buildAliases(NATIONALITY_SET, PROVIDER_NATIONALITY_ALIASES, []);

function canonical(raw: string, aliases: Readonly<Record<string, string>>, names: ReadonlySet<string>): string | undefined {
  const name = canonicalName(raw, aliases);
  return names.has(name) ? name : undefined;
}

/**
 * The provider's canonical country for `raw` (trimmed, upper-cased, aliases applied), or undefined when it
 * is no country on the list. `russian federation` → `RUSSIA`, `us` → `UNITED STATES OF AMERICA`.
 */
export function canonicalCountry(raw: string): string | undefined {
  return canonical(raw, COUNTRY_ALIASES, COUNTRY_SET);
}

/** The provider's canonical nationality for `raw`, or undefined. `afghani` → `AFGHAN`. */
export function canonicalNationality(raw: string): string | undefined {
  return canonical(raw, NATIONALITY_ALIASES, NATIONALITY_SET);
}

/** Words kept lower case inside a name (never first, never right after a comma). */
const SMALL_WORDS = new Set(['and', 'of', 'the', 'da', 'de']);

/** Upper-case the first letter of `word`, and the letter after each inner dot (`u.s.` → `U.S.`). */
function capitalise(word: string): string {
  if (word.startsWith("d'") && word.length > 2) return "d'" + capitalise(word.slice(2));
  return word.replace(/(^|\.)(\p{L})/gu, (_match, dot: string, letter: string) => dot + letter.toUpperCase());
}

/**
 * A provider name in title case: `BOSNIA AND HERZEGOVINA` → `Bosnia and Herzegovina`, `CÔTE D'IVOIRE` →
 * `Côte d'Ivoire`, `GUINEA-BISSAU` → `Guinea-Bissau`, `BAHAMAS, THE` → `Bahamas, The` (the sort-friendly
 * inverted form is kept), `U.S. TERRITORY` → `U.S. Territory`.
 */
export function displayName(providerName: string): string {
  // Split into words and separators (spaces, hyphens, parentheses, commas), keeping both.
  const parts = providerName.toLowerCase().split(/([\s\-(),/]+)/u);
  return parts
    .map((part, index) => {
      if (index % 2 === 1 || part === '') return part;
      const separator = parts[index - 1] ?? '';
      const keepSmall = index > 0 && SMALL_WORDS.has(part) && !separator.includes(',') && !separator.includes('(');
      return keepSmall ? part : capitalise(part);
    })
    .join('');
}

/** The language of a BCP 47 tag, or undefined when the tag is not valid. */
function languageOf(locale: string): string | undefined {
  try {
    return new Intl.Locale(locale).language;
  } catch {
    return undefined;
  }
}

/** Choices per locale, computed once: locales come from requests, so the cache is bounded. */
const countryChoicesCache = new Map<string, readonly Readonly<Choice>[]>();
const MAX_CACHED_LOCALES = 50;

function sortedChoices(entries: Choice[], locale: string): readonly Readonly<Choice>[] {
  const collator = new Intl.Collator(locale);
  return Object.freeze(entries.sort((a, b) => collator.compare(a.label, b.label)).map((choice) => Object.freeze(choice)));
}

/**
 * The countries as select-box choices, sorted by label. Without a locale, or for English, the labels are
 * the provider's names in title case (the names the sale's reviewers see); for another valid BCP 47
 * locale they are `Intl.DisplayNames` region names (`de` → `Vereinigte Staaten`). An invalid locale gives
 * the English list.
 */
export function countryChoices(locale?: string): readonly Readonly<Choice>[] {
  const language = locale === undefined ? 'en' : (languageOf(locale) ?? 'en');
  const key = language === 'en' ? 'en' : new Intl.Locale(locale as string).toString();
  const cached = countryChoicesCache.get(key);
  if (cached !== undefined) return cached;
  const names = key === 'en' ? undefined : new Intl.DisplayNames([key], { type: 'region', fallback: 'none' });
  const choices = sortedChoices(
    COUNTRIES.map((country) => {
      const code = countryCode(country);
      const localName = names !== undefined && code !== undefined ? names.of(code) : undefined;
      return { value: country, label: localName ?? displayName(country) };
    }),
    key,
  );
  if (countryChoicesCache.size < MAX_CACHED_LOCALES) countryChoicesCache.set(key, choices);
  return choices;
}

let nationalityChoicesCache: readonly Readonly<Choice>[] | undefined;

/** The nationalities as select-box choices, English labels in title case (`Ivorian`, `I-Kiribati`), sorted. */
export function nationalityChoices(): readonly Readonly<Choice>[] {
  nationalityChoicesCache ??= sortedChoices(
    NATIONALITIES.map((nationality) => ({ value: nationality, label: displayName(nationality) })),
    'en',
  );
  return nationalityChoicesCache;
}

/**
 * The list part of a sale's {@link SaleFieldRules}: every country and nationality of the provider, with
 * the alias maps. A sale narrows them itself (its blocked countries go in `blockedCountries`).
 */
export function providerListRules(): Pick<SaleFieldRules, 'countries' | 'nationalities' | 'countryAliases' | 'nationalityAliases'> {
  return { countries: COUNTRIES, nationalities: NATIONALITIES, countryAliases: COUNTRY_ALIASES, nationalityAliases: NATIONALITY_ALIASES };
}
