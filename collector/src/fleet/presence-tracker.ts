// The fleet side of presence per place: records the public address of each hour a laptop was on
// (the address of the stream its events of that hour came on, known at Hello), and judges the
// places a cluster's members share (src/rules/presence.ts). Also reads the registrations shipped
// to a laptop's street address (src/rules/ship-to-shared.ts).
import type { Store } from '../store/store.js';
import type { RegistrationRow } from '../store/fleet-records.js';
import type { Enricher } from '../enrich/enricher.js';
import { timeZoneOfPlace } from '../enrich/place-zone.js';
import { clusterPresence, DEFAULT_PRESENCE, type ClusterPresence, type PresenceConfig } from '../rules/presence.js';
import type { ShippedTogether } from '../rules/ship-to-shared.js';

const HOUR_MS = 3_600_000;

export class PresenceTracker {
  /** The public address of each device's current stream (set at Hello). */
  private readonly address = new Map<string, string>();
  /** Rows added per cluster root since the cluster was last judged. */
  private readonly added = new Map<string, number>();
  private readonly cache = new Map<string, { stamp: string; value: ClusterPresence }>();

  constructor(private readonly store: Store, private readonly enricher: Enricher, private readonly now: () => number,
    readonly cfg: PresenceConfig = DEFAULT_PRESENCE) {}

  /** At Hello: the address the device's events of this stream come from (public addresses only). */
  onAddress(deviceId: string, ip: string, isPublic: boolean): void {
    if (isPublic) this.address.set(deviceId, ip);
    else this.address.delete(deviceId);
  }

  /**
   * Inside a batch's transaction: the hours its events were stamped in, at the stream's address.
   * Hours spooled while the laptop was offline are put at the address it reconnected from.
   * Returns the rows added; `root` (the device's cluster) counts them toward its next judging.
   */
  onHours(deviceId: string, hours: ReadonlySet<number>, root: string): number {
    const ip = this.address.get(deviceId);
    if (!ip || hours.size === 0) return 0;
    const since = Math.floor(this.now() / HOUR_MS) - this.cfg.days * 24 + 1;
    const added = this.store.places.markPresence(deviceId, [...hours].filter((h) => h >= since), ip, this.cfg.maxPlacesPerHour);
    if (added > 0) this.added.set(root, (this.added.get(root) ?? 0) + added);
    return added;
  }

  /**
   * Whether the cluster of `root` got enough new hours to be judged again: on average one more
   * hour per member (an office of 300 is judged about once an hour, a replayed history as it comes).
   */
  due(root: string, size: number): boolean {
    return (this.added.get(root) ?? 0) >= Math.max(1, size);
  }

  /**
   * The presence of a cluster's members at the places they share. Judged again when the cluster
   * changed, the hour turned, or it is due (new hours); else as last judged.
   */
  ofCluster(root: string, members: readonly string[], personOf: (deviceId: string) => string): ClusterPresence {
    const nowMs = this.now();
    const hour = Math.floor(nowMs / HOUR_MS);
    const stamp = `${hour}|${members.length}|${members[0] ?? ''}|${members.at(-1) ?? ''}`;
    const hit = this.cache.get(root);
    if (hit && hit.stamp === stamp && !this.due(root, members.length)) return hit.value;
    this.added.delete(root);
    const rows = this.store.places.presence(members, hour - this.cfg.days * 24 + 1);
    const value = clusterPresence({ members, personOf, rows, nowMs, zoneOf: (ip, ids) => this.zoneOf(ip, ids) }, this.cfg);
    if (this.cache.size > 5_000) this.cache.clear();
    this.cache.set(root, { stamp, value });
    return value;
  }

  /**
   * The local zone of a place: where GeoIP puts the address, else the zone most of the laptops
   * there were assigned (registration), else the zone their clocks are set to.
   */
  zoneOf(ip: string, deviceIds: readonly string[]): string | undefined {
    const geo = this.enricher.lookup(ip).geo;
    const fromGeo = geo ? timeZoneOfPlace(geo) : undefined;
    if (fromGeo) return fromGeo;
    const votes = new Map<string, number>();
    for (const id of deviceIds) {
      const zone = this.store.registry.registration(id)?.timeZone || this.store.device(id)?.timeZone;
      if (zone) votes.set(zone, (votes.get(zone) ?? 0) + 1);
    }
    return [...votes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
  }

  /** Registrations shipped to the laptop's street address and building (none without a street). */
  shippedTo(reg: RegistrationRow | undefined): ShippedTogether | undefined {
    if (!reg?.shipStreetHash) return undefined;
    return { address: this.store.places.shippedTo('address', reg.shipStreetHash), building: this.store.places.shippedTo('building', reg.shipBuildingHash ?? '') };
  }

  /** Keeps the hours of the window only. */
  prune(): number {
    return this.store.places.prunePresence(Math.floor(this.now() / HOUR_MS) - this.cfg.days * 24 + 1);
  }
}
