/**
 * Keeps the investor's widget token, in memory only (never in storage, never in a URL), and runs calls
 * with it. The token is short-lived (at most 15 minutes), so the keeper:
 * - refreshes it ahead of its expiry (`refreshAheadSeconds`, 60 s by default): before a call, and on a
 *   timer while the investor is busy filling the form;
 * - on a 401, gets a new token once (the refresh route while the token is still valid; the host's
 *   `tokenProvider` in host mode) and retries the call once;
 * - when neither works, reports that the investor must prove their email again (`onReauthNeeded`, and the
 *   call fails with `reauth_needed`); the UI asks for a code and carries on with the same draft.
 * Concurrent calls share one renewal.
 *
 * The token's `exp` is read from its payload without verifying it: only the proxy verifies tokens; the
 * keeper needs the time, not trust. A device whose clock runs minutes ahead (common on phones) would see
 * every fresh token as already expired; the keeper then measures time from the token's own `iat`.
 */
import { ApiError, CLIENT_ERROR_CODES, isApiError } from './api-error.js';
import type { ProxyClient } from './proxy-client.js';
import type { WidgetSession } from './proxy-types.js';

/** A token the host page hands over: the compact JWS alone, or a whole session answer. */
export type HostToken = string | Pick<WidgetSession, 'token'> & Partial<WidgetSession>;

/** Options of {@link createSessionKeeper}. */
export interface SessionKeeperOptions {
  /** Used for the refresh route only. */
  client: Pick<ProxyClient, 'refreshSession'>;
  /** Host mode: the sale's page gives a token for an investor it already knows (the element's `tokenProvider`). */
  tokenProvider?: () => HostToken | Promise<HostToken>;
  /** Refresh this long before the token expires (at most half its lifetime). Default 60. */
  refreshAheadSeconds?: number;
  /** Keep the token fresh on a timer, not only before calls. Default true. */
  autoRefresh?: boolean;
  /** The clock, ms. */
  now?: () => number;
  /** The token changed (a new session, a refresh) or was dropped (`undefined`). */
  onTokenChange?: (session: KeptSession | undefined) => void;
  /** No way to a valid token is left: ask the investor for an email code again. */
  onReauthNeeded?: (cause: ApiError) => void;
}

/** The token held, with what the keeper read from it. */
export interface KeptSession {
  token: string;
  /** Unix seconds, from the token's `exp` (or the session answer); undefined when unknown. */
  expiresAt: number | undefined;
  /** Unix seconds, from the token's `iat`. */
  issuedAt: number | undefined;
  /** The provider user id, when the answer gave it. */
  userId: string | undefined;
}

/** The keeper of one element's session. */
export interface SessionKeeper {
  /** The session held now. */
  readonly session: KeptSession | undefined;
  /** Hold this token (after sign-in, or from the host). */
  set(session: HostToken): void;
  /** Run `call` with a valid token; on a 401, renew once and run it again. Rejects with an {@link ApiError}. */
  authorized<T>(call: (token: string) => Promise<T>): Promise<T>;
  /** Get a new token now (the stream's `reauth` event); shared with any renewal under way. */
  renew(): Promise<string>;
  /** Forget the token (sign out). */
  clear(): void;
  /** Stop the refresh timer for good (the element was removed). */
  dispose(): void;
}

const DEFAULT_REFRESH_AHEAD_SECONDS = 60;
/** After a failed timed refresh (network), try again this much later while the token lasts. */
const RETRY_TIMED_REFRESH_MS = 15_000;

/** The JSON payload of a compact JWS, unverified; undefined when it cannot be read. */
export function readTokenClaims(token: string): { exp?: number; iat?: number; sub?: string } | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined || payload === '') return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '=');
    const value: unknown = JSON.parse(atob(base64));
    if (typeof value !== 'object' || value === null) return undefined;
    const { exp, iat, sub } = value as Record<string, unknown>;
    return { ...(typeof exp === 'number' ? { exp } : {}), ...(typeof iat === 'number' ? { iat } : {}), ...(typeof sub === 'string' ? { sub } : {}) };
  } catch {
    return undefined;
  }
}

function keptSession(input: HostToken): KeptSession {
  const answer = typeof input === 'string' ? { token: input } : input;
  const claims = readTokenClaims(answer.token);
  return {
    token: answer.token,
    expiresAt: claims?.exp ?? answer.expiresAt,
    issuedAt: claims?.iat,
    // The proxy's tokens name the provider user in `sub`: a bare host token still says whose draft it is.
    userId: answer.userId ?? claims?.sub,
  };
}

function reauthNeeded(cause: unknown): ApiError {
  return new ApiError({
    status: 401,
    code: CLIENT_ERROR_CODES.reauthNeeded,
    kind: 'http',
    message: 'Your session has ended. Please confirm your email again to carry on; your answers are kept.',
    cause,
  });
}

