// Storage of the console's people and their sessions. The SQLite implementation is
// sqlite-people.ts; the SQL stays portable like the rest of the store.
import type { Role } from '../store/fleet-records.js';

export interface UserRow {
  id: number;
  name: string;
  role: Role;
  createdMs: number;
  createdBy: string;
  passwordChangedMs: number;
  lastLoginMs: number | null;
  disabledMs: number | null;
}

export interface SessionRow {
  tokenHash: string;
  userId: number;
  csrfToken: string;
  createdMs: number;
  lastSeenMs: number;
  expiresMs: number;
  client: string;
}

export interface PeopleStore {
  createUser(name: string, role: Role, passwordHash: string, actor: string, nowMs: number): UserRow;
  user(id: number): UserRow | undefined;
  userByName(name: string): UserRow | undefined;
  /** The stored password hash (never part of a UserRow, so it is never sent anywhere by mistake). */
  passwordHash(userId: number): string | undefined;
  listUsers(): UserRow[];
  setPassword(userId: number, passwordHash: string, nowMs: number): void;
  setRole(userId: number, role: Role): void;
  setDisabled(userId: number, disabledMs: number | null): void;
  recordLogin(userId: number, nowMs: number): void;

  createSession(s: SessionRow): void;
  session(tokenHash: string): SessionRow | undefined;
  touchSession(tokenHash: string, nowMs: number): void;
  deleteSession(tokenHash: string): boolean;
  deleteSessionsOf(userId: number): number;
  deleteExpiredSessions(nowMs: number): number;
}
