// SQLite side of the PeopleStore: users and sessions (migration 3), prepared statements only.
import type { Db } from '../store/sqlite.js';
import type { Role } from '../store/fleet-records.js';
import type { PeopleStore, SessionRow, UserRow } from './people-store.js';

const USER_COLUMNS = `id, name, role, created_ms AS createdMs, created_by AS createdBy, password_changed_ms AS passwordChangedMs,
  last_login_ms AS lastLoginMs, disabled_ms AS disabledMs`;
const SESSION_COLUMNS = `token_hash AS tokenHash, user_id AS userId, csrf_token AS csrfToken, created_ms AS createdMs,
  last_seen_ms AS lastSeenMs, expires_ms AS expiresMs, client`;

export class SqlitePeople implements PeopleStore {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      insertUser: db.prepare(`INSERT INTO users (name, role, password_hash, created_ms, created_by, password_changed_ms)
        VALUES (?, ?, ?, ?, ?, ?)`),
      user: db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`),
      userByName: db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE name = ?`),
      passwordHash: db.prepare('SELECT password_hash AS hash FROM users WHERE id = ?'),
      listUsers: db.prepare(`SELECT ${USER_COLUMNS} FROM users ORDER BY name`),
      setPassword: db.prepare('UPDATE users SET password_hash = ?, password_changed_ms = ? WHERE id = ?'),
      setRole: db.prepare('UPDATE users SET role = ? WHERE id = ?'),
      setDisabled: db.prepare('UPDATE users SET disabled_ms = ? WHERE id = ?'),
      recordLogin: db.prepare('UPDATE users SET last_login_ms = ? WHERE id = ?'),
      insertSession: db.prepare(`INSERT INTO sessions (token_hash, user_id, csrf_token, created_ms, last_seen_ms, expires_ms, client)
        VALUES (@tokenHash, @userId, @csrfToken, @createdMs, @lastSeenMs, @expiresMs, @client)`),
      session: db.prepare(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE token_hash = ?`),
      touchSession: db.prepare('UPDATE sessions SET last_seen_ms = ? WHERE token_hash = ?'),
      deleteSession: db.prepare('DELETE FROM sessions WHERE token_hash = ?'),
      deleteSessionsOf: db.prepare('DELETE FROM sessions WHERE user_id = ?'),
      deleteExpired: db.prepare('DELETE FROM sessions WHERE expires_ms <= ?'),
    };
  }

  createUser(name: string, role: Role, passwordHash: string, actor: string, nowMs: number): UserRow {
    const id = Number(this.s.insertUser.run(name, role, passwordHash, nowMs, actor, nowMs).lastInsertRowid);
    return this.user(id) as UserRow;
  }

  user(id: number): UserRow | undefined {
    return this.s.user.get(id) as UserRow | undefined;
  }

  userByName(name: string): UserRow | undefined {
    return this.s.userByName.get(name) as UserRow | undefined;
  }

  passwordHash(userId: number): string | undefined {
    return (this.s.passwordHash.get(userId) as { hash: string } | undefined)?.hash;
  }

  listUsers(): UserRow[] {
    return this.s.listUsers.all() as UserRow[];
  }

  setPassword(userId: number, passwordHash: string, nowMs: number): void {
    this.s.setPassword.run(passwordHash, nowMs, userId);
  }

  setRole(userId: number, role: Role): void {
    this.s.setRole.run(role, userId);
  }

  setDisabled(userId: number, disabledMs: number | null): void {
    this.s.setDisabled.run(disabledMs, userId);
  }

  recordLogin(userId: number, nowMs: number): void {
    this.s.recordLogin.run(nowMs, userId);
  }

  createSession(s: SessionRow): void {
    this.s.insertSession.run(s);
  }

  session(tokenHash: string): SessionRow | undefined {
    return this.s.session.get(tokenHash) as SessionRow | undefined;
  }

  touchSession(tokenHash: string, nowMs: number): void {
    this.s.touchSession.run(nowMs, tokenHash);
  }

  deleteSession(tokenHash: string): boolean {
    return this.s.deleteSession.run(tokenHash).changes === 1;
  }

  deleteSessionsOf(userId: number): number {
    return this.s.deleteSessionsOf.run(userId).changes;
  }

  deleteExpiredSessions(nowMs: number): number {
    return this.s.deleteExpired.run(nowMs).changes;
  }
}
