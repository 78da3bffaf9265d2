import { css } from 'lit';

/**
 * The element's own frame around the steps: the sale's name and the progress indicator, the loading
 * line, the code entry and the resend row.
 */
export const elementStyles = css`
  .header {
    display: grid;
    gap: 0.375em;
    margin-bottom: var(--_space);
  }
  .title {
    margin: 0;
    font-weight: 600;
    color: var(--_muted);
    font-size: 0.9375em;
  }
  .progress {
    display: grid;
    gap: 0.25em;
    font-size: 0.875em;
    color: var(--_muted);
  }
  .loading {
    color: var(--_muted);
  }
  input.code {
    font-size: 1.375em;
    letter-spacing: 0.25em;
    font-variant-numeric: tabular-nums;
    max-inline-size: 12em;
  }
  .resend {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.25em 0.75em;
  }
  .resend .hint {
    flex-basis: 100%;
    margin: 0;
  }
  .failure {
    border-inline-start-color: var(--_danger);
  }
`;
