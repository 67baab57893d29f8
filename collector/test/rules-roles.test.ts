// Remote access counts toward a laptop's risk only from the side that lets others in: a developer's
// PuTTY, WinSCP and mstsc (clients, information) give no `remote_access.early`; AnyDesk or a VNC
// server still does; a port hint that names no tool counts as no tool, only as a hint. Through the
// real store: findings as agents stream them, stored, scored and carried by the laptop's case.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Category, Severity, pb, type Event } from '@farmwatch/proto';
import { createLogger } from '@farmwatch/shared';
import { FleetEngine, SqliteStore, applyBatch, evaluateDevice, lettingOthersIn } from '../src/index.js';
import type { FindingRow } from '../src/index.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const log = createLogger('test', 'silent');
const now = Date.now();

interface F { detector: string; key: string; severity: Severity; title: string; catalogEntry?: string; role?: string; matched?: string }

/** A remote-access finding as the agent sends it, its role in its evidence as remote-access-role.ts writes it. */
function finding(f: F): object {
  const evidence = [{ field: 'process.name', value: f.key }];
  if (f.role) evidence.push({ field: 'remote_access.role', value: f.role, ...(f.catalogEntry ? { catalogEntry: f.catalogEntry } : {}), matched: f.matched ?? '' } as { field: string; value: string });
  return { detector: f.detector, key: f.key, category: Category.CATEGORY_REMOTE_ACCESS, severity: f.severity, confidence: 80, title: f.title, catalogEntry: f.catalogEntry ?? '', evidence, firstSeenMs: now - 3_600_000 };
}

const putty = finding({ detector: 'remote_access.process', key: 'putty', severity: Severity.SEVERITY_INFO, title: 'PuTTY is running (client only)', catalogEntry: 'putty', role: 'client', matched: 'putty.exe: client' });
const winscp = finding({ detector: 'remote_access.process', key: 'winscp', severity: Severity.SEVERITY_INFO, title: 'WinSCP is running (client only)', catalogEntry: 'winscp', role: 'client', matched: 'WinSCP.exe: client' });
const mstsc = finding({ detector: 'remote_access.network', key: 'mstsc-exe', severity: Severity.SEVERITY_INFO, title: 'mstsc.exe is connected (client only)', catalogEntry: 'mstsc-exe', role: 'client', matched: 'mstsc.exe: client' });
const anydesk = finding({ detector: 'remote_access.process', key: 'anydesk', severity: Severity.SEVERITY_MEDIUM, title: 'AnyDesk is running', catalogEntry: 'anydesk', role: 'both', matched: 'anydesk.exe: both' });
const portHint = finding({ detector: 'remote_access.network', key: 'port/tcp/21115', severity: Severity.SEVERITY_LOW, title: 'Listening on TCP 21115, a port some remote-access tools use (the port names no tool)', role: 'unknown', matched: 'port only: names no tool' });

function setup(n: number): { store: SqliteStore; ids: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'farmwatch-roles-'));
  dirs.push(dir);
  const store = new SqliteStore(join(dir, 'c.db'));
  const ids = Array.from({ length: n }, (_, i) => {
    const r = store.registry.register({ serial: `S${i}`, assigneeName: `P${i}`, assigneeEmail: `p${i}@x.com`, shipTo: 'Austin, Texas, US', shipCountry: 'US',
      shipLat: 30.267, shipLon: -97.743, timeZone: 'America/Chicago' }, 'test', now - 86_400_000);
    store.db.prepare("INSERT INTO devices (id, machine_id, time_zone, first_seen_ms, last_seen_ms) VALUES (?, ?, 'America/Chicago', ?, ?)").run(r.deviceId, `m${i}`, now - 86_400_000, now);
    return r.deviceId;
  });
  return { store, ids };
}

const events = (...findings: object[]): Event[] => findings.map((f, i) => pb.Event.decode(pb.Event.encode({ sequence: i + 1, observedAtMs: now, finding: f }).finish()));

