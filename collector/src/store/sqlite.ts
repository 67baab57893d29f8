// Opening the embedded SQLite database: WAL (readers never block the ingest writer), foreign keys,
// a busy timeout for the CLI reading while the collector writes, and the numbered migrations.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS, type Migration } from './migrations.js';

export type Db = Database.Database;

export interface OpenOptions {
  readonly?: boolean;
  migrations?: readonly Migration[];
}

export function openDatabase(path: string, opts: OpenOptions = {}): Db {
  let db: Db;
  try {
    if (!opts.readonly && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  } catch (err) {
    const why = (err as Error).message;
    throw new Error(opts.readonly
      ? `cannot open the database ${path} (${why}); has the collector run with --db ${path}?`
      : `cannot open or create the database ${path} (${why}); check the folder exists and is writable`);
  }
  db.pragma('busy_timeout = 5000');
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    migrate(db, opts.migrations ?? MIGRATIONS);
  }
  db.pragma('foreign_keys = ON');
  return db;
}

export function schemaVersion(db: Db): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null } | undefined;
  return row?.v ?? 0;
}

export function migrate(db: Db, migrations: readonly Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_ms  INTEGER NOT NULL
  )`);
  const current = schemaVersion(db);
  const newest = Math.max(0, ...migrations.map((m) => m.version));
  if (current > newest) {
    throw new Error(`the database is at schema version ${current}, newer than this collector knows (${newest}): ` +
      'run a newer farmwatch-collector, or restore a backup made for this version');
  }
  const applied: number[] = [];
  const insert = db.prepare('INSERT INTO schema_migrations (version, name, applied_ms) VALUES (?, ?, ?)');
  // Every migration not applied yet, also below the newest applied one: numbers need not be
  // contiguous (work merged from branches), and a database that got a later number first still
  // gets the earlier one.
  const done = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      insert.run(m.version, m.name, Date.now());
    })();
    applied.push(m.version);
  }
  return applied;
}
