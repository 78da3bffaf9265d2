/**
 * The short-lived tokens the proxy gives the `<kyc-onboarding>` widget once the investor has proven
 * their email (or when the sale's own backend asks for one): issue, verify and refresh, side by side.
 *
 * A token is a JWT signed with the key set's current key (EdDSA or ES256), typed `kyc-widget+jwt`, and
 * bound to three things: the sale (`aud`), the embedding page's origin (`origin`) and the provider user
 * (`sub`). It carries no email or other personal data: a JWT is only base64, anyone holding it can read
 * it. Verification pins the algorithms to the key set's, the issuer, the audience, the type and the
 * origin, so a token for one sale, site or user is refused everywhere else.
 *
 * Sessions: `auth_time` records when the email was proven and is carried over on refresh; no token is
 * valid past `auth_time + maxSessionSeconds`, after which the investor proves their email again.
 */
import { randomUUID } from 'node:crypto';
import { jwtVerify, type JWTPayload } from 'jose';
import { isCompactJws, readBearer } from './read-bearer.js';
import type { SigningKeySet } from './signing-keys.js';
import { TokenError, tokenErrorFromJose } from './token-error.js';

/** The JWT `typ` header of widget tokens (explicit typing, RFC 8725 §3.11). */
export const WIDGET_TOKEN_TYPE = 'kyc-widget+jwt';
/** The longest token lifetime allowed: 15 minutes. */
export const MAX_LIFETIME_SECONDS = 900;
/** How far the clocks of the proxies may disagree. */
export const CLOCK_TOLERANCE_SECONDS = 5;
/** The default maximum session length: 12 hours after the email was proven. */
export const DEFAULT_MAX_SESSION_SECONDS = 12 * 60 * 60;

/** Who a token is for. */
export interface WidgetTokenSubject {
  /** The sale id. */
  sale: string;
  /** The embedding page's origin (`https://sale.example`); normalised with `URL.origin`. */
  origin: string;
  /** The provider's user id. */
  userId: string;
}

/** What a request expects its token to be bound to. */
export interface ExpectedBinding {
  /** The sale the request is for. */
  sale: string;
  /** The request's `Origin`. */
  origin: string;
  /** When the request is about one provider user, that user's id. */
  userId?: string;
}

/** The claims of a verified widget token. */
export interface WidgetClaims {
  /** The proxy that issued it. */
  iss: string;
  /** The sale id. */
  aud: string;
  /** The provider user id. */
  sub: string;
  /** The embedding page's origin. */
  origin: string;
  iat: number;
  nbf: number;
  exp: number;
  /** A random id, unique per token. */
  jti: string;
  /** When the investor proved their email (unix seconds). */
  auth_time: number;
}

/** A signed token and when it expires (unix seconds). */
export interface IssuedToken {
  token: string;
  expiresAt: number;
}

/** Options of `createTokenService`. */
export interface TokenServiceOptions {
  /** The `iss` of every token: the proxy's public URL, for instance. */
  issuer: string;
  /** The signing keys (`loadSigningKeys`). */
  keys: SigningKeySet;
  /** Token lifetime in seconds, 1 to 900. */
  lifetimeSeconds: number;
  /** How long after the email was proven tokens may still be refreshed (default 12 h). */
  maxSessionSeconds?: number;
  /** The clock, in milliseconds like `Date.now` (the default). */
  now?: () => number;
}

/** Issues, verifies and refreshes widget tokens. */
export interface TokenService {
  /** Sign a new token for a user who has just proven their email. */
  issue(subject: WidgetTokenSubject): Promise<IssuedToken>;
  /**
   * Check a token for a request.
   * @throws TokenError with the `reason` of the first check that failed.
   */
  verify(token: string, expected: ExpectedBinding): Promise<WidgetClaims>;
  /**
   * A fresh token for the same user, sale, origin and `auth_time`, given a token that is still valid.
   * @throws TokenError as `verify`, or `session_too_old` once the session has reached its maximum length.
   */
  refresh(token: string, expected: ExpectedBinding): Promise<IssuedToken>;
  /** The token in an `Authorization: Bearer …` header (see `readBearer`). */
  readBearer(authorizationHeader: string | undefined): string;
  /** How many verified tokens this process holds to skip their signature check (expired ones are dropped). */
  cachedTokenCount(): number;
}

