// Cases through the real store and fleet engine: a database from before cases (finding alerts of
// their own) is folded by migration 12 and its laptops get their case at start, without reopening
// what analysts closed; a suppression naming a detector leaves its findings out of the case (listed,
// not counted) until it is lifted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Category, Severity, pb, type Event } from '@farmwatch/proto';
import { createLogger } from '@farmwatch/shared';
import { FleetEngine, MIGRATIONS, SqliteStore, applyBatch, openDatabase } from '../src/index.js';
import { auditTarget } from '../src/store/audit-target.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const log = createLogger('test', 'silent');
const now = Date.now();

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'farmwatch-cases-'));
  dirs.push(dir);
  return join(dir, 'c.db');
}

function addLaptop(store: SqliteStore, i: number): string {
  const r = store.registry.register({ serial: `S${i}`, assigneeName: `P${i}`, assigneeEmail: `p${i}@x.com`, shipTo: 'Austin, Texas, US', shipCountry: 'US',
    shipLat: 30.267, shipLon: -97.743, timeZone: 'America/Chicago' }, 'test', now - 86_400_000);
  store.db.prepare("INSERT INTO devices (id, machine_id, time_zone, first_seen_ms, last_seen_ms) VALUES (?, ?, 'America/Chicago', ?, ?)").run(r.deviceId, `m${i}`, now - 86_400_000, now);
  return r.deviceId;
}

const anydesk = { detector: 'remote_access.process', key: 'anydesk', category: Category.CATEGORY_REMOTE_ACCESS, severity: Severity.SEVERITY_MEDIUM, confidence: 80,
  title: 'AnyDesk is running', catalogEntry: 'anydesk', firstSeenMs: now - 3_600_000, evidence: [{ field: 'process.name', value: 'AnyDesk.exe' }] };
const nord = { detector: 'vpn.client', key: 'nordvpn', category: Category.CATEGORY_VPN, severity: Severity.SEVERITY_MEDIUM, confidence: 90,
  title: 'NordVPN is running', catalogEntry: 'nordvpn', firstSeenMs: now - 3_600_000, evidence: [{ field: 'process.name', value: 'nordvpn.exe' }] };
const batch = (from: number, ...findings: object[]): Event[] =>
  findings.map((finding, i) => pb.Event.decode(pb.Event.encode({ sequence: from + i, observedAtMs: now, finding }).finish()));

interface CaseDetails { explanation: { signal: string; weight: number }[]; findings: { key: string; suppressedBy?: number }[] }

