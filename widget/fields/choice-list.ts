/**
 * A searchable list for the country of residence and the nationality: an editable combobox with list
 * autocomplete and manual selection (WAI-ARIA Authoring Practices), because a native `<select>` of 240
 * names cannot be searched on a phone. The input shows the chosen option's display name; the answer
 * recorded is its canonical value, which is what the shared rules check and the provider reads.
 *
 * Searching ignores case and accents (`cote` finds Côte d'Ivoire) and looks at the display name and the
 * canonical name (`germ` finds Deutschland in German); names starting with the query come first, then
 * names with a word starting with it, then the rest.
 *
 * Text typed and left without choosing stays visible and is recorded as typed, so the field shows what
 * is checked: a text that is exactly an option's name selects it, anything else gets the shared rule's
 * error (`unknown_country`, `unknown_nationality`) rather than silently keeping an older choice.
 *
 * Keys: typing opens the list; ArrowDown/ArrowUp open it or move through it (wrapping); Home/End go to
 * the first/last option while one is active (else they move the caret); Enter or Tab take the active
 * option; Escape closes the list, and pressed again undoes the text typed since the last choice.
 */
import { css, html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import type { Choice } from '../api/proxy-types.js';
import type { StepHost } from '../flow/step-host.js';
import { format } from '../i18n/format.js';
import { describedBy, fieldLabelContent, renderFieldError } from './text-field.js';

/** The fields answered from a list. */
export type ChoiceField = 'country' | 'nationality';

/** How a choice list is drawn. */
export interface ChoiceListOptions<C extends Choice> {
  /** The options, in the order to show them (the sale configuration's lists are sorted by display name). */
  choices: readonly C[];
  hint?: string;
  /** A short tag shown in the option after its name (a blocked country's "not accepted"). */
  tagOf?: (choice: C) => string | undefined;
  /** What to tell the investor once `choice` is chosen (shown under the field and announced). */
  noticeOf?: (choice: C) => string | undefined;
}

/** How long typing must pause before the number of results is announced, ms. */
const ANNOUNCE_DELAY_MS = 400;

/** Folded for searching: no accents or case, punctuation as single spaces (`Korea, North` → `korea north`). */
function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The folded names of each option, per options list (computed once per list the proxy sent). */
const foldedNames = new WeakMap<readonly Choice[], { label: string; value: string }[]>();

function foldedNamesOf(choices: readonly Choice[]): { label: string; value: string }[] {
  let names = foldedNames.get(choices);
  if (names === undefined) {
    names = choices.map((choice) => ({ label: fold(choice.label), value: fold(choice.value) }));
    foldedNames.set(choices, names);
  }
  return names;
}

/** 0: the name starts with the query; 1: a word of it does; 2: it holds it elsewhere; -1: no match. */
function matchRank(name: string, query: string): number {
  if (name.startsWith(query)) return 0;
  if (name.includes(` ${query}`)) return 1;
  return name.includes(query) ? 2 : -1;
}

/** The positions in `choices` of the options matching `query`, best first (see {@link matchChoices}). */
function matchIndexes(choices: readonly Choice[], query: string): number[] {
  const folded = fold(query);
  if (folded === '') return choices.map((_, index) => index);
  const groups: number[][] = [[], [], []];
  foldedNamesOf(choices).forEach((name, index) => {
    const ranks = [matchRank(name.label, folded), matchRank(name.value, folded)].filter((rank) => rank >= 0);
    if (ranks.length > 0) groups[Math.min(...ranks)]?.push(index);
  });
  return groups.flat();
}

/**
 * The options matching `query`, best first: by display name or canonical value, ignoring case, accents
 * and punctuation; names starting with the query, then names with a word starting with it, then the
 * rest, each group in list order. An empty query matches every option.
 */
export function matchChoices<C extends Choice>(choices: readonly C[], query: string): C[] {
  return matchIndexes(choices, query).map((index) => choices[index] as C);
}

/** The option whose display name or canonical value is `text` (ignoring case, accents and punctuation). */
function exactChoice<C extends Choice>(choices: readonly C[], text: string): C | undefined {
  const folded = fold(text);
  if (folded === '') return undefined;
  const names = foldedNamesOf(choices);
  const index = names.findIndex((name) => name.label === folded || name.value === folded);
  return index === -1 ? undefined : choices[index];
}

/** The state of one field's list on one element: what is typed, whether the list is open, the active option. */
class ChoiceListState implements ReactiveController {
  /** The text being typed since the last choice; undefined when the input shows the recorded answer. */
  query: string | undefined;
  open = false;
  /** Index in the current matches of the option with visual focus, or -1 (focus stays in the text). */
  active = -1;
  /** The answer when typing started, for Escape to restore. */
  before = '';
  readonly #element: ReactiveControllerHost & HTMLElement;
  readonly #field: ChoiceField;
  #announceTimer: ReturnType<typeof setTimeout> | undefined;
  /** The option last scrolled into view, so a redraw for another reason does not scroll the list. */
  #scrolledTo: string | undefined;

  constructor(element: ReactiveControllerHost & HTMLElement, field: ChoiceField) {
    this.#element = element;
    this.#field = field;
  }

  /** Announce (politely, once typing pauses) what `text()` says then. */
  announceLater(host: StepHost, text: () => string): void {
    clearTimeout(this.#announceTimer);
    this.#announceTimer = setTimeout(() => host.announce(text()), ANNOUNCE_DELAY_MS);
  }

  hostDisconnected(): void {
    clearTimeout(this.#announceTimer);
    this.open = false;
    this.active = -1;
  }

  hostUpdated(): void {
    const root = this.#element.shadowRoot;
    const id = this.open && this.active >= 0 ? root?.querySelector(`#${this.#field}-listbox [aria-selected="true"]`)?.id : undefined;
    if (id === this.#scrolledTo) return;
    this.#scrolledTo = id;
    const list = root?.getElementById(`${this.#field}-listbox`);
    const option = id === undefined ? null : root?.getElementById(id);
    if (!list || !option) return;
    // Scrolls the list only: `scrollIntoView` would scroll every scrolling ancestor, the page included.
    const top = option.offsetTop;
    const bottom = top + option.offsetHeight;
    if (top < list.scrollTop) list.scrollTop = top;
    else if (bottom > list.scrollTop + list.clientHeight) list.scrollTop = bottom - list.clientHeight;
  }
}

/** One state per element and field, attached to the element as a controller the first time it is drawn. */
const states = new WeakMap<HTMLElement, Map<ChoiceField, ChoiceListState>>();

function stateOf(host: StepHost, field: ChoiceField): ChoiceListState {
  let byField = states.get(host.element);
  if (byField === undefined) {
    byField = new Map();
    states.set(host.element, byField);
  }
  let state = byField.get(field);
  if (state === undefined) {
    state = new ChoiceListState(host.element, field);
    byField.set(field, state);
    host.element.addController(state);
  }
  return state;
}

/** Draw the searchable list `field`. */
export function renderChoiceList<C extends Choice>(host: StepHost, field: ChoiceField, options: ChoiceListOptions<C>): TemplateResult {
  const { messages, locale } = host;
  const { choices, hint } = options;
  const state = stateOf(host, field);
  const answer = host.answer(field);
  const chosen = choices.find((choice) => choice.value === answer);
  // Positions in `choices`: an option's id is `<field>-option-<position>`.
  const matches = state.open ? matchIndexes(choices, state.query ?? '') : [];
  const expanded = state.open && matches.length > 0;
  const activeIndex = expanded ? matches[state.active] : undefined;
  const activeChoice = activeIndex === undefined ? undefined : choices[activeIndex];
  const optionId = (index: number): string => `${field}-option-${index}`;
  const error = host.fieldError(field);
  const notice = chosen === undefined ? undefined : options.noticeOf?.(chosen);
  const noMatch = state.open && matches.length === 0;
  const descriptions = [describedBy(field, hint !== undefined, false), noMatch ? `${field}-no-match` : '', notice === undefined ? '' : `${field}-notice`, error === undefined ? '' : `${field}-error`];

  const redraw = (): void => host.element.requestUpdate();
  const announceResults = (): void =>
    state.announceLater(host, () => {
      const count = matchIndexes(choices, state.query ?? '').length;
      return count === 0 ? format(messages.common.noMatch, { query: state.query ?? '' }, locale) : format(messages.common.resultCount, { count }, locale);
    });
  const openList = (active: number): void => {
    state.open = true;
    state.active = active;
    announceResults();
    redraw();
  };
  const choose = (choice: C): void => {
    state.query = undefined;
    state.open = false;
    state.active = -1;
    host.setAnswer(field, choice.value);
    host.checkField(field);
    const chosenNotice = options.noticeOf?.(choice);
    if (chosenNotice !== undefined) host.announce(chosenNotice);
  };
  /** Leave the typed text: an exact name selects its option, anything else stays as typed, to be checked. */
  const settle = (): void => {
    state.open = false;
    state.active = -1;
    if (state.query !== undefined) {
      const exact = exactChoice(choices, state.query);
      state.query = undefined;
      if (exact !== undefined) return choose(exact);
    }
    host.checkField(field);
  };

  const onKeydown = (event: KeyboardEvent): void => {
    // Keys that confirm an input method's conversion (Enter in Japanese) are the IME's, not the list's.
    if (event.isComposing) return;
    const count = matches.length;
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        if (!state.open) openList(event.altKey ? -1 : Math.max(0, matchIndexes(choices, state.query ?? '').findIndex((index) => choices[index] === chosen)));
        else if (count > 0) {
          state.active = (state.active + 1) % count;
          redraw();
        }
        return;
      case 'ArrowUp':
        event.preventDefault();
        if (!state.open) openList(matchIndexes(choices, state.query ?? '').length - 1);
        else if (count > 0) {
          state.active = state.active <= 0 ? count - 1 : state.active - 1;
          redraw();
        }
        return;
      case 'Home':
      case 'End':
        if (activeChoice === undefined) return;
        event.preventDefault();
        state.active = event.key === 'Home' ? 0 : count - 1;
        redraw();
        return;
      case 'ArrowLeft':
      case 'ArrowRight':
        // Back to editing the text: the caret moves as usual.
        if (state.active !== -1) {
          state.active = -1;
          redraw();
        }
        return;
      case 'Enter':
        // Closed, Enter submits the step as in any other field; open, it only picks.
        if (!state.open) return;
        event.preventDefault();
        if (activeChoice !== undefined) choose(activeChoice);
        else settle();
        return;
      case 'Tab':
        if (activeChoice !== undefined) choose(activeChoice);
        return;
      case 'Escape':
        if (state.open) {
          event.preventDefault();
          state.open = false;
          state.active = -1;
          redraw();
        } else if (state.query !== undefined) {
          event.preventDefault();
          state.query = undefined;
          host.setAnswer(field, state.before);
        }
        return;
    }
  };

  return html`<div class="field choice-list" part="field">
    <label id="${field}-label" for=${field}>${fieldLabelContent(host, field)}</label>
    ${hint === undefined ? nothing : html`<p class="hint" id="${field}-hint">${hint}</p>`}
    <div class="combobox">
      <input
        id=${field}
        name=${field}
        type="text"
        part="input"
        role="combobox"
        autocomplete="off"
        spellcheck="false"
        aria-autocomplete="list"
        aria-controls="${field}-listbox"
        aria-expanded=${expanded ? 'true' : 'false'}
        aria-activedescendant=${ifDefined(activeIndex === undefined ? undefined : optionId(activeIndex))}
        placeholder=${messages.common.searchPlaceholder}
        .value=${live(state.query ?? chosen?.label ?? answer)}
        ?required=${host.isRequired(field)}
        aria-required=${host.isRequired(field) ? 'true' : 'false'}
        aria-invalid=${error === undefined ? 'false' : 'true'}
        aria-describedby=${ifDefined(descriptions.filter(Boolean).join(' ') || undefined)}
        @input=${(event: InputEvent) => {
          const text = (event.target as HTMLInputElement).value;
          if (state.query === undefined) state.before = answer;
          state.query = text;
          // Recorded as typed, so what is checked is what is shown (see the module comment).
          host.setAnswer(field, text);
          openList(-1);
        }}
        @keydown=${onKeydown}
        @click=${() => {
          if (!state.open) openList(-1);
        }}
        @blur=${settle}
      />
      <ul
        id="${field}-listbox"
        role="listbox"
        aria-labelledby="${field}-label"
        ?hidden=${!expanded}
        @mousedown=${(event: MouseEvent) => {
          // Keeps the focus in the input, so its blur does not close the list before the click lands.
          event.preventDefault();
        }}
        @click=${(event: MouseEvent) => {
          const option = (event.target as Element).closest('[role="option"]');
          const choice = option === null ? undefined : choices[Number(option.id.slice(`${field}-option-`.length))];
          if (choice !== undefined) choose(choice);
        }}
      >
        ${expanded
          ? matches.map((index, position) => {
              const choice = choices[index] as C;
              const tag = options.tagOf?.(choice);
              return html`<li
                id=${optionId(index)}
                role="option"
                class=${choice === chosen ? 'chosen' : ''}
                aria-selected=${position === state.active ? 'true' : 'false'}
              >${choice.label}${tag === undefined ? nothing : html` <span class="tag">${tag}</span>`}</li>`;
            })
          : nothing}
      </ul>
    </div>
    ${noMatch ? html`<p class="hint" id="${field}-no-match">${format(messages.common.noMatch, { query: state.query ?? '' }, locale)}</p>` : nothing}
    ${notice === undefined ? nothing : html`<p class="notice" id="${field}-notice">${notice}</p>`} ${renderFieldError(field, error)}
  </div>`;
}

/** The list under the input: over the content below, scrolling within itself, options ≥ 44 px tall. */
export const choiceListStyles = css`
  .combobox {
    position: relative;
  }
  .combobox input::placeholder {
    color: var(--_muted);
    opacity: 1;
  }
  [role='listbox'] {
    position: absolute;
    inset-inline: 0;
    inset-block-start: calc(100% + 0.25em);
    z-index: 2;
    margin: 0;
    padding: 0.25em 0;
    list-style: none;
    max-block-size: min(18em, 60vh);
    overflow-y: auto;
    overscroll-behavior: contain;
    background: var(--_background);
    color: var(--_text);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.75);
    box-shadow: 0 0.5em 1.5em rgb(0 0 0 / 0.2);
  }
  [role='option'] {
    min-block-size: 2.75em;
    padding: 0.625em 0.75em;
    cursor: pointer;
    overflow-wrap: anywhere;
  }
  [role='option'][aria-selected='true'] {
    background: var(--_accent);
    color: var(--_accent-text);
    outline: 2px solid var(--_focus);
    outline-offset: -2px;
  }
  [role='option'].chosen {
    font-weight: 600;
  }
  [role='option'].chosen::before {
    content: '✓ ' / '';
  }
  @media (hover: hover) {
    [role='option']:hover:not([aria-selected='true']) {
      background: var(--_surface);
    }
  }
  .tag {
    display: inline-block;
    font-size: 0.875em;
    font-weight: 400;
    padding: 0 0.375em;
    border: 1px solid currentColor;
    border-radius: calc(var(--_radius) * 0.5);
  }
`;
