// People in the console, over the collector's real HTTP app: logging in gives a session cookie
// the page's scripts cannot read and other sites' requests do not carry; a session's changes need
// its CSRF token and this origin; wrong passwords are counted and slowed down; every page and API
// call checks the role; logging out, disabling a person or changing a password ends sessions.
import { afterEach, describe, expect, it } from 'vitest';
import { newToken } from '../src/enroll/tokens.js';
import { consoleApp, login, PASSWORDS, type ConsoleApp } from './helpers/console-app.js';

let c: ConsoleApp | undefined;
afterEach(async () => {
  await c?.close();
  c = undefined;
});

const raiseOne = (app: ConsoleApp): number => {
  const id = app.store.registry.register({ serial: 'S1', assigneeName: 'P', assigneeEmail: 'p@x.com', shipTo: 'Austin, Texas, US', shipCountry: 'US', shipLat: null, shipLon: null, timeZone: 'America/Chicago' }, 'test', Date.now()).deviceId;
  app.store.db.prepare('INSERT INTO devices (id, machine_id, hostname, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?)').run(id, 'm1', 'LT-1', Date.now(), Date.now());
  return app.store.write((w) => w.raiseAlert({ deviceId: id, rule: 'remote_access.process', key: 'anydesk', severity: 'medium', title: 'AnyDesk is running', atMs: Date.now(), newOccurrence: true })).id;
};

