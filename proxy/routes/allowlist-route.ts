/**
 * `GET /v1/sales/:sale/allowlist?format=json|csv&proven=only` (integrator key as bearer): the sale's
 * allowlist export, as a download. Server to server, like `host-sessions`: the sale's backend or an
 * operator's script calls it, never a browser.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { ALLOWLIST_FORMATS, exportAllowlist, renderAllowlist, type AllowlistFormat } from '../allowlist/export-allowlist.js';
import { invalidField } from '../http/api-error.js';
import { requireIntegratorKey } from '../http/integrator-key.js';
import { providerFailure } from '../http/provider-failure.js';
import { saleOf } from '../http/widget-session.js';
import type { ProxyDeps } from '../proxy-deps.js';

/** The single value of query parameter `name` (absent: undefined; repeated: a 400 naming it). */
function queryValue(ctx: Context, name: string): string | undefined {
  const value = ctx.query[name];
  if (Array.isArray(value)) throw invalidField(name, 'single', `${name} may be given once.`);
  return value;
}

function readFormat(ctx: Context): AllowlistFormat {
  const format = queryValue(ctx, 'format') ?? 'json';
  if (!(ALLOWLIST_FORMATS as readonly string[]).includes(format)) throw invalidField('format', 'one_of', 'format must be json or csv.');
  return format as AllowlistFormat;
}

function readProvenOnly(ctx: Context): boolean {
  const proven = queryValue(ctx, 'proven') ?? 'all';
  if (proven !== 'only' && proven !== 'all') throw invalidField('proven', 'one_of', 'proven must be only (investors who proved owning their address) or all.');
  return proven === 'only';
}

/** Add the allowlist route to `router`. */
export function addAllowlistRoute(router: Router, deps: ProxyDeps): void {
  router.get('/v1/sales/:sale/allowlist', async (ctx: Context) => {
    const sale = saleOf(ctx, deps);
    requireIntegratorKey(ctx, sale);
    const format = readFormat(ctx);
    const provenOnly = readProvenOnly(ctx);
    let file;
    try {
      file = renderAllowlist(await exportAllowlist(sale, deps.store, { provenOnly, now: new Date(deps.now()) }), format);
    } catch (error) {
      throw providerFailure(error);
    }
    ctx.set({
      'Content-Disposition': `attachment; filename="${file.filename}"`,
      'Cache-Control': 'no-store',
      // The CSV has no room for the root; a script downloading it finds the root here.
      'X-Allowlist-Merkle-Root': file.document.merkle.root ?? 'none',
    });
    ctx.type = file.contentType;
    ctx.body = file.text;
  });
}