describe('a database from before cases', () => {
  it('migration 12 closes open finding alerts as folded into the case; at start each laptop with findings gets its case, closed ones stay closed', () => {
    const path = tempDb();
    // The database as a collector before cases left it: every migration before 12, two laptops
    // with AnyDesk, each finding with its own alert.
    const old = openDatabase(path, { migrations: MIGRATIONS.filter((m) => m.version < 12) });
    const sql = (text: string, ...args: unknown[]): number => Number(old.prepare(text).run(...args).lastInsertRowid);
    const [a, b] = ['dev_a', 'dev_b'];
    for (const [i, id] of [a, b].entries()) {
      sql("INSERT INTO devices (id, machine_id, time_zone, first_seen_ms, last_seen_ms) VALUES (?, ?, 'America/Chicago', ?, ?)", id, `m${i}`, now - 86_400_000, now);
      sql(`INSERT INTO findings (device_id, detector, key, category, severity, confidence, title, catalog_entry, sanctioned, evidence, first_seen_ms, last_seen_ms)
        VALUES (?, 'remote_access.process', 'anydesk', 'remote_access', 'medium', 80, 'AnyDesk is running', 'anydesk', 0, '[]', ?, ?)`, id, now - 3_600_000, now);
    }
    const alert = (deviceId: string, rule: string, key: string, status: string, details = '{}') => sql(`INSERT INTO alerts (device_id, rule, key, severity, title, status,
      first_seen_ms, last_seen_ms, score, details) VALUES (?, ?, ?, 'medium', 'AnyDesk is running', ?, ?, ?, ?, ?)`, deviceId, rule, key, status, now, now, rule === 'device.risk' ? 25 : 0, details);
    const open = alert(a, 'remote_access.process', 'anydesk', 'open');
    const acked = alert(b, 'remote_access.process', 'anydesk', 'acknowledged');
    const closed = alert(a, 'kvm.edid', 'HDMI-A-2', 'false_positive');
    // b's risk alert, resolved by an analyst before the upgrade (its details have no findings).
    const risk = alert(b, 'device.risk', 'risk', 'resolved', '{"explanation":[]}');
    old.close();

    const store = new SqliteStore(path);
    expect([open, acked, closed, risk].map((id) => store.alert(id)?.status)).toEqual(['resolved', 'resolved', 'false_positive', 'resolved']);
    expect(store.alerts.notes(open).map((n) => [n.author, n.text])).toEqual([['collector', expect.stringMatching(/^folded into the laptop's case \(device\.risk\)/)]]);
    expect(store.views.auditFor([auditTarget.alert(acked)], 10).map((r) => [r.actor, r.action, r.detail])).toEqual([['collector', 'alert.fold', "acknowledged -> resolved: folded into the laptop's case"]]);
    expect(store.alerts.notes(closed)).toEqual([]);

    const fleet = new FleetEngine({ store, log, now: () => now });
    const opened = fleet.openMissingCases();
    // a had no case: it gets one, carrying its finding; b's resolved one is brought up to date, not reopened.
    expect(opened.map((c) => c.change)).toEqual(['new']);
    const caseOfA = store.alerts.find(a, 'device.risk', 'risk');
    expect(caseOfA).toMatchObject({ status: 'open', score: 25 });
    expect((store.alerts.detail(caseOfA?.id ?? 0)?.details as CaseDetails).findings.map((f) => f.key)).toEqual(['anydesk']);
    expect(fleet.evaluate([b]).map((c) => c.change)).toEqual(['updated']);
    expect(store.alert(risk)).toMatchObject({ status: 'resolved', occurrences: 1 });
    expect((store.alerts.detail(risk)?.details as CaseDetails).findings.map((f) => f.key)).toEqual(['anydesk']);
    // A finding that was not there before the upgrade reopens it, as any new finding would.
    applyBatch(store, b, 1, batch(2, nord), 0, now);
    expect(fleet.evaluate([b]).map((c) => c.change)).toEqual(['reopened']);
    expect(fleet.openMissingCases()).toEqual([]);
    store.close();
  });
});

describe('a suppression naming a detector', () => {
  it("leaves its findings out of the laptop's case (listed, not counted) until it is lifted", () => {
    const store = new SqliteStore(tempDb());
    const a = addLaptop(store, 0);
    const fleet = new FleetEngine({ store, log, now: () => now });
    applyBatch(store, a, 0, batch(1, anydesk, nord), 0, now);
    fleet.evaluate([a]);
    const id = store.alerts.find(a, 'device.risk', 'risk')?.id ?? 0;
    expect(store.alert(id)?.score).toBe(35);
    // A traveller's VPN, known: suppressed for this laptop (as the CLI does; the sweep picks it up).
    const s = store.alerts.addSuppression('vpn.client', a, 'travels with NordVPN', 'test', now + 86_400_000, now);
    expect(fleet.sweep().map((c) => c.id)).toEqual([id]);
    const details = store.alerts.detail(id)?.details as CaseDetails;
    expect(store.alert(id)?.score).toBe(25);
    expect(details.explanation.map((e) => e.signal)).toEqual(['remote_access.early']);
    expect(details.findings.find((f) => f.key === 'nordvpn')?.suppressedBy).toBe(s.id);
    // The case itself is not suppressed: it is still in the queue, for its AnyDesk.
    expect(store.listAlerts({ deviceId: a }).map((x) => x.id)).toEqual([id]);
    expect(fleet.sweep()).toEqual([]);
    store.alerts.removeSuppression(s.id);
    expect(fleet.sweep().map((c) => c.id)).toEqual([id]);
    expect(store.alert(id)?.score).toBe(35);
    store.close();
  });
});
