// The throwaway PostgreSQL of the tests (test/harness/postgres.mjs): reachable on 127.0.0.1 with its
// password only, and on its unix socket; one database per call; nothing left after stop().
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnavailable, startPostgres, type PostgresServer } from './harness/postgres.mjs';

const unavailable = postgresUnavailable();

const refused = (port: number): Promise<boolean> => new Promise((resolve) => {
  const s = connect(port, '127.0.0.1');
  s.once('connect', () => {
    s.destroy();
    resolve(false);
  });
  s.once('error', () => resolve(true));
});

describe.skipIf(unavailable !== undefined)(`the throwaway PostgreSQL${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  }, 600_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('makes a new empty database per call and hands back its URL', async () => {
    const [a, b] = [await server.createDatabase('harness'), await server.createDatabase('harness')];
    expect(a).not.toBe(b);
    for (const url of [a, b]) {
      const client = new pg.Client(url);
      await client.connect();
      const db = await client.query<{ d: string }>('SELECT current_database() AS d');
      expect(url.endsWith(`/${db.rows[0]?.d}`)).toBe(true);
      const tables = await client.query("SELECT 1 FROM information_schema.tables WHERE table_schema = 'public'");
      expect(tables.rowCount).toBe(0);
      await client.end();
    }
    await expect(server.createDatabase('Robert"; DROP')).rejects.toThrow(/use lower-case letters, digits and _/);
  });

  it('listens on 127.0.0.1 with a password (a wrong one is refused) and on a unix socket in its folder', async () => {
    expect(existsSync(join(server.socketDir, `.s.PGSQL.${server.port}`))).toBe(true);
    const wrong = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'postgres', password: 'not-it', database: 'postgres' });
    await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);
    const local = new pg.Client({ host: server.socketDir, port: server.port, user: 'postgres', database: 'postgres' });
    await local.connect();
    expect((await local.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v).toMatch(/^\d+/);
    await local.end();
  });

  it('stops and removes its folder', async () => {
    const other = await startPostgres();
    // A connection still open does not hold the stop up: the server ends it on the way down.
    const client = new pg.Client(other.adminUrl);
    const ended = new Promise((resolve) => client.once('end', resolve));
    client.on('error', () => undefined);
    await client.connect();
    await other.stop();
    await ended;
    expect(existsSync(other.socketDir)).toBe(false);
    expect(await refused(other.port)).toBe(true);
    await client.end().catch(() => undefined);
  });
});
