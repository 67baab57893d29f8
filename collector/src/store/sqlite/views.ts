// SQLite side of the ViewStore: the read models the web console needs beyond the lists (alert
// counts and their trend, a device's change events, an alert's or a device's audit trail), each
// served by an index of migration 3.
import type { Db } from '../sqlite.js';
import type { AlertCount, TrendBucket, ViewStore } from '../store.js';
import type { EventRecord } from '../records.js';
import type { AuditRow } from '../fleet-records.js';
import type { AuditTarget } from '../audit-target.js';

export class SqliteViews implements ViewStore {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      counts: db.prepare(`SELECT severity, status, scope, COUNT(*) AS n FROM alerts WHERE suppressed_by IS NULL
        GROUP BY severity, status, scope`),
      trend: db.prepare(`SELECT (first_seen_ms - ?) / ? AS bucket, severity, COUNT(*) AS n FROM alerts
        WHERE first_seen_ms >= ? AND suppressed_by IS NULL GROUP BY (first_seen_ms - ?) / ?, severity`),
      changes: db.prepare(`SELECT device_id AS deviceId, sequence, kind, observed_at_ms AS observedAtMs, received_at_ms AS receivedAtMs, body
        FROM events WHERE device_id = ? AND sequence < ?
        AND kind IN ('finding', 'findingCleared', 'inventoryChange', 'stopped', 'dropped')
        ORDER BY sequence DESC LIMIT ?`),
    };
  }

  alertCounts(): AlertCount[] {
    return this.s.counts.all() as AlertCount[];
  }

  alertTrend(sinceMs: number, bucketMs: number): TrendBucket[] {
    // BigInt binds as INTEGER, so the division truncates (a JS number would bind as REAL).
    const since = BigInt(Math.floor(sinceMs));
    const bucket = BigInt(Math.max(1, Math.floor(bucketMs)));
    return (this.s.trend.all(since, bucket, since, since, bucket) as { bucket: number; severity: string; n: number }[])
      .map((r) => ({ startMs: sinceMs + Math.floor(r.bucket) * bucketMs, severity: r.severity, n: r.n }));
  }

  changeEvents(deviceId: string, beforeSequence: number, limit: number): EventRecord[] {
    return (this.s.changes.all(deviceId, beforeSequence, limit) as (EventRecord & { body: Buffer })[]);
  }

  memberCounts(alertIds: number[]): Map<number, number> {
    const out = new Map<number, number>();
    for (let i = 0; i < alertIds.length; i += 400) {
      const chunk = alertIds.slice(i, i + 400);
      const rows = this.db.prepare(`SELECT alert_id AS id, COUNT(*) AS n FROM alert_members WHERE alert_id IN (${chunk.map(() => '?').join(', ')})
        GROUP BY alert_id`).all(...chunk) as { id: number; n: number }[];
      for (const r of rows) out.set(r.id, r.n);
    }
    return out;
  }

  demoAlerts(alertIds: number[]): Set<number> {
    const out = new Set<number>();
    for (let i = 0; i < alertIds.length; i += 400) {
      const chunk = alertIds.slice(i, i + 400);
      const marks = chunk.map(() => '?').join(', ');
      const rows = this.db.prepare(`SELECT a.id FROM alerts a JOIN registrations r ON r.device_id = a.device_id WHERE a.id IN (${marks}) AND r.demo = 1
        UNION SELECT m.alert_id FROM alert_members m JOIN registrations r ON r.device_id = m.device_id WHERE m.alert_id IN (${marks}) AND r.demo = 1`)
        .pluck().all(...chunk, ...chunk) as number[];
      for (const id of rows) out.add(id);
    }
    return out;
  }

  auditFor(targets: AuditTarget[], limit: number): AuditRow[] {
    if (targets.length === 0) return [];
    const out: AuditRow[] = [];
    for (let i = 0; i < targets.length; i += 400) {
      const chunk = targets.slice(i, i + 400);
      out.push(...(this.db.prepare(`SELECT id, at_ms AS atMs, actor, action, target, detail FROM audit_log
        WHERE target IN (${chunk.map(() => '?').join(', ')}) ORDER BY id DESC LIMIT ?`).all(...chunk, limit) as AuditRow[]));
    }
    return out.sort((a, b) => b.id - a.id).slice(0, limit);
  }
}
