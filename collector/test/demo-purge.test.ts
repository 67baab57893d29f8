// Demo laptops (`npm run demo`) are registered with the demo mark (CSV column or API field) and
// removed by `devices purge-demo` with everything that hangs off them, in one transaction; real
// laptops and their data stay, and a cluster alert that also names real laptops stays without the
// demo ones.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InterfaceKind, ObservationKind, pb } from '@farmwatch/proto';
import { createLogger } from '@farmwatch/shared';
import { FleetEngine, SqliteStore, keyedHash, readRegistrationsCsv } from '../src/index.js';
import { deviceViews, importDevices } from '../src/ops/devices.js';
import { purgeDemoDevices } from '../src/ops/demo.js';
import { PURGED_TABLES } from '../src/store/sqlite/purge.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const now = Date.now();

function store(): SqliteStore {
  const dir = mkdtempSync(join(tmpdir(), 'farmwatch-purge-'));
  dirs.push(dir);
  return new SqliteStore(join(dir, 'c.db'));
}

const CSV = `serial,assignee,ship_to,timezone,demo
REAL1,Ann Real <ann@example.com>,"Austin, Texas, US",America/Chicago,
REAL2,Bob Real <bob@example.com>,"Austin, Texas, US",America/Chicago,no
DEMO1,Cy Demo <cy@example.com>,"Austin, Texas, US",America/Chicago,yes
DEMO2,Di Demo <di@example.com>,"Austin, Texas, US",America/Chicago,true
DEMO3,Ed Demo <ed@example.com>,"Austin, Texas, US",America/Chicago,1
`;

/** Every table's rows that name one of `ids` (device columns, and alert rows through their alert). */
function rowsOf(s: SqliteStore, ids: string[]): Record<string, number> {
  const marks = ids.map(() => '?').join(', ');
  const count = (sql: string, args: unknown[]): number => (s.db.prepare(sql).pluck().get(...args) as number);
  const out: Record<string, number> = {};
  for (const t of PURGED_TABLES) {
    const cols = (s.db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(t) as string[]).filter((c) => ['device_id', 'device_a', 'device_b', 'id'].includes(c));
    const col = t === 'devices' ? ['id'] : cols.filter((c) => c !== 'id');
    if (col.length > 0) out[t] = count(`SELECT COUNT(*) FROM ${t} WHERE ${col.map((c) => `${c} IN (${marks})`).join(' OR ')}`, col.flatMap(() => ids));
  }
  out.alert_notes = count(`SELECT COUNT(*) FROM alert_notes WHERE alert_id IN (SELECT id FROM alerts WHERE device_id IN (${marks}))`, ids);
  return out;
}

