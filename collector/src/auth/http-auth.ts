// Who makes an HTTP request: an API token (Authorization: Bearer) or a person's console session
// (the fw_session cookie). A session's state-changing requests must carry its CSRF token in the
// X-CSRF-Token header and, when the browser says where they come from, come from this origin.
import type { FastifyRequest } from 'fastify';
import type { Store } from '../store/store.js';
import { hashToken } from '../enroll/tokens.js';
import { ApiError, type Caller } from '../api/route.js';
import { readCookie, SESSION_COOKIE } from './cookies.js';
import { csrfMatches, type Sessions } from './sessions.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function tokenCaller(store: Store, header: string): Caller {
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m?.[1]) throw new ApiError(401, 'no API token: send "Authorization: Bearer <token>" (an admin makes tokens with `farmwatch-collector api-tokens create --name NAME --role ROLE`)');
  const token = store.alerts.apiToken(hashToken(m[1]));
  if (!token) throw new ApiError(401, 'unknown API token: check it was copied whole, or ask an admin for one');
  if (token.revokedMs !== null) throw new ApiError(401, `this API token ("${token.name}") was revoked at ${new Date(token.revokedMs).toISOString()}`);
  return { id: token.id, name: token.name, role: token.role, actor: `api:${token.name}`, via: 'token' };
}

/** The origin this request was made to, as a browser writes it in the Origin header. */
export function ownOrigin(req: FastifyRequest): string {
  return `${req.protocol}://${req.headers.host ?? ''}`;
}

/** Refuses a request a browser says comes from another site. */
export function checkSameOrigin(req: FastifyRequest): void {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== ownOrigin(req)) {
    throw new ApiError(403, `cross-origin request refused: it comes from ${origin.slice(0, 200)}, not from this console (${ownOrigin(req)})`);
  }
  if (req.headers['sec-fetch-site'] === 'cross-site') throw new ApiError(403, 'cross-site request refused: use the console on its own address');
}

export function sessionCaller(sessions: Sessions, req: FastifyRequest): Caller | undefined {
  const token = readCookie(req.headers.cookie, SESSION_COOKIE);
  if (!token) return undefined;
  const live = sessions.resolve(token);
  if (!live) return undefined;
  if (!SAFE_METHODS.has(req.method)) {
    checkSameOrigin(req);
    const sent = req.headers['x-csrf-token'];
    if (!csrfMatches(typeof sent === 'string' ? sent : undefined, live.session.csrfToken)) {
      throw new ApiError(403, 'CSRF token missing or wrong: the console sends it with every change; reload the page (and log in again if asked)');
    }
  }
  const u = live.user;
  return {
    id: u.id, name: u.name, role: u.role, actor: `user:${u.name}`, via: 'session',
    session: { tokenHash: live.session.tokenHash, csrfToken: live.session.csrfToken, expiresMs: live.session.expiresMs },
  };
}

/** The caller of a request, or undefined when it carries neither a token nor a live session. */
export function resolveCaller(store: Store, sessions: Sessions, req: FastifyRequest): Caller | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) return tokenCaller(store, header);
  return sessionCaller(sessions, req);
}

/**
 * Why a caller that was let in may no longer go on (for long requests such as the event stream):
 * its API token was revoked, or its console session ended (logout, expiry, the person disabled or
 * their password changed). Undefined while it still may.
 */
export function callerEnded(store: Store, caller: Caller, nowMs = Date.now()): string | undefined {
  if (caller.via === 'token') {
    const token = store.alerts.apiTokenById(caller.id);
    if (!token) return `the API token "${caller.name}" is gone`;
    return token.revokedMs !== null ? `the API token "${caller.name}" was revoked` : undefined;
  }
  const session = caller.session ? store.people.session(caller.session.tokenHash) : undefined;
  if (!session || nowMs >= session.expiresMs) return 'the console session ended';
  const user = store.people.user(session.userId);
  if (!user || user.disabledMs !== null) return `the user "${caller.name}" was disabled`;
  if (user.passwordChangedMs > session.createdMs) return `the password of "${caller.name}" was changed`;
  return undefined;
}
