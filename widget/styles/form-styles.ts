import { css } from 'lit';

/**
 * Native form controls, styled: large touch targets (≥ 44 px), labels above fields, descriptions and
 * errors tied to their fields, a visible error state that does not rely on colour alone.
 */
export const formStyles = css`
  .panel {
    padding: calc(var(--_space) * 1.25);
    max-width: 40em;
    margin-inline: auto;
  }
  h2 {
    font-size: 1.375em;
    line-height: 1.25;
    margin: 0 0 0.5em;
  }
  h2:focus {
    outline: none;
  }
  h2:focus-visible {
    outline: 3px solid var(--_focus);
  }
  h3 {
    font-size: 1.0625em;
    margin: 1.25em 0 0.5em;
  }
  p {
    margin: 0 0 var(--_space);
  }
  .hint,
  .description {
    color: var(--_muted);
    font-size: 0.9375em;
  }
  form {
    display: grid;
    gap: var(--_space);
  }
  .field {
    display: grid;
    gap: 0.375em;
  }
  .row {
    display: grid;
    gap: var(--_space);
    grid-template-columns: repeat(auto-fit, minmax(11em, 1fr));
  }
  label,
  legend {
    font-weight: 600;
  }
  .optional {
    font-weight: 400;
    color: var(--_muted);
  }
  fieldset {
    border: 0;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.5em;
  }
  /* Browsers pad a legend by 2px on each side: without this it sits off the labels' edge. */
  legend {
    padding: 0;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: var(--_text);
    background: var(--_background);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.75);
    min-height: 2.75em;
    padding: 0.5em 0.75em;
    width: 100%;
  }
  input[type='checkbox'],
  input[type='radio'] {
    width: 1.25em;
    height: 1.25em;
    min-height: 0;
    margin: 0.125em 0;
    accent-color: var(--_accent);
  }
  .choice {
    display: flex;
    gap: 0.625em;
    align-items: flex-start;
    min-height: 2.75em;
    font-weight: 400;
  }
  [aria-invalid='true'] {
    border-color: var(--_danger);
    border-width: 2px;
  }
  .error {
    color: var(--_danger);
    font-weight: 600;
    display: flex;
    gap: 0.375em;
  }
  .error::before {
    content: '!';
    display: inline-grid;
    place-items: center;
    inline-size: 1.25em;
    block-size: 1.25em;
    border-radius: 50%;
    background: var(--_danger);
    color: var(--_background);
    font-size: 0.8em;
    flex: none;
    margin-top: 0.15em;
  }
  .error-summary {
    border: 2px solid var(--_danger);
    border-radius: var(--_radius);
    padding: var(--_space);
  }
  .error-summary ul {
    margin: 0.5em 0 0;
    padding-inline-start: 1.25em;
  }
  .notice {
    border-inline-start: 4px solid var(--_warning);
    background: var(--_surface);
    padding: 0.75em var(--_space);
    border-radius: calc(var(--_radius) * 0.5);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75em;
    align-items: center;
    justify-content: space-between;
    margin-top: 0.5em;
  }
  button,
  .button {
    font: inherit;
    font-weight: 600;
    min-height: 2.75em;
    min-width: 2.75em;
    padding: 0.5em 1.25em;
    border-radius: calc(var(--_radius) * 0.75);
    border: 2px solid var(--_accent);
    cursor: pointer;
    background: var(--_accent);
    color: var(--_accent-text);
  }
  button.secondary {
    background: transparent;
    color: var(--_accent);
  }
  button.link {
    background: none;
    border: 0;
    padding: 0.25em;
    color: var(--_accent);
    text-decoration: underline;
    min-height: 2.75em;
  }
  button[disabled],
  button[aria-disabled='true'] {
    opacity: 0.6;
    cursor: not-allowed;
  }
  progress {
    inline-size: 100%;
    block-size: 0.5em;
    accent-color: var(--_accent);
  }
  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
