/**
 * How an investor gets a session:
 * - `POST /v1/sales/:sale/codes` `{ email }`: mail a one-time code. The answer is the same whether or not
 *   the email is known to the provider (nothing is looked up yet), so it cannot be used to enumerate.
 * - `POST /v1/sales/:sale/sessions` `{ email, code }`: a right code proves the email; the provider user
 *   is created or found, and a widget token is issued.
 * - `POST /v1/sales/:sale/sessions/refresh` (bearer): a fresh token while the current one is valid.
 * - `POST /v1/sales/:sale/host-sessions` (integrator key): the sale's backend vouches for an email it
 *   has verified itself and receives a widget token for it (host-authenticated mode).
 */
import { createHmac } from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { normalizeEmail } from '../codes.js';
import { ApiError, invalidField } from '../http/api-error.js';
import { requireIntegratorKey } from '../http/integrator-key.js';
import { providerFailure } from '../http/provider-failure.js';
import { jsonObjectBody, requiredString } from '../http/request-body.js';
import { callerOrigin, requireSession, saleOf, unauthorized } from '../http/widget-session.js';
import { MailError } from '../mail.js';
import type { ProxyDeps, SaleServices } from '../proxy-deps.js';
import { checkRateLimit } from '../rate-limit.js';
import { TokenError } from '../session/token-error.js';
import { EMAIL_ADDRESS, MAX_EMAIL_LENGTH } from '../contract/email-address.js';

const HOUR_MS = 3600_000;

function readEmail(body: Record<string, unknown>): string {
  const email = requiredString(body, 'email', MAX_EMAIL_LENGTH);
  if (!EMAIL_ADDRESS.test(email)) {
    const message = 'email must be an email address like name@example.com.';
    throw invalidField('email', 'format', message);
  }
  return normalizeEmail(email);
}

/**
 * A stable, non-reversible handle of an email for store keys (no personal data in Redis). Keyed with the
 * code pepper: a plain hash of an address can be reversed by hashing a list of likely addresses.
 */
function emailKey(pepper: string, sale: string, email: string): string {
  return createHmac('sha256', pepper).update(JSON.stringify(['send-limits', sale, email])).digest('base64url');
}

/** The resend cooldown's key for an email (see {@link emailKey}): set by a send, ended by a sign-in. */
function cooldownKey(who: string): string {
  return `cooldown:codes:${who}`;
}

function tooMany(message: string, retryAfterSeconds: number, code = 'rate_limited'): ApiError {
  return new ApiError(429, code, message, { headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) } });
}

async function issueSession(deps: ProxyDeps, sale: SaleServices, origin: string, email: string): Promise<{ token: string; expiresAt: number; userId: string }> {
  let userId: number;
  try {
    userId = (await sale.provider.findOrCreateUser(email)).id;
  } catch (error) {
    throw providerFailure(error);
  }
  const issued = await sale.tokens.issue({ sale: sale.config.id, origin, userId: String(userId) });
  return { ...issued, userId: String(userId) };
}

