// SQLite side of the SiteStore: sites with their egress, learned equipment with the laptops that
// saw it, and the edges a site's values made before they were known as the site's.
import type { Db } from '../store/sqlite.js';
import type { EquipmentRow, LearnedKind, SiteRow, SiteStore } from './records.js';

const EQUIPMENT_COLUMNS = `e.id, e.site_id AS siteId, e.kind, e.value_key AS valueKey, e.value, e.first_seen_ms AS firstSeenMs,
  e.last_seen_ms AS lastSeenMs, e.dropped_ms AS droppedMs, e.dropped_by AS droppedBy,
  (SELECT COUNT(*) FROM site_sightings s WHERE s.equipment_id = e.id) AS laptops`;

interface SiteBase { id: number; name: string; createdMs: number; createdBy: string }

/**
 * The ON CONFLICT update that widens a row's first/last-seen span to cover a new sighting (CASE
 * rather than SQLite's two-argument min/max, so the statement stays portable).
 */
const widenSpan = (table: string): string => `first_seen_ms = CASE WHEN excluded.first_seen_ms < ${table}.first_seen_ms THEN excluded.first_seen_ms ELSE ${table}.first_seen_ms END,
          last_seen_ms = CASE WHEN excluded.last_seen_ms > ${table}.last_seen_ms THEN excluded.last_seen_ms ELSE ${table}.last_seen_ms END`;

