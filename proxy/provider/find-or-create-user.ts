/**
 * The investor's provider user: created on first sign-up, found again afterwards.
 *
 * The provider has no "get user by email". So: create; when it answers that the email is taken
 * (400 `um_u_c_ve_2`, matched case-insensitively on its side), find the user through the list's email
 * filter. That filter is a prefix match with unescaped `LIKE` wildcards (`_` and `%` in an address match
 * any character), so it can return other users too: only an exact, case-insensitive match counts, and
 * further pages are read until it is found.
 *
 * Creating is not retried after a lost answer (it may have landed); instead we look the user up, and
 * create again only when they are not there. A create that landed twice is impossible anyway: the
 * second one is refused as a duplicate, which leads to the lookup.
 */
import type { ProviderClient } from './provider-client.js';
import { isProviderRejection, ProviderError } from './provider-error.js';
import type { ProviderUser } from './provider-types.js';

/** The internal id of the duplicate-email answer (upstream §2.1). */
const DUPLICATE_EMAIL = 'um_u_c_ve_2';
/** Users per list page: the provider's maximum. */
const PAGE_SIZE = 100;
/** An upper bound on pages read for one lookup (10,000 prefix matches), so a lookup always ends. */
const MAX_PAGES = 100;

/** The parts of the client this needs. */
export type UserDirectory = Pick<ProviderClient, 'createUser' | 'listUsers'>;

function isDuplicateEmail(error: unknown): boolean {
  if (!isProviderRejection(error, 400)) return false;
  return error.internalId === DUPLICATE_EMAIL || error.errorData.some((d) => d.parameter === 'email' && /already exists/i.test(d.msg));
}

/** The active user whose email equals `email` ignoring case, or undefined. */
export async function findUserByEmail(users: UserDirectory, email: string): Promise<ProviderUser | undefined> {
  const wanted = email.toLowerCase();
  for (let page = 1; page <= MAX_PAGES; page++) {
    const list = await users.listUsers({ filters: { email }, limit: PAGE_SIZE, order: 'asc', page_number: page });
    const match = list.users.find((user) => user.email !== null && user.email.toLowerCase() === wanted);
    if (match) return match;
    if (list.meta.next_page_payload === undefined) return undefined;
  }
  return undefined;
}

async function findDuplicate(users: UserDirectory, email: string, duplicate: ProviderError): Promise<ProviderUser> {
  const found = await findUserByEmail(users, email);
  if (found) return found;
  // The provider says the email is taken but does not list it: its answers contradict each other.
  throw new ProviderError({
    kind: 'bad_response',
    method: 'GET',
    path: '/api/v2/users',
    attempts: duplicate.attempts,
    maybeProcessed: false,
    detail: 'reported a duplicate email that its user list does not contain',
  });
}

/** Create the provider user for `email`, or return the existing one. */
export async function findOrCreateUser(users: UserDirectory, email: string): Promise<ProviderUser> {
  try {
    return await users.createUser(email);
  } catch (error) {
    if (isDuplicateEmail(error)) return findDuplicate(users, email, error as ProviderError);
    if (!(error instanceof ProviderError) || !error.maybeProcessed) throw error;
    // The answer was lost: the user may exist now. Look before creating again.
    const found = await findUserByEmail(users, email);
    if (found) return found;
    try {
      return await users.createUser(email);
    } catch (again) {
      if (isDuplicateEmail(again)) return findDuplicate(users, email, again as ProviderError);
      throw again;
    }
  }
}
