// `farmwatch-collector migrate --from FILE --to postgres://...`: an embedded collector's SQLite
// database moved into an empty PostgreSQL database. Both schemas come from the same numbered
// migrations (store/migrations.ts; their parity is tested in collector/test/postgres-migrations),
// so every table is copied column for column, in one transaction: parents before the tables whose
// foreign keys name them, rows in bounded multi-row INSERTs (parameters only), identity sequences
// moved past the copied ids, and each table's row count checked against the source before COMMIT.
// Anything wrong rolls the whole copy back and leaves the target as it was.
import type { Database } from 'better-sqlite3';
import type { Pool } from 'pg';
import { migratePostgres } from './migrate.js';

export interface CopiedTable {
  table: string;
  rows: number;
}

/** PostgreSQL takes at most 65,535 parameters a statement. */
const MAX_PARAMS = 30_000;
const IDENT = /^[a-z_][a-z0-9_]*$/;

const quote = (name: string): string => {
  // The names come from our own schema; anything else is refused rather than quoted.
  if (!IDENT.test(name)) throw new Error(`unexpected table or column name ${JSON.stringify(name)} in the SQLite database`);
  return `"${name}"`;
};

/** The tables to copy, each after the tables its foreign keys name (schema_migrations is the target's own). */
export function copyOrder(db: Database): string[] {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
  const parents = new Map(tables.map((t) => [t, (db.prepare(`PRAGMA foreign_key_list(${quote(t)})`).all() as { table: string }[]).map((f) => f.table).filter((p) => p !== t)]));
  const out: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (t: string): void => {
    if (state.get(t) === 'done') return;
    if (state.get(t) === 'visiting') throw new Error(`foreign keys form a cycle through ${t}: cannot order the copy`);
    state.set(t, 'visiting');
    for (const p of parents.get(t) ?? []) if (parents.has(p)) visit(p);
    state.set(t, 'done');
    out.push(t);
  };
  for (const t of tables) visit(t);
  return out;
}

export interface CopyOptions {
  /** Told each table as it is copied. */
  onTable?: (t: CopiedTable) => void;
}

/**
 * Copies every row of `db` (an open collector database, migrated to this release) into the
 * database behind `pool`, which gets the same migrations first and must hold no rows yet.
 */
export async function copySqliteToPostgres(db: Database, pool: Pool, opts: CopyOptions = {}): Promise<CopiedTable[]> {
  await migratePostgres(pool);
  const order = copyOrder(db);
  const client = await pool.connect();
  let ok = false;
  try {
    await client.query('BEGIN');
    for (const table of order) {
      const r = await client.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${quote(table)}) AS any`);
      if (r.rows[0]?.any) throw new Error(`the PostgreSQL database already holds rows (table ${table}): give migrate an empty database`);
    }
    const copied: CopiedTable[] = [];
    for (const table of order) {
      const columns = (db.prepare(`PRAGMA table_info(${quote(table)})`).all() as { name: string; pk: number; type: string }[]);
      const names = columns.map((c) => quote(c.name)).join(', ');
      const perBatch = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
      let batch: unknown[][] = [];
      let rows = 0;
      const flush = async (): Promise<void> => {
        if (batch.length === 0) return;
        const params: unknown[] = [];
        const tuples = batch.map((row) => `(${row.map((v) => { params.push(v); return `$${params.length}`; }).join(', ')})`);
        await client.query(`INSERT INTO ${quote(table)} (${names}) VALUES ${tuples.join(', ')}`, params);
        rows += batch.length;
        batch = [];
      };
      for (const row of db.prepare(`SELECT ${names} FROM ${quote(table)}`).raw().iterate() as Iterable<unknown[]>) {
        batch.push(row);
        if (batch.length >= perBatch) await flush();
      }
      await flush();
      // Ids made by the target from now on come after the copied ones.
      for (const c of columns.filter((col) => col.pk === 1 && /^integer$/i.test(col.type))) {
        const seq = await client.query<{ s: string | null }>('SELECT pg_get_serial_sequence($1, $2) AS s', [table, c.name]);
        const name = seq.rows[0]?.s;
        if (name) await client.query(`SELECT setval($1::regclass, COALESCE(MAX(${quote(c.name)}), 1), MAX(${quote(c.name)}) IS NOT NULL) FROM ${quote(table)}`, [name]);
      }
      const source = (db.prepare(`SELECT COUNT(*) AS n FROM ${quote(table)}`).get() as { n: number }).n;
      const target = Number((await client.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${quote(table)}`)).rows[0]?.n ?? -1);
      if (source !== rows || target !== rows) throw new Error(`table ${table}: ${source} rows in SQLite, ${rows} copied, ${target} in PostgreSQL; nothing was kept`);
      const t = { table, rows };
      copied.push(t);
      opts.onTable?.(t);
    }
    await client.query('COMMIT');
    ok = true;
    return copied;
  } finally {
    if (!ok) await client.query('ROLLBACK').catch(() => undefined);
    client.release(!ok);
  }
}