describe('remote access by the side of the connection', () => {
  it('a laptop with only client-side tools gets no remote-access signal and no case; one with AnyDesk still does', () => {
    const { store, ids: [dev = '', farm = ''] } = setup(2);
    const fleet = new FleetEngine({ store, log, now: () => now });
    applyBatch(store, dev, 0, events(putty, winscp, mstsc), 0, now);
    applyBatch(store, farm, 0, events(putty, anydesk), 0, now);
    fleet.evaluate([dev, farm]);
    // The client-side findings are stored, with their role, for the device page.
    expect(store.findings(dev).map((f) => [f.key, f.severity, f.evidence.find((e) => e.field === 'remote_access.role')?.value])).toEqual([
      ['mstsc-exe', 'info', 'client'], ['putty', 'info', 'client'], ['winscp', 'info', 'client'],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
    expect(fleet.riskOf(dev)?.signals.filter((s) => s.id.startsWith('remote_access'))).toEqual([]);
    expect(store.listAlerts({ deviceId: dev })).toEqual([]);
    const farmRisk = fleet.riskOf(farm);
    expect(farmRisk?.signals.map((s) => s.id)).toContain('remote_access.early');
    expect(farmRisk?.signals.find((s) => s.id === 'remote_access.early')?.evidence).toEqual([expect.stringMatching(/^AnyDesk is running \(first seen /)]);
    // One case for the laptop, with AnyDesk as its evidence and PuTTY (a client) left out.
    expect(store.listAlerts({ deviceId: farm }).map((a) => [a.rule, a.key])).toEqual([['device.risk', 'risk']]);
    const evidence = (store.alerts.detail(store.listAlerts({ deviceId: farm })[0]?.id ?? 0)?.details as { findings: { key: string }[] }).findings;
    expect(evidence.map((f) => f.key)).toEqual(['anydesk']);
    store.close();
  });

  it('a port hint opens a low case as a hint, and is no remote-access tool in the risk', () => {
    const { store, ids: [a = ''] } = setup(1);
    const fleet = new FleetEngine({ store, log, now: () => now });
    applyBatch(store, a, 0, events(portHint), 0, now);
    fleet.evaluate([a]);
    expect(fleet.riskOf(a)?.signals.filter((s) => s.id.startsWith('remote_access')).map((s) => [s.id, s.weight])).toEqual([['remote_access.hint', 5]]);
    expect(store.listAlerts({ deviceId: a }).map((x) => [x.rule, x.key, x.severity, x.score])).toEqual([['device.risk', 'risk', 'low', 5]]);
    store.close();
  });
});

describe('lettingOthersIn', () => {
  const row = (over: Partial<FindingRow>): FindingRow => ({
    deviceId: 'd', detector: 'remote_access.process', key: 'k', category: 'remote_access', severity: 'medium', confidence: 80, title: 't', catalogEntry: 'k',
    sanctioned: false, evidence: [], firstSeenMs: now, lastSeenMs: now, clearedAtMs: null, ...over,
  });
  const roleOf = (value: string, catalogEntry = 'k') => [{ field: 'remote_access.role', value, catalogEntry }];

  it('a client, even one reported above info, never counts; host, both and unknown do; a finding from before roles counts as it did', () => {
    expect(lettingOthersIn(row({ evidence: roleOf('client') }))).toBe(false);
    for (const r of ['host', 'both', 'unknown']) expect(lettingOthersIn(row({ evidence: roleOf(r) })), r).toBe(true);
    expect(lettingOthersIn(row({ evidence: [{ field: 'process.name', value: 'AnyDesk.exe' }] }))).toBe(true);
    expect(lettingOthersIn(row({ catalogEntry: '', key: 'port/tcp/21115', evidence: roleOf('unknown', '') }))).toBe(false);
    const nowMs = now;
    const signals = (evidence: FindingRow['evidence']) => evaluateDevice({
      device: { id: 'd', machineId: 'm', hostname: 'h', hardwareSerial: '', osPlatform: 'windows', osName: '', osVersion: '', agentVersion: '', catalogVersion: '', timeZone: 'America/Chicago',
        clockSkewMs: 0, lastPeer: '', firstSeenMs: nowMs - 86_400_000, lastSeenMs: nowMs, lastSequence: 1, publicIp: '', rttMs: null, cpuPermille: null, cpuWindowS: null, cpuAtMs: null, rssBytes: null, spoolDepth: null, stoppedAtMs: null, stopReason: null },
      registration: undefined, findings: [row({ evidence, firstSeenMs: nowMs - 3_600_000 })], observations: [], egress: undefined, peers: [], enrolledMs: nowMs - 86_400_000, nowMs,
    }).signals.map((s) => s.id);
    expect(signals(roleOf('client'))).toEqual([]);
    expect(signals(roleOf('host'))).toEqual(['remote_access.early']);
  });
});