describe('logging in', () => {
  it('gives a session cookie (HttpOnly, SameSite=Strict, not Secure over plain HTTP) and a CSRF token; the secret is stored only hashed', async () => {
    c = await consoleApp();
    const s = await login(c, 'bob');
    expect(s.setCookie).toMatch(/^fw_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect(s.csrf).toMatch(/^[\w-]{32}$/);
    const token = s.cookie.split('=')[1] ?? '';
    const rows = c.store.db.prepare('SELECT * FROM sessions').all() as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
    const me = await c.app.inject({ url: '/v1/session', headers: { cookie: s.cookie } });
    expect(me.json()).toMatchObject({ user: { name: 'bob', role: 'analyst' }, via: 'session', home: '/alerts', csrfToken: s.csrf, pages: { '/admin': ['admin'] } });
    const audit = c.store.alerts.auditLog(10, 0).map((a) => [a.actor, a.action]);
    expect(audit).toContainEqual(['user:bob', 'user.login']);
  });

  it('says the same for an unknown name and a wrong password, and counts failures until it refuses for a while', async () => {
    c = await consoleApp({ loginLimits: { windowMs: 60_000, perUserAndClient: 3, perClient: 10, perUser: 50 } });
    const attempt = (name: string, password: string) => c!.app.inject({ method: 'POST', url: '/v1/session', payload: { name, password } });
    const unknown = await attempt('mallory', 'whatever it is 123');
    const wrong = await attempt('bob', 'not the password at all');
    expect([unknown.statusCode, wrong.statusCode]).toEqual([401, 401]);
    expect(unknown.json()).toEqual(wrong.json());
    expect(wrong.json()).toEqual({ error: { status: 401, message: 'wrong user name or password' } });
    await attempt('bob', 'still not it 12345');
    await attempt('bob', 'and not this one 9');
    // Limited now, even with the right password.
    const limited = await attempt('bob', PASSWORDS.bob);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json<{ error: { message: string } }>().error.message).toMatch(/^too many failed logins for "bob" from 127\.0\.0\.1: try again in 1 minute\(s\)/);
    // Another person from the same address is not locked out by bob's failures.
    expect((await attempt('alice', PASSWORDS.alice)).statusCode).toBe(200);
  });

  it("behind a trusted proxy, counts failures per the proxy's client address and marks the cookie Secure for HTTPS", async () => {
    c = await consoleApp({ trustedProxies: ['127.0.0.1/32'], loginLimits: { windowMs: 60_000, perUserAndClient: 2, perClient: 10, perUser: 50 } });
    const attempt = (client: string, password: string) => c!.app.inject({
      method: 'POST', url: '/v1/session', headers: { 'x-forwarded-for': client, 'x-forwarded-proto': 'https' }, payload: { name: 'bob', password },
    });
    await attempt('203.0.113.7', 'wrong password one');
    await attempt('203.0.113.7', 'wrong password two');
    expect((await attempt('203.0.113.7', PASSWORDS.bob)).statusCode).toBe(429);
    const other = await attempt('198.51.100.20', PASSWORDS.bob);
    expect(other.statusCode).toBe(200);
    expect(String(other.headers['set-cookie'])).toMatch(/; Secure$/);
    expect(c.store.alerts.auditLog(1, 0)[0]).toMatchObject({ action: 'user.login', detail: 'from 198.51.100.20' });
  });

  it('refuses a disabled person after the right password, and ends their sessions', async () => {
    c = await consoleApp();
    const s = await login(c, 'bob');
    const admin = await login(c, 'alice');
    const bob = c.store.people.userByName('bob');
    const off = await c.app.inject({ method: 'POST', url: `/v1/users/${bob?.id ?? 0}/disable`, headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf }, payload: {} });
    expect(off.statusCode).toBe(200);
    expect((await c.app.inject({ url: '/v1/alerts', headers: { cookie: s.cookie } })).statusCode).toBe(401);
    const again = await c.app.inject({ method: 'POST', url: '/v1/session', payload: { name: 'bob', password: PASSWORDS.bob } });
    expect(again.statusCode).toBe(403);
    expect(again.json<{ error: { message: string } }>().error.message).toBe('the user "bob" is disabled: ask an admin to enable it');
    // The last admin cannot be disabled.
    const self = await c.app.inject({ method: 'POST', url: `/v1/users/${c.store.people.userByName('alice')?.id ?? 0}/disable`, headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf }, payload: {} });
    expect(self.statusCode).toBe(409);
  });

  it('logs out: the cookie is cleared and the session is gone', async () => {
    c = await consoleApp();
    const s = await login(c, 'bob');
    const out = await c.app.inject({ method: 'DELETE', url: '/v1/session', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
    expect(out.statusCode).toBe(200);
    expect(String(out.headers['set-cookie'])).toMatch(/^fw_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0$/);
    expect((await c.app.inject({ url: '/v1/session', headers: { cookie: s.cookie } })).statusCode).toBe(401);
  });

  it('changes my password: the other sessions end, this one carries on with a new cookie', async () => {
    c = await consoleApp();
    const here = await login(c, 'bob');
    const elsewhere = await login(c, 'bob');
    const weak = await c.app.inject({ method: 'POST', url: '/v1/session/password', headers: { cookie: here.cookie, 'x-csrf-token': here.csrf }, payload: { current: PASSWORDS.bob, password: 'short' } });
    expect(weak.statusCode).toBe(400);
    expect(weak.json<{ error: { message: string } }>().error.message).toMatch(/too short: use at least 12 characters/);
    const wrong = await c.app.inject({ method: 'POST', url: '/v1/session/password', headers: { cookie: here.cookie, 'x-csrf-token': here.csrf }, payload: { current: 'not my password', password: 'a brand new passphrase' } });
    expect(wrong.statusCode).toBe(403);
    const ok = await c.app.inject({ method: 'POST', url: '/v1/session/password', headers: { cookie: here.cookie, 'x-csrf-token': here.csrf }, payload: { current: PASSWORDS.bob, password: 'a brand new passphrase' } });
    expect(ok.statusCode).toBe(200);
    const fresh = String(ok.headers['set-cookie']).split(';')[0] ?? '';
    expect((await c.app.inject({ url: '/v1/alerts', headers: { cookie: elsewhere.cookie } })).statusCode).toBe(401);
    expect((await c.app.inject({ url: '/v1/alerts', headers: { cookie: fresh } })).statusCode).toBe(200);
    expect((await c.app.inject({ method: 'POST', url: '/v1/session', payload: { name: 'bob', password: 'a brand new passphrase' } })).statusCode).toBe(200);
  });
});

