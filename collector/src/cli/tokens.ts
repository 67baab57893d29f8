// farmwatch-collector tokens: one-time enrollment tokens (only their hashes are stored).
import type { Command } from '@farmwatch/shared';
import { Enrollment } from '../enroll/enrollment.js';
import { enrollmentTokens } from '../ops/devices.js';
import { DEFAULT_DB, cliActor, command, dbOption, exits, iso, jsonOption, lookupDevice, openStore, positiveInt } from './args.js';
import { table } from './table.js';

interface Db { db: string; json?: boolean }

function create(wanted: string, o: Db & { days: number }): number {
  const store = openStore(o.db);
  try {
    const id = lookupDevice(store, wanted).id;
    const t = Enrollment.issueToken(store, id, o.days * 86_400_000, cliActor(), Date.now());
    if (o.json) process.stdout.write(JSON.stringify({ deviceId: id, ...t }, null, 2) + '\n');
    else {
      process.stdout.write(`One-time enrollment token for ${id} (valid until ${iso(t.expiresMs)}; shown only now):\n\n  ${t.token}\n\n` +
        (t.replaced > 0 ? `The laptop's ${t.replaced} earlier unused token(s) no longer work.\n` : ''));
    }
    return 0;
  } finally {
    store.close();
  }
}

function list(o: Db): number {
  const store = openStore(o.db, { readonly: true });
  try {
    const rows = enrollmentTokens(store);
    if (o.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    else if (rows.length === 0) process.stdout.write('No enrollment token yet.\n');
    else process.stdout.write(table(['DEVICE', 'SERIAL', 'STATE', 'CREATED', 'EXPIRES', 'USED', 'BY'], rows.map((t) => [t.deviceId, t.serial, t.state, iso(t.createdMs), iso(t.expiresMs), iso(t.usedMs), t.createdBy])));
    return 0;
  } finally {
    store.close();
  }
}

export function tokensCommands(program: Command): void {
  const tokens = command(program, 'tokens', 'one-time enrollment tokens: create (re-enrollment), list');
  tokens.addHelpText('after', `\nThe secrets themselves are never stored. Every command takes --db FILE (default ${DEFAULT_DB}).`);

  command(tokens, 'create', 'a new one-time enrollment token for a registered laptop: for re-enrollment after a revocation, a reinstall, or an expired token (the laptop\'s earlier unused tokens stop working: only the newest one enrolls it)')
    .argument('<device>', 'the laptop\'s id, serial or hostname')
    .option('--days <n>', 'days the token stays valid', positiveInt, 7)
    .addOption(jsonOption())
    .addOption(dbOption())
    .action(exits((wanted: string, o: Db & { days: number }) => create(wanted, o)));

  command(tokens, 'list', 'tokens with their state (valid, used, revoked, expired)')
    .addOption(jsonOption())
    .addOption(dbOption())
    .action(exits((o: Db) => list(o)));
}
