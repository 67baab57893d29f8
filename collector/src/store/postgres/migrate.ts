// The numbered migrations (store/migrations.ts) on PostgreSQL: each not yet applied runs in its own
// transaction with its row in schema_migrations (the table SQLite keeps them in, the same columns).
// Several collectors may start at once against one database: a session advisory lock makes one
// migrate while the others wait, then find nothing left to do.
import type { Pool, PoolClient } from 'pg';
import { MIGRATIONS, migrationSql, type Migration } from '../migrations.js';

/**
 * The advisory lock held while migrating, as PostgreSQL's two-key form (pg_advisory_lock(int, int)):
 * farmwatch's key space ("farm" as a 32-bit number), and 1 for migrations. Other collector-wide
 * locks take other second keys.
 */
export const ADVISORY_LOCK_SPACE = 0x6661726d;
export const MIGRATION_LOCK = 1;

export interface PostgresMigrateOptions {
  migrations?: readonly Migration[];
  /** Told when another process holds the migration lock and this one waits for it */
  onWait?: (message: string) => void;
}

async function appliedVersions(client: PoolClient): Promise<Set<number>> {
  const rows = await client.query<{ version: string }>('SELECT version FROM schema_migrations');
  return new Set(rows.rows.map((r) => Number(r.version)));
}

/** The newest migration applied to the database (0: none, or no schema_migrations table yet). */
export async function postgresSchemaVersion(pool: Pool): Promise<number> {
  const exists = await pool.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
  if (!exists.rows[0]?.t) return 0;
  const row = await pool.query<{ v: string | null }>('SELECT MAX(version) AS v FROM schema_migrations');
  return Number(row.rows[0]?.v ?? 0);
}

/**
 * Applies every migration not applied yet, in order (also one numbered below the newest applied:
 * numbers need not be contiguous), and returns the versions it applied. A database newer than the
 * migrations given is refused. A migration that fails is rolled back and the error names it; the
 * ones before it stay applied.
 */
export async function migratePostgres(pool: Pool, opts: PostgresMigrateOptions = {}): Promise<number[]> {
  const migrations = [...(opts.migrations ?? MIGRATIONS)].sort((a, b) => a.version - b.version);
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const got = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [ADVISORY_LOCK_SPACE, MIGRATION_LOCK]);
    if (!got.rows[0]?.ok) {
      opts.onWait?.('another collector is migrating the database; waiting for it to finish');
      await client.query('SELECT pg_advisory_lock($1, $2)', [ADVISORY_LOCK_SPACE, MIGRATION_LOCK]);
    }
    try {
      return await applyMissing(client, migrations);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', [ADVISORY_LOCK_SPACE, MIGRATION_LOCK]);
    }
  } catch (err) {
    broken = err as Error;
    throw err;
  } finally {
    // A connection whose transaction or lock is in an unknown state is closed, not reused.
    client.release(broken);
  }
}

async function applyMissing(client: PoolClient, migrations: readonly Migration[]): Promise<number[]> {
  await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version     BIGINT PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_ms  BIGINT NOT NULL
  )`);
  const done = await appliedVersions(client);
  const current = Math.max(0, ...done);
  const newest = Math.max(0, ...migrations.map((m) => m.version));
  if (current > newest) {
    throw new Error(`the database is at schema version ${current}, newer than this collector knows (${newest}): ` +
      'run a newer farmwatch-collector, or restore a backup made for this version');
  }
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    await client.query('BEGIN');
    try {
      // A migration's text is ours, several statements with no values in it: the simple query protocol runs them all.
      await client.query(migrationSql(m, 'postgres'));
      await client.query('INSERT INTO schema_migrations (version, name, applied_ms) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw new Error(`migration ${m.version} (${m.name}) failed on PostgreSQL and was rolled back: ${(err as Error).message}`);
    }
    applied.push(m.version);
  }
  return applied;
}
