// Probe: password guesses sent in parallel. The limit used to be checked before the password hash
// was awaited and the failure recorded after it, so 40 wrong passwords sent at once all got 401
// (no 429), and a burst of 29 wrong passwords with the right one behind them logged in. An attempt
// is now counted when it starts; the documented limit (5 failures per name and address in 15
// minutes) holds however the attempts are timed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePki } from '../helpers/pki.js';
import { COLLECTOR_CLI, run, startCollector, type RunningCollector } from '../helpers/processes.js';

const PASSWORD = 'the right password 2026';
let dir: string;
let collector: RunningCollector;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'farmwatch-sec-login-'));
  const db = join(dir, 'collector.db');
  collector = await startCollector(db, makePki().dir);
  for (const name of ['victim', 'other']) {
    writeFileSync(join(dir, 'pw'), `${PASSWORD}\n`, { mode: 0o600 });
    const made = await run(COLLECTOR_CLI, ['users', 'create', '--name', name, '--role', 'analyst', '--password-file', join(dir, 'pw'), '--db', db]);
    expect(made.code, made.stderr).toBe(0);
  }
});
afterAll(async () => {
  await collector?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const login = (name: string, password: string): Promise<number> => fetch(`${collector.api}/v1/session`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }),
}).then((r) => r.status);

describe('login limits under concurrency', () => {
  it('40 wrong passwords at once: 5 are judged, the rest are refused with 429', async () => {
    const codes = await Promise.all(Array.from({ length: 40 }, (_, i) => login('other', `wrong guess number ${i}`)));
    expect(codes.filter((c) => c === 401)).toHaveLength(5);
    expect(codes.filter((c) => c === 429)).toHaveLength(35);
  });

  it('29 wrong passwords and the right one at once do not log in', async () => {
    const codes = await Promise.all([
      ...Array.from({ length: 29 }, (_, i) => login('victim', `wrong guess number ${i}`)),
      login('victim', PASSWORD),
    ]);
    expect(codes).not.toContain(200);
    expect(codes.at(-1)).toBe(429);
    expect(codes.filter((c) => c === 401)).toHaveLength(5);
  });
});
