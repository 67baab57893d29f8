// farmwatch-collector users: the people who log in to the web console, with the roles API tokens
// have. Passwords are read from a file or stdin (never from the command line, where `ps` and the
// shell history would keep them), or generated and shown once.
import { readFileSync } from 'node:fs';
import { describeFileError, type Command } from '@farmwatch/shared';
import type { SqliteStore } from '../store/sqlite-store.js';
import { AccountError, createAccount, findAccount, resetPassword, setDisabled } from '../auth/accounts.js';
import { DEFAULT_DB, cliActor, command, dbOption, exits, iso, jsonOption, openStore, required, UsageError } from './args.js';
import { table } from './table.js';

interface Db { db: string; json?: boolean }
interface PasswordOptions { passwordFile?: string; passwordStdin?: boolean }

function readPassword(o: PasswordOptions): string | undefined {
  if (o.passwordFile && o.passwordStdin) throw new UsageError('give --password-file or --password-stdin, not both');
  let text: string;
  if (o.passwordFile) {
    try {
      text = readFileSync(o.passwordFile, 'utf8');
    } catch (err) {
      throw new UsageError(describeFileError(err, o.passwordFile, 'the password file', { fix: 'put the password alone on the first line of a file and name it with --password-file, or use --password-stdin' }));
    }
  } else if (o.passwordStdin) {
    try {
      text = readFileSync(0, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read the password from stdin (${(err as Error).message}): pipe it in, or use --password-file`);
    }
  } else return undefined;
  const password = text.replace(/\r?\n$/, '');
  if (password.includes('\n')) throw new UsageError('the password file has more than one line: put the password alone on the first line');
  return password;
}

/** Runs `fn` on the database; refusals of the account rules are usage errors. */
async function withStore(db: string, opts: { readonly?: boolean; create?: boolean }, fn: (store: SqliteStore) => number | Promise<number>): Promise<number> {
  const store = openStore(db, opts);
  try {
    return await fn(store);
  } catch (err) {
    if (err instanceof AccountError) throw new UsageError(err.statusCode === 404 ? `${err.message}: \`farmwatch-collector users list\` shows them` : err.message);
    throw err;
  } finally {
    store.close();
  }
}

const passwordOptions = (cmd: Command): Command => cmd
  .option('--password-file <file>', 'read the password from the first line of FILE')
  .option('--password-stdin', 'read the password from standard input');

export function usersCommands(program: Command): void {
  const users = command(program, 'users', 'people who log in to the web console, with the same roles');
  users.addHelpText('after', `
People who log in to the web console (served on the collector's HTTP port). Roles as for API tokens:
admin (everything), analyst (alerts, clusters, devices), it (registering laptops). Without
--password-file or --password-stdin a password is generated and printed once. A chosen password has
at least 12 characters. Resetting a password or disabling a user ends their sessions. Every command
takes --db FILE (default ${DEFAULT_DB}).`);

  passwordOptions(command(users, 'create', 'a new console user')
    .option('--name <name>', 'what the person types to log in (required)')
    .option('--role <role>', 'admin, analyst or it (required)'))
    .addOption(jsonOption())
    .addOption(dbOption())
    .hook('preAction', required('--name', '--role'))
    .action(exits((o: Db & PasswordOptions & { name: string; role: string }) => {
      const password = readPassword(o);
      return withStore(o.db, { create: true }, async (store) => {
        const made = await createAccount(store, o.name, o.role, password, cliActor());
        if (o.json) process.stdout.write(JSON.stringify({ ...made.user, ...(made.password ? { password: made.password } : {}) }, null, 2) + '\n');
        else process.stdout.write(`User ${made.user.id} "${made.user.name}" (${made.user.role}) created.${made.password ? ` Password, shown only now:\n\n  ${made.password}\n` : ''}\n`);
        return 0;
      });
    }));

  command(users, 'list', 'the console users')
    .addOption(jsonOption())
    .addOption(dbOption())
    .action(exits((o: Db) => withStore(o.db, { readonly: true }, (store) => {
      const rows = store.people.listUsers();
      if (o.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      else if (rows.length === 0) process.stdout.write('No user yet: make one with `farmwatch-collector users create --name NAME --role admin`.\n');
      else process.stdout.write(table(['ID', 'NAME', 'ROLE', 'CREATED', 'LAST LOGIN', 'DISABLED'], rows.map((u) => [String(u.id), u.name, u.role, iso(u.createdMs), iso(u.lastLoginMs), iso(u.disabledMs)])));
      return 0;
    })));

  passwordOptions(command(users, 'password', 'set a new password (generated unless given); ends the user\'s sessions')
    .argument('<name>', 'the user\'s name'))
    .addOption(jsonOption())
    .addOption(dbOption())
    .action(exits((name: string, o: Db & PasswordOptions) => {
      const password = readPassword(o);
      return withStore(o.db, {}, async (store) => {
        const user = findAccount(store, name);
        const generated = await resetPassword(store, user, password, cliActor());
        if (o.json) process.stdout.write(JSON.stringify({ ...user, ...(generated ? { password: generated } : {}) }, null, 2) + '\n');
        else process.stdout.write(`Password of "${user.name}" changed; their sessions ended.${generated ? ` New password, shown only now:\n\n  ${generated}\n` : ''}\n`);
        return 0;
      });
    }));

  for (const [name, disable, description] of [['disable', true, 'stop a user logging in; ends their sessions'], ['enable', false, 'let a disabled user log in again']] as const) {
    command(users, name, description)
      .argument('<name>', 'the user\'s name')
      .addOption(dbOption())
      .action(exits((who: string, o: Db) => withStore(o.db, {}, (store) => {
        const after = setDisabled(store, findAccount(store, who), disable, cliActor());
        process.stdout.write(`User "${after.name}" is ${after.disabledMs === null ? 'enabled' : 'disabled; their sessions ended'}.\n`);
        return 0;
      })));
  }
}