const REQUIRED_CLAIMS = ['iss', 'aud', 'sub', 'origin', 'iat', 'nbf', 'exp', 'jti', 'auth_time'];

/**
 * Create the token service.
 * @example
 * const tokens = createTokenService({ issuer: 'https://kyc.sale.example', keys, lifetimeSeconds: 600 });
 * const { token } = await tokens.issue({ sale: 'acme', origin: 'https://acme.example', userId: '11007' });
 * const claims = await tokens.verify(tokens.readBearer(ctx.get('authorization')), { sale, origin });
 * @throws RangeError when `lifetimeSeconds` is not an integer from 1 to 900 or `maxSessionSeconds` not a
 *   positive integer; TypeError when `issuer` is empty.
 */
export function createTokenService(options: TokenServiceOptions): TokenService {
  const { issuer, keys, lifetimeSeconds, maxSessionSeconds = DEFAULT_MAX_SESSION_SECONDS, now = Date.now } = options;
  if (typeof issuer !== 'string' || issuer === '') throw new TypeError('createTokenService: issuer must be a non-empty string');
  if (!Number.isInteger(lifetimeSeconds) || lifetimeSeconds < 1 || lifetimeSeconds > MAX_LIFETIME_SECONDS) {
    throw new RangeError(`createTokenService: lifetimeSeconds must be an integer from 1 to ${MAX_LIFETIME_SECONDS}`);
  }
  if (!Number.isInteger(maxSessionSeconds) || maxSessionSeconds < 1) {
    throw new RangeError('createTokenService: maxSessionSeconds must be a positive integer');
  }
  const nowSeconds = () => Math.floor(now() / 1000);

  async function sign(subject: WidgetTokenSubject, authTime: number): Promise<IssuedToken> {
    const issuedAt = nowSeconds();
    // Capped so that no token outlives the session, whatever its lifetime.
    const expiresAt = Math.min(issuedAt + lifetimeSeconds, authTime + maxSessionSeconds);
    const claims: WidgetClaims = {
      iss: issuer,
      aud: subject.sale,
      sub: subject.userId,
      origin: subject.origin,
      iat: issuedAt,
      nbf: issuedAt,
      exp: expiresAt,
      jti: randomUUID(),
      auth_time: authTime,
    };
    return { token: await keys.sign({ ...claims }, { typ: WIDGET_TOKEN_TYPE }), expiresAt };
  }

  // Tokens whose signature and fixed claims were verified, so that each request of an open journey does
  // not pay for the signature check again (about 0.2 ms of Ed25519 each). A hit re-checks the times and
  // the binding below; the cache is bounded and only ever holds tokens this process verified itself.
  const verifiedPayloads = new Map<string, JWTPayload>();
  const MAX_CACHED_TOKENS = 10_000;

  function remember(token: string, payload: JWTPayload): void {
    // Every token has the same lifetime, so the map (in the order tokens were first verified) holds them
    // roughly in the order they expire: drop the expired ones at its front, and the oldest when it is full.
    const nowS = nowSeconds();
    for (const [oldToken, oldPayload] of verifiedPayloads) {
      const expired = nowS >= Number(oldPayload.exp) + CLOCK_TOLERANCE_SECONDS;
      if (!expired && verifiedPayloads.size < MAX_CACHED_TOKENS) break;
      verifiedPayloads.delete(oldToken);
    }
    verifiedPayloads.set(token, payload);
  }

  /** The time checks jose made on the first verification, made again for a cached token. */
  function checkTimes(payload: JWTPayload): void {
    const nowS = nowSeconds();
    const exp = Number(payload.exp);
    const nbf = Number(payload.nbf);
    const iat = Number(payload.iat);
    if (nowS >= exp + CLOCK_TOLERANCE_SECONDS || nowS - iat > MAX_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS) throw new TokenError('expired');
    if (nbf > nowS + CLOCK_TOLERANCE_SECONDS || iat > nowS + CLOCK_TOLERANCE_SECONDS) throw new TokenError('not_yet_valid');
  }

  /** The full check by jose: signature, algorithm, `iss`, `aud`, `typ`, required claims and times. */
  async function verifySignature(token: string, expected: ExpectedBinding): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(
        token,
        (header) => {
          const key = keys.verificationKey(header);
          if (key === undefined) throw new TokenError('unknown_key');
          return key;
        },
        {
          algorithms: [...keys.algorithms],
          issuer,
          audience: expected.sale,
          typ: WIDGET_TOKEN_TYPE,
          requiredClaims: REQUIRED_CLAIMS,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          // Also refuses an `iat` in the future; no token of ours is older than the longest lifetime.
          maxTokenAge: MAX_LIFETIME_SECONDS,
          currentDate: new Date(now()),
        },
      );
      return payload;
    } catch (error) {
      throw tokenErrorFromJose(error);
    }
  }

  async function verify(token: string, expected: ExpectedBinding): Promise<WidgetClaims> {
    if (typeof token !== 'string' || token === '') throw new TokenError('missing');
    if (!isCompactJws(token)) throw new TokenError('malformed');
    const expectedOrigin = normaliseOrigin(expected.origin);
    if (expectedOrigin === undefined) throw new TokenError('wrong_origin');

    let payload: JWTPayload;
    const cached = verifiedPayloads.get(token);
    if (cached !== undefined) {
      payload = cached;
      try {
        checkTimes(payload);
      } catch (error) {
        if (error instanceof TokenError && error.reason === 'expired') verifiedPayloads.delete(token);
        throw error;
      }
    } else {
      payload = await verifySignature(token, expected);
      remember(token, payload);
    }

    // jose accepts an `aud` array containing the sale; ours is always the one sale.
    if (payload.aud !== expected.sale) throw new TokenError('wrong_audience');
    const claims = readClaims(payload);
    if (claims.origin !== expectedOrigin) throw new TokenError('wrong_origin');
    if (expected.userId !== undefined && claims.sub !== expected.userId) throw new TokenError('wrong_user');
    if (nowSeconds() - claims.auth_time > maxSessionSeconds + CLOCK_TOLERANCE_SECONDS) throw new TokenError('session_too_old');
    return claims;
  }

  return {
    async issue(subject) {
      const origin = normaliseOrigin(subject.origin);
      if (typeof subject.sale !== 'string' || subject.sale === '') throw new TypeError('issue: sale must be a non-empty string');
      if (typeof subject.userId !== 'string' || subject.userId === '') throw new TypeError('issue: userId must be a non-empty string');
      if (origin === undefined) throw new TypeError('issue: origin must be an http(s) origin');
      return sign({ sale: subject.sale, origin, userId: subject.userId }, nowSeconds());
    },
    verify,
    async refresh(token, expected) {
      const claims = await verify(token, expected);
      if (nowSeconds() >= claims.auth_time + maxSessionSeconds) throw new TokenError('session_too_old');
      return sign({ sale: claims.aud, origin: claims.origin, userId: claims.sub }, claims.auth_time);
    },
    readBearer,
    cachedTokenCount: () => verifiedPayloads.size,
  };
}

/** `https://Sale.Example:443/x` → `https://sale.example`; `undefined` for anything but an http(s) URL. */
function normaliseOrigin(value: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined;
}

/** The claims with their types checked (jose checked presence, signature and times). */
function readClaims(payload: JWTPayload): WidgetClaims {
  const { iss, aud, sub, origin, iat, nbf, exp, jti, auth_time: authTime } = payload;
  const strings = [iss, aud, sub, origin, jti];
  const numbers = [iat, nbf, exp, authTime];
  if (!strings.every((value) => typeof value === 'string') || !numbers.every((value) => Number.isInteger(value))) {
    throw new TokenError('malformed');
  }
  return {
    iss: iss as string,
    aud: aud as string,
    sub: sub as string,
    origin: origin as string,
    iat: iat as number,
    nbf: nbf as number,
    exp: exp as number,
    jti: jti as string,
    auth_time: authTime as number,
  };
}
