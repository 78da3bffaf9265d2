/**
 * What an accessibility check reads in the page: axe-core's verdict on the widget, and where the keyboard
 * focus is (inside the element's shadow root) with the focus indicator it shows.
 */
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** axe-core's browser build, as published. */
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** The WCAG rule sets the widget must pass: 2.0, 2.1 and 2.2, levels A and AA. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] as const;

/** One axe violation, reduced to what a person needs to find and fix it. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown; summary: string }[];
}

/**
 * Add axe-core to the page with a `<script>` element. The demo site's CSP refuses injected scripts, so the
 * page must be in a context opened with `bypassCSP: true`.
 */
export async function injectAxe(page: Page): Promise<void> {
  await page.addScriptTag({ path: AXE_PATH });
}

/** The browser globals the in-page checks use (this tsconfig has no DOM types). */
interface AxeGlobals {
  document: { querySelector(selector: string): unknown };
  axe: {
    run(context: unknown, options: { runOnly: { type: 'tag'; values: readonly string[] } }): Promise<{
      violations: { id: string; impact: string | null; help: string; nodes: { target: unknown; failureSummary?: string }[] }[];
    }>;
  };
}

/**
 * Run axe (after {@link injectAxe}) on the `<kyc-onboarding>` element, its shadow tree included, or on
 * the whole page (`scope: 'page'`: the sale's own markup around the widget as well).
 */
export async function axeViolations(page: Page, scope: 'widget' | 'page' = 'widget'): Promise<AxeViolation[]> {
  return page.evaluate(async ({ tags, wholePage }) => {
    const browser = globalThis as unknown as AxeGlobals;
    const context = wholePage ? browser.document : browser.document.querySelector('kyc-onboarding');
    const result = await browser.axe.run(context, { runOnly: { type: 'tag', values: tags } });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({ target: node.target, summary: node.failureSummary ?? '' })),
    }));
  }, { tags: WCAG_TAGS, wholePage: scope === 'page' });
}

/** Violations as readable lines, for an assertion message. */
export function describeViolations(violations: readonly AxeViolation[]): string {
  return violations
    .map((violation) => `${violation.id} (${violation.impact ?? 'n/a'}): ${violation.help}\n${violation.nodes.map((node) => `  at ${JSON.stringify(node.target)}: ${node.summary}`).join('\n')}`)
    .join('\n');
}

/** The focused control, found through open shadow roots, and the focus indicator it shows. */
export interface FocusedControl {
  /** `id` of the focused element ('' when it has none). */
  id: string;
  /** Its `name` attribute ('' when it has none): radio buttons have no id. */
  name: string;
  /** Its text, trimmed (a button's label). */
  text: string;
  /** `tag#id` or `tag.class`, for messages. */
  description: string;
  /** Whether it is inside the `<kyc-onboarding>` element. */
  inWidget: boolean;
  /** Whether it matches `:focus-visible` (the browser would show a focus indicator for it). */
  focusVisible: boolean;
  /**
   * The focus indicator drawn: an outline (or box shadow) on the control itself, or, for a visually
   * hidden file input, on the label drawn as its button; '' when there is none.
   */
  indicator: string;
}

/** Minimal element shape used in the page (this tsconfig has no DOM types). */
interface FocusElement {
  id: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  tagName: string;
  className: string;
  shadowRoot: { activeElement: FocusElement | null } | null;
  nextElementSibling: FocusElement | null;
  htmlFor?: string;
  matches(selector: string): boolean;
  closest(selector: string): unknown;
  getRootNode(): { host?: FocusElement };
}

/** Where the keyboard focus is now, through the open shadow roots. */
export async function focusedControl(page: Page): Promise<FocusedControl> {
  return page.evaluate(() => {
    const browser = globalThis as unknown as {
      document: { activeElement: FocusElement | null };
      getComputedStyle(element: FocusElement): { outlineStyle: string; outlineWidth: string; boxShadow: string; clip: string; width: string };
    };
    let element = browser.document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    if (element === null) return { id: '', name: '', text: '', description: 'nothing', inWidget: false, focusVisible: false, indicator: '' };
    // A visually hidden file input shows its focus on the label drawn as its button, right after it.
    // (No named functions in here: tsx would wrap them in a helper the page does not have.)
    const label = element.nextElementSibling;
    const candidates = label !== null && label.tagName === 'LABEL' && label.htmlFor === element.id ? [element, label] : [element];
    let indicator = '';
    for (const candidate of candidates) {
      const style = browser.getComputedStyle(candidate);
      if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) indicator = `outline ${style.outlineWidth} ${style.outlineStyle}`;
      else if (style.boxShadow !== 'none') indicator = `box-shadow ${style.boxShadow}`;
      if (indicator !== '') break;
    }
    const host = element.getRootNode().host;
    return {
      id: element.id,
      name: element.getAttribute('name') ?? '',
      text: (element.textContent ?? '').replace(/\s+/g, ' ').trim(),
      description: `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : element.className ? `.${element.className.split(' ')[0]}` : ''}`,
      inWidget: host !== undefined && host.tagName === 'KYC-ONBOARDING',
      focusVisible: element.matches(':focus-visible'),
      indicator,
    };
  });
}
