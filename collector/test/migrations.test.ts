import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, SqliteStore, openDatabase, schemaVersion } from '../src/index.js';
import { auditTarget } from '../src/store/audit-target.js';

const dirs: string[] = [];
const tempDb = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'farmwatch-db-'));
  dirs.push(dir);
  return join(dir, 'nested', 'collector.db');
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('schema migrations', () => {
  it('creates the database and its folder, in WAL mode, at the newest version', () => {
    const path = tempDb();
    const db = openDatabase(path);
    expect(schemaVersion(db)).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('applies each migration once', () => {
    const path = tempDb();
    openDatabase(path).close();
    const db = openDatabase(path);
    const rows = db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[];
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    db.close();
  });

  it('applies only the new ones to an older database', () => {
    const path = tempDb();
    const extra = { version: 1000, name: 'test column', sql: 'ALTER TABLE devices ADD COLUMN test_only TEXT' };
    openDatabase(path).close();
    const db = openDatabase(path, { migrations: [...MIGRATIONS, extra] });
    expect(schemaVersion(db)).toBe(1000);
    expect(() => db.prepare('SELECT test_only FROM devices').all()).not.toThrow();
    db.close();
  });

  it('applies a lower number a database does not have yet, also after a higher one (work merged from branches)', () => {
    const path = tempDb();
    const later = { version: 1001, name: 'one branch', sql: 'ALTER TABLE devices ADD COLUMN branch_b TEXT' };
    const earlier = { version: 1000, name: 'the other branch', sql: 'ALTER TABLE devices ADD COLUMN branch_a TEXT' };
    openDatabase(path, { migrations: [...MIGRATIONS, later] }).close();
    const db = openDatabase(path, { migrations: [...MIGRATIONS, earlier, later] });
    expect(db.prepare('SELECT version FROM schema_migrations WHERE version >= 1000 ORDER BY version').pluck().all()).toEqual([1000, 1001]);
    expect(() => db.prepare('SELECT branch_a, branch_b FROM devices').all()).not.toThrow();
    db.close();
  });

  it('refuses a database from a newer collector, saying so', () => {
    const path = tempDb();
    const db = openDatabase(path, { migrations: [...MIGRATIONS, { version: 1000, name: 'future', sql: 'SELECT 1' }] });
    db.close();
    expect(() => openDatabase(path)).toThrow(/schema version 1000, newer than this collector knows/);
  });

  it('rolls back a migration that fails, leaving the version where it was', () => {
    const path = tempDb();
    openDatabase(path).close();
    const broken = { version: 1000, name: 'broken', sql: 'CREATE TABLE t (x INTEGER); THIS IS NOT SQL' };
    expect(() => openDatabase(path, { migrations: [...MIGRATIONS, broken] })).toThrow();
    const db = openDatabase(path);
    expect(schemaVersion(db)).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 't'").get()).toBeUndefined();
    db.close();
  });

  it('explains a database it cannot open', () => {
    const path = tempDb();
    openDatabase(path).close();
    // A folder where a file is: the database path runs through the database file itself.
    expect(() => openDatabase(join(path, 'collector.db'))).toThrow(`cannot create the database ${join(path, 'collector.db')}: ${path} is a file, not a folder; choose another path with --db`);
  });

  it('fills the hours each device was on from the events a v0.1.0 database already holds', () => {
    const path = tempDb();
    const old = openDatabase(path, { migrations: MIGRATIONS.filter((m) => m.version <= 3) });
    old.prepare("INSERT INTO devices (id, machine_id, first_seen_ms, last_seen_ms) VALUES ('dev_a', 'm', 0, 0)").run();
    const add = old.prepare("INSERT INTO events (device_id, sequence, kind, observed_at_ms, received_at_ms, body) VALUES ('dev_a', ?, 'heartbeat', ?, ?, x'')");
    const H = 3_600_000;
    [5 * H + 1, 5 * H + 600_000, 7 * H, 7 * H + H - 1, 30 * H].forEach((at, i) => add.run(i + 1, at, at));
    old.close();
    const db = openDatabase(path);
    expect(db.prepare("SELECT hour FROM device_hours WHERE device_id = 'dev_a' ORDER BY hour").pluck().all()).toEqual([5, 7, 30]);
    db.close();
  });

  it('types the audit targets a version 5 database holds, by the action family, so alert 1 is not API token 1', () => {
    const path = tempDb();
    const old = openDatabase(path, { migrations: MIGRATIONS.filter((m) => m.version <= 5) });
    expect(schemaVersion(old)).toBe(5);
    old.prepare("INSERT INTO exclusions (id, kind, value, reason, created_ms, created_by) VALUES (1, 'network', '12.0.0.0/24', 'egress', 1000, 'cli:root')").run();
    const add = old.prepare('INSERT INTO audit_log (at_ms, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)');
    // As the collector wrote them before typed targets.
    const rows: [string, string][] = [
      ['api-token.create', '1'], ['exclusion.add', 'network 12.0.0.0/24'], ['exclusion.add', 'gateway_mac aa:bb'], ['exclusion.remove', '2'],
      ['alert.ack', '1'], ['alert.note', '1'], ['alert.merge', '3'], ['suppression.add', '1'], ['suppression.remove', '1'], ['api-token.revoke', '1'],
      ['device.register', 'dev_a'], ['token.create', 'dev_a'], ['device.enroll', 'dev_a'], ['device.revoke', 'dev_a'], ['device.renew', 'dev_a'],
      ['device.import', '3 devices'], ['user.create', 'jordan'], ['user.login', 'jordan'], ['user.logout', 'jordan'],
    ];
    rows.forEach(([action, target], i) => add.run(1000 + i, 'cli:root', action, target, ''));
    old.close();

    const db = openDatabase(path);
    expect(schemaVersion(db)).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
    const targets = db.prepare('SELECT action, target FROM audit_log ORDER BY id').all() as { action: string; target: string }[];
    expect(targets.map((r) => [r.action, r.target])).toEqual([
      ['api-token.create', 'api-token:1'], ['exclusion.add', 'exclusion:1'], ['exclusion.add', 'exclusion:gateway_mac aa:bb'], ['exclusion.remove', 'exclusion:2'],
      ['alert.ack', 'alert:1'], ['alert.note', 'alert:1'], ['alert.merge', 'alert:3'], ['suppression.add', 'suppression:1'], ['suppression.remove', 'suppression:1'],
      ['api-token.revoke', 'api-token:1'], ['device.register', 'device:dev_a'], ['token.create', 'enroll-token:dev_a'], ['device.enroll', 'device:dev_a'],
      ['device.revoke', 'device:dev_a'], ['device.renew', 'device:dev_a'], ['device.import', 'import:3 devices'],
      ['user.create', 'user:jordan'], ['user.login', 'user:jordan'], ['user.logout', 'user:jordan'],
    ]);
    // Alert 1's trail, as the store asks for it, holds alert 1's records and nothing else.
    db.close();
    const store = new SqliteStore(path);
    expect(store.views.auditFor([auditTarget.alert(1)], 50).map((r) => r.action)).toEqual(['alert.note', 'alert.ack']);
    expect(store.views.auditFor([auditTarget.device('dev_a'), auditTarget.enrollToken('dev_a')], 50).map((r) => r.action))
      .toEqual(['device.renew', 'device.revoke', 'device.enroll', 'token.create', 'device.register']);
    store.close();
  });

  it('adds the revocation of enrollment tokens to a version 5 database, its tokens still valid', () => {
    const path = tempDb();
    const old = openDatabase(path, { migrations: MIGRATIONS.filter((m) => m.version <= 5) });
    old.prepare("INSERT INTO registrations (device_id, serial, assignee_name, assignee_email, ship_to, time_zone, registered_ms, registered_by) VALUES ('dev_a', 'S1', 'A', 'a@b.co', 'Austin, Texas, US', 'America/Chicago', 0, 'it')").run();
    old.prepare("INSERT INTO enrollment_tokens (token_hash, device_id, created_ms, expires_ms, created_by) VALUES ('h1', 'dev_a', 0, ?, 'it')").run(Date.now() + 60_000);
    old.close();
    const store = new SqliteStore(path);
    expect(store.registry.token('h1')).toMatchObject({ deviceId: 'dev_a', usedMs: null, revokedMs: null, revokeReason: null });
    expect(store.registry.revokeTokens('dev_a', 'replaced', Date.now())).toBe(1);
    expect(store.registry.token('h1')).toMatchObject({ revokeReason: 'replaced' });
    store.close();
  });
});