/** Add the sign-in routes to `router`. */
export function addSignInRoutes(router: Router, deps: ProxyDeps): void {
  const { codes: limits } = deps.config;

  router.post('/v1/sales/:sale/codes', async (ctx: Context) => {
    const sale = saleOf(ctx, deps);
    const origin = callerOrigin(ctx, deps, sale);
    const body = jsonObjectBody(ctx);
    const email = readEmail(body);
    const who = emailKey(deps.config.codePepper.reveal(), sale.config.id, email);

    const perIp = await checkRateLimit(deps.store, `rate:codes-ip:${sale.config.id}:${ctx.ip}`, { limit: limits.sendsPerIpPerHour, windowMs: HOUR_MS });
    if (!perIp.allowed) throw tooMany('Too many codes were requested from this network. Please wait and try again.', perIp.retryAfterSeconds);
    const perEmail = await checkRateLimit(deps.store, `rate:codes-email:${who}`, { limit: limits.sendsPerEmailPerHour, windowMs: HOUR_MS });
    if (!perEmail.allowed) throw tooMany('Too many codes were requested for this email address. Please wait and try again.', perEmail.retryAfterSeconds);
    if (limits.resendCooldownSeconds > 0) {
      // One send per cooldown window; a window that is a counter also says how long is left of it.
      const cooldown = await checkRateLimit(deps.store, cooldownKey(who), { limit: 1, windowMs: limits.resendCooldownSeconds * 1000 });
      if (!cooldown.allowed) throw tooMany(`A code was sent a moment ago. You can ask for another in ${cooldown.retryAfterSeconds} seconds.`, cooldown.retryAfterSeconds, 'resend_too_soon');
    }

    const { code, expiresAt } = await deps.codes.issue(sale.config.id, email);
    const template = sale.config.mail.subject !== undefined && sale.config.mail.text !== undefined
      ? { subject: sale.config.mail.subject, text: sale.config.mail.text, ...(sale.config.mail.html !== undefined ? { html: sale.config.mail.html } : {}) }
      : undefined;
    try {
      await sale.mailer.sendCode({
        to: email,
        code,
        saleName: sale.config.name,
        expiresInMinutes: Math.round(limits.ttlSeconds / 60),
        ...(template !== undefined ? { template } : {}),
        ...(origin.startsWith('https://') ? { origin } : {}),
      });
    } catch (error) {
      if (error instanceof MailError) {
        // Let the investor ask again at once: the code never reached them.
        await deps.store.delete(cooldownKey(who));
        throw new ApiError(503, 'mail_unavailable', 'We could not send the code email just now. Please try again in a moment.', { cause: error, headers: { 'Retry-After': '30' } });
      }
      throw error;
    }
    deps.metrics.codesSent.inc({ sale: sale.config.id });
    ctx.status = 202;
    ctx.body = { sent: true, expiresAt: Math.floor(expiresAt / 1000), resendAfterSeconds: limits.resendCooldownSeconds };
  });

  router.post('/v1/sales/:sale/sessions', async (ctx: Context) => {
    const sale = saleOf(ctx, deps);
    const origin = callerOrigin(ctx, deps, sale);
    const body = jsonObjectBody(ctx);
    const email = readEmail(body);
    const code = requiredString(body, 'code', 20).replace(/\s+/g, '');
    const check = await deps.codes.verify(sale.config.id, email, code);
    if (!check.ok) {
      const messages = {
        wrong: `That code is not right. ${check.attemptsLeft} attempt${check.attemptsLeft === 1 ? '' : 's'} left.`,
        expired: 'That code has expired or was already used. Ask for a new one.',
        too_many_attempts: 'Too many wrong codes. Ask for a new one.',
      } as const;
      const message = messages[check.reason];
      throw new ApiError(400, `code_${check.reason}`, message, { fields: [{ field: 'code', rule: check.reason, message, params: { attemptsLeft: check.attemptsLeft } }] });
    }
    try {
      ctx.body = await issueSession(deps, sale, origin, email);
    } catch (error) {
      // The investor proved the email but got no session (the provider was down): the code stays
      // usable, so the retry the error message invites works.
      await check.giveBack().catch(() => undefined);
      throw error;
    }
    // The code did its job: the resend cooldown, there to stop a flood of mails while a code is live,
    // must not stop an investor who reloads the page from asking for a fresh one.
    await deps.store.delete(cooldownKey(emailKey(deps.config.codePepper.reveal(), sale.config.id, email))).catch(() => undefined);
    ctx.status = 201;
  });

  router.post('/v1/sales/:sale/sessions/refresh', async (ctx: Context) => {
    const session = await requireSession(ctx, deps);
    try {
      const issued = await session.sale.tokens.refresh(session.token, { sale: session.sale.config.id, origin: session.origin });
      ctx.body = { ...issued, userId: session.claims.sub };
    } catch (error) {
      if (error instanceof TokenError) {
        ctx.state['tokenRefusal'] = error.reason;
        throw unauthorized(error);
      }
      throw error;
    }
  });

  router.post('/v1/sales/:sale/host-sessions', async (ctx: Context) => {
    const sale = saleOf(ctx, deps);
    requireIntegratorKey(ctx, sale);
    const body = jsonObjectBody(ctx);
    const email = readEmail(body);
    const originText = body['origin'] === undefined ? sale.config.origins[0] : requiredString(body, 'origin', 300);
    let origin: string | undefined;
    try {
      origin = new URL(originText ?? '').origin;
    } catch {
      origin = undefined;
    }
    if (origin === undefined || !sale.config.origins.includes(origin)) {
      const message = 'origin must be one of the sale\'s configured origins.';
      throw invalidField('origin', 'not_allowed', message);
    }
    ctx.status = 201;
    ctx.body = await issueSession(deps, sale, origin, email);
  });
}
