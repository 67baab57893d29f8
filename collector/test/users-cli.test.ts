// `farmwatch-collector users`, as an admin runs it: a password from a file or stdin (never the
// command line), or a generated one shown once; clear refusals; the audit log; the last admin kept.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTOR_CLI, run } from '../../test/helpers/processes.js';
import { SqliteStore } from '../src/index.js';
import { verifyPassword } from '../src/auth/passwords.js';

let dir: string;
let db: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'farmwatch-users-'));
  db = join(dir, 'c.db');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function withStdin(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [COLLECTOR_CLI, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

async function passwordWorks(name: string, password: string): Promise<boolean> {
  const store = new SqliteStore(db, { readonly: true });
  try {
    const u = store.people.userByName(name);
    return !!u && (await verifyPassword(password, store.people.passwordHash(u.id) ?? '')).ok;
  } finally {
    store.close();
  }
}

describe('farmwatch-collector users', () => {
  it('creates an admin with a generated password, shown once, that works', async () => {
    const r = await run(COLLECTOR_CLI, ['users', 'create', '--name', 'alice', '--role', 'admin', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    const password = /Password, shown only now:\n\n {2}(\S+)\n/.exec(r.stdout)?.[1] ?? '';
    expect(password).toMatch(/^[\w-]{24}$/);
    expect(await passwordWorks('alice', password)).toBe(true);
  });

  it('takes a chosen password from stdin or a file, and refuses a weak one, a taken name or a bad role, saying why', async () => {
    const viaStdin = await withStdin(['users', 'create', '--name', 'bob', '--role', 'analyst', '--password-stdin', '--json', '--db', db], 'copper lantern meadow 17\n');
    expect(viaStdin.code, viaStdin.stderr).toBe(0);
    expect(JSON.parse(viaStdin.stdout)).toMatchObject({ name: 'bob', role: 'analyst' });
    expect(JSON.parse(viaStdin.stdout)).not.toHaveProperty('password');
    expect(await passwordWorks('bob', 'copper lantern meadow 17')).toBe(true);
    const file = join(dir, 'pw');
    writeFileSync(file, 'short\n', { mode: 0o600 });
    const weak = await run(COLLECTOR_CLI, ['users', 'create', '--name', 'carol', '--role', 'it', '--password-file', file, '--db', db]);
    expect(weak.code).toBe(2);
    expect(weak.stderr).toMatch(/the password is too short: use at least 12 characters/);
    const taken = await run(COLLECTOR_CLI, ['users', 'create', '--name', 'bob', '--role', 'it', '--db', db]);
    expect(taken.stderr).toMatch(/there is already a user "bob"/);
    const role = await run(COLLECTOR_CLI, ['users', 'create', '--name', 'dave', '--role', 'root', '--db', db]);
    expect(role.stderr).toMatch(/role "root" is not one of admin, analyst, it/);
    const name = await run(COLLECTOR_CLI, ['users', 'create', '--name', 'a b', '--role', 'it', '--db', db]);
    expect(name.stderr).toMatch(/user name "a b" should be 2 to 64 letters/);
  });

  it('lists people, resets a password, disables and enables, and keeps the last admin', async () => {
    const list = await run(COLLECTOR_CLI, ['users', 'list', '--db', db]);
    expect(list.stdout).toMatch(/^ID\s+NAME\s+ROLE\s+CREATED\s+LAST LOGIN\s+DISABLED\n/);
    expect(list.stdout).toMatch(/\nalice|\n1\s+alice\s+admin/);
    const reset = await run(COLLECTOR_CLI, ['users', 'password', 'bob', '--json', '--db', db]);
    const password = (JSON.parse(reset.stdout) as { password: string }).password;
    expect(await passwordWorks('bob', password)).toBe(true);
    expect(await passwordWorks('bob', 'copper lantern meadow 17')).toBe(false);
    expect((await run(COLLECTOR_CLI, ['users', 'disable', 'bob', '--db', db])).stdout).toBe('User "bob" is disabled; their sessions ended.\n');
    expect((await run(COLLECTOR_CLI, ['users', 'enable', 'bob', '--db', db])).stdout).toBe('User "bob" is enabled.\n');
    const last = await run(COLLECTOR_CLI, ['users', 'disable', 'alice', '--db', db]);
    expect(last.code).toBe(2);
    expect(last.stderr).toMatch(/alice is the last admin who can log in: make another admin first/);
    const store = new SqliteStore(db, { readonly: true });
    const audit = store.alerts.auditLog(20, 0).map((a) => `${a.action} ${a.target}`).reverse();
    store.close();
    expect(audit).toEqual(['user.create user:alice', 'user.create user:bob', 'user.password user:bob', 'user.disable user:bob', 'user.enable user:bob']);
    expect((await run(COLLECTOR_CLI, ['users', 'disable', 'nobody', '--db', db])).stderr).toMatch(/there is no user "nobody"/);
  });
});
