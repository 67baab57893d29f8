// farmwatch-collector tokens: one-time enrollment tokens (only their hashes are stored).
import { SqliteStore } from '../store/sqlite-store.js';
import { Enrollment } from '../enroll/enrollment.js';
import { enrollmentTokens, findDevice } from '../ops/devices.js';
import { DEFAULT_DB, cliActor, iso, parse, positiveInt, UsageError } from './args.js';
import { table } from './table.js';

export const TOKENS_HELP = `Usage: farmwatch-collector tokens create DEVICE [--days N] [--json]
       farmwatch-collector tokens list [--json]
  (every command takes --db FILE)

  create   a new one-time enrollment token for a registered laptop (by id, serial or hostname):
           for re-enrollment after a revocation, a reinstall, or an expired token
           (the laptop's earlier unused tokens stop working: only the newest one enrolls it)
  list     tokens with their state (valid, used, revoked, expired); the secrets are never stored
`;

export function tokensCommand(argv: string[]): number {
  const [sub, ...rest] = argv;
  const { values, positionals } = parse(rest, {
    days: { type: 'string' }, json: { type: 'boolean', default: false }, db: { type: 'string', default: DEFAULT_DB }, help: { type: 'boolean', default: false },
  }, 'farmwatch-collector tokens');
  if (values.help || sub === undefined || sub === '--help') {
    process.stdout.write(TOKENS_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'create' && sub !== 'list') throw new UsageError(`unknown tokens command "${sub}"\n\n${TOKENS_HELP}`);
  const store = new SqliteStore(values.db, { readonly: sub === 'list' });
  try {
    if (sub === 'create') {
      if (!positionals[0]) throw new UsageError('tokens create needs the device (id, serial or hostname)');
      let id: string;
      try {
        id = findDevice(store, positionals[0]).id;
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      const t = Enrollment.issueToken(store, id, positiveInt(values.days, '--days', 7) * 86_400_000, cliActor(), Date.now());
      if (values.json) process.stdout.write(JSON.stringify({ deviceId: id, ...t }, null, 2) + '\n');
      else {
        process.stdout.write(`One-time enrollment token for ${id} (valid until ${iso(t.expiresMs)}; shown only now):\n\n  ${t.token}\n\n` +
          (t.replaced > 0 ? `The laptop's ${t.replaced} earlier unused token(s) no longer work.\n` : ''));
      }
      return 0;
    }
    const rows = enrollmentTokens(store);
    if (values.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    else if (rows.length === 0) process.stdout.write('No enrollment token yet.\n');
    else process.stdout.write(table(['DEVICE', 'SERIAL', 'STATE', 'CREATED', 'EXPIRES', 'USED', 'BY'], rows.map((t) => [t.deviceId, t.serial, t.state, iso(t.createdMs), iso(t.expiresMs), iso(t.usedMs), t.createdBy])));
    return 0;
  } finally {
    store.close();
  }
}
