// What the collector's commands share: the database option and its default, opening the database
// with errors that say where it looked, finding a device by what a person types, the audit actor.
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import { checkoutHome, checkoutRoot, defaultDatabase, describeFileError, Option, UsageError } from '@farmwatch/shared';
import { SqliteStore } from '../store/sqlite-store.js';
import { findDevice, type DeviceView } from '../ops/devices.js';

export { command, exits, nonNegativeInt, positiveInt, required, UsageError } from '@farmwatch/shared';

/** This program's file (collector/dist/cli.js); undefined inside a bundle. */
const PROGRAM_FILE = import.meta.url ? fileURLToPath(new URL('../cli.js', import.meta.url)) : undefined;

/** The CA and the server's certificates: <home>/certs in a repository checkout (where `npm start` and `npm run certs` make them), else var/certs. */
export const DEFAULT_TLS_DIR = join(checkoutHome(PROGRAM_FILE) ?? 'var', 'certs');

/** $FARMWATCH_DB; in a repository checkout <root>/var/collector.db (or $FARMWATCH_HOME's); else var/collector.db. */
export const DEFAULT_DB = defaultDatabase(PROGRAM_FILE);

const HOW_TO_POINT = 'point to the collector\'s database with --db FILE or $FARMWATCH_DB';

/** --db FILE, on every command that uses the database. */
export const dbOption = (): Option => new Option('--db <file>', 'the collector\'s SQLite database').default(DEFAULT_DB);
export const jsonOption = (): Option => new Option('--json', 'machine-readable output');

/** How a missing database came to be looked for where it was. */
function whereFrom(db: string): string {
  if (process.env.FARMWATCH_DB) return ` (from $FARMWATCH_DB)`;
  if (db !== DEFAULT_DB) return '';
  return checkoutRoot(PROGRAM_FILE) ? ` (the repository's${process.env.FARMWATCH_HOME ? ', in $FARMWATCH_HOME' : ''})` : ' (the default, relative to this folder)';
}

/**
 * Opens the database. `create`: commands that may start a database (serve, registering laptops,
 * making users, API tokens, exclusions) make it and its folder; every other command needs an
 * existing one and says where it looked. `readonly` opens it without writing.
 */
export function openStore(db: string, opts: { readonly?: boolean; create?: boolean } = {}): SqliteStore {
  if (opts.create) {
    try {
      mkdirSync(dirname(db), { recursive: true, mode: 0o700 }); // the database's folder is private (store/sqlite.ts)
    } catch (err) {
      throw new UsageError(describeFileError(err, db, 'the database', { writing: true, fix: `pass --db with a file in a folder that can be made` }));
    }
  }
  try {
    if (statSync(db).isDirectory()) throw Object.assign(new Error('a folder'), { code: 'EISDIR' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !opts.create) {
      throw new UsageError(`there is no database at ${db}${whereFrom(db)}: ${HOW_TO_POINT}, or start the collector first ` +
        `(\`npm start\` in the repository, or \`farmwatch-collector serve --db ${db}\`)`);
    }
    if (code !== 'ENOENT') throw new UsageError(describeFileError(err, db, 'the database', { fix: HOW_TO_POINT }));
  }
  return new SqliteStore(db, { readonly: opts.readonly ?? false });
}

/** A device by id, serial or hostname; an unknown one is an error that says where to look. */
export function lookupDevice(store: SqliteStore, wanted: string): DeviceView {
  try {
    return findDevice(store, wanted);
  } catch (err) {
    throw new UsageError(`${(err as Error).message}: see \`farmwatch-collector devices list\``);
  }
}

/** Who runs a CLI command, for the audit log. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

export const iso = (ms: number | null | undefined): string => (ms ? new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z') : '-');
