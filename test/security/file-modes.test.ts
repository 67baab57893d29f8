// Probe: the collector's database (password hashes, the fleet's observation key, session secrets)
// was world-readable (0644, with its WAL and SHM) in a folder made without a mode. Now: the folder
// is made 0700, the database and its WAL/SHM are 0600, a database found readable by others is
// tightened (and the collector says so), and a folder anyone may write to is refused.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePki, type Pki } from '../helpers/pki.js';
import { COLLECTOR_CLI, run, startCollector } from '../helpers/processes.js';

let dir: string;
let pki: Pki;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'farmwatch-sec-files-'));
  pki = makePki();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(pki.dir, { recursive: true, force: true });
});
const mode = (p: string): string => (statSync(p).mode & 0o777).toString(8);

describe('the database files', () => {
  it('a new database: folder 700, database, WAL and SHM 600', async () => {
    const db = join(dir, 'new', 'state', 'collector.db');
    const c = await startCollector(db, pki.dir);
    try {
      expect(mode(join(dir, 'new', 'state'))).toBe('700');
      for (const f of [db, `${db}-wal`, `${db}-shm`]) expect([f, mode(f)]).toEqual([f, '600']);
    } finally {
      await c.stop();
    }
  });

  it('a database left readable by others is tightened, and the collector says so', async () => {
    const folder = join(dir, 'old');
    mkdirSync(folder, { mode: 0o755 });
    const db = join(folder, 'collector.db');
    writeFileSync(db, '', { mode: 0o644 }); // an empty file is a new database to SQLite
    chmodSync(db, 0o644);
    const c = await startCollector(db, pki.dir);
    try {
      expect(mode(db)).toBe('600');
      expect(c.stderr()).toContain(`${db} was readable by others (mode 644)`);
    } finally {
      await c.stop();
    }
  });

  it('a folder anyone may write to is refused with the fix', async () => {
    const folder = join(dir, 'open');
    mkdirSync(folder);
    chmodSync(folder, 0o777);
    const r = await run(COLLECTOR_CLI, ['serve', '--listen', '127.0.0.1:0', '--http', 'off', '--db', join(folder, 'collector.db'), '--tls-dir', pki.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the database folder ${folder} may be written by anyone (mode 777)`);
    expect(r.stderr).toContain(`chmod 700 ${folder}`);
  });
});
