/**
 * The frame of every console page: document head (the stylesheet is the only resource), a skip link,
 * the navigation, a one-line reminder that the console has no login, an optional notice, and the content.
 */
import { html, type SafeHtml } from '../html.js';

/** A message shown at the top of a page: the outcome of the last action, or why it was refused. */
export interface Notice {
  kind: 'success' | 'error';
  text: string;
}

/** Which navigation entry is current. */
export type Section = 'cases' | 'deliveries' | 'webhooks';

/** What a page is made of. */
export interface PageParts {
  /** The page's own title (also its `<h1>`). */
  title: string;
  section: Section | undefined;
  body: SafeHtml;
  notice?: Notice | undefined;
}

const NAV: readonly { section: Section; href: string; label: string }[] = [
  { section: 'cases', href: '/console/', label: 'Cases' },
  { section: 'deliveries', href: '/console/deliveries', label: 'Webhook delivery log' },
  { section: 'webhooks', href: '/console/webhooks', label: 'Test webhooks' },
];

/** A whole HTML document around `parts.body`. */
export function layout(parts: PageParts): SafeHtml {
  const notice = parts.notice;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${parts.title} · KYC sandbox review console</title>
<link rel="icon" href="/console/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/console/style.css">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<p class="brand">KYC sandbox · review console</p>
<nav aria-label="Console">
<ul>
${NAV.map(
  (item) => html`<li><a href="${item.href}"${item.section === parts.section ? html` aria-current="page"` : ''}>${item.label}</a></li>
`,
)}</ul>
</nav>
<p class="warning">Local developer tool: no login. Keep it on 127.0.0.1; never expose it to a network.</p>
</header>
<main id="main">
<h1>${parts.title}</h1>
${notice ? html`<p class="notice notice-${notice.kind}" role="${notice.kind === 'error' ? 'alert' : 'status'}">${notice.text}</p>` : ''}
${parts.body}
</main>
</body>
</html>
`;
}

/**
 * A table too wide for a phone, in a region that scrolls sideways instead of the page. The region is
 * named and takes the keyboard focus, so it can be scrolled with the arrow keys (WCAG 2.1.1).
 */
export function wideTable(label: string, table: SafeHtml): SafeHtml {
  return html`<div class="wide-table" role="region" aria-label="${label}" tabindex="0">${table}</div>`;
}

/** The `<input type="hidden">` carrying the anti-CSRF token, for every form that POSTs. */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${token}">`;
}

/** A date for people: `2026-01-01 12:00:00 UTC` from ms since the epoch (or unix seconds when `seconds`). */
export function formatTime(value: number | null | undefined, unit: 'ms' | 's' = 'ms'): string {
  if (value === null || value === undefined) return '—';
  const date = new Date(unit === 's' ? value * 1000 : value);
  return Number.isNaN(date.getTime()) ? '—' : date.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}
