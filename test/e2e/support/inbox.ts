/**
 * The investor's mailbox: the demo's mail catcher, read through its inbox page's JSON (`messages.json`,
 * newest first), as the code mails arrive over real SMTP from the proxy.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WAIT_MS } from './browser.js';

/** The part of a caught message these tests read (demo/mail-catcher/smtp-catcher.ts `CaughtMessage`). */
interface CaughtMail {
  id: string;
  to: string[];
  text: string;
  otp?: { code: string };
}

/** The messages caught for `email`, oldest first. */
async function mailsTo(inboxUrl: string, email: string): Promise<CaughtMail[]> {
  const response = await fetch(new URL('messages.json', inboxUrl), { signal: AbortSignal.timeout(WAIT_MS) });
  if (!response.ok) throw new Error(`The inbox answered ${response.status}`);
  const messages = (await response.json()) as CaughtMail[];
  return messages.filter((message) => message.to.includes(email)).reverse();
}

/** The one-time code of a code mail: its `OTP-Token` header, else the six digits in its text. */
function codeOf(mail: CaughtMail): string | undefined {
  return mail.otp?.code ?? /\b(\d{6})\b/.exec(mail.text)?.[1];
}

/**
 * The code of the `count`-th code mail sent to `email` (1: the first), once it has arrived; rejects after
 * {@link WAIT_MS}. Counting mails rather than taking the newest means a resent code is never confused with
 * the one before it.
 */
export async function waitForCode(inboxUrl: string, email: string, count = 1): Promise<string> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const mail = (await mailsTo(inboxUrl, email))[count - 1];
    const code = mail === undefined ? undefined : codeOf(mail);
    if (code !== undefined) return code;
    if (Date.now() > deadline) throw new Error(`Code mail number ${count} did not reach the inbox within ${WAIT_MS} ms`);
    await sleep(100);
  }
}