describe("a session's changes", () => {
  it('need the CSRF token and this origin; an API token needs neither', async () => {
    c = await consoleApp();
    const id = raiseOne(c);
    const s = await login(c, 'bob');
    const ack = (headers: Record<string, string>) => c!.app.inject({ method: 'POST', url: `/v1/alerts/${id}/ack`, headers: { cookie: s.cookie, ...headers }, payload: { note: 'on it' } });
    const none = await ack({});
    expect(none.statusCode).toBe(403);
    expect(none.json<{ error: { message: string } }>().error.message).toMatch(/^CSRF token missing or wrong/);
    // One character changed (to another one whatever the token ends with).
    expect((await ack({ 'x-csrf-token': `${s.csrf.slice(0, -1)}${s.csrf.endsWith('x') ? 'y' : 'x'}` })).statusCode).toBe(403);
    const foreign = await ack({ 'x-csrf-token': s.csrf, origin: 'https://evil.example' });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json<{ error: { message: string } }>().error.message).toMatch(/^cross-origin request refused: it comes from https:\/\/evil\.example/);
    expect((await ack({ 'x-csrf-token': s.csrf, 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect(c.store.alert(id)?.status).toBe('open');
    const ok = await ack({ 'x-csrf-token': s.csrf, origin: 'http://localhost:80' });
    expect(ok.statusCode).toBe(200);
    expect(c.store.alerts.notes(id)).toMatchObject([{ author: 'user:bob', text: 'on it' }]);
    // An API token (no cookie) goes through as before, with its own name in the audit log.
    const { token, hash } = newToken('api');
    c.store.alerts.createApiToken('soar', 'analyst', hash, Date.now());
    const viaToken = await c.app.inject({ method: 'POST', url: `/v1/alerts/${id}/resolve`, headers: { authorization: `Bearer ${token}` }, payload: {} });
    expect(viaToken.statusCode).toBe(200);
    expect(c.store.alerts.auditLog(5, 0).slice(0, 2).map((a) => `${a.actor} ${a.action}`)).toEqual(['api:soar alert.resolve', 'user:bob alert.ack']);
  });

  it('refuses a login from another site', async () => {
    c = await consoleApp();
    const res = await c.app.inject({ method: 'POST', url: '/v1/session', headers: { origin: 'https://evil.example' }, payload: { name: 'bob', password: PASSWORDS.bob } });
    expect(res.statusCode).toBe(403);
  });
});

describe('roles, page by page and call by call', () => {
  it('redirects to the login page without a session, and back to where it was after', async () => {
    c = await consoleApp();
    const res = await c.app.inject({ url: '/alerts/12?x=1' });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/login?next=%2Falerts%2F12%3Fx%3D1');
    const s = await login(c, 'bob');
    const back = await c.app.inject({ url: '/login?next=%2Falerts%2F12', headers: { cookie: s.cookie } });
    expect(back.headers.location).toBe('/alerts/12');
    // Never to another site.
    for (const next of ['//evil.example/x', 'https://evil.example', '/\\evil.example']) {
      const r = await c.app.inject({ url: `/login?next=${encodeURIComponent(next)}`, headers: { cookie: s.cookie } });
      expect(r.headers.location).toBe('/alerts');
    }
  });

  it("refuses each role the pages and calls of the others, saying which role they need", async () => {
    c = await consoleApp();
    const bob = await login(c, 'bob');
    const carol = await login(c, 'carol');
    const alice = await login(c, 'alice');
    const get = (s: { cookie: string }, url: string) => c!.app.inject({ url, headers: { cookie: s.cookie } });
    const page = await get(bob, '/admin');
    expect(page.statusCode).toBe(403);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('The page /admin needs the role admin.');
    expect(page.body).toContain('You are logged in as bob, with the role analyst.');
    expect((await get(bob, '/it')).statusCode).toBe(403);
    expect((await get(carol, '/alerts')).statusCode).toBe(403);
    expect((await get(carol, '/clusters/dev_x')).statusCode).toBe(403);
    expect((await get(carol, '/it')).statusCode).toBe(200);
    expect((await get(carol, '/devices')).statusCode).toBe(200);
    expect((await get(alice, '/admin')).statusCode).toBe(200);
    const api = await get(bob, '/v1/users');
    expect(api.statusCode).toBe(403);
    expect(api.json<{ error: { message: string } }>().error.message).toBe('GET /v1/users needs the role admin; the user "bob" has the role analyst');
    expect((await get(carol, '/v1/alerts')).statusCode).toBe(403);
    expect((await get(carol, '/v1/fleet/overview')).statusCode).toBe(403);
    expect((await get(bob, '/v1/fleet/overview')).statusCode).toBe(200);
    expect((await get(alice, '/v1/users')).json<{ name: string }[]>().map((u) => u.name)).toEqual(['alice', 'bob', 'carol']);
    // No password hash ever leaves the server.
    expect((await get(alice, '/v1/users')).body).not.toMatch(/scrypt|password_hash|passwordHash/);
    // The home page sends each role where it works.
    expect((await get(carol, '/')).headers.location).toBe('/it');
    expect((await get(alice, '/')).headers.location).toBe('/fleet');
  });
});

describe('what the server sends', () => {
  it('pages under a strict Content-Security-Policy, API answers neither cached nor framed', async () => {
    c = await consoleApp();
    const login = await c.app.inject({ url: '/login' });
    expect(login.statusCode).toBe(200);
    const csp = String(login.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("require-trusted-types-for 'script'");
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
    expect(login.headers['x-frame-options']).toBe('DENY');
    expect(login.headers['x-content-type-options']).toBe('nosniff');
    const health = await c.app.inject({ url: '/v1/health' });
    expect(health.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(health.headers['cache-control']).toBe('no-store');
  });

  it('serves the built assets from memory: cached for good under hashed names, gzip when asked, nothing else', async () => {
    c = await consoleApp();
    const js = await c.app.inject({ url: '/assets/app-ABCD2345.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['content-encoding']).toBe('gzip');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const again = await c.app.inject({ url: '/assets/app-ABCD2345.js', headers: { 'if-none-match': String(js.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect((await c.app.inject({ url: '/assets/licences.txt' })).headers['cache-control']).toBe('no-cache');
    for (const url of ['/assets/..%2Fc.db', '/assets/%2e%2e%2fc.db', '/assets/nope.js', '/assets/index.html']) {
      expect((await c.app.inject({ url })).statusCode).toBe(404);
    }
  });

  it('says so when the console was not built, and keeps the API up', async () => {
    c = await consoleApp({ built: false });
    const res = await c.app.inject({ url: '/login' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('the web console is not built');
    expect(res.body).toContain('run `npm run build`');
    expect((await c.app.inject({ url: '/v1/health' })).statusCode).toBe(200);
  });

  it('documents the session in the OpenAPI document', async () => {
    c = await consoleApp();
    const doc = (await c.app.inject({ url: '/v1/openapi.json' })).json<{ components: { securitySchemes: Record<string, { in?: string; name?: string }> }; paths: Record<string, Record<string, { 'x-roles'?: string[]; security?: unknown[] }>> }>();
    expect(doc.components.securitySchemes.session).toMatchObject({ in: 'cookie', name: 'fw_session' });
    expect(doc.paths['/v1/session']?.post?.security).toEqual([]);
    expect(doc.paths['/v1/users']?.post?.['x-roles']).toEqual(['admin']);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/alerts/bulk', '/v1/devices/{id}/timeline', '/v1/fleet/overview', '/v1/clusters/{id}']));
    // Pages are not API operations.
    expect(Object.keys(doc.paths).filter((p) => !p.startsWith('/v1/') && p !== '/metrics')).toEqual([]);
  });
});
