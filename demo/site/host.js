// The host-authenticated page's own script (no inline script anywhere: the CSP allows none).
//
// It signs the visitor in to the demo backend (a stand-in for the sale's real login), then puts a
// <kyc-onboarding> element on the page with a `tokenProvider`: a callback the widget calls whenever it
// needs a widget token. The callback asks the sale's own server, which asks the KYC proxy with the
// integrator key it keeps to itself. The token lives in the widget's memory only.

const slot = document.getElementById('kyc-slot');
const signedOut = document.getElementById('signed-out');
const signedIn = document.getElementById('signed-in');
const signInForm = document.getElementById('sign-in');
const signOutButton = document.getElementById('sign-out');
const who = document.getElementById('who');
const message = document.getElementById('message');

/**
 * Call the demo backend. Resolves with its JSON answer, or rejects with its error message.
 * @param {string} route `me`, `sign-in`, `sign-out` or `widget-token`
 * @param {object} [body] sent as JSON with a POST; without it, a GET
 */
async function backend(route, body) {
  const response = await fetch(`/demo-backend/${route}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.error?.message ?? `The demo backend answered ${response.status}.`);
  return answer;
}

/**
 * What the widget calls for a token: `{ token, expiresAt }` from the sale's server.
 * @returns {Promise<{ token: string, expiresAt: number }>}
 */
async function tokenProvider() {
  const { token, expiresAt } = await backend('widget-token', {});
  return { token, expiresAt };
}

/** Show the signed-in view with a fresh widget for `email`. */
async function showSignedIn(email) {
  who.textContent = email;
  signedOut.hidden = true;
  signedIn.hidden = false;
  message.textContent = '';
  const widget = document.createElement('kyc-onboarding');
  // The callback first, then the first token, then the attributes: the widget starts in host mode.
  widget.tokenProvider = tokenProvider;
  try {
    widget.token = (await tokenProvider()).token;
  } catch (error) {
    message.textContent = `The widget could not get a token: ${error.message}`;
  }
  widget.setAttribute('proxy', slot.dataset.proxy);
  widget.setAttribute('sale', slot.dataset.sale);
  slot.replaceChildren(widget);
}

/** Show the sign-in form, without any widget. */
function showSignedOut() {
  slot.replaceChildren();
  signedIn.hidden = true;
  signedOut.hidden = false;
}

signInForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const { email } = await backend('sign-in', { email: signInForm.elements.email.value });
    await showSignedIn(email);
  } catch (error) {
    message.textContent = error.message;
  }
});

signOutButton.addEventListener('click', async () => {
  try {
    await backend('sign-out', {});
    showSignedOut();
    message.textContent = 'Signed out.';
    signInForm.elements.email.focus();
  } catch (error) {
    message.textContent = error.message;
  }
});

// A reload keeps the demo session (an HttpOnly cookie the page cannot read): ask who is signed in.
backend('me').then(
  ({ email }) => (email ? showSignedIn(email) : showSignedOut()),
  () => showSignedOut(),
);
