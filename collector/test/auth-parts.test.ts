// The parts of people's logins on their own: scrypt password hashes (format, salts, weaker
// parameters re-hashed, malformed hashes never matching), the rules for chosen passwords,
// sessions against a clock (idle and absolute expiry, disabled people, changed passwords), and the
// login limiter's windows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/index.js';
import { NO_USER_HASH, SCRYPT_PARAMS, generatePassword, hashPassword, passwordProblem, verifyPassword } from '../src/auth/passwords.js';
import { SESSION_IDLE_MS, SESSION_MAX_MS, Sessions, csrfMatches, hashSessionToken } from '../src/auth/sessions.js';
import { LoginLimiter } from '../src/auth/login-limiter.js';
import { readCookie, sessionCookie } from '../src/auth/cookies.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('password hashes', () => {
  it('are scrypt with their parameters and a fresh salt each time, and verify only the right password', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    expect(a).toMatch(new RegExp(`^scrypt\\$${SCRYPT_PARAMS.N}\\$${SCRYPT_PARAMS.r}\\$${SCRYPT_PARAMS.p}\\$[\\w-]{22}\\$[\\w-]{43}$`));
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery staple', a)).toEqual({ ok: true, needsRehash: false });
    expect(await verifyPassword('correct horse battery stapl', a)).toEqual({ ok: false, needsRehash: false });
    expect(await verifyPassword('Correct horse battery staple', a)).toMatchObject({ ok: false });
  });

  it('asks for a new hash when one was made with weaker parameters', async () => {
    const weak = await hashPassword('correct horse battery staple', { N: 1024, r: 8, p: 1 });
    expect(await verifyPassword('correct horse battery staple', weak)).toEqual({ ok: true, needsRehash: true });
  });

  it('never match a malformed or absent hash, whatever the password', async () => {
    const good = await hashPassword('pw pw pw pw pw pw');
    const [, , , , salt, key] = good.split('$');
    for (const bad of ['', 'plain', `bcrypt$10$${salt}$${key}`, `scrypt$3$8$1$${salt}$${key}`, `scrypt$${2 ** 21}$8$1$${salt}$${key}`, `scrypt$1024$99$1$${salt}$${key}`, `scrypt$1024$8$1$${salt}`, NO_USER_HASH]) {
      expect(await verifyPassword('pw pw pw pw pw pw', bad), bad).toEqual({ ok: false, needsRehash: false });
    }
  });

  it('refuse a chosen password that is short, contains the name or repeats itself, and accept what the generator makes', () => {
    expect(passwordProblem('short one', 'bob')).toMatch(/too short: use at least 12 characters/);
    expect(passwordProblem('my name is jordan.ellis!', 'jordan.ellis')).toMatch(/contains the user name/);
    expect(passwordProblem('aaaaaaaaaaaaaaaa', 'bob')).toMatch(/repeats too few characters/);
    expect(passwordProblem('x'.repeat(257), 'bob')).toMatch(/too long/);
    expect(passwordProblem('copper lantern meadow 17', 'bob')).toBeUndefined();
    const generated = new Set(Array.from({ length: 50 }, () => generatePassword()));
    expect(generated.size).toBe(50);
    for (const p of generated) {
      expect(p).toMatch(/^[\w-]{24}$/);
      expect(passwordProblem(p, 'admin')).toBeUndefined();
    }
  });
});

