/**
 * The headers of every console response. The console has no script at all, so the policy allows none;
 * styles come only from `/console/style.css`; images only from the console itself and from the origins of
 * the presigned document URLs on the page (the S3 stand-in, or whatever S3 endpoint the file store uses).
 * Framing is refused (clickjacking), and no referrer leaves for another origin, so following a document
 * link does not tell the file server which case was open. (Not `no-referrer`: with it, browsers send
 * `Origin: null` on the console's own form posts, which the origin check must then refuse.)
 */

/** The Content-Security-Policy for a page showing images from `imageOrigins` (e.g. `http://127.0.0.1:4011`). */
export function contentSecurityPolicy(imageOrigins: readonly string[] = []): string {
  const images = ["'self'", ...new Set(imageOrigins)].join(' ');
  return [
    "default-src 'none'",
    `img-src ${images}`,
    "style-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** Headers for an HTML page (or the stylesheet) of the console. */
export function securityHeaders(imageOrigins: readonly string[] = []): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(imageOrigins),
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    // Pages show personal data and presigned URLs: nothing is kept in a cache.
    'Cache-Control': 'no-store',
    'X-Robots-Tag': 'noindex, nofollow',
  };
}

/** The origin (`scheme://host:port`) of an absolute URL, or undefined when it is not one. */
export function originOf(url: string): string | undefined {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}
