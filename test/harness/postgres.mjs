// A throwaway PostgreSQL for tests and benchmarks: a fresh cluster (initdb) in a temporary folder,
// listening on 127.0.0.1 on a free port and on a unix socket in that folder, with a random password
// for the `postgres` superuser. PostgreSQL refuses to run as root, so as root its programs run as
// the `postgres` user (setpriv, no shell); Debian's `postgresql` is installed first when missing
// (as root). The server is started to die with the process that started it; stop() (or the
// process exiting) removes everything.
import { spawn, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { canInstall, findProgram, installPackage, isRoot, postgresBinDirs } from './debian.mjs';
import { freePort, onExit, sleep, tail, throwawayFolder } from './throwaway.mjs';

const execFileP = promisify(execFile);

function findPrograms() {
  const dirs = postgresBinDirs();
  const initdb = findProgram('initdb', dirs);
  const postgres = findProgram('postgres', dirs);
  return initdb && postgres ? { initdb, postgres } : undefined;
}

/**
 * Why tests that need PostgreSQL cannot run here, or undefined when they can (its programs are
 * installed, or we are root and can install them). For `describe.skipIf(...)`.
 */
export function postgresUnavailable() {
  if (findPrograms() || canInstall()) return undefined;
  return 'PostgreSQL is not installed (initdb and postgres not found in /usr/lib/postgresql/*/bin or $PATH) and this is not root to install it: ' +
    'sudo apt-get install -y postgresql';
}

async function programs() {
  const found = findPrograms();
  if (found) return found;
  await installPackage('postgresql', 'a throwaway PostgreSQL for the tests');
  const installed = findPrograms();
  if (!installed) throw new Error('apt-get installed postgresql, but initdb and postgres are not in /usr/lib/postgresql/*/bin');
  return installed;
}

/** The command that runs `program args` as the user PostgreSQL runs as, dying with this process. */
function asServerUser(program, args, dieWithParent) {
  const setpriv = findProgram('setpriv');
  if (isRoot()) {
    if (!setpriv) throw new Error('running PostgreSQL as root needs setpriv (Debian package util-linux) to switch to the postgres user');
    return [setpriv, ['--reuid=postgres', '--regid=postgres', '--init-groups', ...(dieWithParent ? ['--pdeathsig', 'QUIT'] : []), '--', program, ...args]];
  }
  if (setpriv && dieWithParent) return [setpriv, ['--pdeathsig', 'QUIT', '--', program, ...args]];
  return [program, args];
}

/** The user and group the server runs as: ours, or (as root) the `postgres` user's. */
async function serverIds() {
  if (!isRoot()) return { uid: userInfo().uid, gid: userInfo().gid };
  try {
    // os.userInfo() only knows the current user: id(1) gives postgres's numbers.
    const [uid, gid] = await Promise.all([execFileP('id', ['-u', 'postgres']), execFileP('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    throw new Error('PostgreSQL refuses to run as root and there is no `postgres` user to run it as: install Debian\'s postgresql (it makes the user), or run the tests as another user');
  }
}

const NAME = /^[a-z_][a-z0-9_]{0,50}$/;

export async function startPostgres(opts = {}) {
  const bin = await programs();
  const { uid, gid } = await serverIds();
  const dir = throwawayFolder('farmwatch-pg');
  const removeFolder = () => rmSync(dir, { recursive: true, force: true });
  const exitHook = onExit(removeFolder);
  try {
    chownSync(dir, uid, gid);
    const data = join(dir, 'data');
    const password = randomBytes(18).toString('hex');
    const pwfile = join(dir, 'pwfile');
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    chownSync(pwfile, uid, gid);
    const [initCmd, initArgs] = asServerUser(bin.initdb, ['-D', data, '-U', 'postgres', `--pwfile=${pwfile}`, '-E', 'UTF8', '--no-locale',
      '--auth-local=trust', '--auth-host=scram-sha-256', '--no-sync'], false);
    try {
      await execFileP(initCmd, initArgs, { cwd: dir, timeout: 120_000, env: { ...process.env, LC_ALL: 'C' } });
    } catch (err) {
      throw new Error(`initdb failed in ${data}: ${tail(err.stderr ?? err.message)}`);
    }
    rmSync(pwfile);
    const settings = {
      listen_addresses: '127.0.0.1',
      unix_socket_directories: dir,
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      max_connections: '200',
      ...opts.settings,
    };
    for (const key of Object.keys(settings)) {
      if (!/^[a-z_.]+$/.test(key)) throw new Error(`not a PostgreSQL setting name: ${JSON.stringify(key)}`);
    }
    let lastError = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const args = ['-D', data, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
      const [cmd, cmdArgs] = asServerUser(bin.postgres, args, true);
      const child = spawn(cmd, cmdArgs, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
      let log = '';
      child.stderr.on('data', (d) => (log += d.toString()));
      const killHook = onExit(() => child.kill('SIGQUIT'));
      const adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
      const ready = await waitReady(child, adminUrl, () => log, opts.readyTimeoutMs ?? 60_000);
      if (ready === 'port taken') {
        killHook.cancel();
        lastError = tail(log);
        continue;
      }
      return server(child, { port, dir, password, adminUrl, log: () => log, done: () => { killHook.cancel(); exitHook.cancel(); } });
    }
    throw new Error(`PostgreSQL could not listen on a free port in 3 tries: ${lastError}`);
  } catch (err) {
    removeFolder();
    exitHook.cancel();
    throw err;
  }
}

async function waitReady(child, url, log, timeoutMs) {
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (gone) {
      await exited;
      if (/could not bind|Address already in use/.test(log())) return 'port taken';
      throw new Error(`PostgreSQL exited before accepting connections (exit ${child.exitCode ?? child.signalCode}):\n${tail(log())}`);
    }
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return 'ready';
    } catch {
      await client.end().catch(() => undefined);
    }
    if (Date.now() > deadline) {
      child.kill('SIGQUIT');
      throw new Error(`PostgreSQL did not accept connections within ${timeoutMs} ms:\n${tail(log())}`);
    }
    await sleep(100);
  }
}

function server(child, s) {
  const counts = new Map();
  const url = (name) => {
    if (!NAME.test(name)) throw new Error(`database name ${JSON.stringify(name)}: use lower-case letters, digits and _`);
    return `postgres://postgres:${s.password}@127.0.0.1:${s.port}/${name}`;
  };
  let stopping;
  return {
    port: s.port,
    socketDir: s.dir,
    adminUrl: s.adminUrl,
    url,
    log: s.log,
    async createDatabase(name = 'farmwatch') {
      if (!NAME.test(name)) throw new Error(`database name ${JSON.stringify(name)}: use lower-case letters, digits and _`);
      const n = (counts.get(name) ?? 0) + 1;
      counts.set(name, n);
      const db = `${name}_${n}`;
      const client = new pg.Client({ connectionString: s.adminUrl });
      await client.connect();
      try {
        // Identifiers cannot be parameters: the name is checked above and quoted by the client.
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(db)}`);
      } finally {
        await client.end();
      }
      return url(db);
    },
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGINT'); // fast shutdown: connections are ended, nothing is written that need not be
          const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(s.dir, { recursive: true, force: true });
        s.done();
      })();
      return stopping;
    },
  };
}
