// The co-location graph, kept incrementally. For every (edge kind, value) the index holds the
// devices that observed it and when (first, last). A new observation looks only at the devices
// that share its value: each one seen within the time window becomes an edge, and the two
// devices' components are joined (union-find). Nothing else in the fleet is touched, so the cost
// of an observation depends on how many laptops share that value, not on the fleet's size.
//
// A value seen by more than `maxDevicesPerValue` devices (a carrier-grade NAT, an unconfigured
// corporate egress) stops linking devices and is reported as a hub for the admin to exclude.
import type { EdgeRecord } from '../store/fleet-records.js';
import type { EdgeKind } from './keys.js';
import { UnionFind } from './union-find.js';

interface Seen {
  first: number;
  last: number;
  /** When edges for this (device, value) were last emitted: repeats within `refreshMs` emit none. */
  emitted: number;
}

export interface IndexOptions {
  windowMs: number;
  maxDevicesPerValue: number;
  /** Re-emit edges of a value a device keeps observing at most this often (keeps their last time fresh). */
  refreshMs: number;
}

export const DEFAULT_INDEX_OPTIONS: IndexOptions = { windowMs: 14 * 86_400_000, maxDevicesPerValue: 500, refreshMs: 3_600_000 };

export class CorrelationIndex {
  private readonly byValue = new Map<string, Map<string, Seen>>();
  private readonly values = new Map<string, { kind: EdgeKind; valueKey: string; display: string }>();
  readonly uf = new UnionFind();
  readonly hubs = new Set<string>();
  private readonly opts: IndexOptions;
  /** Devices compared with, over all observations (the benchmark reads it). */
  comparisons = 0;

  constructor(opts: Partial<IndexOptions> = {}) {
    this.opts = { ...DEFAULT_INDEX_OPTIONS, ...opts };
  }

  get windowMs(): number {
    return this.opts.windowMs;
  }

  get size(): number {
    return this.byValue.size;
  }

  /**
   * Records that `deviceId` observed a value at `atMs`; returns the edges this creates or refreshes.
   * `links(other)`, when given, says whether sharing this value links the device with `other` at all
   * (a public address shared by laptops behind different routers does not: fleet/engine.ts).
   */
  observe(deviceId: string, kind: EdgeKind, valueKey: string, display: string, atMs: number, links?: (other: string) => boolean): EdgeRecord[] {
    const id = `${kind}|${valueKey}`;
    let devices = this.byValue.get(id);
    if (!devices) {
      devices = new Map();
      this.byValue.set(id, devices);
      this.values.set(id, { kind, valueKey, display });
    }
    const mine = devices.get(deviceId);
    if (mine) {
      mine.first = Math.min(mine.first, atMs);
      mine.last = Math.max(mine.last, atMs);
      if (atMs - mine.emitted < this.opts.refreshMs) return [];
      mine.emitted = atMs;
    } else {
      devices.set(deviceId, { first: atMs, last: atMs, emitted: atMs });
    }
    if (devices.size > this.opts.maxDevicesPerValue) {
      this.hubs.add(id);
      return [];
    }
    const edges: EdgeRecord[] = [];
    const me = devices.get(deviceId) as Seen;
    for (const [other, seen] of devices) {
      this.comparisons++;
      if (other === deviceId) continue;
      // Both saw it within the window of each other.
      if (seen.last < me.first - this.opts.windowMs || seen.first > me.last + this.opts.windowMs) continue;
      if (links && !links(other)) continue;
      const [a, b] = deviceId < other ? [deviceId, other] : [other, deviceId];
      // The edge's time span: from when both had seen the value (or, when their sightings do not
      // overlap, from the earlier one's last sighting) to the latest sighting.
      const bothSince = Math.max(me.first, seen.first);
      const earlierLast = Math.min(me.last, seen.last);
      edges.push({ deviceA: a, deviceB: b, kind, valueKey, value: display, firstMs: Math.min(bothSince, earlierLast), lastMs: Math.max(me.last, seen.last) });
      this.uf.union(a, b);
    }
    return edges;
  }

  /** An edge that is not a shared value (a laptop seeing another enrolled laptop on its LAN). */
  link(edge: EdgeRecord): void {
    this.uf.union(edge.deviceA, edge.deviceB);
  }

  /** Restores the index from stored observations and edges (at start, and after retention). */
  load(observations: Iterable<{ deviceId: string; kind: EdgeKind; valueKey: string; value: string; firstSeenMs: number; lastSeenMs: number }>, edges: Iterable<EdgeRecord>): void {
    for (const o of observations) {
      const id = `${o.kind}|${o.valueKey}`;
      let devices = this.byValue.get(id);
      if (!devices) {
        devices = new Map();
        this.byValue.set(id, devices);
        this.values.set(id, { kind: o.kind, valueKey: o.valueKey, display: o.value });
      }
      devices.set(o.deviceId, { first: o.firstSeenMs, last: o.lastSeenMs, emitted: o.lastSeenMs });
      if (devices.size > this.opts.maxDevicesPerValue) this.hubs.add(id);
    }
    for (const e of edges) this.uf.union(e.deviceA, e.deviceB);
  }

  /** The devices that observed a value, with their first and last sighting. */
  sightings(kind: EdgeKind, valueKey: string): { deviceId: string; first: number; last: number }[] {
    return [...(this.byValue.get(`${kind}|${valueKey}`) ?? [])].map(([deviceId, s]) => ({ deviceId, first: s.first, last: s.last }));
  }

  component(deviceId: string): readonly string[] {
    return this.uf.component(deviceId);
  }

  hubList(): { kind: string; value: string; devices: number }[] {
    return [...this.hubs].map((id) => ({
      kind: this.values.get(id)?.kind ?? '', value: this.values.get(id)?.display ?? '', devices: this.byValue.get(id)?.size ?? 0,
    }));
  }
}