/** Create the keeper of one element's session. */
export function createSessionKeeper(options: SessionKeeperOptions): SessionKeeper {
  const now = options.now ?? Date.now;
  const aheadSeconds = options.refreshAheadSeconds ?? DEFAULT_REFRESH_AHEAD_SECONDS;
  const autoRefresh = options.autoRefresh ?? true;
  let session: KeptSession | undefined;
  let renewing: Promise<KeptSession> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;
  /** Added to the device's clock to get the proxy's, when the device's is found wrong (see `learnClock`). */
  let clockOffsetMs = 0;
  const proxyNow = (): number => now() + clockOffsetMs;

  /** When to refresh: `aheadSeconds` before expiry, but never earlier than half the token's lifetime. */
  function refreshAtMs(kept: KeptSession): number | undefined {
    if (kept.expiresAt === undefined) return undefined;
    const lifetime = kept.issuedAt !== undefined ? kept.expiresAt - kept.issuedAt : Infinity;
    return (kept.expiresAt - Math.min(aheadSeconds, lifetime / 2)) * 1000;
  }

  function stillValid(kept: KeptSession): boolean {
    return kept.expiresAt === undefined || kept.expiresAt * 1000 > proxyNow();
  }

  /**
   * A token just received cannot be due for refresh already: if the device's clock says it is, that
   * clock is wrong (set ahead, or a different time zone set as local time), and the keeper counts from
   * the token's `iat` instead. A correct clock is trusted as it is: a host page may hand over a token
   * issued a while ago.
   */
  function learnClock(kept: KeptSession): void {
    clockOffsetMs = 0;
    const at = refreshAtMs(kept);
    if (kept.issuedAt !== undefined && at !== undefined && now() >= at) clockOffsetMs = kept.issuedAt * 1000 - now();
  }

  function schedule(delayMs: number): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (!autoRefresh || disposed || session === undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      renewShared().catch((error: unknown) => {
        // A network failure: the token may well last until the next try. A reauth was reported already.
        if (!isApiError(error, CLIENT_ERROR_CODES.reauthNeeded) && session !== undefined && stillValid(session)) schedule(RETRY_TIMED_REFRESH_MS);
      });
    }, Math.min(Math.max(0, delayMs), 2 ** 31 - 1));
  }

  function hold(next: KeptSession | undefined): void {
    session = next;
    if (next !== undefined) learnClock(next);
    options.onTokenChange?.(next);
    const at = next === undefined ? undefined : refreshAtMs(next);
    if (at === undefined) {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    } else {
      schedule(at - proxyNow());
    }
  }

  async function obtain(): Promise<KeptSession> {
    const current = session;
    let refusal: unknown;
    if (current !== undefined && stillValid(current)) {
      try {
        const refreshed = await options.client.refreshSession(current.token);
        return keptSession({ ...refreshed, userId: refreshed.userId ?? current.userId });
      } catch (error) {
        // Only a refused token sends us on; a network failure is reported as it is (the token may be fine).
        if (!isApiError(error) || error.status !== 401) throw error;
        refusal = error;
      }
    }
    if (options.tokenProvider !== undefined) {
      try {
        const given = keptSession(await options.tokenProvider());
        if (given.token !== '' && stillValid(given) && given.token !== current?.token) return given;
      } catch (error) {
        refusal = error;
      }
    }
    throw reauthNeeded(refusal);
  }

  function renewShared(): Promise<KeptSession> {
    renewing ??= obtain()
      .then((fresh) => {
        hold(fresh);
        return fresh;
      })
      .catch((error: unknown) => {
        if (isApiError(error, CLIENT_ERROR_CODES.reauthNeeded)) {
          hold(undefined);
          options.onReauthNeeded?.(error);
        }
        throw error;
      })
      .finally(() => {
        renewing = undefined;
      });
    return renewing;
  }

  /** A token to call with: renewed first when it is due (or there is none). */
  async function usableToken(): Promise<string> {
    if (renewing !== undefined) return (await renewing).token;
    const current = session;
    if (current === undefined) return (await renewShared()).token;
    const at = refreshAtMs(current);
    if (at !== undefined && proxyNow() >= at) {
      try {
        return (await renewShared()).token;
      } catch (error) {
        // Refresh failed for want of network; the old token still works until it expires.
        if (!isApiError(error, CLIENT_ERROR_CODES.reauthNeeded) && stillValid(current)) return current.token;
        throw error;
      }
    }
    return current.token;
  }

  return {
    get session() {
      return session;
    },
    set(input) {
      hold(keptSession(input));
    },
    async authorized(call) {
      const token = await usableToken();
      try {
        return await call(token);
      } catch (error) {
        if (!isApiError(error) || error.status !== 401) throw error;
        // Another call may have renewed meanwhile: use its token rather than renew again.
        const fresh = session !== undefined && session.token !== token ? session.token : (await renewShared()).token;
        return await call(fresh);
      }
    },
    async renew() {
      return (await renewShared()).token;
    },
    clear() {
      hold(undefined);
    },
    dispose() {
      disposed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
