// `farmwatch-collector migrate --from FILE --to postgres://...` on a real PostgreSQL: a collector
// database with a fleet's queue in it (registered laptops, findings, alerts, cluster alerts, their
// members and audit records) arrives table for table and row for row, ids and all; the target's
// identity sequences continue after the copied ids; a target that already holds rows is refused and
// left as it was; a bad URL or a missing file is a usage error that says what to give.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnavailable, startPostgres, type PostgresServer } from '../../test/harness/postgres.mjs';
import { seedAlerts } from '../../bench/seed-alerts.mjs';
import { SqliteStore } from '../dist/index.js';
import { openDatabase } from '../src/store/sqlite.js';
import { copyOrder } from '../src/store/postgres/copy-from-sqlite.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const unavailable = postgresUnavailable();
const migrate = (args: string[]): { status: number | null; stdout: string; stderr: string } => spawnSync(process.execPath, [CLI, 'migrate', ...args], { encoding: 'utf8' });

describe.skipIf(unavailable !== undefined)(`migrate --from SQLite --to PostgreSQL${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let server: PostgresServer;
  let dir: string;
  let file: string;
  beforeAll(async () => {
    server = await startPostgres();
    dir = mkdtempSync(join(tmpdir(), 'farmwatch-copy-'));
    file = join(dir, 'collector.db');
    const store = new SqliteStore(file);
    seedAlerts(store, 1000);
    store.close();
  }, 600_000);
  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('copies every table row for row, then refuses a target that holds rows and leaves it as it was', async () => {
    const url = await server.createDatabase('copy');
    const r = migrate(['--from', file, '--to', url, '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { tables: { table: string; rows: number }[]; rows: number };
    const db = openDatabase(file, { readonly: true });
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    try {
      const tables = copyOrder(db);
      expect(report.tables.map((t) => t.table)).toEqual(tables);
      expect(report.rows).toBeGreaterThan(1500);
      for (const table of tables) {
        const source = db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[];
        const target = (await pool.query(`SELECT * FROM "${table}"`)).rows as Record<string, unknown>[];
        expect(target.length, table).toBe(source.length);
      }
      // Rows arrive whole: alerts by id, with their text and times (BIGINT read back as text by pg).
      const a = db.prepare('SELECT id, title, first_seen_ms FROM alerts ORDER BY id LIMIT 3').all() as { id: number; title: string; first_seen_ms: number }[];
      const b = (await pool.query<{ id: string; title: string; first_seen_ms: string }>('SELECT id, title, first_seen_ms FROM alerts ORDER BY id LIMIT 3')).rows;
      expect(b.map((x) => [Number(x.id), x.title, Number(x.first_seen_ms)])).toEqual(a.map((x) => [x.id, x.title, x.first_seen_ms]));
      // New ids continue after the copied ones.
      const maxId = (db.prepare('SELECT MAX(id) AS m FROM alerts').get() as { m: number }).m;
      expect(maxId).toBeGreaterThan(0);
      const next = await pool.query<{ id: string }>("SELECT nextval(pg_get_serial_sequence('alerts', 'id')) AS id");
      expect(Number(next.rows[0]?.id)).toBe(maxId + 1);
      // A second copy into the same database is refused, naming a table, and adds nothing.
      const before = Number((await pool.query<{ n: string }>('SELECT COUNT(*) AS n FROM alerts')).rows[0]?.n);
      const again = migrate(['--from', file, '--to', url]);
      expect(again.status).toBe(2);
      expect(again.stderr).toMatch(/already holds rows \(table \w+\): give migrate an empty database/);
      expect(Number((await pool.query<{ n: string }>('SELECT COUNT(*) AS n FROM alerts')).rows[0]?.n)).toBe(before);
    } finally {
      db.close();
      await pool.end();
    }
  }, 120_000);

  it('says what to give for a URL that is not PostgreSQL\'s or a file that does not exist', () => {
    const bad = migrate(['--from', file, '--to', 'mysql://x@y/z']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--to needs a PostgreSQL URL: postgres://USER[:PASSWORD]@HOST:PORT/DATABASE');
    const missing = migrate(['--from', join(dir, 'nope.db'), '--to', 'postgres://x@127.0.0.1:1/z']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no such database');
  });
});
