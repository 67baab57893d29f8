// The embedded Store: better-sqlite3 with prepared, parameterised statements only.
import { openDatabase, type Db } from './sqlite.js';
import type { AlertChange, AlertQuery, Store, StoreWriter } from './store.js';
import type {
  AlertRecord, AlertRow, DeviceRow, EvidenceRecord, FindingRow, HelloRecord, InventoryRow, SensorStateRow,
} from './records.js';
import { ALERT_COLUMNS, DEVICE_COLUMNS } from './sqlite/columns.js';
import { SqliteRegistry } from './sqlite/registry.js';
import { SqliteFleet } from './sqlite/fleet.js';
import { SqliteAlerts } from './sqlite/alerts.js';
import { SqlitePeople } from '../auth/sqlite-people.js';
import { SqliteViews } from './sqlite/views.js';
import { SqliteAlertQueue } from './sqlite/alert-queue.js';
import { ALERT_ID_FLOOR, SqlitePurge, type PurgeCounts } from './sqlite/purge.js';
import { SqliteSites } from '../sites/sqlite-sites.js';
import { SqlitePlaces } from './sqlite/places.js';
import { stateKey } from './state-key.js';

type Row = Record<string, unknown>;

// Two-argument MIN / MAX as CASE expressions: SQLite has scalar MIN(a, b), PostgreSQL calls it
// LEAST / GREATEST; CASE is the same in both.
const least = (a: string, b: string): string => `CASE WHEN ${b} < ${a} THEN ${b} ELSE ${a} END`;
const greatest = (a: string, b: string): string => `CASE WHEN ${b} > ${a} THEN ${b} ELSE ${a} END`;

const SEVERITY_RANK: Record<string, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };

function readStatements(db: Db) {
  return {
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
    updateDevice: db.prepare(`UPDATE devices SET machine_id = @machineId, hostname = @hostname, hardware_serial = @hardwareSerial,
      os_platform = @osPlatform, os_name = @osName, os_version = @osVersion, agent_version = @agentVersion,
      catalog_version = @catalogVersion, boot_id = @bootId, time_zone = @timeZone, clock_skew_ms = @clockSkewMs,
      last_peer = @peer, last_seen_ms = @now, stopped_at_ms = NULL, stop_reason = NULL
      WHERE id = @id`),
    insertEvent: db.prepare(`INSERT INTO events (device_id, sequence, kind, observed_at_ms, received_at_ms, body)
      VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (device_id, sequence) DO NOTHING`),
    advanceDevice: db.prepare(`UPDATE devices SET last_sequence = ${greatest('last_sequence', '@seq')}, last_seen_ms = ${greatest('last_seen_ms', '@seen')}
      WHERE id = @id`),
    findingState: db.prepare('SELECT cleared_at_ms AS clearedAtMs FROM findings WHERE device_id = ? AND detector = ? AND key = ?'),
    upsertFinding: db.prepare(`INSERT INTO findings (device_id, detector, key, category, severity, confidence, title,
      catalog_entry, sanctioned, evidence, first_seen_ms, last_seen_ms, cleared_at_ms)
      VALUES (@deviceId, @detector, @key, @category, @severity, @confidence, @title, @catalogEntry, @sanctioned,
      @evidence, @firstSeenMs, @lastSeenMs, NULL)
      ON CONFLICT (device_id, detector, key) DO UPDATE SET category = excluded.category, severity = excluded.severity,
      confidence = excluded.confidence, title = excluded.title, catalog_entry = excluded.catalog_entry,
      sanctioned = excluded.sanctioned, evidence = excluded.evidence,
      first_seen_ms = ${least('findings.first_seen_ms', 'excluded.first_seen_ms')}, last_seen_ms = excluded.last_seen_ms,
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
    setHealth: db.prepare('UPDATE devices SET rss_bytes = ?, spool_depth = ? WHERE id = ?'),
    setCpu: db.prepare('UPDATE devices SET cpu_permille = ?, cpu_window_s = ?, cpu_at_ms = ? WHERE id = ?'),
    setStopped: db.prepare('UPDATE devices SET stopped_at_ms = ?, stop_reason = ? WHERE id = ?'),
    upsertObservation: db.prepare(`INSERT INTO observations (device_id, kind, value_key, value, via, first_seen_ms, last_seen_ms, count)
      VALUES (@deviceId, @kind, @valueKey, @value, @via, @atMs, @atMs, 1)
      ON CONFLICT (device_id, kind, value_key) DO UPDATE SET last_seen_ms = ${greatest('observations.last_seen_ms', 'excluded.last_seen_ms')},
      first_seen_ms = ${least('observations.first_seen_ms', 'excluded.first_seen_ms')}, count = observations.count + 1,
      via = excluded.via
      RETURNING first_seen_ms AS firstSeenMs, count`),
    upsertEdge: db.prepare(`INSERT INTO edges (device_a, device_b, kind, value_key, value, first_ms, last_ms)
      VALUES (@deviceA, @deviceB, @kind, @valueKey, @value, @firstMs, @lastMs)
      ON CONFLICT (device_a, device_b, kind, value_key) DO UPDATE SET first_ms = ${least('edges.first_ms', 'excluded.first_ms')},
      last_ms = ${greatest('edges.last_ms', 'excluded.last_ms')}`),
    markOnline: db.prepare('INSERT INTO device_hours (device_id, hour) VALUES (?, ?) ON CONFLICT (device_id, hour) DO NOTHING'),
    markActive: db.prepare(`INSERT INTO device_hours (device_id, hour, active) VALUES (?, ?, 1)
      ON CONFLICT (device_id, hour) DO UPDATE SET active = 1 WHERE device_hours.active = 0`),
    setInputReported: db.prepare(`UPDATE devices SET input_reported_ms = ${greatest('COALESCE(input_reported_ms, 0)', '@at')} WHERE id = @id`),
    alertFor: db.prepare('SELECT id, status, severity FROM alerts WHERE device_id = ? AND rule = ? AND key = ?'),
    bumpAlert: db.prepare(`UPDATE alerts SET occurrences = occurrences + 1, last_seen_ms = ${greatest('last_seen_ms', '@atMs')}, severity = @severity,
      title = @title, score = @score, details = @details, updated_ms = @atMs, suppressed_by = @suppressedBy,
      status = CASE WHEN status = 'resolved' OR (status = 'false_positive' AND @reopenFalsePositive = 1) THEN 'open' ELSE status END WHERE id = @id`),
    touchAlert: db.prepare(`UPDATE alerts SET last_seen_ms = ${greatest('last_seen_ms', '@atMs')}, severity = @severity, title = @title,
      score = @score, details = @details, updated_ms = @atMs, suppressed_by = @suppressedBy WHERE id = @id`),
    // The id is past the highest one ever used, also one a purge deleted (ALERT_ID_FLOOR): an id
    // names one alert only, in the audit log and in what was exported.
    insertAlert: db.prepare(`INSERT INTO alerts (id, device_id, rule, key, severity, title, status, first_seen_ms, last_seen_ms,
      occurrences, scope, score, details, updated_ms, suppressed_by) VALUES (
      (SELECT ${greatest('t.top', 'f.floor')} + 1 FROM (SELECT COALESCE(MAX(id), 0) AS top FROM alerts) t,
        (SELECT COALESCE(MAX(CAST(CAST(value AS TEXT) AS INTEGER)), 0) AS floor FROM settings WHERE key = '${ALERT_ID_FLOOR}') f),
      @deviceId, @rule, @key, @severity, @title, 'open', @atMs, @atMs, 1, @scope, @score, @details, @atMs, @suppressedBy)`),
    clearMembers: db.prepare('DELETE FROM alert_members WHERE alert_id = ?'),
    members: db.prepare('SELECT device_id AS deviceId FROM alert_members WHERE alert_id = ?'),
    addMember: db.prepare('INSERT INTO alert_members (alert_id, device_id) VALUES (?, ?) ON CONFLICT DO NOTHING'),
  };
}

type WriteStatements = ReturnType<typeof writeStatements>;

function raiseAlert(w: WriteStatements, a: AlertRecord): AlertChange {
  const existing = w.alertFor.get(a.deviceId, a.rule, a.key) as { id: number; status: string; severity: string } | undefined;
  const params = {
    ...a, scope: a.scope ?? 'device', score: a.score ?? 0, details: JSON.stringify(a.details ?? {}),
    suppressedBy: a.suppressedBy ?? null,
  };
  let id: number;
  let change: AlertChange['change'];
  if (existing) {
    id = existing.id;
    if (a.newOccurrence) w.bumpAlert.run({ ...params, id, reopenFalsePositive: a.newEvidence ? 1 : 0 });
    else w.touchAlert.run({ ...params, id });
    if (a.newOccurrence && (existing.status === 'resolved' || (a.newEvidence && existing.status === 'false_positive'))) change = 'reopened';
    else if ((SEVERITY_RANK[a.severity] ?? 0) > (SEVERITY_RANK[existing.severity] ?? 0)) change = 'escalated';
    else if (a.newEvidence) change = 'grew';
    else change = 'updated';
  } else {
    id = Number(w.insertAlert.run(params).lastInsertRowid);
    change = 'new';
  }
  if (a.members) {
    const before = new Set((w.members.all(id) as { deviceId: string }[]).map((m) => m.deviceId));
    if (change === 'updated' && existing && a.members.some((m) => !before.has(m))) change = 'grew';
    w.clearMembers.run(id);
    for (const m of a.members) w.addMember.run(id, m);
  }
  return { id, change };
}

function makeWriter(w: WriteStatements): StoreWriter {
  return {
    insertEvent: (e) => w.insertEvent.run(e.deviceId, e.sequence, e.kind, e.observedAtMs, e.receivedAtMs, e.body).changes === 1,
    advanceDevice: (id, seq, seen) => void w.advanceDevice.run({ seq, seen, id }),
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
    setHealth: (id, rss, spool) => void w.setHealth.run(rss, spool, id),
    setCpu: (id, permille, windowS, at) => void w.setCpu.run(permille, windowS, at, id),
    setStopped: (id, at, reason) => void w.setStopped.run(at, reason, id),
    upsertObservation: (o) => {
      const r = w.upsertObservation.get(o) as { firstSeenMs: number; count: number };
      return { firstSeenMs: r.firstSeenMs, isNew: r.count === 1 };
    },
    upsertEdge: (e) => void w.upsertEdge.run(e),
    markOnline: (id, hour) => w.markOnline.run(id, hour).changes === 1,
    markActive: (id, hour) => w.markActive.run(id, hour).changes === 1,
    setInputReported: (id, at) => void w.setInputReported.run({ at, id }),
    raiseAlert: (a) => raiseAlert(w, a),
  };
}

export class SqliteStore implements Store {
  readonly db: Db;
  readonly registry: SqliteRegistry;
  readonly fleet: SqliteFleet;
  readonly alerts: SqliteAlerts;
  readonly people: SqlitePeople;
  readonly views: SqliteViews;
  readonly sites: SqliteSites;
  readonly places: SqlitePlaces;
  private readonly r: ReturnType<typeof readStatements>;
  private readonly w: WriteStatements | undefined;
  private readonly writer: StoreWriter | undefined;
  private readonly queue: SqliteAlertQueue;

  constructor(private readonly path: string, opts: { readonly?: boolean } = {}) {
    this.db = openDatabase(path, opts);
    this.r = readStatements(this.db);
    this.registry = new SqliteRegistry(this.db);
    this.fleet = new SqliteFleet(this.db);
    this.alerts = new SqliteAlerts(this.db);
    this.people = new SqlitePeople(this.db);
    this.views = new SqliteViews(this.db);
    this.sites = new SqliteSites(this.db);
    this.queue = new SqliteAlertQueue(this.db);
    this.places = new SqlitePlaces(this.db);
    if (!opts.readonly) {
      this.w = writeStatements(this.db);
      this.writer = makeWriter(this.w);
    }
  }

  private writable(): { w: WriteStatements; writer: StoreWriter } {
    if (!this.w || !this.writer) throw new Error('this store was opened read-only');
    return { w: this.w, writer: this.writer };
  }

  recordHello(deviceId: string, hello: HelloRecord, nowMs: number): DeviceRow {
    const { w } = this.writable();
    w.updateDevice.run({ ...hello, id: deviceId, now: nowMs });
    return this.r.deviceById.get(deviceId) as DeviceRow;
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
    return this.queue.list(q);
  }

  /** How SQLite reads a page of alerts (EXPLAIN QUERY PLAN): for tests and the benchmark. */
  explainAlertPage(q: AlertQuery = {}): string[] {
    return this.queue.explain(q);
  }

  countAlerts(q: AlertQuery = {}): number {
    return this.queue.count(q);
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

  prune(beforeMs: number): Record<string, number> {
    this.writable();
    return this.db.transaction(() => ({
      events: this.db.prepare('DELETE FROM events WHERE received_at_ms < ?').run(beforeMs).changes,
      observations: this.db.prepare('DELETE FROM observations WHERE last_seen_ms < ?').run(beforeMs).changes,
      edges: this.db.prepare('DELETE FROM edges WHERE last_ms < ?').run(beforeMs).changes,
      inventory: this.db.prepare('DELETE FROM inventory WHERE removed_at_ms IS NOT NULL AND removed_at_ms < ?').run(beforeMs).changes,
      onlineHours: this.db.prepare('DELETE FROM device_hours WHERE hour < ?').run(Math.floor(beforeMs / 3_600_000)).changes,
    }))();
  }

  purgeDevices(ids: readonly string[], note: string, nowMs: number): PurgeCounts {
    this.writable();
    return new SqlitePurge(this.db).purge(ids, note, nowMs);
  }

  stateKey(name: string): Buffer {
    return stateKey(this.path, name);
  }

  close(): void {
    this.db.close();
  }
}
