// SQLite side of the FleetStore: observations and edges of the co-location graph, exclusions,
// settings (the fleet key), and what the collector itself measures of a device (public IP, RTT).
import type { Db } from '../sqlite.js';
import type { FleetStore } from '../store.js';
import type { EdgeRecord, ExclusionRow, ObservationRow } from '../fleet-records.js';

const OBS_COLUMNS = `device_id AS deviceId, kind, value_key AS valueKey, value, via, first_seen_ms AS firstSeenMs,
  last_seen_ms AS lastSeenMs, count`;
const EDGE_COLUMNS = `device_a AS deviceA, device_b AS deviceB, kind, value_key AS valueKey, value, first_ms AS firstMs, last_ms AS lastMs`;
const EXCLUSION_COLUMNS = 'id, kind, value, reason, created_ms AS createdMs, created_by AS createdBy';

export class SqliteFleet implements FleetStore {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      obsSince: db.prepare(`SELECT ${OBS_COLUMNS} FROM observations WHERE last_seen_ms >= ? ORDER BY first_seen_ms`),
      obsOf: db.prepare(`SELECT ${OBS_COLUMNS} FROM observations WHERE device_id = ? ORDER BY kind, last_seen_ms DESC`),
      edgesSince: db.prepare(`SELECT ${EDGE_COLUMNS} FROM edges WHERE last_ms >= ?`),
      exclusions: db.prepare(`SELECT ${EXCLUSION_COLUMNS} FROM exclusions ORDER BY kind, value`),
      addExclusion: db.prepare(`INSERT INTO exclusions (kind, value, reason, created_ms, created_by) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (kind, value) DO UPDATE SET reason = excluded.reason`),
      exclusion: db.prepare(`SELECT ${EXCLUSION_COLUMNS} FROM exclusions WHERE kind = ? AND value = ?`),
      removeExclusion: db.prepare('DELETE FROM exclusions WHERE id = ?'),
      setting: db.prepare('SELECT value FROM settings WHERE key = ?'),
      setSetting: db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      settingOnce: db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING'),
      interfaces: db.prepare(`SELECT device_id AS deviceId, body FROM inventory
        WHERE kind = 'network_interface' AND removed_at_ms IS NULL`),
      setPublicIp: db.prepare('UPDATE devices SET public_ip = ? WHERE id = ?'),
      setRtt: db.prepare('UPDATE devices SET rtt_ms = ? WHERE id = ?'),
      onlineHours: db.prepare('SELECT hour FROM device_hours WHERE device_id = ? AND hour >= ? ORDER BY hour').pluck(),
      activeHours: db.prepare('SELECT hour FROM device_hours WHERE device_id = ? AND hour >= ? AND active = 1 ORDER BY hour').pluck(),
      inputReported: db.prepare('SELECT input_reported_ms FROM devices WHERE id = ?').pluck(),
    };
    this.db = db;
  }

  private readonly db: Db;

  observationsSince(sinceMs: number): Iterable<ObservationRow> {
    return this.s.obsSince.iterate(sinceMs) as Iterable<ObservationRow>;
  }

  observations(deviceId: string): ObservationRow[] {
    return this.s.obsOf.all(deviceId) as ObservationRow[];
  }

  edgesOf(deviceIds: string[]): EdgeRecord[] {
    if (deviceIds.length === 0) return [];
    const out: EdgeRecord[] = [];
    // Bounded IN lists keep the statement portable and under every database's parameter limit.
    for (let i = 0; i < deviceIds.length; i += 400) {
      const chunk = deviceIds.slice(i, i + 400);
      const marks = chunk.map(() => '?').join(', ');
      out.push(...(this.db.prepare(`SELECT ${EDGE_COLUMNS} FROM edges WHERE device_a IN (${marks}) OR device_b IN (${marks})
        ORDER BY first_ms`).all(...chunk, ...chunk) as EdgeRecord[]));
    }
    const seen = new Set<string>();
    return out.filter((e) => {
      const k = `${e.deviceA}|${e.deviceB}|${e.kind}|${e.valueKey}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }

  edgesSince(sinceMs: number): Iterable<EdgeRecord> {
    return this.s.edgesSince.iterate(sinceMs) as Iterable<EdgeRecord>;
  }

  exclusions(): ExclusionRow[] {
    return this.s.exclusions.all() as ExclusionRow[];
  }

  addExclusion(kind: string, value: string, reason: string, actor: string, nowMs: number): ExclusionRow {
    this.s.addExclusion.run(kind, value, reason, nowMs, actor);
    return this.s.exclusion.get(kind, value) as ExclusionRow;
  }

  removeExclusion(id: number): boolean {
    return this.s.removeExclusion.run(id).changes === 1;
  }

  setting(key: string): Buffer | undefined {
    return (this.s.setting.get(key) as { value: Buffer } | undefined)?.value;
  }

  setSetting(key: string, value: Buffer): void {
    this.s.setSetting.run(key, value);
  }

  settingOnce(key: string, value: Buffer): Buffer {
    this.s.settingOnce.run(key, value);
    return this.setting(key) as Buffer;
  }

  networkInterfaces(): Iterable<{ deviceId: string; body: Uint8Array }> {
    return this.s.interfaces.iterate() as Iterable<{ deviceId: string; body: Uint8Array }>;
  }

  setPublicIp(deviceId: string, ip: string): void {
    this.s.setPublicIp.run(ip, deviceId);
  }

  setRtt(deviceId: string, rttMs: number): void {
    this.s.setRtt.run(Math.round(rttMs), deviceId);
  }

  onlineHours(deviceId: string, sinceHour: number): number[] {
    return this.s.onlineHours.all(deviceId, sinceHour) as number[];
  }

  activeHours(deviceId: string, sinceHour: number): number[] {
    return this.s.activeHours.all(deviceId, sinceHour) as number[];
  }

  inputReportedMs(deviceId: string): number | null {
    return (this.s.inputReported.get(deviceId) as number | null | undefined) ?? null;
  }
}
