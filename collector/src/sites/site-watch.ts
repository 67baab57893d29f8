// What the fleet engine knows of company sites, in memory: each site's egress ranges, the values
// learned as some site's equipment, and which laptops were seen at each site. While a laptop's
// address (the one the collector sees its stream come from) is inside a site's egress, the place
// values it observes live are learned as that site's equipment and link nobody; a value that
// three or more people's laptops share, every one of them seen at the same site, is that site's
// too (a flushed spool says when, not where, but a gateway only the site's people see is the
// site's). A site's equipment links nobody when a laptop sees it from elsewhere either (the
// helpdesk reached through the office's gateway). Values that made edges before they were known
// as a site's lose those edges, and the engine re-scores the clusters they joined
// (fleet/engine.ts, siteChanges).
import type { Store } from '../store/store.js';
import type { EdgeKind, ObservationKey } from '../correlate/keys.js';
import { inCidr, normalizeIp, parseCidr, type Cidr } from '../enrich/ip.js';
import { isLearnedKind, type LearnedKind } from './records.js';

/** Edge kinds made of what is learned at a site (all keyed hashes of a MAC: one value space). */
export const PLACE_EDGE_KINDS = ['gateway_mac', 'wifi_bssid', 'lan_neighbour'] as const;
/** Edge kinds whose value is an address: a site's egress makes none of them. */
export const ADDRESS_EDGE_KINDS = ['public_ip', 'remote_peer_ip'] as const;
/** Setting bumped by every admin change (CLI or API), so a running collector reloads. */
export const SITES_CHANGED_SETTING = 'sites.changed';
/**
 * A laptop at a site teaches it what it saw at most this long before the collector got it: an
 * agent sees the new network a little before its stream reconnects from there, while a spool it
 * flushes after hours or days offline says nothing of where it was when it saw each thing.
 */
export const FRESH_MS = 15 * 60_000;

/**
 * A value every laptop that saw it was seen at one site, laptops of at least this many people, is
 * that site's equipment without a live sighting: a home holds a household, and three employees
 * who share a home and all come to the office are a household too.
 */
export const INFER_PEOPLE = 3;
/** A laptop seen at a site counts as the site's for this long (the co-location window). */
export const PRESENCE_WINDOW_MS = 14 * 86_400_000;

/** Learned kinds the co-location index holds (it says who else saw the value). */
const EDGE_OF: Partial<Record<LearnedKind, EdgeKind>> = { gateway_mac: 'gateway_mac', wifi_bssid: 'wifi_bssid', lan_neighbour_mac: 'lan_neighbour' };

export type Sightings = (kind: EdgeKind, valueKey: string) => { deviceId: string; first: number; last: number }[];

interface Site { id: number; name: string; ranges: Cidr[] }

/** Bumps the change marker: a running collector picks the change up at its next sweep. */
export function markSitesChanged(store: Store, nowMs: number): void {
  const before = Number(store.fleet.setting(SITES_CHANGED_SETTING)?.toString() ?? '0');
  store.fleet.setSetting(SITES_CHANGED_SETTING, Buffer.from(String(Math.max(before + 1, nowMs))));
}

export class SiteWatch {
  private sites: Site[] = [];
  /** valueKey -> ids of the sites whose (not dropped) equipment it is. */
  private learned = new Map<string, Set<number>>();
  /** "siteId|kind|valueKey" the admin dropped: not learned again. */
  private dropped = new Set<string>();
  /** The site each laptop is at now (null: none), from the address its stream comes from. */
  private readonly current = new Map<string, number | null>();
  private marker: string | undefined;
  /** Laptops that lost edges to a site's values since the engine last looked. */
  private unlinked = new Set<string>();
  private rebuild = false;
  /** deviceId -> siteId -> when the laptop was last seen there (not through a tunnel). */
  private presence = new Map<string, Map<number, number>>();
  /** deviceId -> its person (assignee), for counting people. */
  private readonly people = new Map<string, string>();

  /** `sightings`: who else observed a value, from the co-location index. */
  constructor(private readonly store: Store, private readonly now: () => number = Date.now, private readonly sightings: Sightings = () => []) {
    this.load();
  }

  private load(): void {
    this.marker = this.store.fleet.setting(SITES_CHANGED_SETTING)?.toString();
    this.sites = this.store.sites.list().map((s) => ({ id: s.id, name: s.name, ranges: s.egress.map((e) => parseCidr(e)) }));
    this.learned = new Map();
    this.dropped = new Set();
    for (const e of this.store.sites.allEquipment()) {
      if (e.droppedMs !== null) this.dropped.add(`${e.siteId}|${e.kind}|${e.valueKey}`);
      else this.addLearned(e.valueKey, e.siteId);
    }
    this.current.clear();
    this.presence = new Map();
    for (const p of this.store.sites.presenceSince(this.now() - PRESENCE_WINDOW_MS)) this.present(p.deviceId, p.siteId, p.lastSeenMs);
  }

