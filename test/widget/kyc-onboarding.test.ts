import { expect } from '@esm-bundle/chai';
import { KycOnboarding, TAG_NAME } from '../../widget/index.js';
import { createDraftStore } from '../../widget/draft/draft-store.js';
import type { KycEventMap, KycEventName } from '../../widget/events.js';
import { backendInfo, dropStreams, hostToken, mailedCode, openStreams, review, saveCompletedDraft, setProxyClock, signIn, testClient, uniqueEmail, until } from './services/backend.js';

/** Every public event the element fired, in order. */
function recordEvents(target: EventTarget) {
  const events: { name: KycEventName; detail: unknown; composed: boolean; bubbles: boolean }[] = [];
  const names: KycEventName[] = ['kyc-ready', 'kyc-step-change', 'kyc-submitted', 'kyc-status-change', 'kyc-complete', 'kyc-error'];
  for (const name of names) {
    target.addEventListener(name, (event) => {
      const custom = event as KycEventMap[typeof name];
      events.push({ name, detail: custom.detail, composed: custom.composed, bubbles: custom.bubbles });
    });
  }
  return events;
}

async function mount(attributes: Record<string, string> = {}, setup?: (element: KycOnboarding) => void): Promise<KycOnboarding> {
  const info = await backendInfo();
  const element = document.createElement(TAG_NAME) as KycOnboarding;
  element.setAttribute('proxy', info.proxyUrl);
  element.setAttribute('sale', info.sale);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  setup?.(element);
  document.body.append(element);
  return element;
}

function root(element: KycOnboarding): ShadowRoot {
  return element.shadowRoot as ShadowRoot;
}

function heading(element: KycOnboarding): string {
  return root(element).querySelector('h2')?.textContent?.trim() ?? '';
}

async function stepShown(element: KycOnboarding, step: string, timeoutMs = 8000): Promise<void> {
  await until(() => element.currentStep === step && root(element).querySelector('h2') !== null, timeoutMs, `step ${step} (now ${element.currentStep})`);
  await element.updateComplete;
}

function type(element: KycOnboarding, id: string, value: string): void {
  const input = root(element).getElementById(id) as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
}

async function press(element: KycOnboarding, selector: string): Promise<void> {
  (root(element).querySelector(selector) as HTMLElement).click();
  await element.updateComplete;
}

/** Sign in through the element's own email and code steps, with the code read from the real SMTP catcher. */
async function signInThroughElement(element: KycOnboarding, email: string): Promise<void> {
  await stepShown(element, 'email');
  type(element, 'email', email);
  await press(element, 'button[type="submit"]');
  await stepShown(element, 'code');
  type(element, 'code', await mailedCode(email));
  await press(element, 'button[type="submit"]');
}

