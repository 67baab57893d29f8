// farmwatch-collector users: the people who log in to the web console, with the roles API tokens
// have. Passwords are read from a file or stdin (never from the command line, where `ps` and the
// shell history would keep them), or generated and shown once.
import { readFileSync } from 'node:fs';
import { SqliteStore } from '../store/sqlite-store.js';
import { AccountError, createAccount, findAccount, resetPassword, setDisabled } from '../auth/accounts.js';
import { DEFAULT_DB, cliActor, iso, parse, UsageError } from './args.js';
import { table } from './table.js';

export const USERS_HELP = `Usage: farmwatch-collector users create --name NAME --role admin|analyst|it [--password-file FILE | --password-stdin] [--json]
       farmwatch-collector users list [--json]
       farmwatch-collector users password NAME [--password-file FILE | --password-stdin] [--json]
       farmwatch-collector users disable NAME
       farmwatch-collector users enable NAME
  (every command takes --db FILE)

  People who log in to the web console (served on the collector's HTTP port). Roles as for API
  tokens: admin (everything), analyst (alerts, clusters, devices), it (registering laptops).
  Without --password-file or --password-stdin a password is generated and printed once. A chosen
  password has at least 12 characters. Resetting a password or disabling a user ends their sessions.
`;

function readPassword(values: { 'password-file'?: string; 'password-stdin'?: boolean }): string | undefined {
  if (values['password-file'] && values['password-stdin']) throw new UsageError('give --password-file or --password-stdin, not both');
  let text: string;
  try {
    if (values['password-file']) text = readFileSync(values['password-file'], 'utf8');
    else if (values['password-stdin']) text = readFileSync(0, 'utf8');
    else return undefined;
  } catch (err) {
    throw new UsageError(`cannot read the password: ${(err as Error).message}`);
  }
  const password = text.replace(/\r?\n$/, '');
  if (password.includes('\n')) throw new UsageError('the password file has more than one line: put the password alone on the first line');
  return password;
}

export async function usersCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parse(rest, {
    name: { type: 'string' }, role: { type: 'string' }, 'password-file': { type: 'string' }, 'password-stdin': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false }, db: { type: 'string', default: DEFAULT_DB }, help: { type: 'boolean', default: false },
  }, 'farmwatch-collector users');
  if (values.help || sub === undefined || sub === '--help') {
    process.stdout.write(USERS_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (!['create', 'list', 'password', 'disable', 'enable'].includes(sub)) throw new UsageError(`unknown users command "${sub}"\n\n${USERS_HELP}`);
  const store = new SqliteStore(values.db, { readonly: sub === 'list' });
  try {
    if (sub === 'list') {
      const rows = store.people.listUsers();
      if (values.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      else if (rows.length === 0) process.stdout.write('No user yet: make one with `farmwatch-collector users create --name NAME --role admin`.\n');
      else process.stdout.write(table(['ID', 'NAME', 'ROLE', 'CREATED', 'LAST LOGIN', 'DISABLED'], rows.map((u) => [String(u.id), u.name, u.role, iso(u.createdMs), iso(u.lastLoginMs), iso(u.disabledMs)])));
      return 0;
    }
    if (sub === 'create') {
      if (!values.name) throw new UsageError('users create needs --name (what the person types to log in)');
      if (!values.role) throw new UsageError('users create needs --role admin, analyst or it');
      const made = await createAccount(store, values.name, values.role, readPassword(values), cliActor());
      if (values.json) process.stdout.write(JSON.stringify({ ...made.user, ...(made.password ? { password: made.password } : {}) }, null, 2) + '\n');
      else process.stdout.write(`User ${made.user.id} "${made.user.name}" (${made.user.role}) created.${made.password ? ` Password, shown only now:\n\n  ${made.password}\n` : ''}\n`);
      return 0;
    }
    const name = positionals[0];
    if (!name) throw new UsageError(`users ${sub} needs the user name`);
    const user = findAccount(store, name);
    if (sub === 'password') {
      const generated = await resetPassword(store, user, readPassword(values), cliActor());
      if (values.json) process.stdout.write(JSON.stringify({ ...user, ...(generated ? { password: generated } : {}) }, null, 2) + '\n');
      else process.stdout.write(`Password of "${user.name}" changed; their sessions ended.${generated ? ` New password, shown only now:\n\n  ${generated}\n` : ''}\n`);
      return 0;
    }
    const after = setDisabled(store, user, sub === 'disable', cliActor());
    process.stdout.write(`User "${after.name}" is ${after.disabledMs === null ? 'enabled' : 'disabled; their sessions ended'}.\n`);
    return 0;
  } catch (err) {
    if (err instanceof AccountError) throw new UsageError(err.message);
    throw err;
  } finally {
    store.close();
  }
}
