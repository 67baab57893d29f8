// What admins do with the console's accounts, for the CLI and the API alike: create a person with
// a role (and a password they chose, or a generated one shown once), reset a password, disable and
// enable. Every change goes to the audit log; disabling or resetting ends the person's sessions.
import type { Store } from '../store/store.js';
import { ROLES, type Role } from '../store/fleet-records.js';
import { auditTarget } from '../store/audit-target.js';
import type { UserRow } from './people-store.js';
import { generatePassword, hashPassword, passwordProblem } from './passwords.js';

export class AccountError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$/;

export function checkUserName(name: string): string {
  const n = name.trim();
  if (!NAME.test(n)) throw new AccountError(400, `user name "${name.slice(0, 80)}" should be 2 to 64 letters, digits, dots, dashes, underscores or @ (e.g. "jordan.ellis")`);
  return n;
}

function checkRole(role: string): Role {
  if (!ROLES.includes(role as Role)) throw new AccountError(400, `role "${role}" is not one of ${ROLES.join(', ')}`);
  return role as Role;
}

function choosePassword(name: string, password: string | undefined): { password: string; generated: boolean } {
  if (password === undefined || password === '') return { password: generatePassword(), generated: true };
  const problem = passwordProblem(password, name);
  if (problem) throw new AccountError(400, problem);
  return { password, generated: false };
}

export interface NewAccount {
  user: UserRow;
  /** The generated password, shown once; undefined when the admin chose it. */
  password: string | undefined;
}

export async function createAccount(store: Store, name: string, role: string, password: string | undefined, actor: string, nowMs = Date.now()): Promise<NewAccount> {
  const n = checkUserName(name);
  const r = checkRole(role);
  if (store.people.userByName(n)) throw new AccountError(409, `there is already a user "${n}": pick another name, or reset their password`);
  const chosen = choosePassword(n, password);
  const hash = await hashPassword(chosen.password);
  // Checked again after the (asynchronous) hashing: two creations of one name, only one wins.
  if (store.people.userByName(n)) throw new AccountError(409, `there is already a user "${n}"`);
  const user = store.people.createUser(n, r, hash, actor, nowMs);
  store.alerts.audit(actor, 'user.create', auditTarget.user(n), `role ${r}`, nowMs);
  return { user, password: chosen.generated ? chosen.password : undefined };
}

export function findAccount(store: Store, nameOrId: string | number): UserRow {
  const user = typeof nameOrId === 'number' ? store.people.user(nameOrId) : store.people.userByName(nameOrId.trim());
  if (!user) throw new AccountError(404, `there is no user "${nameOrId}"`);
  return user;
}

export async function resetPassword(store: Store, user: UserRow, password: string | undefined, actor: string, nowMs = Date.now()): Promise<string | undefined> {
  const chosen = choosePassword(user.name, password);
  store.people.setPassword(user.id, await hashPassword(chosen.password), nowMs);
  const ended = store.people.deleteSessionsOf(user.id);
  store.alerts.audit(actor, 'user.password', auditTarget.user(user.name), `password reset; ${ended} session(s) ended`, nowMs);
  return chosen.generated ? chosen.password : undefined;
}

export function setDisabled(store: Store, user: UserRow, disabled: boolean, actor: string, nowMs = Date.now()): UserRow {
  if (disabled && user.role === 'admin' && store.people.listUsers().filter((u) => u.role === 'admin' && u.disabledMs === null && u.id !== user.id).length === 0) {
    throw new AccountError(409, `${user.name} is the last admin who can log in: make another admin first`);
  }
  store.people.setDisabled(user.id, disabled ? nowMs : null);
  const ended = disabled ? store.people.deleteSessionsOf(user.id) : 0;
  store.alerts.audit(actor, disabled ? 'user.disable' : 'user.enable', auditTarget.user(user.name), disabled ? `${ended} session(s) ended` : '', nowMs);
  return store.people.user(user.id) as UserRow;
}
