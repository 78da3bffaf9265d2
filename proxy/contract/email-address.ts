/**
 * What the proxy accepts as an investor's email address, shared with the widget so that an address the
 * proxy would refuse is explained before any request is sent.
 */

/** Longest address accepted (RFC 5321's path limit). */
export const MAX_EMAIL_LENGTH = 254;

/**
 * The provider's own address rule (`Util::CommonValidateAndSanitize::REGEX_EMAIL`, upstream behaviour
 * §2.1), without the trailing newline Ruby's `\Z` lets through: the proxy creates the provider user with
 * this address, so one the provider refuses must be refused before a code is mailed, with the reason,
 * not after the code as a provider error. ASCII only; the local part starts with a letter or digit and
 * may hold `_ % + - .`; the top-level domain is 2 to 24 letters.
 */
export const EMAIL_ADDRESS = /^[A-Z0-9]+[A-Z0-9_%+-]*(?:\.[A-Z0-9_%+-]+)*@(?:[A-Z0-9](?:[A-Z0-9-]*[A-Z0-9])?\.)+[A-Z]{2,24}$/i;

/** Whether `text` (already trimmed) is an address the proxy accepts. */
export function isEmailAddress(text: string): boolean {
  return text.length <= MAX_EMAIL_LENGTH && EMAIL_ADDRESS.test(text);
}
