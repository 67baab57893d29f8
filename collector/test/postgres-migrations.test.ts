// The numbered migrations on a real PostgreSQL (test/harness/postgres.mjs: a throwaway cluster,
// installed from Debian when missing and we are root): a fresh database gets them all, collectors
// migrating at once migrate once, the schema is SQLite's table for table and column for column, and
// the migrations that rewrite data do to PostgreSQL's rows what they do to SQLite's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnavailable, startPostgres, type PostgresServer } from '../../test/harness/postgres.mjs';
import { MIGRATIONS, migrationSql, type Migration } from '../src/store/migrations.js';
import { ADVISORY_LOCK_SPACE, MIGRATION_LOCK, migratePostgres, postgresSchemaVersion } from '../src/store/postgres/migrate.js';
import { openDatabase, type Db } from '../src/store/sqlite.js';

const NEWEST = Math.max(...MIGRATIONS.map((m) => m.version));
const ALL = MIGRATIONS.map((m) => m.version).sort((a, b) => a - b);
const unavailable = postgresUnavailable();

const dirs: string[] = [];
const sqliteDb = (migrations: readonly Migration[] = MIGRATIONS): Db => {
  const dir = mkdtempSync(join(tmpdir(), 'farmwatch-db-'));
  dirs.push(dir);
  return openDatabase(join(dir, 'collector.db'), { migrations });
};
afterAll(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('migration SQL per database', () => {
  it('gives SQLite its own text and PostgreSQL its own where it differs, the shared text where not', () => {
    const portable: Migration = { version: 1000, name: 'portable', sql: 'ALTER TABLE devices ADD COLUMN x TEXT' };
    expect(migrationSql(portable, 'postgres')).toBe(portable.sql);
    for (const m of MIGRATIONS) {
      expect(migrationSql(m, 'sqlite')).toBe(m.sql);
      if (m.postgres) expect(migrationSql(m, 'postgres')).toBe(m.postgres);
      // Nothing of SQLite's own dialect reaches PostgreSQL (its comments may name it).
      expect(migrationSql(m, 'postgres').replace(/--.*$/gm, '')).not.toMatch(/\bINTEGER\b|\bBLOB\b|\bREAL\b|strftime|rowid/);
    }
  });
});

describe.skipIf(unavailable !== undefined)(`migrations on PostgreSQL${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let server: PostgresServer;
  const pools: pg.Pool[] = [];
  const pool = (url: string): pg.Pool => {
    const p = new pg.Pool({ connectionString: url, max: 3 });
    pools.push(p);
    return p;
  };

  beforeAll(async () => {
    server = await startPostgres();
  }, 600_000);
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.end()));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('gives a fresh database every migration, once, each with its row in schema_migrations', async () => {
    const db = pool(await server.createDatabase('fresh'));
    expect(await postgresSchemaVersion(db)).toBe(0);
    expect(await migratePostgres(db)).toEqual(ALL);
    expect(await postgresSchemaVersion(db)).toBe(NEWEST);
    const rows = await db.query<{ version: string; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(rows.rows.map((r) => [Number(r.version), r.name])).toEqual([...MIGRATIONS].sort((a, b) => a.version - b.version).map((m) => [m.version, m.name]));
    expect(await migratePostgres(db)).toEqual([]);
  });

  it('migrates once when collectors start at once: the others wait for the lock, then find nothing to do', async () => {
    const url = await server.createDatabase('concurrent');
    // A third party holds the lock, so both collectors are sure to arrive while it is taken.
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock($1, $2)', [ADVISORY_LOCK_SPACE, MIGRATION_LOCK]);
    const waits: string[] = [];
    const runs = [pool(url), pool(url)].map((p, i) => migratePostgres(p, { onWait: (m) => waits.push(`${i}: ${m}`) }));
    const deadline = Date.now() + 10_000;
    while (waits.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(waits.sort()).toEqual(['0: another collector is migrating the database; waiting for it to finish', '1: another collector is migrating the database; waiting for it to finish']);
    await holder.query('SELECT pg_advisory_unlock($1, $2)', [ADVISORY_LOCK_SPACE, MIGRATION_LOCK]);
    await holder.end();
    const results = await Promise.all(runs);
    expect(results.map((r) => r.length).sort((a, b) => a - b)).toEqual([0, ALL.length]);
    const check = pool(url);
    const count = await check.query<{ n: string }>('SELECT COUNT(*) AS n FROM schema_migrations');
    expect(Number(count.rows[0]?.n)).toBe(ALL.length);
  });

  it('rolls back a migration that fails, naming it, and keeps the ones before it', async () => {
    const db = pool(await server.createDatabase('broken'));
    const broken: Migration = { version: 1000, name: 'broken', sql: 'CREATE TABLE t (x BIGINT); THIS IS NOT SQL' };
    await expect(migratePostgres(db, { migrations: [...MIGRATIONS, broken] })).rejects.toThrow(/^migration 1000 \(broken\) failed on PostgreSQL and was rolled back: syntax error/);
    expect(await postgresSchemaVersion(db)).toBe(NEWEST);
    const t = await db.query<{ t: string | null }>("SELECT to_regclass('t')::text AS t");
    expect(t.rows[0]?.t).toBeNull();
    // The lock was given back: the next collector migrates without waiting.
    const waits: string[] = [];
    expect(await migratePostgres(db, { onWait: (m) => waits.push(m) })).toEqual([]);
    expect(waits).toEqual([]);
  });

  it('applies a lower number after a higher one, and refuses a database from a newer collector', async () => {
    const db = pool(await server.createDatabase('branches'));
    const later: Migration = { version: 1001, name: 'one branch', sql: 'ALTER TABLE devices ADD COLUMN branch_b TEXT' };
    const earlier: Migration = { version: 1000, name: 'the other branch', sql: 'ALTER TABLE devices ADD COLUMN branch_a TEXT' };
    expect(await migratePostgres(db, { migrations: [...MIGRATIONS, later] })).toEqual([...ALL, 1001]);
    expect(await migratePostgres(db, { migrations: [...MIGRATIONS, earlier, later] })).toEqual([1000]);
    await expect(db.query('SELECT branch_a, branch_b FROM devices')).resolves.toBeDefined();
    await expect(migratePostgres(db)).rejects.toThrow('the database is at schema version 1001, newer than this collector knows');
  });

  it('has SQLite\'s tables, columns (names, order, types, NOT NULL, defaults), primary keys and indexes', async () => {
    const db = pool(await server.createDatabase('schema'));
    await migratePostgres(db);
    const lite = sqliteDb();
    const sqliteSchema = describeSqlite(lite);
    lite.close();
    const pgSchema = await describePostgres(db);
    expect(Object.keys(pgSchema.tables).sort()).toEqual(Object.keys(sqliteSchema.tables).sort());
    expect(Object.keys(sqliteSchema.tables)).toContain('schema_migrations');
    for (const [table, columns] of Object.entries(sqliteSchema.tables)) {
      expect({ table, columns: pgSchema.tables[table] }).toEqual({ table, columns });
    }
    expect(pgSchema.primaryKeys).toEqual(sqliteSchema.primaryKeys);
    expect(pgSchema.indexes).toEqual(sqliteSchema.indexes);
  });

  it('rewrites the rows of an older database as SQLite does (device hours, audit targets, retired certificates, folded alerts)', async () => {
    const before = Date.now();
    const lite = sqliteDb(MIGRATIONS.filter((m) => m.version <= 3));
    const db = pool(await server.createDatabase('rewrite'));
    await migratePostgres(db, { migrations: MIGRATIONS.filter((m) => m.version <= 3) });
    for (const [text, params] of SEED) {
      lite.prepare(text).run(...params);
      await db.query(dollars(text), params);
    }
    lite.close();
    const reopened = openDatabase(lite.name);
    await migratePostgres(db);
    const after = Date.now();
    for (const query of RESULTS) {
      const fromSqlite = reopened.prepare(query).all() as Record<string, unknown>[];
      const fromPostgres = (await db.query<Record<string, unknown>>(query)).rows;
      expect({ query, rows: normalize(fromPostgres, before, after) }).toEqual({ query, rows: normalize(fromSqlite, before, after) });
      expect(fromSqlite.length).toBeGreaterThan(0);
    }
    reopened.close();
  });
});

/** `?` placeholders as PostgreSQL's $1, $2, ... (the seed statements have no ? inside strings). */
const dollars = (text: string): string => {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};

const H = 3_600_000;
const SEED: [string, unknown[]][] = [
  ["INSERT INTO devices (id, machine_id, first_seen_ms, last_seen_ms) VALUES (?, ?, 0, 0)", ['dev_a', 'm1']],
  ["INSERT INTO devices (id, machine_id, first_seen_ms, last_seen_ms) VALUES (?, ?, 0, 0)", ['dev_b', 'm2']],
  ...[5 * H + 1, 5 * H + 600_000, 7 * H, 8 * H - 1, 30 * H].map((at, i): [string, unknown[]] =>
    ["INSERT INTO events (device_id, sequence, kind, observed_at_ms, received_at_ms, body) VALUES ('dev_a', ?, 'heartbeat', ?, ?, ?)", [i + 1, at, at, Buffer.alloc(0)]]),
  ["INSERT INTO exclusions (id, kind, value, reason, created_ms, created_by) VALUES (1, 'network', '12.0.0.0/24', 'egress', 1000, 'cli:root')", []],
  ...([['api-token.create', '1'], ['exclusion.add', 'network 12.0.0.0/24'], ['exclusion.add', 'gateway_mac aa:bb'], ['exclusion.remove', '2'],
    ['alert.ack', '1'], ['suppression.add', '1'], ['device.register', 'dev_a'], ['token.create', 'dev_a'], ['device.import', '3 devices'], ['user.login', 'jordan']] as const)
    .map(([action, target], i): [string, unknown[]] => ['INSERT INTO audit_log (at_ms, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)', [1000 + i, 'cli:root', action, target, '']]),
  ...([['c1', 'dev_a', 100, null], ['c2', 'dev_a', 200, null], ['c3', 'dev_a', 300, null], ['c4', 'dev_b', 100, 150], ['c5', 'dev_b', 50, null]] as const)
    .map(([serial, device, issued, revoked]): [string, unknown[]] =>
      ["INSERT INTO certificates (serial, device_id, fingerprint, issued_ms, not_after_ms, revoked_ms) VALUES (?, ?, 'fp', ?, 9999999999999, ?)", [serial, device, issued, revoked]]),
  ...([['dev_a', 'remote_access.process', 'open'], ['dev_b', 'remote_access.process', 'acknowledged'], ['dev_a', 'kvm.edid', 'false_positive'], ['dev_b', 'device.risk', 'open']] as const)
    .map(([device, rule, status], i): [string, unknown[]] =>
      ["INSERT INTO alerts (id, device_id, rule, key, severity, title, status, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, 'k', 'medium', 't', ?, 1, 1)", [i + 1, device, rule, status]]),
];
const RESULTS = [
  'SELECT device_id, hour, active FROM device_hours ORDER BY device_id, hour',
  'SELECT action, target FROM audit_log ORDER BY id',
  'SELECT serial, issued_by, retired_ms, retired_by FROM certificates ORDER BY serial',
  'SELECT id, status, updated_ms FROM alerts ORDER BY id',
  'SELECT alert_id, author, text, at_ms FROM alert_notes ORDER BY alert_id',
];

/**
 * Rows with PostgreSQL's BIGINT strings as numbers, and times made by the migrations (now, whole
 * seconds, maybe ten minutes on) replaced by "now" or "now + 10 min" when within the test's span.
 */
function normalize(rows: Record<string, unknown>[], before: number, after: number): Record<string, unknown>[] {
  const lo = Math.floor(before / 1000) * 1000;
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => {
    const n = typeof v === 'string' && /^-?\d+$/.test(v) && k !== 'target' ? Number(v) : v;
    if (typeof n === 'number' && n >= lo && n <= after) return [k, 'now'];
    if (typeof n === 'number' && n >= lo + 600_000 && n <= after + 600_000) return [k, 'now + 10 min'];
    return [k, n];
  })));
}

interface Column {
  name: string;
  type: string;
  notNull: boolean;
  default: string | null;
}
interface Schema {
  tables: Record<string, Column[]>;
  primaryKeys: Record<string, string[]>;
  indexes: string[];
}

const PG_TYPE_OF: Record<string, string> = { INTEGER: 'bigint', TEXT: 'text', BLOB: 'bytea', REAL: 'double precision' };

function describeSqlite(db: Db): Schema {
  const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  const tables: Schema['tables'] = {};
  const primaryKeys: Schema['primaryKeys'] = {};
  for (const table of names) {
    const info = db.prepare('SELECT name, type, "notnull" AS nn, dflt_value AS d, pk FROM pragma_table_info(?) ORDER BY cid').all(table) as { name: string; type: string; nn: number; d: string | null; pk: number }[];
    // A primary key column is never NULL (SQLite's own says so only for INTEGER PRIMARY KEY, by its rowid).
    tables[table] = info.map((c) => ({ name: c.name, type: PG_TYPE_OF[c.type] ?? `unknown ${c.type}`, notNull: c.nn === 1 || c.pk > 0, default: c.d }));
    primaryKeys[table] = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
  }
  const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").pluck().all() as string[]);
  return { tables, primaryKeys, indexes };
}

async function describePostgres(db: pg.Pool): Promise<Schema> {
  const cols = await db.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string; column_default: string | null }>(
    `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
      WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`);
  const tables: Schema['tables'] = {};
  for (const c of cols.rows) {
    // PostgreSQL writes a default with its type ('' is ''::text); SQLite as it was given.
    (tables[c.table_name] ??= []).push({ name: c.column_name, type: c.data_type, notNull: c.is_nullable === 'NO', default: c.column_default?.replace(/::(text|bigint)$/, '') ?? null });
  }
  const keys = await db.query<{ table_name: string; column_name: string }>(
    `SELECT k.table_name, k.column_name FROM information_schema.table_constraints t
      JOIN information_schema.key_column_usage k ON k.constraint_name = t.constraint_name AND k.table_schema = t.table_schema
      WHERE t.constraint_type = 'PRIMARY KEY' AND t.table_schema = current_schema() ORDER BY k.table_name, k.ordinal_position`);
  const primaryKeys: Schema['primaryKeys'] = Object.fromEntries(Object.keys(tables).map((t) => [t, [] as string[]]));
  for (const k of keys.rows) primaryKeys[k.table_name]?.push(k.column_name);
  // The indexes the migrations made by name (not those of PRIMARY KEY and UNIQUE constraints).
  const idx = await db.query<{ indexname: string }>(
    `SELECT i.indexname FROM pg_indexes i WHERE i.schemaname = current_schema()
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) ORDER BY i.indexname`);
  return { tables, primaryKeys: Object.fromEntries(Object.entries(primaryKeys).sort()), indexes: idx.rows.map((r) => r.indexname) };
}
