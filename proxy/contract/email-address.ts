/**
 * What the proxy accepts as an investor's email address, shared with the widget so that an address the
 * proxy would refuse is explained before any request is sent.
 */

/** Longest address accepted (RFC 5321's path limit). */
export const MAX_EMAIL_LENGTH = 254;

/** A pragmatic address shape (one @, a dot in the domain, no spaces or specials); the mailed code is the real proof. */
export const EMAIL_ADDRESS = /^[^\s@<>()[\]\\,;:"]{1,64}@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/;

/** Whether `text` (already trimmed) is an address the proxy accepts. */
export function isEmailAddress(text: string): boolean {
  return text.length <= MAX_EMAIL_LENGTH && EMAIL_ADDRESS.test(text);
}
