// The embedded Store: better-sqlite3 with prepared, parameterised statements only.
import { randomUUID } from 'node:crypto';
import { openDatabase, type Db } from './sqlite.js';
import type { AlertQuery, Store, StoreWriter } from './store.js';
import type {
  AlertRow, DeviceRow, EvidenceRecord, FindingRow, HelloRecord, InventoryRow, SensorStateRow,
} from './records.js';

type Row = Record<string, unknown>;

const DEVICE_COLUMNS = `id, machine_id AS machineId, hostname, hardware_serial AS hardwareSerial,
  os_platform AS osPlatform, os_name AS osName, os_version AS osVersion, agent_version AS agentVersion,
  catalog_version AS catalogVersion, time_zone AS timeZone, clock_skew_ms AS clockSkewMs, last_peer AS lastPeer,
  first_seen_ms AS firstSeenMs, last_seen_ms AS lastSeenMs, last_sequence AS lastSequence,
  cpu_permille AS cpuPermille, rss_bytes AS rssBytes, spool_depth AS spoolDepth,
  stopped_at_ms AS stoppedAtMs, stop_reason AS stopReason`;

const ALERT_COLUMNS = `a.id, a.device_id AS deviceId, d.hostname, a.rule, a.key, a.severity, a.title, a.status,
  a.first_seen_ms AS firstSeenMs, a.last_seen_ms AS lastSeenMs, a.occurrences`;

function readStatements(db: Db) {
  return {
    deviceByMachine: db.prepare(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE machine_id = ?`),
    deviceById: db.prepare(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE id = ?`),
    listDevices: db.prepare(`SELECT ${DEVICE_COLUMNS} FROM devices ORDER BY hostname, id`),
    hasInventory: db.prepare('SELECT 1 FROM inventory WHERE device_id = ? LIMIT 1'),
    alertById: db.prepare(`SELECT ${ALERT_COLUMNS} FROM alerts a JOIN devices d ON d.id = a.device_id WHERE a.id = ?`),
    findings: db.prepare(`SELECT device_id AS deviceId, detector, key, category, severity, confidence, title,
      catalog_entry AS catalogEntry, sanctioned, evidence, first_seen_ms AS firstSeenMs, last_seen_ms AS lastSeenMs,
      cleared_at_ms AS clearedAtMs FROM findings WHERE device_id = ? ORDER BY detector, key`),
    inventory: db.prepare(`SELECT kind, item_key AS itemKey, summary, first_seen_ms AS firstSeenMs, last_seen_ms AS lastSeenMs
      FROM inventory WHERE device_id = ? AND removed_at_ms IS NULL ORDER BY kind, item_key`),
    sensorStates: db.prepare(`SELECT sensor, status, reason, last_run_ms AS lastRunMs, duration_ms AS durationMs, items
      FROM sensor_states WHERE device_id = ? ORDER BY sensor`),
  };
}