  private present(deviceId: string, siteId: number, atMs: number): void {
    let m = this.presence.get(deviceId);
    if (!m) this.presence.set(deviceId, (m = new Map<number, number>()));
    m.set(siteId, Math.max(m.get(siteId) ?? 0, atMs));
  }

  private addLearned(valueKey: string, siteId: number): boolean {
    const sites = this.learned.get(valueKey);
    if (sites) {
      sites.add(siteId);
      return false;
    }
    this.learned.set(valueKey, new Set([siteId]));
    return true;
  }

  /**
   * Reads the sites again when an admin changed them (`force`: the API just did, in this
   * process). New egress ranges lose their address edges, and laptops already at a new site
   * teach it what they see there. Returns true when something changed.
   */
  reload(force = false, nowMs = Date.now()): boolean {
    if (!force && this.store.fleet.setting(SITES_CHANGED_SETTING)?.toString() === this.marker) return false;
    const before = new Map(this.sites.map((s) => [s.id, s.ranges.map((r) => `${r.base}/${r.bits}/${r.family}`)]));
    this.load();
    // Removed sites and dropped equipment link again: the index is rebuilt from what is stored.
    this.rebuild = true;
    const added = this.sites.map((s) => ({ site: s, ranges: s.ranges.filter((r) => !before.get(s.id)?.includes(`${r.base}/${r.bits}/${r.family}`)) }))
      .filter((x) => x.ranges.length > 0);
    if (added.length > 0) {
      this.store.write(() => {
        const inside = (ip: string): boolean => added.some((x) => x.ranges.some((r) => inCidr(ip, r)));
        for (const id of this.store.sites.deleteAddressEdges(ADDRESS_EDGE_KINDS, inside)) this.unlinked.add(id);
        for (const x of added) this.learnFromLaptopsThere(x.site, x.ranges, nowMs);
        for (const x of added) this.inferFromLaptopsSeenThere(x.site, x.ranges, nowMs);
      });
    }
    return true;
  }

  /** Laptops whose address is in the new ranges now: what they reported since connecting from there is the site's. */
  private learnFromLaptopsThere(site: Site, ranges: Cidr[], nowMs: number): void {
    for (const d of this.store.listDevices()) {
      if (!d.publicIp || !ranges.some((r) => inCidr(d.publicIp, r)) || this.store.sites.tunnelled(d.id)) continue;
      const observations = this.store.fleet.observations(d.id);
      const arrived = observations.find((o) => o.kind === 'public_ip' && o.valueKey === normalizeIp(d.publicIp))?.lastSeenMs;
      if (arrived === undefined) continue;
      for (const o of observations) {
        if (!isLearnedKind(o.kind) || o.lastSeenMs < arrived - FRESH_MS || o.lastSeenMs > nowMs) continue;
        this.learn(site.id, { kind: o.kind, edge: undefined, valueKey: o.valueKey, display: o.value }, d.id, o.lastSeenMs);
      }
    }
  }

  /**
   * Laptops that connected from the new ranges within the window (not through a tunnel) were at
   * the site; the values they share with enough other people seen there are its equipment.
   */
  private inferFromLaptopsSeenThere(site: Site, ranges: Cidr[], nowMs: number): void {
    const since = nowMs - PRESENCE_WINDOW_MS;
    const there: string[] = [];
    for (const d of this.store.listDevices()) {
      if (this.store.sites.tunnelled(d.id)) continue;
      for (const o of this.store.fleet.observations(d.id)) {
        if (o.kind !== 'public_ip' || o.lastSeenMs < since || !ranges.some((r) => inCidr(o.valueKey, r))) continue;
        this.store.sites.recordPresence(site.id, d.id, o.lastSeenMs);
        this.present(d.id, site.id, o.lastSeenMs);
        there.push(d.id);
      }
    }
    for (const id of new Set(there)) {
      for (const o of this.store.fleet.observations(id)) {
        if (!isLearnedKind(o.kind) || o.lastSeenMs < since || this.learned.has(o.valueKey)) continue;
        this.infer(id, { kind: o.kind, edge: EDGE_OF[o.kind], valueKey: o.valueKey, display: o.value }, o.lastSeenMs);
      }
    }
  }

  /** The site whose egress holds this address. */
  siteFor(ip: string): { id: number; name: string } | undefined {
    if (this.sites.length === 0 || !ip) return undefined;
    const a = normalizeIp(ip);
    const s = this.sites.find((x) => x.ranges.some((r) => inCidr(a, r)));
    return s ? { id: s.id, name: s.name } : undefined;
  }

  /** Why an address links nobody and is no location: it is a site's egress. */
  egressReason(ip: string): string | undefined {
    const s = this.siteFor(ip);
    return s ? `egress of the company site "${s.name}"` : undefined;
  }

  /** The laptop's stream now comes from this address: at a site, unless through a tunnel. */
  onPublicIp(deviceId: string, ip: string, atMs: number): void {
    const site = this.siteFor(ip);
    this.current.set(deviceId, site?.id ?? null);
    if (!site || this.store.sites.tunnelled(deviceId)) return;
    this.store.sites.recordPresence(site.id, deviceId, atMs);
    this.present(deviceId, site.id, atMs);
  }

