// The session cookie: read from the Cookie header, written with Set-Cookie attributes that keep it
// from scripts (HttpOnly), from other sites' requests (SameSite=Strict) and, over HTTPS, from
// plain-text connections (Secure).
export const SESSION_COOKIE = 'fw_session';

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    if (part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

export function sessionCookie(value: string, opts: { secure: boolean; maxAgeS: number }): string {
  return [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${Math.max(0, Math.round(opts.maxAgeS))}`, ...(opts.secure ? ['Secure'] : [])].join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', { secure, maxAgeS: 0 });
}