function writeStatements(db: Db) {
  return {
    insertDevice: db.prepare(`INSERT INTO devices (id, machine_id, hostname, hardware_serial, os_platform, os_name, os_version,
      agent_version, catalog_version, boot_id, time_zone, clock_skew_ms, last_peer, first_seen_ms, last_seen_ms)
      VALUES (@id, @machineId, @hostname, @hardwareSerial, @osPlatform, @osName, @osVersion, @agentVersion,
      @catalogVersion, @bootId, @timeZone, @clockSkewMs, @peer, @now, @now)`),
    updateDevice: db.prepare(`UPDATE devices SET hostname = @hostname, hardware_serial = @hardwareSerial, os_platform = @osPlatform,
      os_name = @osName, os_version = @osVersion, agent_version = @agentVersion, catalog_version = @catalogVersion,
      boot_id = @bootId, time_zone = @timeZone, clock_skew_ms = @clockSkewMs, last_peer = @peer, last_seen_ms = @now,
      stopped_at_ms = NULL, stop_reason = NULL
      WHERE id = @id`),
    insertEvent: db.prepare(`INSERT INTO events (device_id, sequence, kind, observed_at_ms, received_at_ms, body)
      VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (device_id, sequence) DO NOTHING`),
    advanceDevice: db.prepare(`UPDATE devices SET last_sequence = MAX(last_sequence, ?), last_seen_ms = MAX(last_seen_ms, ?)
      WHERE id = ?`),
    findingState: db.prepare('SELECT cleared_at_ms AS clearedAtMs FROM findings WHERE device_id = ? AND detector = ? AND key = ?'),
    upsertFinding: db.prepare(`INSERT INTO findings (device_id, detector, key, category, severity, confidence, title,
      catalog_entry, sanctioned, evidence, first_seen_ms, last_seen_ms, cleared_at_ms)
      VALUES (@deviceId, @detector, @key, @category, @severity, @confidence, @title, @catalogEntry, @sanctioned,
      @evidence, @firstSeenMs, @lastSeenMs, NULL)
      ON CONFLICT (device_id, detector, key) DO UPDATE SET category = excluded.category, severity = excluded.severity,
      confidence = excluded.confidence, title = excluded.title, catalog_entry = excluded.catalog_entry,
      sanctioned = excluded.sanctioned, evidence = excluded.evidence,
      first_seen_ms = MIN(findings.first_seen_ms, excluded.first_seen_ms), last_seen_ms = excluded.last_seen_ms,
      cleared_at_ms = NULL`),
    clearFinding: db.prepare(`UPDATE findings SET cleared_at_ms = ?
      WHERE device_id = ? AND detector = ? AND key = ? AND cleared_at_ms IS NULL`),
    upsertInventory: db.prepare(`INSERT INTO inventory (device_id, kind, item_key, summary, body, first_seen_ms, last_seen_ms,
      removed_at_ms) VALUES (@deviceId, @kind, @itemKey, @summary, @body, @seenAtMs, @seenAtMs, NULL)
      ON CONFLICT (device_id, kind, item_key) DO UPDATE SET summary = excluded.summary, body = excluded.body,
      last_seen_ms = excluded.last_seen_ms, removed_at_ms = NULL`),
    removeInventory: db.prepare(`UPDATE inventory SET removed_at_ms = ?
      WHERE device_id = ? AND kind = ? AND item_key = ? AND removed_at_ms IS NULL`),
    retireInventory: db.prepare(`UPDATE inventory SET removed_at_ms = ?
      WHERE device_id = ? AND kind = ? AND last_seen_ms < ? AND removed_at_ms IS NULL`),
    upsertSensor: db.prepare(`INSERT INTO sensor_states (device_id, sensor, status, reason, last_run_ms, duration_ms, items)
      VALUES (@deviceId, @sensor, @status, @reason, @lastRunMs, @durationMs, @items)
      ON CONFLICT (device_id, sensor) DO UPDATE SET status = excluded.status, reason = excluded.reason,
      last_run_ms = excluded.last_run_ms, duration_ms = excluded.duration_ms, items = excluded.items`),
    setHealth: db.prepare('UPDATE devices SET cpu_permille = ?, rss_bytes = ?, spool_depth = ? WHERE id = ?'),
    setStopped: db.prepare('UPDATE devices SET stopped_at_ms = ?, stop_reason = ? WHERE id = ?'),
    alertFor: db.prepare('SELECT id FROM alerts WHERE device_id = ? AND rule = ? AND key = ?'),
    bumpAlert: db.prepare(`UPDATE alerts SET occurrences = occurrences + 1, last_seen_ms = MAX(last_seen_ms, ?), severity = ?,
      title = ?, status = CASE WHEN status = 'resolved' THEN 'open' ELSE status END WHERE id = ?`),
    touchAlert: db.prepare('UPDATE alerts SET last_seen_ms = MAX(last_seen_ms, ?), severity = ?, title = ? WHERE id = ?'),
    insertAlert: db.prepare(`INSERT INTO alerts (device_id, rule, key, severity, title, status, first_seen_ms, last_seen_ms,
      occurrences) VALUES (?, ?, ?, ?, ?, 'open', ?, ?, 1)`),
  };
}

type WriteStatements = ReturnType<typeof writeStatements>;

