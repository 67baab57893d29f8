// Secret keys of this collector kept in its state folder (the database's folder, made 0700), one
// file each (NAME.key, 0600, 32 random bytes as hex), apart from the database: a copy of the
// database alone (a backup, an export) does not carry them. The ship-to key hashes street addresses;
// unlike the fleet's observation key it never leaves the collector (agents get that one).
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const memoryKeys = new Map<string, Buffer>();

/** The key file's path for a database at `dbPath`. */
export const stateKeyFile = (dbPath: string, name: string): string => join(dirname(dbPath), `${name}.key`);

function read(file: string): Buffer | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read the key ${file} (${(err as Error).message}): check its owner and mode (600)`);
  }
  if (!/^[0-9a-f]{64}$/.test(text)) {
    throw new Error(`the key ${file} is damaged (it should hold 64 hex digits): restore it from the backup of this state folder, ` +
      'or delete it to start a new key (hashes made with the old key then no longer compare with new ones)');
  }
  return Buffer.from(text, 'hex');
}

/**
 * The key `name` of the collector whose database is `dbPath`, made on first use. A database in
 * memory (tests) gets a key in memory, per path and name, for the life of the process.
 */
export function stateKey(dbPath: string, name: string): Buffer {
  if (dbPath === ':memory:' || dbPath === '') {
    let k = memoryKeys.get(name);
    if (!k) memoryKeys.set(name, (k = randomBytes(32)));
    return k;
  }
  const file = stateKeyFile(dbPath, name);
  const found = read(file);
  if (found) return found;
  try {
    // 'wx': two processes making it at once (the collector and the CLI) keep the first one's.
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new Error(`cannot create the key ${file} (${(err as Error).message}): check that the database's folder is writable`);
    }
  }
  return read(file) as Buffer;
}