describe('demo devices', () => {
  it('are marked by the CSV demo column (yes / no, empty is no), and a wrong value is explained', () => {
    const r = readRegistrationsCsv(CSV);
    expect(r.errors).toEqual([]);
    expect(r.rows.map((x) => [x.registration.serial, x.registration.demo ?? false])).toEqual([
      ['REAL1', false], ['REAL2', false], ['DEMO1', true], ['DEMO2', true], ['DEMO3', true]]);
    expect(readRegistrationsCsv(`${CSV}DEMO4,Fi Demo <fi@example.com>,"Austin, Texas, US",America/Chicago,maybe\n`).errors)
      .toEqual(['line 7: demo "maybe" should be yes or no (true / false, 1 / 0; empty is no)']);
  });

  it('purge-demo removes the demo laptops and everything of theirs, and nothing else', () => {
    const s = store();
    const imported = importDevices(s, CSV, 'test', undefined, now);
    expect(imported.errors).toEqual([]);
    const id = Object.fromEntries(imported.registered.map((r) => [r.registration.serial, r.registration.deviceId]));
    const [r1, r2, d1, d2, d3] = ['REAL1', 'REAL2', 'DEMO1', 'DEMO2', 'DEMO3'].map((k) => id[k] as string) as [string, string, string, string, string];
    expect(deviceViews(s).filter((v) => v.demo).map((v) => v.id).sort()).toEqual([d1, d2, d3].sort());
    expect(s.registry.demoDeviceIds().sort()).toEqual([d1, d2, d3].sort());

    // Every kind of row, for every laptop.
    const all = [r1, r2, d1, d2, d3];
    const sql = (text: string, ...args: unknown[]): number => Number(s.db.prepare(text).run(...args).lastInsertRowid);
    all.forEach((dev, i) => {
      sql("INSERT INTO devices (id, machine_id, hostname, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?)", dev, `m${i}`, `host-${i}`, now, now);
      sql("INSERT INTO events (device_id, sequence, kind, observed_at_ms, received_at_ms, body) VALUES (?, 1, 'heartbeat', ?, ?, x'')", dev, now, now);
      sql("INSERT INTO findings (device_id, detector, key, category, severity, confidence, title, evidence, first_seen_ms, last_seen_ms) VALUES (?, 'remote_access.process', 'anydesk', 'remote_access', 'medium', 90, 'AnyDesk', '[]', ?, ?)", dev, now, now);
      sql("INSERT INTO inventory (device_id, kind, item_key, summary, body, first_seen_ms, last_seen_ms) VALUES (?, 'usb', 'k', 's', x'', ?, ?)", dev, now, now);
      sql("INSERT INTO sensor_states (device_id, sensor, status, last_run_ms, duration_ms, items) VALUES (?, 'usb', 'ok', ?, 1, 1)", dev, now);
      sql('INSERT INTO device_hours (device_id, hour) VALUES (?, 5)', dev);
      sql("INSERT INTO observations (device_id, kind, value_key, first_seen_ms, last_seen_ms) VALUES (?, 'public_ip', '24.0.0.1', ?, ?)", dev, now, now);
      sql("INSERT INTO certificates (serial, device_id, fingerprint, issued_ms, not_after_ms) VALUES (?, ?, 'f', ?, ?)", `cert-${i}`, dev, now, now + 1e9);
      sql("INSERT INTO suppressions (rule, device_id, reason, created_by, created_ms, expires_ms) VALUES ('*', ?, 'r', 't', ?, ?)", dev, now, now + 1e9);
      const a = sql("INSERT INTO alerts (device_id, rule, key, severity, title, first_seen_ms, last_seen_ms) VALUES (?, 'device.risk', 'risk', 'high', 'Risk', ?, ?)", dev, now, now);
      sql("INSERT INTO alert_notes (alert_id, author, text, at_ms) VALUES (?, 'an', 'looked', ?)", a, now);
    });
    const edge = (a: string, b: string): void => void sql("INSERT INTO edges (device_a, device_b, kind, value_key, first_ms, last_ms) VALUES (?, ?, 'public_ip', '24.0.0.1', ?, ?)", a, b, now, now);
    edge(r1, r2);
    edge(d1, d2);
    edge(d3, r1);
    const cluster = (anchor: string, members: string[]): number => {
      const a = sql("INSERT INTO alerts (device_id, rule, key, severity, title, scope, first_seen_ms, last_seen_ms) VALUES (?, 'fleet.colocation', ?, 'high', 'cluster', 'cluster', ?, ?)", anchor, `cluster:${anchor}`, now, now);
      for (const m of members) sql('INSERT INTO alert_members (alert_id, device_id) VALUES (?, ?)', a, m);
      return a;
    };
    const demoOnly = cluster(d1, [d1, d2]);
    const mixedDemoAnchor = cluster(d3, [d3, r1, r2]);
    const mixedRealAnchor = cluster(r2, [r2, d2]);
    const realOnly = cluster(r1, [r1, r2]);
    // The newest alert of all is a demo laptop's: its id is not given again after the purge.
    const newest = s.write((w) => w.raiseAlert({ deviceId: d1, rule: 'kvm.edid', key: 'HDMI-A-2', severity: 'high', title: 'KVM', atMs: now, newOccurrence: true })).id;
    const realBefore = rowsOf(s, [r1, r2]);

    const out = purgeDemoDevices(s, 'cli:test', now + 1);
    expect(out.devices.map((d) => d.serial).sort()).toEqual(['DEMO1', 'DEMO2', 'DEMO3']);
    expect(out.certificates.sort()).toEqual(['cert-2', 'cert-3', 'cert-4']);
    expect(out.clusterAlertsKept.sort()).toEqual([mixedDemoAnchor, mixedRealAnchor].sort());
    expect(out.deleted).toMatchObject({ devices: 3, registrations: 3, alerts: 5, events: 3, findings: 3, inventory: 3, certificates: 3, enrollment_tokens: 3, edges: 2, suppressions: 3 });
    // Nothing of the demo laptops is left, in any table.
    expect(Object.values(rowsOf(s, [d1, d2, d3])).every((n) => n === 0), JSON.stringify(rowsOf(s, [d1, d2, d3]))).toBe(true);
    // The real laptops keep every row (their risk alerts and the all-real cluster among them)...
    // (the edge between a demo laptop and a real one goes; the mixed cluster alert held by a demo
    // laptop now counts among the real laptops' alerts, with its note).
    const realAfter = rowsOf(s, [r1, r2]);
    expect(realAfter).toEqual({ ...realBefore, edges: (realBefore.edges ?? NaN) - 1, alerts: (realBefore.alerts ?? NaN) + 1, alert_notes: (realBefore.alert_notes ?? NaN) + 2 });
    expect(s.fleet.edgesOf([r1]).map((e) => [e.deviceA, e.deviceB])).toEqual([[r1, r2]]);
    expect(s.alert(realOnly)).toBeDefined();
    expect(s.alerts.detail(realOnly)?.members.sort()).toEqual([r1, r2].sort());
    expect(s.alert(demoOnly)).toBeUndefined();
    // ...and the mixed clusters stay without the demo laptops: re-anchored when a demo laptop held them,
    // resolved when fewer than two laptops are left, with a note saying why.
    const kept = s.alerts.detail(mixedDemoAnchor);
    expect(kept?.members.sort()).toEqual([r1, r2].sort());
    expect([r1, r2]).toContain(kept?.deviceId);
    expect(kept?.status).toBe('open');
    expect(s.alerts.notes(mixedDemoAnchor).map((n) => n.text)).toEqual(['3 demo laptop(s) removed by cli:test (devices purge-demo)']);
    expect(s.alerts.detail(mixedRealAnchor)).toMatchObject({ status: 'resolved', members: [r2] });
    expect(s.alerts.notes(mixedRealAnchor)[0]?.text).toMatch(/fewer than two laptops are left, so it is resolved$/);
    // Audited, with what went.
    const audit = s.alerts.auditLog(1, 0)[0];
    expect(audit).toMatchObject({ actor: 'cli:test', action: 'device.purge-demo', target: 'purge:3 demo devices' });
    expect(audit?.detail).toMatch(/devices 3/);
    // A new alert gets an id no alert had before, also none the purge deleted.
    const next = s.write((w) => w.raiseAlert({ deviceId: r1, rule: 'kvm.edid', key: 'HDMI-A-2', severity: 'high', title: 'KVM', atMs: now, newOccurrence: true })).id;
    expect(next).toBe(newest + 1);
    // Again: nothing left to remove.
    expect(purgeDemoDevices(s, 'cli:test').devices).toEqual([]);
    s.close();
  });

  it('a collector forgets purged laptops: a laptop seeing a purged one\'s MAC is linked to nobody', () => {
    const s = store();
    const { registered } = importDevices(s, CSV, 'test', undefined, now);
    const [real, demo] = [registered[0]?.registration.deviceId ?? '', registered[2]?.registration.deviceId ?? ''];
    for (const [i, id] of [real, demo].entries()) s.db.prepare('INSERT INTO devices (id, machine_id, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?)').run(id, `m${i}`, now, now);
    const fleet = new FleetEngine({ store: s, log: createLogger('test', 'silent') });
    const mac = '02:11:22:33:44:55';
    fleet.onInventory(demo, { networkInterface: { name: 'Wi-Fi', kind: InterfaceKind.INTERFACE_KIND_WIFI, mac } });
    const seen = pb.Observation.decode(pb.Observation.encode({ kind: ObservationKind.OBSERVATION_KIND_LAN_NEIGHBOUR_MAC, valueHash: Buffer.from(keyedHash(fleet.fleetKey, mac), 'hex'), via: 'arp' }).finish());
    purgeDemoDevices(s, 'cli:test', now);
    fleet.forgetDeleted();
    s.write((w) => fleet.onObservation(w, real, seen, now));
    expect(fleet.index.component(real)).toEqual([real]);
    expect(s.fleet.edgesOf([real])).toEqual([]);
    s.close();
  });

  it('every table that names a device is one purge-demo clears (a new one must be added to PURGED_TABLES)', () => {
    const s = store();
    const tables = s.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
    const naming = tables.filter((t) => (s.db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(t) as string[])
      .some((c) => c === 'device_id' || c === 'device_a' || c === 'device_b'));
    expect(naming.filter((t) => !(PURGED_TABLES as readonly string[]).includes(t))).toEqual([]);
    s.close();
  });
});
