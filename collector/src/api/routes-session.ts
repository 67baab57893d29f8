// Logging in to the console: a person trades a user name and password for a session cookie
// (HttpOnly, SameSite=Strict, Secure over HTTPS) and a CSRF token; failed attempts are counted per
// name and address and slowed down; logging out ends the session. Also: who am I, which pages may
// I open, change my password.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Collector } from '../app.js';
import type { Sessions } from '../auth/sessions.js';
import type { LoginLimiter } from '../auth/login-limiter.js';
import { NO_USER_HASH, hashPassword, passwordProblem, verifyPassword } from '../auth/passwords.js';
import { clearedSessionCookie, sessionCookie } from '../auth/cookies.js';
import { checkSameOrigin } from '../auth/http-auth.js';
import { SESSION_IDLE_MS } from '../auth/sessions.js';
import { auditTarget } from '../store/audit-target.js';
import { HOME, PAGES } from '../web/pages.js';
import { ApiError, actor, type Routes } from './route.js';

const LOGIN = {
  type: 'object', required: ['name', 'password'], additionalProperties: false, properties: {
    name: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 256 },
  },
};

export function sessionRoutes(routes: Routes, c: Collector, sessions: Sessions, limiter: LoginLimiter, https: boolean): void {
  const store = c.store;
  const pages = Object.fromEntries(PAGES.filter((p) => p.roles.length > 0).map((p) => [p.path, p.roles]));
  // Secure over HTTPS: the collector's own (--http-tls), or a trusted proxy's (X-Forwarded-Proto).
  const secure = (req: FastifyRequest): boolean => https || req.protocol === 'https';
  const setCookie = (req: FastifyRequest, reply: FastifyReply, token: string, expiresMs: number): void => {
    void reply.header('set-cookie', sessionCookie(token, { secure: secure(req), maxAgeS: (expiresMs - Date.now()) / 1000 }));
  };

  routes.add({
    method: 'POST', url: '/v1/session', roles: [], tag: 'session', summary: 'Log in to the console: a session cookie and the CSRF token for changes',
    body: LOGIN,
    handler: async (req, reply) => {
      checkSameOrigin(req);
      const { name, password } = req.body as { name: string; password: string };
      const client = req.ip;
      const attempt = limiter.attempt(name, client);
      if ('refusedForMs' in attempt) {
        void reply.header('retry-after', String(Math.ceil(attempt.refusedForMs / 1000)));
        throw new ApiError(429, `too many failed logins for "${name}" from ${client}: try again in ${Math.ceil(attempt.refusedForMs / 60_000)} minute(s), or ask an admin to reset the password`);
      }
      const user = store.people.userByName(name.trim());
      const verified = await verifyPassword(password, (user && store.people.passwordHash(user.id)) ?? NO_USER_HASH);
      attempt.settle(Boolean(user && verified.ok));
      if (!user || !verified.ok) {
        c.log.warn('console login failed', { user: name.slice(0, 64), client });
        throw new ApiError(401, 'wrong user name or password');
      }
      if (user.disabledMs !== null) throw new ApiError(403, `the user "${user.name}" is disabled: ask an admin to enable it`);
      if (verified.needsRehash) store.people.setPassword(user.id, await hashPassword(password), user.passwordChangedMs);
      const opened = sessions.open(user, `${client} ${String(req.headers['user-agent'] ?? '').slice(0, 200)}`);
      store.alerts.audit(`user:${user.name}`, 'user.login', auditTarget.user(user.name), `from ${client}`, Date.now());
      setCookie(req, reply, opened.token, opened.expiresMs);
      return { user: { name: user.name, role: user.role }, csrfToken: opened.csrfToken, expiresMs: opened.expiresMs, home: HOME[user.role] };
    },
  });
  routes.add({
    method: 'GET', url: '/v1/session', roles: ['admin', 'analyst', 'it'], tag: 'session', summary: 'Who is calling, with which role, and the console pages that role may open',
    handler: (req) => {
      const who = req.caller;
      if (!who) throw new ApiError(401, 'not logged in');
      return {
        user: { name: who.name, role: who.role }, via: who.via, home: HOME[who.role], pages,
        ...(who.session ? { csrfToken: who.session.csrfToken, expiresMs: who.session.expiresMs, idleTimeoutMs: SESSION_IDLE_MS } : {}),
      };
    },
  });
  routes.add({
    method: 'DELETE', url: '/v1/session', roles: ['admin', 'analyst', 'it'], tag: 'session', summary: 'Log out: the session ends',
    handler: (req, reply) => {
      const s = req.caller?.session;
      if (!s) throw new ApiError(400, 'an API token does not log out: an admin revokes it (DELETE /v1/api-tokens/ID)');
      store.people.deleteSession(s.tokenHash);
      store.alerts.audit(actor(req), 'user.logout', auditTarget.user(req.caller?.name ?? ''), '', Date.now());
      void reply.header('set-cookie', clearedSessionCookie(secure(req)));
      return { loggedOut: true };
    },
  });
  routes.add({
    method: 'POST', url: '/v1/session/password', roles: ['admin', 'analyst', 'it'], tag: 'session', summary: 'Change my password; my other sessions end',
    body: {
      type: 'object', required: ['current', 'password'], additionalProperties: false,
      properties: { current: { type: 'string', minLength: 1, maxLength: 256 }, password: { type: 'string', minLength: 1, maxLength: 256 } },
    },
    handler: async (req, reply) => {
      const who = req.caller;
      if (!who?.session) throw new ApiError(400, 'only a person logged in to the console changes a password here');
      const b = req.body as { current: string; password: string };
      const attempt = limiter.attempt(who.name, req.ip);
      if ('refusedForMs' in attempt) {
        void reply.header('retry-after', String(Math.ceil(attempt.refusedForMs / 1000)));
        throw new ApiError(429, `too many wrong passwords for "${who.name}" from ${req.ip}: try again in ${Math.ceil(attempt.refusedForMs / 60_000)} minute(s)`);
      }
      const user = store.people.user(who.id);
      const currentOk = Boolean(user && (await verifyPassword(b.current, store.people.passwordHash(user.id) ?? NO_USER_HASH)).ok);
      attempt.settle(currentOk);
      if (!user || !currentOk) {
        throw new ApiError(403, 'the current password is wrong');
      }
      const problem = passwordProblem(b.password, user.name);
      if (problem) throw new ApiError(400, problem);
      const now = Date.now();
      store.people.setPassword(user.id, await hashPassword(b.password), now);
      const ended = store.people.deleteSessionsOf(user.id);
      store.alerts.audit(actor(req), 'user.password', auditTarget.user(user.name), `changed by themself; ${ended} session(s) ended`, now);
      const opened = sessions.open(user, `${req.ip} ${String(req.headers['user-agent'] ?? '').slice(0, 200)}`);
      setCookie(req, reply, opened.token, opened.expiresMs);
      return { changed: true, csrfToken: opened.csrfToken, expiresMs: opened.expiresMs };
    },
  });
}
