import { css } from 'lit';

/**
 * The widget's look, driven by `--kyc-*` custom properties a sale may set on the element (they inherit
 * through the shadow boundary; nothing else of the page's CSS reaches the form, see `.panel` below). Light and dark come from `color-scheme` and `light-dark()`: the `theme` attribute pins one,
 * otherwise the investor's `prefers-color-scheme` decides. Colours meet WCAG 2.2 AA contrast in both.
 */
export const themeStyles = css`
  :host {
    all: initial;
    display: block;
    --_font: var(--kyc-font, system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif);
    /* For what is read character by character (addresses, the message a wallet signs): 0 and O, 1 and l differ. */
    --_mono: ui-monospace, 'SF Mono', Menlo, Consolas, 'Liberation Mono', monospace;
    --_text: var(--kyc-color-text, light-dark(#1b1f24, #e8eaed));
    --_muted: var(--kyc-color-muted, light-dark(#4f5660, #b4b9c0));
    --_background: var(--kyc-color-background, light-dark(#ffffff, #16181c));
    --_surface: var(--kyc-color-surface, light-dark(#f4f5f7, #22252b));
    --_border: var(--kyc-color-border, light-dark(#8a9099, #6b717a));
    --_accent: var(--kyc-color-accent, light-dark(#1b5fd1, #7fb0ff));
    --_accent-text: var(--kyc-color-accent-text, light-dark(#ffffff, #0b1a33));
    --_danger: var(--kyc-color-danger, light-dark(#b3261e, #ffb4ab));
    --_success: var(--kyc-color-success, light-dark(#1e7b34, #8fdc9e));
    --_warning: var(--kyc-color-warning, light-dark(#8a5a00, #f3c872));
    --_focus: var(--kyc-color-focus, light-dark(#1b5fd1, #a8c8ff));
    --_radius: var(--kyc-radius, 0.5em);
    --_space: var(--kyc-spacing, 1em);
  }
  /*
   * Everything drawn sits in .panel, reset here rather than on the host: a page's rules on the
   * <kyc-onboarding> tag itself (even \`* { all: unset }\` or \`!important\`) beat :host, and would flow in
   * by inheritance. Inside the shadow root no page rule applies, so this reset holds. Sizes are em, not
   * rem (a page's \`html { font-size: 62.5% }\` must not shrink the form); \`medium\` is the investor's own
   * default text size.
   */
  .panel {
    all: initial;
    display: block;
    color-scheme: light dark;
    font-family: var(--_font);
    font-size: var(--kyc-font-size, medium);
    line-height: 1.5;
    color: var(--_text);
    background: var(--_background);
    border-radius: var(--_radius);
    text-align: start;
    unicode-bidi: isolate;
    -webkit-text-size-adjust: 100%;
  }
  .panel[dir='rtl'] {
    direction: rtl;
  }
  :host([theme='light']) .panel {
    color-scheme: light;
  }
  :host([theme='dark']) .panel {
    color-scheme: dark;
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  :focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      animation: none !important;
      transition: none !important;
      scroll-behavior: auto !important;
    }
  }
`;
