// SQLite side of the PlaceStore: device_places (the public address of each hour a device was on)
// and the shipped-to hashes of registrations (migration 11).
import type { Db } from '../sqlite.js';
import type { PlaceStore, PresenceRow, ShippedRow } from '../place-store.js';

const SHIPPED = `device_id AS deviceId, assignee_name AS assigneeName, assignee_email AS assigneeEmail, registered_ms AS registeredMs,
  revoked_ms AS revokedMs, ship_street_hash AS shipStreetHash FROM registrations`;

export class SqlitePlaces implements PlaceStore {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      mark: db.prepare(`INSERT INTO device_places (device_id, hour, ip) SELECT @id, @hour, @ip
        WHERE (SELECT COUNT(*) FROM device_places WHERE device_id = @id AND hour = @hour) < @max
        ON CONFLICT (device_id, hour, ip) DO NOTHING`),
      prune: db.prepare('DELETE FROM device_places WHERE hour < ?'),
      byAddress: db.prepare(`SELECT ${SHIPPED} WHERE ship_street_hash = ? ORDER BY registered_ms, device_id`),
      byBuilding: db.prepare(`SELECT ${SHIPPED} WHERE ship_building_hash = ? ORDER BY registered_ms, device_id`),
    };
  }

  markPresence(deviceId: string, hours: Iterable<number>, ip: string, maxPerHour: number): number {
    let added = 0;
    for (const hour of hours) added += this.s.mark.run({ id: deviceId, hour, ip, max: maxPerHour }).changes;
    return added;
  }

  presence(deviceIds: readonly string[], sinceHour: number): PresenceRow[] {
    const out: PresenceRow[] = [];
    // Bounded IN lists keep the statement portable and under every database's parameter limit.
    for (let i = 0; i < deviceIds.length; i += 400) {
      const chunk = deviceIds.slice(i, i + 400);
      out.push(...(this.db.prepare(`SELECT device_id AS deviceId, hour, ip FROM device_places
        WHERE device_id IN (${chunk.map(() => '?').join(', ')}) AND hour >= ? ORDER BY device_id, hour`).all(...chunk, sinceHour) as PresenceRow[]));
    }
    return out;
  }

  prunePresence(beforeHour: number): number {
    return this.s.prune.run(beforeHour).changes;
  }

  shippedTo(kind: 'address' | 'building', hash: string): ShippedRow[] {
    if (!hash) return [];
    return (kind === 'address' ? this.s.byAddress : this.s.byBuilding).all(hash) as ShippedRow[];
  }
}