function makeWriter(w: WriteStatements): StoreWriter {
  return {
    insertEvent: (e) => w.insertEvent.run(e.deviceId, e.sequence, e.kind, e.observedAtMs, e.receivedAtMs, e.body).changes === 1,
    advanceDevice: (id, seq, seen) => void w.advanceDevice.run(seq, seen, id),
    upsertFinding: (f) => {
      const before = w.findingState.get(f.deviceId, f.detector, f.key) as { clearedAtMs: number | null } | undefined;
      w.upsertFinding.run({ ...f, sanctioned: f.sanctioned ? 1 : 0, evidence: JSON.stringify(f.evidence) });
      return before === undefined || before.clearedAtMs !== null;
    },
    clearFinding: (id, detector, key, at) => void w.clearFinding.run(at, id, detector, key),
    upsertInventory: (i) => void w.upsertInventory.run(i),
    removeInventory: (id, kind, key, at) => void w.removeInventory.run(at, id, kind, key),
    retireInventory: (id, kinds, since, at) => kinds.reduce((n, kind) => n + w.retireInventory.run(at, id, kind, since).changes, 0),
    upsertSensorState: (st) => void w.upsertSensor.run(st),
    setHealth: (id, cpu, rss, spool) => void w.setHealth.run(cpu, rss, spool, id),
    setStopped: (id, at, reason) => void w.setStopped.run(at, reason, id),
    raiseAlert: (a) => {
      const existing = w.alertFor.get(a.deviceId, a.rule, a.key) as { id: number } | undefined;
      if (existing) {
        (a.newOccurrence ? w.bumpAlert : w.touchAlert).run(a.atMs, a.severity, a.title, existing.id);
        return existing.id;
      }
      return Number(w.insertAlert.run(a.deviceId, a.rule, a.key, a.severity, a.title, a.atMs, a.atMs).lastInsertRowid);
    },
  };
}

export class SqliteStore implements Store {
  readonly db: Db;
  private readonly r: ReturnType<typeof readStatements>;
  private readonly w: WriteStatements | undefined;
  private readonly writer: StoreWriter | undefined;

  constructor(path: string, opts: { readonly?: boolean } = {}) {
    this.db = openDatabase(path, opts);
    this.r = readStatements(this.db);
    if (!opts.readonly) {
      this.w = writeStatements(this.db);
      this.writer = makeWriter(this.w);
    }
  }

  private writable(): { w: WriteStatements; writer: StoreWriter } {
    if (!this.w || !this.writer) throw new Error('this store was opened read-only');
    return { w: this.w, writer: this.writer };
  }

  recordHello(hello: HelloRecord, nowMs: number): DeviceRow {
    const { w } = this.writable();
    return this.db.transaction(() => {
      const existing = this.r.deviceByMachine.get(hello.machineId) as DeviceRow | undefined;
      const id = existing?.id ?? `dev_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
      const params = { ...hello, id, now: nowMs };
      if (existing) w.updateDevice.run(params);
      else w.insertDevice.run(params);
      return this.r.deviceById.get(id) as DeviceRow;
    })();
  }

  device(id: string): DeviceRow | undefined {
    return this.r.deviceById.get(id) as DeviceRow | undefined;
  }

  hasInventory(deviceId: string): boolean {
    return this.r.hasInventory.get(deviceId) !== undefined;
  }

  write<T>(fn: (w: StoreWriter) => T): T {
    const { writer } = this.writable();
    return this.db.transaction(() => fn(writer))();
  }

  listDevices(): DeviceRow[] {
    return this.r.listDevices.all() as DeviceRow[];
  }

  listAlerts(q: AlertQuery = {}): AlertRow[] {
    const limit = Math.min(Math.max(q.limit ?? 100, 1), 10_000);
    const where = q.status ? 'WHERE a.status = ?' : '';
    const args: unknown[] = q.status ? [q.status, limit] : [limit];
    return this.db.prepare(`SELECT ${ALERT_COLUMNS} FROM alerts a JOIN devices d ON d.id = a.device_id ${where}
      ORDER BY CASE a.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END,
      a.last_seen_ms DESC, a.id LIMIT ?`).all(...args) as AlertRow[];
  }

  alert(id: number): AlertRow | undefined {
    return this.r.alertById.get(id) as AlertRow | undefined;
  }

  findings(deviceId: string): FindingRow[] {
    return (this.r.findings.all(deviceId) as Row[]).map((row) => ({
      ...(row as unknown as FindingRow),
      sanctioned: row.sanctioned === 1,
      evidence: JSON.parse(String(row.evidence)) as EvidenceRecord[],
    }));
  }

  inventory(deviceId: string): InventoryRow[] {
    return this.r.inventory.all(deviceId) as InventoryRow[];
  }

  sensorStates(deviceId: string): SensorStateRow[] {
    return this.r.sensorStates.all(deviceId) as SensorStateRow[];
  }

  close(): void {
    this.db.close();
  }
}
