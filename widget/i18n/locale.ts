/**
 * Which language the widget speaks, and its catalog. English is bundled and always at hand; German,
 * Spanish, French, Japanese and Arabic are small ES modules built next to the widget script
 * (`dist/locales/<lang>.js`), imported only when chosen, so they never weigh on the main file.
 */
import en, { dir as englishDirection } from './en.js';
import type { LocaleCatalog, Messages, TextDirection } from './messages.js';
import { applyOverrides } from './overrides.js';
import { widgetFileUrl } from './script-url.js';

/** The locale every other one falls back to. */
export const DEFAULT_LOCALE = 'en';

/** Every locale the widget has a catalog for (BCP 47 language tags). */
export const SUPPORTED_LOCALES = ['en', 'de', 'es', 'fr', 'ja', 'ar'] as const;

/** One of {@link SUPPORTED_LOCALES}. */
export type SupportedLocale = (typeof SUPPORTED_LOCALES)[number];

/** The bundled English catalog, for the first render before any other locale has loaded. */
export const ENGLISH: LocaleCatalog = Object.freeze({ locale: DEFAULT_LOCALE, dir: englishDirection, messages: en });

/** Where a locale may come from, most specific first; blank or invalid tags are skipped. */
export interface LocaleSources {
  /** The element's `locale` attribute. */
  attribute?: string | null | undefined;
  /** The page's language: `document.documentElement.lang` (or the closest `[lang]` of the element). */
  pageLang?: string | null | undefined;
  /** The browser's preferences: `navigator.languages`. */
  browser?: readonly string[] | undefined;
  /** The locales to choose from (the sale's configured `locales` among {@link SUPPORTED_LOCALES}); default: all supported. */
  available?: readonly string[] | undefined;
  /** When nothing matches; default `en`. */
  fallback?: string | undefined;
}

/** A tag in canonical case (`de-CH`, `zh-Hant-TW`), or undefined when it is not a well-formed BCP 47 tag. */
function canonicalTag(tag: string): string | undefined {
  const text = tag.trim().replaceAll('_', '-');
  if (text === '' || text === '*') return undefined;
  try {
    return Intl.getCanonicalLocales(text)[0];
  } catch {
    return undefined;
  }
}

/**
 * RFC 4647 §3.4 lookup: the tag itself, then with its last subtag removed, and so on (`de-CH-1996` →
 * `de-CH` → `de`); a single-letter subtag left at the end goes with the one after it.
 */
function lookup(tag: string, available: readonly string[]): string | undefined {
  let range = canonicalTag(tag);
  while (range !== undefined && range !== '') {
    const wanted = range.toLowerCase();
    const match = available.find((candidate) => candidate.toLowerCase() === wanted);
    if (match !== undefined) return match;
    const cut = range.lastIndexOf('-');
    if (cut === -1) return undefined;
    range = range.slice(0, cut).replace(/-[A-Za-z0-9]$/, '');
  }
  return undefined;
}

/**
 * The locale to use: the first of the element's `locale` attribute, the page's `lang` and the browser's
 * languages (in its order of preference) that matches an available locale by BCP 47 lookup (`de-CH` →
 * `de`), else the fallback (`en`). Returns the tag as spelled in `available`.
 */
export function resolveLocale({ attribute, pageLang, browser = [], available = SUPPORTED_LOCALES, fallback = DEFAULT_LOCALE }: LocaleSources): string {
  for (const tag of [attribute, pageLang, ...browser]) {
    if (typeof tag !== 'string') continue;
    const match = lookup(tag, available);
    if (match !== undefined) return match;
  }
  return fallback;
}

/** How {@link loadMessages} finds the locale files. */
export interface LoadMessagesOptions {
  /**
   * The folder holding `locales/<lang>.js`, ending with `/` (absolute, or relative to the page); default:
   * the folder of the widget's script (`dist/`). Set it when the locale files are served elsewhere (a
   * bundler that copies them, a CDN).
   */
  baseUrl?: string | URL | undefined;
}

/** What a locale file exports. */
interface LocaleModule {
  default?: unknown;
  dir?: unknown;
}

const loading = new Map<string, Promise<LocaleCatalog>>();

/** The catalog a locale file gave, completed from English where it lacks a message (an older file). */
function catalogOf(locale: string, module: LocaleModule): LocaleCatalog {
  if (typeof module.default !== 'object' || module.default === null) throw new Error('the file has no catalog as its default export');
  const messages: Messages = applyOverrides(en, module.default, (problem) => console.warn(`${problem} (locale ${locale})`));
  const dir: TextDirection = module.dir === 'rtl' ? 'rtl' : 'ltr';
  return Object.freeze({ locale, dir, messages });
}

/**
 * The catalog of `locale` (any tag: `de-CH` gives German). English comes from the bundle at once; any
 * other supported locale is imported once from `<baseUrl>/locales/<lang>.js` and cached (several
 * elements share one request). When the file cannot be loaded the answer is English, with a console
 * warning; the failure is not cached, so a later call tries again.
 */
export function loadMessages(locale: string, options: LoadMessagesOptions = {}): Promise<LocaleCatalog> {
  const supported = lookup(locale, SUPPORTED_LOCALES);
  if (supported === undefined || supported === DEFAULT_LOCALE) return Promise.resolve(ENGLISH);
  let url: string;
  try {
    url = widgetFileUrl(`locales/${supported}.js`, options.baseUrl);
  } catch (error) {
    console.warn(`kyc-onboarding: showing English: the ${supported} strings cannot be loaded (${(error as Error).message}).`);
    return Promise.resolve(ENGLISH);
  }
  const cached = loading.get(url);
  if (cached !== undefined) return cached;
  // A computed URL: bundlers must leave this import to the browser instead of resolving it at build time.
  const promise = (import(/* webpackIgnore: true */ /* @vite-ignore */ url) as Promise<LocaleModule>)
    .then((module) => catalogOf(supported, module))
    .catch((error: unknown) => {
      loading.delete(url);
      console.warn(`kyc-onboarding: showing English: the ${supported} strings could not be loaded from ${url} (${error instanceof Error ? error.message : String(error)}).`);
      return ENGLISH;
    });
  loading.set(url, promise);
  return promise;
}