describe('<kyc-onboarding>', () => {
  afterEach(async () => {
    document.body.replaceChildren();
    sessionStorage.clear();
    await setProxyClock(0);
  });

  it('is defined once, and defining it again is harmless', async () => {
    expect(customElements.get(TAG_NAME)).to.equal(KycOnboarding);
    const secondCopy = new URL('../../widget/index.ts?second-copy', import.meta.url).href;
    await import(secondCopy);
    expect(customElements.get(TAG_NAME)).to.equal(KycOnboarding);
  });

  it('names the missing attributes instead of starting', async () => {
    const element = document.createElement(TAG_NAME) as KycOnboarding;
    document.body.append(element);
    await element.updateComplete;
    expect(root(element).querySelector('[role="alert"]')?.textContent).to.contain('set the proxy and sale attributes');
    expect(element.children.length).to.equal(0);
  });

  it('signs the investor in with the emailed code, firing its events, and keeps the token out of storage', async () => {
    const events = recordEvents(document);
    const email = uniqueEmail('element');
    const element = await mount();
    await signInThroughElement(element, email);
    await stepShown(element, 'personal');

    expect(events[0]?.name).to.equal('kyc-ready');
    expect(events.every((event) => event.bubbles && event.composed)).to.equal(true);
    const steps = events.filter((event) => event.name === 'kyc-step-change').map((event) => (event.detail as { step: string }).step);
    expect(steps).to.deep.equal(['code', 'personal']);
    const status = events.find((event) => event.name === 'kyc-status-change')?.detail as { status: { state: string } };
    expect(status.status.state).to.equal('not_submitted');
    // The focus moved to the new step's heading, inside the element.
    expect(root(element).activeElement?.tagName).to.equal('H2');
    expect(root(element).querySelector('[part="progress"]')?.textContent).to.match(/1/);
    // The draft knows who signed in, never the token.
    const stored = Object.keys(sessionStorage).map((key) => sessionStorage.getItem(key) ?? '').join('\n');
    expect(stored).to.contain(email);
    expect(stored).not.to.match(/eyJ[\w-]+\.[\w-]+\./);
    expect(document.cookie).to.equal('');
  });

  it('explains a wrong code next to the field with the attempts left, and shows the resend cooldown', async () => {
    const email = uniqueEmail('wrong-code');
    const element = await mount();
    await stepShown(element, 'email');
    type(element, 'email', email);
    await press(element, 'button[type="submit"]');
    await stepShown(element, 'code');
    expect(root(element).getElementById('resend-wait')?.textContent).to.match(/new code in \d+ seconds?/);
    const code = await mailedCode(email);
    type(element, 'code', code === '000000' ? '111111' : '000000');
    await press(element, 'button[type="submit"]');
    await until(() => root(element).getElementById('code-error') !== null, 5000, 'the code error');
    const input = root(element).getElementById('code') as HTMLInputElement;
    expect(root(element).getElementById('code-error')?.textContent).to.match(/not right.*attempts? left/);
    expect(input.getAttribute('aria-invalid')).to.equal('true');
    expect(input.getAttribute('aria-describedby')).to.contain('code-error');
  });

  it('explains an email address that is not one, tied to the field', async () => {
    const element = await mount();
    await stepShown(element, 'email');
    type(element, 'email', 'not-an-address');
    await press(element, 'button[type="submit"]');
    expect(element.currentStep).to.equal('email');
    expect(root(element).getElementById('email-error')?.textContent).to.match(/valid email/);
    expect(root(element).activeElement?.id).to.equal('email');
  });

  it('goes straight to the form with a host token, and asks the tokenProvider when it is refused', async () => {
    const email = uniqueEmail('host');
    const first = await hostToken(email);
    let provided = 0;
    const element = await mount({}, (kyc) => {
      kyc.token = first.token;
      kyc.tokenProvider = async () => {
        provided += 1;
        return hostToken(email);
      };
    });
    await stepShown(element, 'personal');
    expect(provided).to.equal(0);
    element.remove();

    // Only a provider: the element asks it for the first token.
    const second = await mount({}, (kyc) => {
      kyc.tokenProvider = async () => {
        provided += 1;
        return hostToken(email);
      };
    });
    await stepShown(second, 'personal');
    expect(provided).to.equal(1);
  });

  it('resumes at the saved step with every answer after a reload', async () => {
    const email = uniqueEmail('reload');
    const element = await mount();
    await signInThroughElement(element, email);
    await stepShown(element, 'personal');
    type(element, 'firstName', 'Ada');
    element.remove();

    // The page reloads; the investor comes back (a new code would wait out the resend cooldown, so the
    // sale's backend vouches for the same email here).
    const again = await mount({}, (kyc) => (kyc.token = ''));
    await stepShown(again, 'email');
    expect((root(again).getElementById('email') as HTMLInputElement).value).to.equal(email);
    again.token = (await hostToken(email)).token;
    await stepShown(again, 'personal');
    expect((root(again).getElementById('firstName') as HTMLInputElement).value).to.equal('Ada');
  });

  it('submits from the review, then shows the status live as the reviewer decides', async () => {
    const info = await backendInfo();
    const client = await testClient();
    const email = uniqueEmail('submit');
    const session = await signIn(client, email);
    await saveCompletedDraft(client, { proxy: info.proxyUrl, sale: info.sale }, session, 'review', { ethereumAddress: '0x52908400098527886E0F7030069857D2E4169EE7' });
    const events = recordEvents(document);
    const element = await mount({}, (kyc) => (kyc.token = session.token));
    await stepShown(element, 'review');
    for (const checkbox of root(element).querySelectorAll<HTMLInputElement>('input[type="checkbox"]')) checkbox.click();
    await press(element, 'button[type="submit"]');
    await stepShown(element, 'status');
    expect(events.some((event) => event.name === 'kyc-submitted')).to.equal(true);
    // The answers now live with the provider: the tab keeps only who signed in.
    const stored = createDraftStore({ proxy: info.proxyUrl, sale: info.sale }).load();
    expect(stored?.answers).to.deep.equal({});
    expect(stored?.userId).to.equal(session.userId);

    await review('approve', session.userId);
    await until(() => events.some((event) => event.name === 'kyc-complete'), 8000, 'kyc-complete after the approval');
    const complete = events.find((event) => event.name === 'kyc-complete')?.detail as { state: string };
    expect(complete.state).to.equal('approved');
  });

  it('keeps the form when the provider is down at submit, says so, and submits on the next try', async () => {
    const info = await backendInfo();
    const client = await testClient();
    const email = uniqueEmail('provider-down');
    const session = await signIn(client, email);
    const answers = {
      ...{ firstName: 'Ann', lastName: 'Lee', birthdate: '01/02/1990', country: 'FRANCE', nationality: 'FRENCH', documentIdNumber: 'X1' },
      ...{ streetAddress: 'a', city: 'b', state: 'c', postalCode: 'd', ethereumAddress: '0x52908400098527886E0F7030069857D2E4169EE7', estimatedParticipationAmount: '10' },
    };
    await saveCompletedDraft(client, { proxy: info.proxyUrl, sale: info.sale }, session, 'review', answers);
    // The proxy's answer when the provider cannot be reached (503 provider_unavailable), for the submission only.
    const realFetch = window.fetch;
    let refused = 0;
    window.fetch = (input, init) => {
      if (init?.method === 'POST' && String(input).endsWith('/kyc')) {
        refused += 1;
        const body = JSON.stringify({ error: { code: 'provider_unavailable', message: 'The KYC provider cannot be reached.' } });
        return Promise.resolve(new Response(body, { status: 503, headers: { 'Content-Type': 'application/json', 'Retry-After': '5' } }));
      }
      return realFetch(input, init);
    };
    const events = recordEvents(document);
    try {
      const element = await mount({}, (kyc) => (kyc.token = session.token));
      await stepShown(element, 'review');
      for (const checkbox of root(element).querySelectorAll<HTMLInputElement>('input[type="checkbox"]')) checkbox.click();
      await press(element, 'button[type="submit"]');
      await until(() => root(element).querySelector('.failure') !== null, 8000, 'the failure message');
      expect(refused).to.equal(1);
      expect(element.currentStep).to.equal('review');
      expect(root(element).querySelector('.failure')?.textContent).to.match(/cannot be reached.*try again in 5 seconds/i);
      expect(events.find((event) => event.name === 'kyc-error')?.detail).to.deep.include({ code: 'provider_unavailable', retryable: true });
      expect(createDraftStore({ proxy: info.proxyUrl, sale: info.sale }).load()?.answers).to.deep.include(answers);

      window.fetch = realFetch;
      await press(element, 'button[type="submit"]');
      await stepShown(element, 'status');
      expect(events.some((event) => event.name === 'kyc-submitted')).to.equal(true);
    } finally {
      window.fetch = realFetch;
    }
  });

  it('keeps the form and shows the proxy’s field errors when a submission is refused', async () => {
    const info = await backendInfo();
    const client = await testClient();
    const session = await signIn(client, uniqueEmail('refused'));
    const draft = createDraftStore({ proxy: info.proxyUrl, sale: info.sale });
    const answers = {
      ...{ firstName: 'Ann', lastName: 'Lee', birthdate: '01/02/1990', country: 'FRANCE', nationality: 'FRENCH', documentIdNumber: 'X1' },
      ...{ streetAddress: 'a', city: 'b', state: 'c', postalCode: 'd', ethereumAddress: '0x52908400098527886E0F7030069857D2E4169EE7', estimatedParticipationAmount: '10' },
    };
    // File keys this investor never uploaded: the proxy refuses them by field.
    draft.save({
      userId: session.userId,
      step: 'review',
      answers,
      files: {
        documentIdFile: [{ key: `7/i/${'a'.repeat(32)}`, name: 'x.jpg', size: 1, type: 'image/jpeg' }],
        selfieFile: [{ key: `7/i/${'b'.repeat(32)}`, name: 'y.jpg', size: 1, type: 'image/jpeg' }],
      },
    });
    const element = await mount({}, (kyc) => (kyc.token = session.token));
    await stepShown(element, 'review');
    for (const checkbox of root(element).querySelectorAll<HTMLInputElement>('input[type="checkbox"]')) checkbox.click();
    await press(element, 'button[type="submit"]');
    await until(() => root(element).querySelector('.error-summary') !== null, 8000, 'the error summary');
    expect(element.currentStep).to.equal('review');
    expect(root(element).activeElement?.classList.contains('error-summary')).to.equal(true);
    expect(root(element).querySelector('.error-summary')?.textContent).to.match(/document/i);
    expect(createDraftStore({ proxy: info.proxyUrl, sale: info.sale }).load()?.answers).to.deep.include(answers);
  });

  it('asks for the email code again when the session cannot be renewed, and carries on with the same answers', async () => {
    const email = uniqueEmail('expiry');
    const { token } = await hostToken(email);
    const element = await mount({}, (kyc) => (kyc.token = token));
    await stepShown(element, 'personal');
    type(element, 'firstName', 'Grace');
    // Past the token's lifetime: every call is refused and the refresh too. The status stream, dropped,
    // reconnects with the dead token and finds no way to a new one.
    await until(async () => (await openStreams()) > 0, 5000, 'the stream open');
    await setProxyClock(20 * 60 * 1000);
    await dropStreams();
    await until(() => element.currentStep === 'email', 15000, 'the email step after the session ended');
    await setProxyClock(0);
    expect(root(element).querySelector('.notice')?.textContent).to.match(/answers are kept/);
    type(element, 'email', email);
    await press(element, 'button[type="submit"]');
    await stepShown(element, 'code');
    type(element, 'code', await mailedCode(email));
    await press(element, 'button[type="submit"]');
    await stepShown(element, 'personal');
    expect((root(element).getElementById('firstName') as HTMLInputElement).value).to.equal('Grace');
  });

  it('closes its status stream when removed from the page', async () => {
    const client = await testClient();
    const session = await signIn(client, uniqueEmail('removed'));
    const before = await openStreams();
    const element = await mount({}, (kyc) => (kyc.token = session.token));
    await stepShown(element, 'personal');
    await until(async () => (await openStreams()) === before + 1, 5000, 'the stream open');
    element.remove();
    await until(async () => (await openStreams()) === before, 5000, 'the stream closed');
  });

  it('runs two instances on one page independently', async () => {
    const first = await mount();
    const second = await mount();
    await stepShown(first, 'email');
    await stepShown(second, 'email');
    type(first, 'email', 'one@example.com');
    expect((root(second).getElementById('email') as HTMLInputElement).value).to.equal('');
    expect(heading(first)).to.equal(heading(second));
  });
});
