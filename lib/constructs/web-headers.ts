/**
 * The security headers of the web pages (the workbench and the citizens' tracking page), as CloudFront's response
 * headers policy sends them and the local host sends them beside the API. Plain values, no CDK: the local host reads
 * them too.
 */

/** How long a browser keeps to HTTPS once it has seen the site: two years. */
export const HSTS_MAX_AGE_SECONDS = 2 * 365 * 24 * 60 * 60;

/**
 * The pages' content security policy: every script, style sheet, image and font from the site itself (no inline
 * script, nothing from elsewhere), no plugins, never framed. Inline style attributes are allowed: Element Plus sets
 * positions and sizes through them. `connectTo`: the origins the pages call besides their own, the identity
 * provider's discovery and token endpoints when sign-in goes through OIDC.
 */
export function pageContentSecurityPolicy(connectTo: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src ${["'self'", ...connectTo].join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The other headers every page answer carries. */
export const PAGE_HEADERS = {
  'strict-transport-security': `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

/** Cache-Control of the files whose name carries a hash of their content (Vite's `assets/`): a year, immutable. */
export const HASHED_FILE_CACHE = 'public, max-age=31536000, immutable';

/** Cache-Control of everything else the site serves (the pages, config.json): asked again each time. */
export const PAGE_CACHE = 'no-cache';
