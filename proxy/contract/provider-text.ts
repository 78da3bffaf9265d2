/**
 * How the provider sees a text value before it validates it (upstream §2.9): every string parameter goes
 * through `Sanitize.fragment`, which drops HTML tags and entity-escapes `&`, `<`, `>`, the no-break
 * space and the backtick. So `Tom & Jerry` is length-checked (and stored) as `Tom &amp; Jerry`, and
 * `a<b>c` silently becomes `ac`.
 *
 * Our rules therefore refuse what Sanitize would remove (markup) and count lengths as the provider does,
 * so that a value we accept arrives intact and within the provider's limits.
 *
 * Isomorphic, no dependencies.
 */

/** What Sanitize treats as the start of a tag, and drops with the rest of the tag. */
const MARKUP = /<\/?[a-zA-Z!]/;
/** C0 controls and DEL: never part of a one-line answer, and the provider's sanitiser mangles some. */
const CONTROL = /[\u0000-\u001f\u007f]/;

/** How many characters the entity-escaping adds per escaped character. */
const ESCAPE_GROWTH: Readonly<Record<string, number>> = {
  '&': 4, // &amp;
  '<': 3, // &lt;
  '>': 3, // &gt;
  '\u00a0': 5, // &nbsp;
  '`': 5, // &#x60;
};

/**
 * The length the provider measures: characters (Unicode code points, as Ruby's `String#length`) of the
 * sanitised text. Assumes {@link hasMarkup} is false (tags would be removed, not escaped).
 */
export function providerTextLength(text: string): number {
  let length = 0;
  for (const char of text) length += 1 + (ESCAPE_GROWTH[char] ?? 0);
  return length;
}

/** Whether the provider's sanitiser would remove part of `text` as an HTML tag. */
export function hasMarkup(text: string): boolean {
  return MARKUP.test(text);
}

/** Whether `text` holds a control character (line breaks and tabs included). */
export function hasControlCharacter(text: string): boolean {
  return CONTROL.test(text);
}
