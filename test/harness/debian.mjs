// Debian packages the tests need (PostgreSQL, HAProxy): found where Debian puts their programs,
// installed with apt-get when missing and we are root (as CI is), never through a shell.
import { execFile } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const isRoot = () => process.getuid?.() === 0;

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first of `dirs`, then of $PATH, /usr/sbin and /sbin, that holds an executable `name`. */
export function findProgram(name, dirs = []) {
  const path = (process.env.PATH ?? '').split(':').filter(Boolean);
  for (const dir of [...dirs, ...path, '/usr/sbin', '/sbin']) {
    const file = join(dir, name);
    if (executable(file)) return file;
  }
  return undefined;
}

/** /usr/lib/postgresql/<major>/bin folders, newest major first. */
export function postgresBinDirs() {
  let majors;
  try {
    majors = readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v));
  } catch {
    return [];
  }
  return majors.sort((a, b) => Number(b) - Number(a)).map((v) => `/usr/lib/postgresql/${v}/bin`);
}

/** Can missing packages be installed here (root, with apt-get)? */
export const canInstall = () => isRoot() && findProgram('apt-get') !== undefined;

const installing = new Map();

/**
 * apt-get install PKG (no recommends), waiting for another apt-get or dpkg (a parallel test file
 * installing the same package) rather than failing; when the install fails, the package lists are
 * refreshed (apt-get update) and it is tried once more. Throws, saying what to run, when not root.
 */
export function installPackage(pkg, why) {
  if (!/^[a-z0-9][a-z0-9+.-]+$/.test(pkg)) throw new Error(`not a Debian package name: ${JSON.stringify(pkg)}`);
  const existing = installing.get(pkg);
  if (existing) return existing;
  const work = (async () => {
    if (!canInstall()) throw new Error(`${why} needs the Debian package ${pkg}: install it with: sudo apt-get install -y ${pkg}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const opts = { env, timeout: 600_000, maxBuffer: 16 * 1024 * 1024 };
    const lock = ['-o', 'DPkg::Lock::Timeout=600'];
    const install = () => run('apt-get', [...lock, 'install', '-y', '-qq', '--no-install-recommends', pkg], opts);
    try {
      await install();
    } catch {
      // Package lists missing or stale (a fresh container). Another test process may be refreshing
      // them at the same moment: if this update fails, the install below says whether that one did.
      await run('apt-get', [...lock, 'update', '-qq'], opts).catch(() => undefined);
      try {
        await install();
      } catch (err) {
        throw new Error(`apt-get install ${pkg} (for ${why}) failed: ${(err.stderr ?? err.message).trim()}`);
      }
    }
  })();
  installing.set(pkg, work);
  work.catch(() => installing.delete(pkg));
  return work;
}
