/**
 * The page that says why a request was not done (an action that does not apply, bad input, an unknown
 * case, a refused form), with a way back.
 */
import { html, type SafeHtml } from '../html.js';
import { layout } from './layout.js';

/** Titles by status, for people. */
const TITLES: Record<number, string> = {
  400: 'That request is not valid',
  403: 'Refused',
  404: 'Not found',
  409: 'That action does not apply',
  415: 'Unsupported request',
  500: 'Something went wrong',
};

/** The HTML of a refusal: `message` shown as text, and a link to `back`. */
export function messagePage(status: number, message: string, back: { href: string; label: string } = { href: '/console/', label: 'Back to the cases' }): SafeHtml {
  return layout({
    title: TITLES[status] ?? 'Not done',
    section: undefined,
    notice: { kind: 'error', text: message },
    body: html`<p><a href="${back.href}">${back.label}</a></p>`,
  });
}
