// Opening the embedded SQLite database: WAL (readers never block the ingest writer), foreign keys,
// a busy timeout for the CLI reading while the collector writes, and the numbered migrations.
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS, type Migration } from './migrations.js';

export type Db = Database.Database;

export interface OpenOptions {
  readonly?: boolean;
  migrations?: readonly Migration[];
  /** Told when a file's mode was tightened (default: a line on stderr). */
  onNotice?: (message: string) => void;
}

/**
 * The database holds password hashes, the fleet's observation key and session secrets: its folder
 * is made 0700, the file is created 0600 before SQLite opens it (SQLite gives the WAL and SHM files
 * the main file's mode), and a file found readable by others is tightened to 0600, saying so. A
 * folder that others may write to (without the sticky bit) is refused: anyone could swap the file.
 */
function guardFolder(path: string): void {
  const folder = dirname(path);
  if (existsSync(folder) && !statSync(folder).isDirectory()) {
    throw new Error(`cannot create the database ${path}: ${folder} is a file, not a folder; choose another path with --db`);
  }
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new Error(`cannot create the database folder ${folder} (${(err as Error).message}): create it, or choose another folder with --db`);
  }
  const mode = statSync(folder).mode;
  if ((mode & 0o002) !== 0 && (mode & 0o1000) === 0) {
    throw new Error(`the database folder ${folder} may be written by anyone (mode ${(mode & 0o777).toString(8)}), so anyone could replace the database: ` +
      `run \`chmod 700 ${folder}\` (or choose another folder with --db)`);
  }
  try {
    if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  } catch (err) {
    throw new Error(`cannot create the database ${path} (${(err as Error).message}): check that the folder is writable, or choose another with --db`);
  }
}

function tightenFiles(path: string, notice: (message: string) => void): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    let mode: number;
    try {
      mode = statSync(file).mode & 0o777;
    } catch {
      continue;
    }
    if ((mode & 0o077) === 0) continue;
    chmodSync(file, 0o600);
    notice(`${file} was readable by others (mode ${mode.toString(8)}); it holds password hashes and keys, so its mode is now 600`);
  }
}

export function openDatabase(path: string, opts: OpenOptions = {}): Db {
  let db: Db;
  if (!opts.readonly && path !== ':memory:') guardFolder(path);
  try {
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
    if (path !== ':memory:') tightenFiles(path, opts.onNotice ?? ((m) => process.stderr.write(`farmwatch-collector: ${m}\n`)));
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