describe('sessions', () => {
  function setup() {
    const dir = mkdtempSync(join(tmpdir(), 'farmwatch-sessions-'));
    dirs.push(dir);
    const store = new SqliteStore(join(dir, 'c.db'));
    let now = 1_800_000_000_000;
    const user = store.people.createUser('bob', 'analyst', 'scrypt$x', 'test', now);
    const sessions = new Sessions(store.people, () => now);
    return { store, sessions, user, advance: (ms: number) => (now += ms), now: () => now };
  }

  it('resolve while used, end after the idle time without a request, and after the absolute limit in any case', () => {
    const { store, sessions, user, advance } = setup();
    const s = sessions.open(user, '127.0.0.1 test');
    expect(sessions.resolve(s.token)?.user.name).toBe('bob');
    advance(SESSION_IDLE_MS - 60_000);
    expect(sessions.resolve(s.token)).toBeDefined();
    advance(SESSION_IDLE_MS - 60_000);
    expect(sessions.resolve(s.token), 'kept alive by the request before').toBeDefined();
    advance(SESSION_IDLE_MS);
    expect(sessions.resolve(s.token)).toBeUndefined();
    expect(store.people.session(hashSessionToken(s.token)), 'an ended session is deleted').toBeUndefined();
    const t = sessions.open(user, '');
    for (let spent = 0; spent < SESSION_MAX_MS; spent += SESSION_IDLE_MS / 2) {
      expect(sessions.resolve(t.token)).toBeDefined();
      advance(SESSION_IDLE_MS / 2);
    }
    expect(sessions.resolve(t.token)).toBeUndefined();
    store.close();
  });

  it('end when the person is disabled or their password changes, and never resolve a made-up token', () => {
    const { store, sessions, user, advance, now } = setup();
    const a = sessions.open(user, '');
    store.people.setDisabled(user.id, now());
    expect(sessions.resolve(a.token)).toBeUndefined();
    store.people.setDisabled(user.id, null);
    const b = sessions.open(user, '');
    advance(1000);
    store.people.setPassword(user.id, 'scrypt$y', now());
    expect(sessions.resolve(b.token)).toBeUndefined();
    for (const token of ['', 'x', 'A'.repeat(43), `${b.token}x`, '../../etc/passwd']) expect(sessions.resolve(token)).toBeUndefined();
    store.close();
  });

  it('compare CSRF tokens exactly', () => {
    expect(csrfMatches('abc', 'abc')).toBe(true);
    expect(csrfMatches('abd', 'abc')).toBe(false);
    expect(csrfMatches('ab', 'abc')).toBe(false);
    expect(csrfMatches(undefined, 'abc')).toBe(false);
  });

  it('read and write the cookie', () => {
    expect(readCookie('a=1; fw_session=xyz; b=2', 'fw_session')).toBe('xyz');
    expect(readCookie('fw_session_other=1', 'fw_session')).toBeUndefined();
    expect(sessionCookie('v', { secure: true, maxAgeS: 60 })).toBe('fw_session=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=60; Secure');
  });
});

describe('the login limiter', () => {
  it('refuses a name from an address after its failures, until the oldest leaves the window', () => {
    let now = 0;
    const l = new LoginLimiter({ windowMs: 60_000, perUserAndClient: 3, perClient: 5, perUser: 8 }, () => now);
    for (let i = 0; i < 3; i++) {
      expect(l.retryAfterMs('bob', '10.0.0.1')).toBe(0);
      l.failed('bob', '10.0.0.1');
      now += 1000;
    }
    expect(l.retryAfterMs('bob', '10.0.0.1')).toBe(57_000);
    expect(l.retryAfterMs('BOB ', '10.0.0.1'), 'names are compared as typed at a login form').toBe(57_000);
    expect(l.retryAfterMs('bob', '10.0.0.2')).toBe(0);
    now = 60_001;
    expect(l.retryAfterMs('bob', '10.0.0.1')).toBe(0);
  });

  it('counts an address across names, and a name across addresses', () => {
    const l = new LoginLimiter({ windowMs: 60_000, perUserAndClient: 100, perClient: 5, perUser: 8 }, () => 0);
    for (let i = 0; i < 5; i++) l.failed(`user${i}`, '10.0.0.9');
    expect(l.retryAfterMs('someone-else', '10.0.0.9')).toBeGreaterThan(0);
    for (let i = 0; i < 8; i++) l.failed('alice', `10.1.0.${i}`);
    expect(l.retryAfterMs('alice', '10.2.0.1')).toBeGreaterThan(0);
  });

  it('forgets the failures of a name and address after a success there', () => {
    const l = new LoginLimiter({ windowMs: 60_000, perUserAndClient: 2, perClient: 50, perUser: 50 }, () => 0);
    l.failed('bob', 'a');
    l.succeeded('bob', 'a');
    l.failed('bob', 'a');
    expect(l.retryAfterMs('bob', 'a')).toBe(0);
  });
});