export class SqliteSites implements SiteStore {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      sites: db.prepare('SELECT id, name, created_ms AS createdMs, created_by AS createdBy FROM sites ORDER BY name'),
      byId: db.prepare('SELECT id, name, created_ms AS createdMs, created_by AS createdBy FROM sites WHERE id = ?'),
      byName: db.prepare('SELECT id, name, created_ms AS createdMs, created_by AS createdBy FROM sites WHERE lower(name) = lower(?)'),
      egress: db.prepare('SELECT cidr FROM site_egress WHERE site_id = ? ORDER BY cidr').pluck(),
      insertSite: db.prepare('INSERT INTO sites (name, created_ms, created_by) VALUES (?, ?, ?)'),
      insertEgress: db.prepare('INSERT INTO site_egress (site_id, cidr) VALUES (?, ?) ON CONFLICT (site_id, cidr) DO NOTHING'),
      removeSightings: db.prepare('DELETE FROM site_sightings WHERE equipment_id IN (SELECT id FROM site_equipment WHERE site_id = ?)'),
      removeEquipment: db.prepare('DELETE FROM site_equipment WHERE site_id = ?'),
      removeEgress: db.prepare('DELETE FROM site_egress WHERE site_id = ?'),
      removeSite: db.prepare('DELETE FROM sites WHERE id = ?'),
      equipment: db.prepare(`SELECT ${EQUIPMENT_COLUMNS} FROM site_equipment e WHERE e.site_id = ?
        ORDER BY e.dropped_ms IS NOT NULL, laptops DESC, e.kind, e.last_seen_ms DESC`),
      equipmentById: db.prepare(`SELECT ${EQUIPMENT_COLUMNS} FROM site_equipment e WHERE e.site_id = ? AND e.id = ?`),
      allEquipment: db.prepare('SELECT site_id AS siteId, kind, value_key AS valueKey, dropped_ms AS droppedMs FROM site_equipment'),
      upsertEquipment: db.prepare(`INSERT INTO site_equipment (site_id, kind, value_key, value, first_seen_ms, last_seen_ms)
        VALUES (@siteId, @kind, @valueKey, @value, @atMs, @atMs)
        ON CONFLICT (site_id, kind, value_key) DO UPDATE SET
          ${widenSpan('site_equipment')}
        RETURNING id, dropped_ms AS droppedMs`),
      droppedOf: db.prepare('SELECT id, dropped_ms AS droppedMs FROM site_equipment WHERE site_id = ? AND kind = ? AND value_key = ?'),
      upsertSighting: db.prepare(`INSERT INTO site_sightings (equipment_id, device_id, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?)
        ON CONFLICT (equipment_id, device_id) DO UPDATE SET
          ${widenSpan('site_sightings')}`),
      drop: db.prepare('UPDATE site_equipment SET dropped_ms = ?, dropped_by = ? WHERE site_id = ? AND id = ? AND dropped_ms IS NULL'),
      edgesOn: db.prepare('SELECT device_a AS a, device_b AS b, kind FROM edges WHERE value_key = ?'),
      deleteEdgeOn: db.prepare('DELETE FROM edges WHERE kind = ? AND value_key = ?'),
      addressEdges: db.prepare('SELECT device_a AS a, device_b AS b, kind, value_key AS valueKey FROM edges WHERE kind = ?'),
      deleteEdge: db.prepare('DELETE FROM edges WHERE device_a = ? AND device_b = ? AND kind = ? AND value_key = ?'),
      laptops: db.prepare(`SELECT COUNT(DISTINCT s.device_id) FROM site_sightings s JOIN site_equipment e ON e.id = s.equipment_id
        WHERE e.site_id = ?`).pluck(),
      tunnelled: db.prepare(`SELECT 1 FROM findings WHERE device_id = ? AND detector IN ('vpn.tunnel', 'vpn.full_tunnel')
        AND cleared_at_ms IS NULL LIMIT 1`).pluck(),
      upsertPresence: db.prepare(`INSERT INTO site_presence (site_id, device_id, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?)
        ON CONFLICT (site_id, device_id) DO UPDATE SET
          ${widenSpan('site_presence')}`),
      presenceSince: db.prepare('SELECT site_id AS siteId, device_id AS deviceId, last_seen_ms AS lastSeenMs FROM site_presence WHERE last_seen_ms >= ?'),
      removePresence: db.prepare('DELETE FROM site_presence WHERE site_id = ?'),
      prunePresence: db.prepare('DELETE FROM site_presence WHERE last_seen_ms < ?'),
      pruneSightings: db.prepare('DELETE FROM site_sightings WHERE last_seen_ms < ?'),
      pruneEquipment: db.prepare(`DELETE FROM site_equipment WHERE dropped_ms IS NULL AND last_seen_ms < ?
        AND NOT EXISTS (SELECT 1 FROM site_sightings s WHERE s.equipment_id = site_equipment.id)`),
    };
  }

  private withEgress(row: SiteBase | undefined): SiteRow | undefined {
    return row ? { ...row, egress: this.s.egress.all(row.id) as string[] } : undefined;
  }

  list(): SiteRow[] {
    return (this.s.sites.all() as SiteBase[]).map((r) => this.withEgress(r) as SiteRow);
  }

  byId(id: number): SiteRow | undefined {
    return this.withEgress(this.s.byId.get(id) as SiteBase | undefined);
  }

  byName(name: string): SiteRow | undefined {
    return this.withEgress(this.s.byName.get(name) as SiteBase | undefined);
  }

  add(name: string, egress: string[], actor: string, nowMs: number): SiteRow {
    return this.db.transaction(() => {
      const id = Number(this.s.insertSite.run(name, nowMs, actor).lastInsertRowid);
      for (const cidr of egress) this.s.insertEgress.run(id, cidr);
      return this.byId(id) as SiteRow;
    })();
  }

  remove(id: number): boolean {
    return this.db.transaction(() => {
      this.s.removeSightings.run(id);
      this.s.removeEquipment.run(id);
      this.s.removeEgress.run(id);
      this.s.removePresence.run(id);
      return this.s.removeSite.run(id).changes === 1;
    })();
  }

  equipment(siteId: number): EquipmentRow[] {
    return this.s.equipment.all(siteId) as EquipmentRow[];
  }

  allEquipment(): Pick<EquipmentRow, 'siteId' | 'kind' | 'valueKey' | 'droppedMs'>[] {
    return this.s.allEquipment.all() as Pick<EquipmentRow, 'siteId' | 'kind' | 'valueKey' | 'droppedMs'>[];
  }

  learn(siteId: number, kind: LearnedKind, valueKey: string, value: string, deviceId: string, atMs: number): boolean {
    const known = this.s.droppedOf.get(siteId, kind, valueKey) as { id: number; droppedMs: number | null } | undefined;
    if (known?.droppedMs != null) return false;
    const row = this.s.upsertEquipment.get({ siteId, kind, valueKey, value, atMs }) as { id: number };
    this.s.upsertSighting.run(row.id, deviceId, atMs, atMs);
    return true;
  }

  drop(siteId: number, equipmentId: number, actor: string, nowMs: number): EquipmentRow | undefined {
    return this.db.transaction(() => {
      if (this.s.drop.run(nowMs, actor, siteId, equipmentId).changes !== 1) return undefined;
      // Kept as dropped, so that it is not learned again; who saw it stays for the record.
      return this.s.equipmentById.get(siteId, equipmentId) as EquipmentRow;
    })();
  }

  recordPresence(siteId: number, deviceId: string, atMs: number): void {
    this.s.upsertPresence.run(siteId, deviceId, atMs, atMs);
  }

  presenceSince(sinceMs: number): { siteId: number; deviceId: string; lastSeenMs: number }[] {
    return this.s.presenceSince.all(sinceMs) as { siteId: number; deviceId: string; lastSeenMs: number }[];
  }

  tunnelled(deviceId: string): boolean {
    return this.s.tunnelled.get(deviceId) !== undefined;
  }

  laptops(siteId: number): number {
    return this.s.laptops.get(siteId) as number;
  }

  deleteEdgesOn(kinds: readonly string[], valueKey: string): string[] {
    const rows = (this.s.edgesOn.all(valueKey) as { a: string; b: string; kind: string }[]).filter((e) => kinds.includes(e.kind));
    for (const kind of new Set(rows.map((e) => e.kind))) this.s.deleteEdgeOn.run(kind, valueKey);
    return [...new Set(rows.flatMap((e) => [e.a, e.b]))];
  }

  deleteAddressEdges(kinds: readonly string[], inside: (ip: string) => boolean): string[] {
    const devices = new Set<string>();
    for (const kind of kinds) {
      for (const e of this.s.addressEdges.all(kind) as { a: string; b: string; kind: string; valueKey: string }[]) {
        if (!inside(e.valueKey)) continue;
        this.s.deleteEdge.run(e.a, e.b, e.kind, e.valueKey);
        devices.add(e.a).add(e.b);
      }
    }
    return [...devices];
  }

  prune(beforeMs: number): number {
    return this.db.transaction(() => this.s.pruneSightings.run(beforeMs).changes + this.s.pruneEquipment.run(beforeMs).changes
      + this.s.prunePresence.run(beforeMs).changes)();
  }
}