  /** The site a laptop is at now, by the address its stream last came from. */
  siteOfDevice(deviceId: string): number | null {
    let id = this.current.get(deviceId);
    if (id === undefined) {
      id = this.siteFor(this.store.device(deviceId)?.publicIp ?? '')?.id ?? null;
      this.current.set(deviceId, id);
    }
    return id;
  }

  /** A stored observation that the index must not hold: a site's equipment, or an address in a site's egress. */
  silences(kind: string, valueKey: string): boolean {
    if ((ADDRESS_EDGE_KINDS as readonly string[]).includes(kind)) return this.siteFor(valueKey) !== undefined;
    return (isLearnedKind(kind) || (PLACE_EDGE_KINDS as readonly string[]).includes(kind)) && this.learned.has(valueKey);
  }

  /**
   * Inside the batch transaction, for every observation: learns it when the laptop is at a site
   * and saw it there (just now, not behind a tunnel), and says whether it must link nobody (so
   * learned, or the value is a site's equipment). `ownMac`: the value is another enrolled
   * laptop's own MAC (not equipment; still no link while at a site).
   */
  observe(deviceId: string, key: ObservationKey, atMs: number, ownMac: boolean): boolean {
    if (!isLearnedKind(key.kind)) return false;
    const site = this.siteOfDevice(deviceId);
    // Seen live at the site. Through a tunnel (the company VPN, whose exit may be the site's
    // egress) the laptop is elsewhere: what it sees is not the site's, and may link it (a farm on
    // the company VPN). What it saw long before (a flushed spool) may have been anywhere.
    if (site !== null && atMs >= this.now() - FRESH_MS && !this.store.sites.tunnelled(deviceId)) {
      if (!ownMac) this.learn(site, key, deviceId, atMs);
      return true;
    }
    if (ownMac) return false;
    const sites = this.learned.get(key.valueKey);
    if (!sites) return this.infer(deviceId, key, atMs);
    // One more laptop seen at the site saw its equipment: counted for review.
    for (const siteId of sites) if ((this.presence.get(deviceId)?.get(siteId) ?? 0) >= atMs - PRESENCE_WINDOW_MS) this.learn(siteId, key, deviceId, atMs);
    return true;
  }

  /**
   * A value this laptop and laptops of at least INFER_PEOPLE - 1 other people saw, every one of
   * them seen at one site within the window, is that site's: learned with who saw it. True when
   * it was.
   */
  private infer(deviceId: string, key: ObservationKey, atMs: number): boolean {
    const mine = this.presence.get(deviceId);
    const edge = isLearnedKind(key.kind) ? EDGE_OF[key.kind] : undefined;
    if (!mine || !edge) return false;
    const since = atMs - PRESENCE_WINDOW_MS;
    const all = [{ deviceId, first: atMs, last: atMs }, ...this.sightings(edge, key.valueKey).filter((o) => o.deviceId !== deviceId && o.last >= since)];
    if (all.length < INFER_PEOPLE) return false;
    for (const siteId of mine.keys()) {
      if (this.dropped.has(`${siteId}|${key.kind}|${key.valueKey}`)) continue;
      if (!all.every((o) => (this.presence.get(o.deviceId)?.get(siteId) ?? 0) >= since)) continue;
      if (new Set(all.map((o) => this.personOf(o.deviceId))).size < INFER_PEOPLE) continue;
      for (const o of all) {
        this.learn(siteId, key, o.deviceId, o.first);
        this.learn(siteId, key, o.deviceId, o.last);
      }
      return true;
    }
    return false;
  }

  private personOf(deviceId: string): string {
    let p = this.people.get(deviceId);
    if (p === undefined) {
      p = this.store.registry.registration(deviceId)?.assigneeEmail.trim().toLowerCase() || deviceId;
      this.people.set(deviceId, p);
    }
    return p;
  }

  private learn(siteId: number, key: ObservationKey, deviceId: string, atMs: number): void {
    if (!isLearnedKind(key.kind) || this.dropped.has(`${siteId}|${key.kind}|${key.valueKey}`)) return;
    if (!this.store.sites.learn(siteId, key.kind, key.valueKey, key.display, deviceId, atMs)) return;
    if (!this.addLearned(key.valueKey, siteId)) return;
    // First time this value is any site's: edges it made before no longer link.
    const lost = this.store.sites.deleteEdgesOn(PLACE_EDGE_KINDS, key.valueKey);
    if (lost.length > 0) {
      for (const id of lost) this.unlinked.add(id);
      this.rebuild = true;
    }
  }

  /** What changed since the engine last asked: laptops that lost edges, and whether the index must be rebuilt. */
  takeChanges(): { rebuild: boolean; devices: string[] } {
    const out = { rebuild: this.rebuild, devices: [...this.unlinked] };
    this.rebuild = false;
    this.unlinked = new Set();
    return out;
  }

  /** Sightings older than `beforeMs` are forgotten, and equipment nobody saw since. */
  prune(beforeMs: number): void {
    if (this.store.sites.prune(beforeMs) > 0) this.load();
  }
}
