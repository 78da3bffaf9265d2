/**
 * HTML that is escaped by default: the review console builds every page with the {@link html} tagged
 * template, so a value interpolated into a page is text unless it is itself a fragment made by `html`.
 * Names, e-mails, file keys and webhook URLs come from clients and investors; none of them can add markup.
 */

/** A fragment of markup that is safe to insert as is (made by {@link html}, never from user data). */
export interface SafeHtml {
  readonly __html: string;
}

/** What may be interpolated: text (escaped), numbers, fragments, lists of those; nullish and false render nothing. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** `text` with `& < > " '` replaced by entities: safe in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

function isSafeHtml(value: unknown): value is SafeHtml {
  return typeof value === 'object' && value !== null && typeof (value as { __html?: unknown }).__html === 'string';
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false || value === true) return '';
  if (typeof value === 'number') return escapeHtml(String(value));
  if (typeof value === 'string') return escapeHtml(value);
  if (isSafeHtml(value)) return value.__html;
  return value.map(render).join('');
}

/**
 * Build markup: the literal parts are kept, every interpolated value is escaped unless it is a
 * {@link SafeHtml} fragment. Attribute values must be quoted in the template (`href="${url}"`).
 *
 * @example html`<td>${user.first_name}</td>` // `<script>` in the name shows as text
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return { __html: out };
}

/** The markup of a fragment, to send as a response body. */
export function toHtmlString(fragment: SafeHtml): string {
  return fragment.__html;
}
