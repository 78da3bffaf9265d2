/**
 * How a typed country or nationality becomes the provider's canonical name: the provider strips,
 * upper-cases and looks the result up in its alias map (upstream §2.4). We do the same, and also
 * straighten curly apostrophes first (`CÔTE D’IVOIRE`, as phones and `Intl` write it), which is safe
 * because the canonical name is what we send.
 *
 * Isomorphic, no dependencies; the alias maps and lists are passed in (they live on the proxy side).
 */

/** The lookup key of a typed name: trimmed, upper case, straight apostrophes. */
export function nameLookupKey(raw: string): string {
  return raw.trim().toUpperCase().replace(/[\u2018\u2019]/g, "'");
}

/**
 * The canonical name for `raw`: its alias target when `aliases` has one, else the key itself. Whether
 * that name is on a list is the caller's question.
 */
export function canonicalName(raw: string, aliases: Readonly<Record<string, string>> | undefined): string {
  const key = nameLookupKey(raw);
  return aliases !== undefined && Object.hasOwn(aliases, key) ? (aliases[key] as string) : key;
}
