// Probe: a laptop named with terminal escapes (ESC sequences, BEL, CR, a bidi override) printed
// raw in `devices list`, `alerts list` and `alerts show`, so the laptop controlled the analyst's
// terminal. Now every control and bidi character leaves the CLIs as a visible \uXXXX escape, in
// tables, reports and messages; in --json the same escape keeps the value exact.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../collector/src/store/sqlite-store.js';
import { enrollLaptop } from '../helpers/enroll.js';
import { makePki, type Pki } from '../helpers/pki.js';
import { COLLECTOR_CLI, run, startCollector, type RunningCollector } from '../helpers/processes.js';

const EVIL = 'LT-\u001b]0;pwned\u0007\u001b[2J\rINNOCENT\u202etxt.exe';
let dir: string;
let db: string;
let pki: Pki;
let collector: RunningCollector;
let deviceId: string;
let alertId: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'farmwatch-sec-term-'));
  db = join(dir, 'collector.db');
  pki = makePki();
  collector = await startCollector(db, pki.dir);
  // The laptop enrolls over gRPC with the hostname it reports.
  const l = await enrollLaptop(collector.address, db, pki.ca, { serial: 'TERM-1', assignee: 'A <a@example.com>', shipTo: 'Austin, Texas, US', timeZone: 'America/Chicago', hostname: EVIL });
  deviceId = l.deviceId;
  await collector.stop();
  const store = new SqliteStore(db);
  try {
    store.db.prepare('INSERT OR IGNORE INTO devices (id, machine_id, hostname, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?)').run(deviceId, 'm', EVIL, Date.now(), Date.now());
    store.db.prepare('UPDATE devices SET hostname = ? WHERE id = ?').run(EVIL, deviceId);
    alertId = store.write((w) => w.raiseAlert({ deviceId, rule: 'remote_access.process', key: 'anydesk', severity: 'high', title: `AnyDesk on ${EVIL}`, atMs: Date.now(), newOccurrence: true })).id;
  } finally {
    store.close();
  }
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(pki.dir, { recursive: true, force: true });
});

// eslint-disable-next-line no-control-regex -- finding raw control characters is the point
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('CLI output with a hostile hostname', () => {
  const commands = (): string[][] => [
    ['devices', 'list'], ['devices', 'show', deviceId], ['alerts', 'list'], ['alerts', 'show', String(alertId)], ['clusters', 'list'],
  ];
  it('tables and reports show every control and bidi character as a visible escape', async () => {
    for (const args of commands()) {
      const r = await run(COLLECTOR_CLI, [...args, '--db', db]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(RAW.test(r.stdout), `${args.join(' ')} printed a raw control character`).toBe(false);
      if (args[0] !== 'clusters') expect(r.stdout).toContain('LT-\\u001b]0;pwned\\u0007\\u001b[2J\\u000dINNOCENT\\u202etxt.exe');
    }
  });

  it('--json keeps the exact value, with the same characters escaped', async () => {
    for (const args of commands().slice(0, 4)) {
      const r = await run(COLLECTOR_CLI, [...args, '--json', '--db', db]);
      expect(RAW.test(r.stdout)).toBe(false);
      expect(JSON.stringify(JSON.parse(r.stdout))).toContain(JSON.stringify(EVIL).slice(1, -1));
    }
  });

  it('messages that repeat what was typed are escaped too', async () => {
    const r = await run(COLLECTOR_CLI, ['devices', 'show', 'no-such-\u001b[31m-laptop', '--db', db]);
    expect(r.code).toBe(2);
    expect(RAW.test(r.stderr)).toBe(false);
    expect(r.stderr).toContain('no-such-\\u001b[31m-laptop');
  });
});
