// Response headers for a service that faces the network: the console's pages may load scripts and
// styles from this origin only (no inline script, no eval, Trusted Types so no HTML is ever parsed
// from a string), nothing may frame them, and API answers are neither cached nor sniffed.
import type { FastifyInstance } from 'fastify';

export const CONSOLE_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "font-src 'self'", "connect-src 'self'",
  "manifest-src 'self'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
  "require-trusted-types-for 'script'", "trusted-types 'none'",
].join('; ');

/** For everything that is not a console page (JSON, event streams, assets). */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

export function securityHeaders(app: FastifyInstance, https: boolean): void {
  app.addHook('onSend', (req, reply, payload, done) => {
    const html = String(reply.getHeader('content-type') ?? '').startsWith('text/html');
    void reply.header('content-security-policy', html ? CONSOLE_CSP : API_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('x-frame-options', 'DENY')
      .header('cross-origin-opener-policy', 'same-origin')
      .header('cross-origin-resource-policy', 'same-origin')
      .header('permissions-policy', 'camera=(), microphone=(), geolocation=(), usb=(), serial=()');
    if (https) void reply.header('strict-transport-security', 'max-age=31536000');
    if (!reply.getHeader('cache-control') && !req.url.startsWith('/assets/')) void reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}
