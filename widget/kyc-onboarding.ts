import { LitElement, html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { ApiError, CLIENT_ERROR_CODES, isApiError } from './api/api-error.js';
import { createProxyClient, type ProxyClient } from './api/proxy-client.js';
import type { FileField, InvestorStatus, SaleConfig, UploadContentType, WidgetSession } from './api/proxy-types.js';
import { createSessionKeeper, type HostToken, type SessionKeeper } from './api/session-keeper.js';
import { openStatusStream, type StatusStream, type StatusStreamState } from './api/status-stream.js';
import { createDraftStore, type DraftStore } from './draft/draft-store.js';
import { dispatchKycEvent, type KycEventMap } from './events.js';
import { renderErrorSummary } from './flow/error-summary.js';
import { formSteps, isFormStep, stepOfField, stepProgress, type FormStepId, type StepId } from './flow/journey-steps.js';
import { KycForm } from './flow/kyc-form.js';
import { prefillFromSubmission } from './flow/previous-answers.js';
import { errorText, fieldErrorText, fieldLabel, type FieldProblem } from './i18n/error-text.js';
import { format, formatList } from './i18n/format.js';
import { ENGLISH, SUPPORTED_LOCALES, loadMessages, resolveLocale } from './i18n/locale.js';
import type { LocaleCatalog, Messages } from './i18n/messages.js';
import { applyOverrides, type MessageOverrides } from './i18n/overrides.js';
import { isEmailAddress } from '../proxy/contract/email-address.js';
import { isKycField } from '../proxy/contract/kyc-fields.js';
import { renderCodeStep } from './steps/code-step.js';
import { renderEmailStep } from './steps/email-step.js';
import { renderStepContent, stepStyles } from './steps/form-step-content.js';
import { renderStatusStep } from './steps/status-step.js';
import { ethereumAddressRefusal } from './fields/ethereum-field.js';
import { createWalletHost, walletProofProblem, type WalletHost } from './wallet/wallet-proof.js';
import { formStyles } from './styles/form-styles.js';
import { themeStyles } from './styles/theme.js';
import { elementStyles } from './styles/element-styles.js';

/** What the element is doing before it can show a step. */
type Phase = 'idle' | 'loading' | 'not-configured' | 'load-failed' | 'ready';

/** The first of `tags` in `language` that Intl knows (`en-GB` for `en`), for dates and numbers. */
function regionalTag(tags: readonly (string | null | undefined)[], language: string): string | undefined {
  // A tag with a region first: a page's bare `lang="en"` says nothing of how the investor writes dates.
  const withRegion = tags.filter((tag) => typeof tag === 'string' && /[-_]/.test(tag));
  for (const tag of [...withRegion, ...tags]) {
    if (typeof tag !== 'string' || tag.toLowerCase().split(/[-_]/)[0] !== language) continue;
    try {
      const [known] = Intl.DateTimeFormat.supportedLocalesOf(tag);
      if (known !== undefined) return known;
    } catch {
      // Not a well-formed tag: try the next.
    }
  }
  return undefined;
}

/** States after which nothing changes any more. */
const FINAL_STATES = new Set(['approved', 'denied']);

/** How long a message in the live region stays before it is cleared (so the same text can be said again). */
const ANNOUNCEMENT_MS = 5000;

/**
 * `<kyc-onboarding>`: the investor's KYC journey, embedded by a token-sale page with one script tag.
 *
 * ```html
 * <script src="https://kyc.sale.example/kyc-onboarding.js"></script>
 * <kyc-onboarding proxy="https://kyc.sale.example" sale="acme"></kyc-onboarding>
 * ```
 *
 * The investor confirms their email with a one-time code (or the sale hands over a token it issued
 * through the proxy), fills the KYC form in short steps, uploads the files straight to S3, reviews and
 * submits, then follows the status live. Every answer is kept in the tab's session storage as it is
 * typed (never a token, never a file's bytes), so a reload, an expired session or a provider error loses
 * nothing.
 *
 * @attr proxy - base URL of the integrator's KYC proxy, e.g. `https://kyc.sale.example`.
 * @attr sale - the sale's id on that proxy.
 * @attr locale - a BCP 47 tag (`de`, `ja`, `ar`…); default: the page's `lang`, then the browser's languages.
 * @attr theme - `light` or `dark`; default: the investor's `prefers-color-scheme`.
 * @attr token - a widget token the sale's backend obtained from the proxy's host-session route.
 * @fires kyc-ready - the configuration and language are loaded and the first step is drawn.
 * @fires kyc-step-change - another step is shown.
 * @fires kyc-submitted - the provider accepted the submission.
 * @fires kyc-status-change - the investor's status is known or changed.
 * @fires kyc-complete - the case is approved or denied.
 * @fires kyc-error - something failed that the investor was told about.
 * @csspart panel - the outer panel.
 * @csspart header - the sale's name and the progress indicator.
 * @csspart progress - the progress indicator.
 * @csspart field - each field (label, hint, control, error).
 * @csspart input - each text input.
 * @csspart button - the step's main button.
 * @csspart error-summary - the list of problems of a step.
 * @cssprop --kyc-font - font family.
 * @cssprop --kyc-font-size - base font size (default: the investor's own, `medium`).
 * @cssprop --kyc-color-text - text colour.
 * @cssprop --kyc-color-muted - hints and secondary text.
 * @cssprop --kyc-color-background - background.
 * @cssprop --kyc-color-surface - notices and cards.
 * @cssprop --kyc-color-border - field borders.
 * @cssprop --kyc-color-accent - buttons, links, progress.
 * @cssprop --kyc-color-accent-text - text on the accent colour.
 * @cssprop --kyc-color-danger - errors.
 * @cssprop --kyc-color-success - approval.
 * @cssprop --kyc-color-warning - notices.
 * @cssprop --kyc-color-focus - the focus ring.
 * @cssprop --kyc-radius - corner radius.
 * @cssprop --kyc-spacing - the base spacing.
 */
export class KycOnboarding extends LitElement {
  static override styles = [themeStyles, formStyles, elementStyles, ...stepStyles];

  // Reactive properties declared statically rather than with decorators: the decorator helpers cost
  // the bundle about half a kilobyte for nothing the element needs.
  static override properties: PropertyDeclarations = {
    proxy: { reflect: true },
    sale: { reflect: true },
    locale: {},
    theme: { reflect: true },
    token: {},
    tokenProvider: { attribute: false },
    messages: { attribute: false },
    localesUrl: { attribute: 'locales-url' },
    phase: { state: true },
    step: { state: true },
    catalog: { state: true },
    config: { state: true },
    email: { state: true },
    code: { state: true },
    signInError: { state: true },
    failure: { state: true },
    busy: { state: true },
    problems: { state: true },
    status: { state: true },
    streamState: { state: true },
    resendAt: { state: true },
    announcement: { state: true },
    notice: { state: true },
    submittedJustNow: { state: true },
    now: { state: true },
  };

  /** Base URL of the integrator's KYC proxy. */
  proxy = '';

  /** The sale's id on the proxy. */
  sale = '';

  /** The investor's language (BCP 47); empty: the page's `lang`, then the browser's preferences. */
  locale = '';

  /** `light` or `dark` to pin the colour scheme; empty: follow the investor's system. */
  theme: '' | 'light' | 'dark' = '';

  /**
   * A widget token for an investor the sale already knows (from the proxy's host-session route, obtained
   * by the sale's backend). Travels only in the `Authorization` header; never stored.
   */
  token = '';

  /**
   * Called for a fresh token when the current one expires or is refused (host mode); may return the
   * token or the whole host-session answer, or a promise of either.
   */
  tokenProvider: (() => HostToken | Promise<HostToken>) | undefined = undefined;

  /** The sale's own wording for any string (a deep partial of the catalog); always rendered as text. */
  messages: MessageOverrides | undefined = undefined;

  /**
   * Where the locale files and the wallet module are (`locales/<lang>.js` and `wallet.js` under it);
   * default: next to the widget's script. Set it when a bundler or a CDN serves them elsewhere.
   */
  localesUrl = '';

  private phase: Phase = 'idle';
  private step: StepId = 'email';
  private catalog: LocaleCatalog = ENGLISH;
  private config: SaleConfig | undefined;
  private email = '';
  private code = '';
  private signInError: FieldProblem | undefined;
  /** An error not tied to a field (the network, the provider), shown above the step's buttons. */
  private failure: ApiError | undefined;
  private busy = false;
  private problems: readonly FieldProblem[] = [];
  private status: InvestorStatus | undefined;
  private streamState: StatusStreamState | 'unavailable' = 'connecting';
  private resendAt = 0;
  private announcement = '';
  private notice = '';
  /** The status step thanks the investor for the submission they just made. */
  private submittedJustNow = false;
  /** Seconds left before a new code may be asked for (redrawn every second while counting). */
  private now = Date.now();

  #client: ProxyClient | undefined;
  #draft: DraftStore | undefined;
  #keeper: SessionKeeper | undefined;
  #form: KycForm | undefined;
  /** The proxy's wallet routes and the wallet module, for the wallet step's proof of ownership. */
  #wallet: WalletHost | undefined;
  #stream: StatusStream | undefined;
  #controller: AbortController | undefined;
  #ticker: ReturnType<typeof setInterval> | undefined;
  #announceTimer: ReturnType<typeof setTimeout> | undefined;
  /** The form step opened from the review's "Edit": Next goes back to the review. */
  #returnToReview = false;
  /** Set by an investor's action: the next step's heading takes the focus (never on the first draw). */
  #moveFocus = false;
  #pendingFocus: string | undefined;

  /** The attributes this element still needs before it can start, in the order they are read. */
  get missingAttributes(): string[] {
    return (['proxy', 'sale'] as const).filter((name) => this[name].trim() === '');
  }

  /** The step shown now. */
  get currentStep(): StepId {
    return this.step;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stop();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (this.phase === 'idle') return;
    if (changed.has('proxy') || changed.has('sale')) {
      this.#stop();
      this.#start();
    } else if (changed.has('locale') || changed.has('messages')) {
      void this.#loadLanguage();
    } else if (changed.has('token') && this.token !== '' && this.#keeper !== undefined) {
      this.#keeper.set(this.token);
      void this.#afterSignIn();
    }
  }

  protected override updated(): void {
    if (this.#pendingFocus !== undefined) {
      const id = this.#pendingFocus;
      this.#pendingFocus = undefined;
      const target = this.renderRoot.querySelector<HTMLElement>(id === 'heading' ? 'h2' : id === 'summary' ? '.error-summary' : `[id="${CSS.escape(id)}"]`);
      // The page is the sale's: move the focus, never its scroll position.
      target?.focus({ preventScroll: true });
    }
  }

  // ── Start and stop ────────────────────────────────────────────────────────────────────────────────

  #start(): void {
    if (this.missingAttributes.length > 0) {
      this.phase = 'not-configured';
      return;
    }
    this.#controller = new AbortController();
    this.#client = createProxyClient({ proxy: this.proxy, sale: this.sale });
    this.#draft = createDraftStore({ proxy: this.proxy, sale: this.sale });
    this.#keeper = createSessionKeeper({
      client: this.#client,
      ...(this.tokenProvider ? { tokenProvider: () => (this.tokenProvider as () => HostToken | Promise<HostToken>)() } : {}),
      onReauthNeeded: (error) => this.#reauthNeeded(error),
    });
    this.phase = 'loading';
    void this.#load();
  }

  #stop(): void {
    this.#controller?.abort();
    this.#controller = undefined;
    this.#stream?.close();
    this.#stream = undefined;
    this.#keeper?.dispose();
    this.#keeper = undefined;
    if (this.#ticker !== undefined) clearInterval(this.#ticker);
    this.#ticker = undefined;
    if (this.#announceTimer !== undefined) clearTimeout(this.#announceTimer);
    this.#form = undefined;
    this.phase = 'idle';
  }

  get #signal(): AbortSignal {
    return (this.#controller ??= new AbortController()).signal;
  }

  async #load(): Promise<void> {
    try {
      await this.#loadLanguage();
      const draft = this.#draft?.load();
      this.email = draft?.email ?? '';
      this.phase = 'ready';
      if (this.token !== '' || this.tokenProvider !== undefined) {
        if (this.token !== '') this.#keeper?.set(this.token);
        await this.#afterSignIn();
      } else {
        // Back after a reload or a closed tab: say the answers are still here before asking for the email.
        if (draft !== undefined && (Object.keys(draft.answers).length > 0 || Object.keys(draft.files).length > 0)) this.notice = this.catalog.messages.common.draftRestored;
        this.#show('email');
      }
      await this.updateComplete;
      dispatchKycEvent(this, 'kyc-ready', { sale: this.sale, locale: this.catalog.locale });
    } catch (error) {
      if (isApiError(error, CLIENT_ERROR_CODES.aborted)) return;
      this.phase = 'load-failed';
      this.#fail(error);
    }
  }

  /** Resolve the language, load its catalog and the sale's configuration with labels in it. */
  async #loadLanguage(): Promise<void> {
    const client = this.#client;
    if (client === undefined) return;
    const sources = {
      attribute: this.locale,
      pageLang: this.closest('[lang]')?.getAttribute('lang') ?? document.documentElement.lang,
      browser: navigator.languages,
    };
    let locale = resolveLocale(sources);
    let config = await client.config(locale, this.#signal);
    const offered = SUPPORTED_LOCALES.filter((tag) => config.locales.some((wanted) => wanted.split('-')[0] === tag));
    const chosen = resolveLocale({ ...sources, available: offered.length > 0 ? offered : SUPPORTED_LOCALES, fallback: offered[0] ?? 'en' });
    if (chosen !== locale) {
      locale = chosen;
      config = await client.config(locale, this.#signal);
    }
    const catalog = await loadMessages(locale, this.localesUrl === '' ? {} : { baseUrl: this.localesUrl });
    const messages = this.messages === undefined ? catalog.messages : applyOverrides(catalog.messages, this.messages);
    // The catalog is per language, dates and numbers are per region: an `en-GB` page writes the birth
    // date day first, an `en-US` one month first, from the same English texts.
    const regional = regionalTag([sources.attribute, sources.pageLang, ...sources.browser], catalog.locale);
    this.catalog = { ...catalog, locale: regional ?? catalog.locale, messages };
    this.config = config;
    if (this.#form !== undefined) {
      this.#form.messages = messages;
      this.#form.locale = this.catalog.locale;
      this.#form.config = config;
    }
  }

  // ── Sign-in ───────────────────────────────────────────────────────────────────────────────────────

  async #requestCode(resend = false): Promise<void> {
    const client = this.#client;
    if (client === undefined || this.busy) return;
    const email = this.email.trim();
    this.signInError = undefined;
    this.failure = undefined;
    if (!isEmailAddress(email)) {
      this.signInError = { field: 'email', rule: 'format' };
      this.#pendingFocus = 'email';
      return;
    }
    this.busy = true;
    try {
      const sent = await client.requestCode(email, this.#signal);
      this.#draft?.save({ email });
      this.#startCooldown(sent.resendAfterSeconds);
      this.code = '';
      if (resend) this.#announce(format(this.catalog.messages.code.resent, { email }, this.catalog.locale));
      this.#show('code', true);
    } catch (error) {
      if (isApiError(error, 'resend_too_soon')) {
        // A code went out a moment ago (another tab, a reload): it is the one to type.
        this.#draft?.save({ email });
        this.#startCooldown(error.retryAfterSeconds ?? 60);
        if (this.step === 'email') this.#show('code', true);
        else this.#announce(this.#errorText(error));
      } else this.#signInFailure(error);
    } finally {
      this.busy = false;
    }
  }

  async #verifyCode(): Promise<void> {
    const client = this.#client;
    if (client === undefined || this.busy) return;
    const code = this.code.replace(/\s+/g, '');
    this.signInError = undefined;
    this.failure = undefined;
    if (code === '') {
      this.signInError = { field: 'code', rule: 'required' };
      this.#pendingFocus = 'code';
      return;
    }
    this.busy = true;
    try {
      const session: WidgetSession = await client.createSession(this.email.trim(), code, this.#signal);
      this.#keeper?.set(session);
      this.code = '';
      this.#moveFocus = true;
      await this.#afterSignIn();
    } catch (error) {
      this.#signInFailure(error);
    } finally {
      this.busy = false;
    }
  }

  #signInFailure(error: unknown): void {
    if (isApiError(error, CLIENT_ERROR_CODES.aborted)) return;
    const field = isApiError(error) ? error.fields.find((problem) => problem.field === 'email' || problem.field === 'code') : undefined;
    if (field !== undefined) {
      this.signInError = field;
      this.#pendingFocus = field.field;
      this.#announce(this.#signInErrorText(field));
      return;
    }
    this.#fail(error);
  }

  #startCooldown(seconds: number): void {
    this.resendAt = Date.now() + seconds * 1000;
    this.now = Date.now();
    if (this.#ticker !== undefined) clearInterval(this.#ticker);
    this.#ticker = setInterval(() => {
      this.now = Date.now();
      if (this.now >= this.resendAt && this.#ticker !== undefined) {
        clearInterval(this.#ticker);
        this.#ticker = undefined;
      }
    }, 1000);
  }

  /** The session ended and could not be renewed: confirm the email again, then carry on where the investor was. */
  #reauthNeeded(error: ApiError): void {
    this.#stream?.close();
    this.#stream = undefined;
    this.notice = this.#errorText(error);
    this.code = '';
    this.#show('email', true);
  }

  /** Signed in: read where the case stands and open the step it calls for. */
  async #afterSignIn(): Promise<void> {
    const keeper = this.#keeper;
    const client = this.#client;
    const draft = this.#draft;
    const config = this.config;
    if (keeper === undefined || client === undefined || draft === undefined || config === undefined) return;
    try {
      const status = await keeper.authorized((token) => client.status(token, this.#signal));
      const userId = keeper.session?.userId;
      const stored = draft.load();
      // The answers in this tab belong to someone else: start afresh rather than mix two investors.
      if (userId !== undefined && stored?.userId !== undefined && stored.userId !== userId) draft.clear();
      draft.save({ ...(userId !== undefined ? { userId } : {}), ...(this.email !== '' ? { email: this.email.trim() } : {}) });
      this.#form = this.#createForm(config);
      this.notice = '';
      this.#setStatus(status);
      this.#openStream();
      if (status.state === 'not_submitted') {
        const saved = draft.load()?.step as StepId | undefined;
        const steps = formSteps(config.fields.collected);
        const resume = saved !== undefined && (isFormStep(saved) ? steps.includes(saved) : saved === 'review') ? saved : steps[0] ?? 'review';
        if (saved !== undefined && saved !== steps[0]) this.#announce(this.catalog.messages.common.draftRestored);
        this.#show(resume, this.#moveFocus);
      } else if (status.state === 'needs_action' && this.#isFixing()) {
        this.#show((draft.load()?.step as StepId | undefined) ?? 'review', this.#moveFocus);
      } else {
        this.#show('status', this.#moveFocus);
      }
    } catch (error) {
      if (isApiError(error, CLIENT_ERROR_CODES.reauthNeeded) || isApiError(error, CLIENT_ERROR_CODES.aborted)) return;
      this.#fail(error);
      if (this.step === 'code') this.#show('email');
    }
  }

  /** Whether the investor was fixing a case sent back when the session ended (the draft says so). */
  #isFixing(): boolean {
    const step = this.#draft?.load()?.step;
    return step !== undefined && step !== 'status' && step !== 'email' && step !== 'code';
  }

  #createForm(config: SaleConfig): KycForm {
    const client = this.#client as ProxyClient;
    const keeper = this.#keeper as SessionKeeper;
    this.#wallet = createWalletHost(client, keeper, () => this.localesUrl || undefined);
    const form = new KycForm({
      element: this,
      config,
      messages: this.catalog.messages,
      locale: this.catalog.locale,
      signal: this.#signal,
      draft: this.#draft as DraftStore,
      formSteps: formSteps(config.fields.collected),
      requestUploadTicket: async (field: FileField, contentType: UploadContentType) => {
        const tickets = await keeper.authorized((token) => client.requestUploads(token, [{ field, contentType }], this.#signal));
        const ticket = tickets.uploads[0];
        if (ticket === undefined) throw new ApiError({ status: 0, code: CLIENT_ERROR_CODES.invalidResponse, kind: 'http', message: 'The proxy returned no upload form.' });
        return ticket;
      },
      checkEthereumAddress: (address, signal) => keeper.authorized((token) => client.checkEthereumAddress(token, address, signal ?? this.#signal)),
      announce: (text) => this.#announce(text),
      goTo: (step) => {
        this.#returnToReview = true;
        this.problems = [];
        this.#show(step, true);
      },
    });
    return form;
  }

  // ── Status ────────────────────────────────────────────────────────────────────────────────────────

  #setStatus(status: InvestorStatus): void {
    const previous = this.status;
    this.status = status;
    if (previous !== undefined && JSON.stringify(previous) === JSON.stringify(status)) return;
    // The thanks for a submission give way to what the reviewer decided.
    if (previous !== undefined && previous.state !== status.state) this.submittedJustNow = false;
    dispatchKycEvent(this, 'kyc-status-change', { status, previous });
    if (FINAL_STATES.has(status.state) && previous?.state !== status.state) {
      dispatchKycEvent(this, 'kyc-complete', { state: status.state as 'approved' | 'denied', status });
    }
    // The status step's own live region says the change; announcing it here too would say it twice.
  }

  #openStream(): void {
    if (this.#stream !== undefined || this.#client === undefined || this.#keeper === undefined) return;
    this.#stream = openStatusStream({
      client: this.#client,
      keeper: this.#keeper,
      signal: this.#signal,
      onStatus: (status) => {
        if (this.streamState === 'unavailable') this.streamState = 'open';
        this.#setStatus(status);
      },
      onStateChange: (state) => {
        // A stream that stopped for good after a failure still says the service cannot be reached.
        if (!(state === 'closed' && this.streamState === 'unavailable')) this.streamState = state;
      },
      onUnavailable: () => {
        this.streamState = 'unavailable';
      },
      onError: () => {
        this.streamState = 'unavailable';
        this.#stream = undefined;
      },
    });
  }

  /** "Fix and resubmit": prefill the form with the last submission, then open its first step. */
  async #fix(): Promise<void> {
    const keeper = this.#keeper;
    const client = this.#client;
    const draft = this.#draft;
    if (keeper === undefined || client === undefined || draft === undefined || this.config === undefined) return;
    this.busy = true;
    try {
      const submitted = await keeper.authorized((token) => client.previousSubmission(token, this.#signal));
      draft.save(prefillFromSubmission(draft.load(), submitted));
    } catch (error) {
      // Without the last answers the investor can still type them again: say why, and carry on.
      if (!isApiError(error, 'no_submission')) this.#fail(error);
    } finally {
      this.busy = false;
    }
    this.#form?.clearProblems();
    this.#show(formSteps(this.config.fields.collected)[0] ?? 'review', true);
  }

  // ── Form navigation and submission ───────────────────────────────────────────────────────────────

  /** Show `step`; `focus` moves the focus to its heading (after an action of the investor's only). */
  #show(step: StepId, focus = false): void {
    const previous = this.phase === 'ready' && this.step !== step ? this.step : undefined;
    this.step = step;
    this.problems = [];
    if (step !== 'email' && step !== 'code') this.failure = undefined;
    if (isFormStep(step) || step === 'review') this.#draft?.save({ step });
    if (focus) this.#pendingFocus = 'heading';
    this.#moveFocus = false;
    if (previous !== undefined || step !== 'email') {
      const progress = this.config === undefined ? undefined : stepProgress(step, this.config.fields.collected);
      dispatchKycEvent(this, 'kyc-step-change', { step, previous, ...(progress === undefined ? {} : { index: progress.index, total: progress.total }) });
    }
  }

  #next(): void {
    const form = this.#form;
    const config = this.config;
    if (form === undefined || config === undefined || !isFormStep(this.step)) return;
    const problems = form.checkStep(this.step);
    // The provider's verdict on the address, which the shared rule cannot know.
    const refusal = this.step === 'wallet' ? ethereumAddressRefusal(form) : undefined;
    if (refusal !== undefined) problems.push(refusal);
    // A sale that requires a wallet proof: an address not proven stops the step, shown on the field.
    const unproven = this.step === 'wallet' ? walletProofProblem(form) : undefined;
    if (unproven !== undefined) {
      form.showProblems([unproven]);
      problems.push(unproven);
    }
    if (problems.length > 0) {
      this.#showProblems(problems);
      return;
    }
    const steps = formSteps(config.fields.collected);
    const next = this.#returnToReview ? 'review' : steps[steps.indexOf(this.step) + 1] ?? 'review';
    if (next === 'review') this.#returnToReview = false;
    this.#show(next, true);
  }

  #back(): void {
    const config = this.config;
    if (config === undefined) return;
    const steps = formSteps(config.fields.collected);
    if (this.step === 'review') this.#show(steps[steps.length - 1] ?? 'review', true);
    else if (isFormStep(this.step)) {
      const index = steps.indexOf(this.step);
      if (index > 0) this.#show(steps[index - 1] as FormStepId, true);
    }
  }

  #showProblems(problems: readonly FieldProblem[]): void {
    this.problems = problems;
    this.#pendingFocus = 'summary';
  }

  /** A link of the error summary: open the field's step if needed, then focus the field. */
  #selectProblem(field: string): void {
    if (isKycField(field)) {
      const step = stepOfField(field);
      if (step !== this.step) {
        if (this.step === 'review') this.#returnToReview = true;
        this.#show(step);
        this.#form?.checkStep(step);
      }
    }
    this.#pendingFocus = field;
    this.requestUpdate();
  }

  async #submit(): Promise<void> {
    const form = this.#form;
    const keeper = this.#keeper;
    const client = this.#client;
    if (form === undefined || keeper === undefined || client === undefined || this.busy) return;
    this.failure = undefined;
    const checked = form.submission();
    if (!checked.ok) {
      this.#showProblems(checked.problems);
      return;
    }
    this.busy = true;
    try {
      const status = await keeper.authorized((token) => client.submitKyc(token, checked.value, checked.confirmations, this.#signal));
      // Submitted: the answers now live with the provider; only who signed in stays in this tab.
      const userId = keeper.session?.userId;
      this.#draft?.clear();
      this.#draft?.save({ ...(userId !== undefined ? { userId } : {}), ...(this.email !== '' ? { email: this.email.trim() } : {}), step: 'status' });
      this.#setStatus(status);
      dispatchKycEvent(this, 'kyc-submitted', { userId, status });
      this.submittedJustNow = true;
      this.#show('status', true);
      this.#openStream();
    } catch (error) {
      if (isApiError(error, CLIENT_ERROR_CODES.aborted) || isApiError(error, CLIENT_ERROR_CODES.reauthNeeded)) return;
      const fieldProblems = isApiError(error) ? error.fields.filter((problem) => problem.field !== '') : [];
      if (fieldProblems.length > 0) {
        // An address the sale wants proven: back to the wallet step, where the proof is made.
        if (fieldProblems.some((problem) => problem.rule === 'wallet_proof_required')) {
          this.#returnToReview = true;
          this.#show('wallet');
        }
        form.showProblems(fieldProblems);
        this.#showProblems(fieldProblems);
      } else this.#fail(error);
    } finally {
      this.busy = false;
    }
  }

  // ── Messages ──────────────────────────────────────────────────────────────────────────────────────

  #fail(error: unknown): void {
    const apiError = isApiError(error)
      ? error
      : new ApiError({ status: 0, code: 'unknown', kind: 'http', message: error instanceof Error ? error.message : String(error) });
    if (apiError.kind === 'aborted') return;
    this.failure = apiError;
    const message = this.#errorText(apiError);
    this.#announce(message);
    const retryable = apiError.kind !== 'http' || apiError.status >= 500 || apiError.status === 429;
    dispatchKycEvent(this, 'kyc-error', { code: apiError.code, message, retryable });
  }

  #errorText(error: ApiError): string {
    const text = errorText(this.catalog.messages, error.code);
    if (error.retryAfterSeconds === undefined) return text;
    return `${text} ${format(this.catalog.messages.common.retryIn, { count: error.retryAfterSeconds }, this.catalog.locale)}`;
  }

  #problemText(problem: FieldProblem): string {
    return fieldErrorText(this.catalog.messages, problem, this.catalog.locale, this.config?.uploads);
  }

  /** A sign-in problem; a wrong code also says how many attempts are left. */
  #signInErrorText(problem: FieldProblem): string {
    const text = this.#problemText(problem);
    const left = problem.params?.['attemptsLeft'];
    return left === undefined ? text : `${text} ${format(this.catalog.messages.code.attemptsLeft, { count: Number(left) }, this.catalog.locale)}`;
  }

  #problemLabel(field: string | null): string {
    if (field !== null && field.startsWith('confirmations.')) {
      const id = field.slice('confirmations.'.length);
      return this.config?.confirmations.find((confirmation) => confirmation.id === id)?.label ?? this.catalog.messages.review.confirmationsTitle;
    }
    return fieldLabel(this.catalog.messages, field);
  }

  #announce(text: string): void {
    // Cleared first so the same words said twice are read twice.
    this.announcement = '';
    void this.updateComplete.then(() => {
      this.announcement = text;
      if (this.#announceTimer !== undefined) clearTimeout(this.#announceTimer);
      this.#announceTimer = setTimeout(() => {
        this.announcement = '';
      }, ANNOUNCEMENT_MS);
    });
  }

  // ── Rendering ─────────────────────────────────────────────────────────────────────────────────────

  override render(): TemplateResult {
    const { messages, locale, dir } = this.catalog;
    return html`<section part="panel" class="panel" lang=${locale} dir=${dir} aria-labelledby="kyc-title" aria-busy=${this.busy || this.phase === 'loading' ? 'true' : 'false'}>
      ${this.#renderHeader(messages)}
      <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${this.announcement}</div>
      ${this.#renderBody(messages)}
    </section>`;
  }

  #renderHeader(messages: Messages): TemplateResult {
    const title = this.config === undefined ? messages.common.widgetTitle : format(messages.common.widgetTitleForSale, { sale: this.config.sale.name });
    const progress = this.phase === 'ready' && this.config !== undefined ? stepProgress(this.step, this.config.fields.collected) : undefined;
    return html`<header part="header" class="header">
      <p class="title" id="kyc-title">${title}</p>
      ${progress === undefined
        ? nothing
        : html`<div class="progress" part="progress">
            <span id="kyc-progress-text">${format(messages.common.stepProgress, { current: progress.index, total: progress.total }, this.catalog.locale)}</span>
            <progress max=${progress.total} value=${progress.index} aria-labelledby="kyc-progress-text"></progress>
          </div>`}
    </header>`;
  }

  #renderBody(messages: Messages): TemplateResult {
    switch (this.phase) {
      case 'idle':
      case 'loading':
        return html`<p class="loading">${messages.common.loading}</p>`;
      case 'not-configured': {
        const missing = this.missingAttributes;
        return html`<p class="notice" role="alert">${format(messages.common.notConfigured, { attributes: formatList(missing, this.catalog.locale), count: missing.length }, this.catalog.locale)}</p>`;
      }
      case 'load-failed':
        return html`${this.#renderFailure()}
          <div class="actions">
            <button type="button" part="button" @click=${() => {
              this.#stop();
              this.#start();
            }}>${messages.common.retry}</button>
          </div>`;
      case 'ready':
        return this.#renderStep(messages);
    }
  }

  #renderFailure(): TemplateResult | typeof nothing {
    return this.failure === undefined ? nothing : html`<p class="notice failure" role="alert">${this.#errorText(this.failure)}</p>`;
  }

  #renderStep(messages: Messages): TemplateResult {
    const step = this.step;
    const heading = html`<h2 tabindex="-1">${messages[step].title}</h2>`;
    const summary = renderErrorSummary({
      messages,
      locale: this.catalog.locale,
      problems: this.problems,
      text: (problem) => this.#problemText(problem),
      label: (field) => this.#problemLabel(field),
      onSelect: (field) => this.#selectProblem(field),
    });
    if (step === 'email' || step === 'code') return this.#renderSignIn(step, heading, messages);
    if (step === 'status') {
      return html`${heading}${this.#renderFailure()}
        ${renderStatusStep({
          messages,
          locale: this.catalog.locale,
          status: this.status,
          streamState: this.streamState,
          submittedJustNow: this.submittedJustNow,
          onFix: () => {
            this.submittedJustNow = false;
            void this.#fix();
          },
        })}`;
    }
    const form = this.#form;
    if (form === undefined) return html`${heading}<p class="loading">${messages.common.loading}</p>`;
    const steps = formSteps(this.config?.fields.collected ?? []);
    const first = steps[0] === step;
    const review = step === 'review';
    return html`${heading}${summary}
      <form novalidate @submit=${(event: SubmitEvent) => {
        event.preventDefault();
        if (review) void this.#submit();
        else this.#next();
      }}>
        ${renderStepContent(step, form, this.#wallet)}
        ${this.#renderFailure()}
        <div class="actions">
          ${first ? html`<span></span>` : html`<button type="button" class="secondary" @click=${() => this.#back()}>${messages.common.back}</button>`}
          <button type="submit" part="button" aria-disabled=${this.busy ? 'true' : 'false'}>
            ${review ? (this.busy ? messages.review.submitting : messages.review.submit) : messages.common.next}
          </button>
        </div>
      </form>`;
  }

  #renderSignIn(step: 'email' | 'code', heading: TemplateResult, messages: Messages): TemplateResult {
    const error = this.signInError === undefined ? undefined : this.#signInErrorText(this.signInError);
    const resendIn = Math.max(0, Math.ceil((this.resendAt - this.now) / 1000));
    const body =
      step === 'email'
        ? renderEmailStep({ messages, email: this.email, error, busy: this.busy, onInput: (email) => (this.email = email) })
        : renderCodeStep({
            messages,
            locale: this.catalog.locale,
            email: this.email.trim(),
            code: this.code,
            validMinutes: Math.round((this.config?.codes.expiresInSeconds ?? 600) / 60),
            resendInSeconds: resendIn,
            error,
            busy: this.busy,
            onInput: (code) => (this.code = code),
            onResend: () => void this.#requestCode(true),
            onChangeEmail: () => {
              this.signInError = undefined;
              this.#show('email', true);
            },
          });
    const label = step === 'email' ? (this.busy ? messages.email.sending : messages.email.submit) : this.busy ? messages.code.verifying : messages.code.submit;
    return html`${heading} ${this.notice === '' ? nothing : html`<p class="notice" role="alert">${this.notice}</p>`}
      <form novalidate @submit=${(event: SubmitEvent) => {
        event.preventDefault();
        if (step === 'email') void this.#requestCode();
        else void this.#verifyCode();
      }}>
        ${body} ${this.#renderFailure()}
        <div class="actions">
          <span></span>
          <button type="submit" part="button" aria-disabled=${this.busy ? 'true' : 'false'}>${label}</button>
        </div>
      </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kyc-onboarding': KycOnboarding;
  }
  // The public events, typed for `addEventListener` on the element.
  interface HTMLElementEventMap extends KycEventMap {}
}
