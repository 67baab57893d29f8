// Deleting devices and everything that hangs off them (the demo fleet): events, findings,
// inventory, sensor states, hours, observations, edges, their alerts with notes and members,
// suppressions, enrollment tokens, certificates and registrations. One transaction; the ids go
// into a temporary table so every statement is the same parameterised SQL whatever their number.
// A cluster alert that also names laptops not purged stays, without the purged members (resolved
// when fewer than two are left); the audit log keeps its history.
import type { Db } from '../sqlite.js';

/** Rows deleted per table, and the cluster alerts kept because other laptops are in them. */
export interface PurgeCounts {
  deleted: Record<string, number>;
  clusterAlertsKept: number[];
}

/** Tables with a device column, in the order their rows go (children before what they reference). */
export const PURGED_TABLES = [
  'events', 'findings', 'inventory', 'sensor_states', 'device_hours', 'device_places', 'observations', 'edges', 'site_sightings', 'site_presence', 'suppressions',
  'alert_notes', 'alert_members', 'alerts', 'enrollment_tokens', 'certificates', 'registrations', 'devices',
] as const;

const ALERT_CLOSED = new Set(['resolved', 'false_positive']);

/** Setting: the highest alert id a purge deleted (text); new alerts get higher ids (sqlite-store's insertAlert). */
export const ALERT_ID_FLOOR = 'alerts.id_floor';

export class SqlitePurge {
  constructor(private readonly db: Db) {}

  /** Deletes the devices `ids`; `note` goes on the cluster alerts they leave. Runs in one transaction. */
  purge(ids: readonly string[], note: string, nowMs: number): PurgeCounts {
    const db = this.db;
    return db.transaction((): PurgeCounts => {
      db.exec('CREATE TEMP TABLE IF NOT EXISTS purge_ids (id TEXT PRIMARY KEY)');
      db.exec('DELETE FROM temp.purge_ids');
      const add = db.prepare('INSERT OR IGNORE INTO temp.purge_ids (id) VALUES (?)');
      for (const id of ids) add.run(id);
      const IN = 'IN (SELECT id FROM temp.purge_ids)';
      const deleted: Record<string, number> = {};
      const run = (table: string, sql: string): void => {
        deleted[table] = (deleted[table] ?? 0) + db.prepare(sql).run().changes;
      };

      // Cluster alerts that name purged laptops and others (that exist): kept, without the purged ones.
      const OTHER = `NOT ${IN} AND device_id IN (SELECT id FROM devices)`;
      const mixed = db.prepare(`SELECT a.id, a.device_id AS anchor, a.status FROM alerts a WHERE a.scope = 'cluster'
        AND (a.device_id ${IN} OR a.id IN (SELECT alert_id FROM alert_members WHERE device_id ${IN}))
        AND EXISTS (SELECT 1 FROM alert_members m WHERE m.alert_id = a.id AND m.device_id ${OTHER})`).all() as { id: number; anchor: string; status: string }[];
      const kept: number[] = [];
      const others = db.prepare(`SELECT device_id FROM alert_members WHERE alert_id = ? AND device_id ${OTHER} ORDER BY device_id`).pluck();
      const reanchor = db.prepare('UPDATE alerts SET device_id = ?, updated_ms = ? WHERE id = ?');
      const resolve = db.prepare("UPDATE alerts SET status = 'resolved', updated_ms = ? WHERE id = ?");
      const addNote = db.prepare("INSERT INTO alert_notes (alert_id, author, text, at_ms) VALUES (?, 'collector', ?, ?)");
      const dropMembers = db.prepare(`DELETE FROM alert_members WHERE alert_id = ? AND NOT (device_id ${OTHER})`);
      const inPurge = new Set(ids);
      for (const a of mixed) {
        const left = others.all(a.id) as string[];
        deleted.alert_members = (deleted.alert_members ?? 0) + dropMembers.run(a.id).changes;
        if (inPurge.has(a.anchor)) reanchor.run(left[0], nowMs, a.id);
        const closes = left.length < 2 && !ALERT_CLOSED.has(a.status);
        if (closes) resolve.run(nowMs, a.id);
        addNote.run(a.id, `${note}${closes ? '; fewer than two laptops are left, so it is resolved' : ''}`, nowMs);
        kept.push(a.id);
      }
      // Every other alert of a purged laptop, or naming only purged laptops, goes.
      db.exec(`CREATE TEMP TABLE IF NOT EXISTS purge_alerts (id INTEGER PRIMARY KEY)`);
      db.exec('DELETE FROM temp.purge_alerts');
      db.prepare(`INSERT OR IGNORE INTO temp.purge_alerts (id) SELECT id FROM alerts WHERE device_id ${IN}
        UNION SELECT alert_id FROM alert_members WHERE device_id ${IN}`).run();
      for (const id of kept) db.prepare('DELETE FROM temp.purge_alerts WHERE id = ?').run(id);
      const ALERTS = 'IN (SELECT id FROM temp.purge_alerts)';

      run('events', `DELETE FROM events WHERE device_id ${IN}`);
      run('findings', `DELETE FROM findings WHERE device_id ${IN}`);
      run('inventory', `DELETE FROM inventory WHERE device_id ${IN}`);
      run('sensor_states', `DELETE FROM sensor_states WHERE device_id ${IN}`);
      run('device_hours', `DELETE FROM device_hours WHERE device_id ${IN}`);
      run('device_places', `DELETE FROM device_places WHERE device_id ${IN}`);
      run('observations', `DELETE FROM observations WHERE device_id ${IN}`);
      run('edges', `DELETE FROM edges WHERE device_a ${IN} OR device_b ${IN}`);
      run('site_sightings', `DELETE FROM site_sightings WHERE device_id ${IN}`);
      run('site_presence', `DELETE FROM site_presence WHERE device_id ${IN}`);
      run('suppressions', `DELETE FROM suppressions WHERE device_id ${IN}`);
      run('alert_notes', `DELETE FROM alert_notes WHERE alert_id ${ALERTS}`);
      run('alert_members', `DELETE FROM alert_members WHERE alert_id ${ALERTS} OR device_id ${IN}`);
      // Ids of deleted alerts are not given again: the audit log and exports name them.
      const floor = db.prepare(`SELECT MAX(id) FROM (SELECT id FROM temp.purge_alerts UNION SELECT CAST(CAST(value AS TEXT) AS INTEGER) FROM settings WHERE key = ?)`).pluck().get(ALERT_ID_FLOOR) as number | null;
      if (floor !== null) {
        db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(ALERT_ID_FLOOR, Buffer.from(String(floor)));
      }
      run('alerts', `DELETE FROM alerts WHERE id ${ALERTS}`);
      run('enrollment_tokens', `DELETE FROM enrollment_tokens WHERE device_id ${IN}`);
      run('certificates', `DELETE FROM certificates WHERE device_id ${IN}`);
      run('registrations', `DELETE FROM registrations WHERE device_id ${IN}`);
      run('devices', `DELETE FROM devices WHERE id ${IN}`);
      db.exec('DELETE FROM temp.purge_ids');
      db.exec('DELETE FROM temp.purge_alerts');
      return { deleted, clusterAlertsKept: kept };
    })();
  }
}
