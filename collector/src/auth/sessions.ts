// Console sessions: a random secret in an HttpOnly cookie, kept in the store only as its SHA-256
// hash, with a CSRF token of its own; it ends after SESSION_IDLE_MS without a request, after
// SESSION_MAX_MS in any case, at logout, and when the person is disabled or their password changes.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PeopleStore, SessionRow, UserRow } from './people-store.js';

export const SESSION_IDLE_MS = 4 * 3_600_000;
export const SESSION_MAX_MS = 12 * 3_600_000;
/** last_seen is written at most this often per session (not on every request). */
const TOUCH_EVERY_MS = 60_000;

export interface LiveSession {
  user: UserRow;
  session: SessionRow;
}

export const hashSessionToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export class Sessions {
  constructor(private readonly people: PeopleStore, private readonly now: () => number = Date.now) {}

  /** Opens a session for a person; returns the cookie's secret and the CSRF token (shown once each). */
  open(user: UserRow, client: string): { token: string; csrfToken: string; expiresMs: number } {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const now = this.now();
    const expiresMs = now + SESSION_MAX_MS;
    this.people.createSession({ tokenHash: hashSessionToken(token), userId: user.id, csrfToken, createdMs: now, lastSeenMs: now, expiresMs, client: client.slice(0, 300) });
    this.people.recordLogin(user.id, now);
    return { token, csrfToken, expiresMs };
  }

  /** The live session of a cookie's secret, or undefined (unknown, expired, idle too long, person disabled). */
  resolve(token: string): LiveSession | undefined {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const tokenHash = hashSessionToken(token);
    const session = this.people.session(tokenHash);
    if (!session) return undefined;
    const now = this.now();
    const user = this.people.user(session.userId);
    if (!user || user.disabledMs !== null || now >= session.expiresMs || now - session.lastSeenMs >= SESSION_IDLE_MS || user.passwordChangedMs > session.createdMs) {
      this.people.deleteSession(tokenHash);
      return undefined;
    }
    if (now - session.lastSeenMs >= TOUCH_EVERY_MS) this.people.touchSession(tokenHash, now);
    return { user, session };
  }

  close(token: string): boolean {
    return this.people.deleteSession(hashSessionToken(token));
  }

  /** Is this session still there (for long requests such as the event stream)? */
  stillOpen(tokenHash: string): boolean {
    const s = this.people.session(tokenHash);
    return s !== undefined && this.now() < s.expiresMs;
  }

  sweep(): number {
    return this.people.deleteExpiredSessions(this.now());
  }
}

/** Compares a CSRF token a request sent with the session's, in constant time. */
export function csrfMatches(sent: string | undefined, expected: string): boolean {
  if (!sent) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
