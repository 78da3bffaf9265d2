/**
 * Browser-test support for the step render functions: a test-only element (its own tag per mount, never
 * the product's) that draws one step with the real {@link KycForm}, the real theme and form styles, the
 * sale configuration read from the real proxy, and, when a step needs the network (upload tickets, the
 * Ethereum check), a real investor session signed in through the proxy.
 */
import { LitElement, html, type CSSResultGroup, type TemplateResult } from 'lit';
import type { ProxyClient } from '../../../widget/api/proxy-client.js';
import type { SaleConfig } from '../../../widget/api/proxy-types.js';
import { createSessionKeeper, type SessionKeeper } from '../../../widget/api/session-keeper.js';
import { createDraftStore, type DraftStorage, type DraftStore } from '../../../widget/draft/draft-store.js';
import { formSteps, type FormStepId } from '../../../widget/flow/journey-steps.js';
import { KycForm } from '../../../widget/flow/kyc-form.js';
import { loadMessages } from '../../../widget/i18n/locale.js';
import { formStyles } from '../../../widget/styles/form-styles.js';
import { themeStyles } from '../../../widget/styles/theme.js';
import { backendInfo, signIn, testClient } from '../services/backend.js';

/** A mounted step. */
export interface MountedStep {
  element: LitElement;
  root: ShadowRoot;
  form: KycForm;
  draft: DraftStore;
  config: SaleConfig;
  client: ProxyClient;
  /** Texts passed to `announce`, in order. */
  announcements: string[];
  /** Steps `goTo` was called with, in order. */
  visited: FormStepId[];
  /** Redraw and wait for it. */
  update(): Promise<void>;
  /** Remove the element (aborting its signal). */
  remove(): void;
}

/** Options of {@link mountStep}. */
export interface MountOptions {
  locale?: string;
  /** Change the configuration read from the proxy (e.g. fewer fields). */
  config?: (config: SaleConfig) => SaleConfig;
  /** Extra styles the step exports. */
  styles?: CSSResultGroup;
  /** Where the draft goes (default: a fresh in-memory storage). */
  storage?: DraftStorage;
  /** `dir` of the element (`rtl` for Arabic). */
  dir?: 'ltr' | 'rtl';
  /** Width of the element's container in px (phone: 375). */
  width?: number;
}

let mounted = 0;

/** A storage that lives in memory, so tests do not share a draft. */
export function memoryStorage(): DraftStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

/** Draw `render(form)` in a fresh test element attached to the page; remove it with `remove()`. */
export async function mountStep(render: (form: KycForm) => TemplateResult, options: MountOptions = {}): Promise<MountedStep> {
  const info = await backendInfo();
  const client = await testClient();
  const locale = options.locale ?? 'en';
  const catalog = await loadMessages(locale, { baseUrl: new URL('/dist/', location.href).href });
  const read = await client.config(locale);
  const config = options.config ? options.config(read) : read;
  const draft = createDraftStore({ proxy: info.proxyUrl, sale: info.sale, storage: options.storage ?? memoryStorage() });
  const controller = new AbortController();
  const announcements: string[] = [];
  const visited: FormStepId[] = [];
  let keeper: SessionKeeper | undefined;
  const session = async (): Promise<SessionKeeper> => {
    if (keeper === undefined) {
      const signedIn = await signIn(client);
      keeper = createSessionKeeper({ client, autoRefresh: false });
      keeper.set(signedIn);
    }
    return keeper;
  };
  let form: KycForm | undefined;
  class StepHarness extends LitElement {
    static override styles = [themeStyles, formStyles, ...(options.styles === undefined ? [] : [options.styles])];
    override render() {
      return form === undefined ? html`` : html`<div class="panel">${render(form)}</div>`;
    }
  }
  mounted += 1;
  const tag = `step-harness-${mounted}`;
  customElements.define(tag, StepHarness);
  const element = document.createElement(tag) as StepHarness;
  if (options.dir) element.dir = options.dir;
  if (options.width !== undefined) element.style.width = `${options.width}px`;
  form = new KycForm({
    element,
    config,
    messages: catalog.messages,
    locale: catalog.locale,
    signal: controller.signal,
    draft,
    formSteps: formSteps(config.fields.collected),
    requestUploadTicket: async (field, contentType) => {
      const tickets = await (await session()).authorized((token) => client.requestUploads(token, [{ field, contentType }], controller.signal));
      const ticket = tickets.uploads[0];
      if (ticket === undefined) throw new Error('the proxy returned no ticket');
      return ticket;
    },
    checkEthereumAddress: async (address, signal) => (await session()).authorized((token) => client.checkEthereumAddress(token, address, signal ?? controller.signal)),
    announce: (text) => void announcements.push(text),
    goTo: (step) => void visited.push(step),
  });
  document.body.append(element);
  await element.updateComplete;
  return {
    element,
    root: element.shadowRoot as ShadowRoot,
    form,
    draft,
    config,
    client,
    announcements,
    visited,
    update: async () => {
      element.requestUpdate();
      await element.updateComplete;
    },
    remove: () => {
      controller.abort();
      keeper?.dispose();
      element.remove();
    },
  };
}
