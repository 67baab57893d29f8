// farmwatch-collector migrate: an embedded collector's SQLite database moved to PostgreSQL.
import { existsSync } from 'node:fs';
import type { Command } from '@farmwatch/shared';
import { openDatabase } from '../store/sqlite.js';
import { copySqliteToPostgres } from '../store/postgres/copy-from-sqlite.js';
import { DEFAULT_DB, UsageError, command, exits, jsonOption } from './args.js';

interface Options { from: string; to?: string; json?: boolean }

async function migrate(o: Options): Promise<number> {
  const to = o.to ?? process.env.FARMWATCH_PG_URL;
  if (!to || !/^postgres(ql)?:\/\//.test(to)) throw new UsageError('--to needs a PostgreSQL URL: postgres://USER[:PASSWORD]@HOST:PORT/DATABASE (an empty database)');
  if (!existsSync(o.from)) throw new UsageError(`--from ${o.from}: no such database; point to the embedded collector's file (default ${DEFAULT_DB})`);
  // The pg client is loaded only here: the embedded collector never needs it.
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: to, max: 2 });
  // Opening the file brings an older collector's database to this release's migrations first.
  const db = openDatabase(o.from);
  try {
    const say = (line: string): void => { if (!o.json) process.stdout.write(`${line}\n`); };
    say(`copying ${o.from} into ${to.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')}`);
    const tables = await copySqliteToPostgres(db, pool, { onTable: (t) => say(`  ${t.table.padEnd(28)} ${t.rows} rows`) });
    const total = tables.reduce((n, t) => n + t.rows, 0);
    if (o.json) process.stdout.write(JSON.stringify({ tables, rows: total }, null, 2) + '\n');
    else say(`done: ${total} rows in ${tables.length} tables, each table's count checked against the source. Copy the collector's state folder (its keys and certificates) with it.`);
    return 0;
  } finally {
    db.close();
    await pool.end();
  }
}

export function migrateCommand(program: Command): void {
  command(program, 'migrate', 'move an embedded collector\'s SQLite database into an empty PostgreSQL database, checking every table\'s row count')
    .requiredOption('--from <file>', 'the SQLite database (an older release\'s is brought up to date first)', DEFAULT_DB)
    .option('--to <url>', 'postgres://USER[:PASSWORD]@HOST:PORT/DATABASE, an empty database (or $FARMWATCH_PG_URL)')
    .addOption(jsonOption())
    .action(exits((o: Options) => migrate(o)));
}
