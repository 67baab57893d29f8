// Company sites: places the company knows (an office, a branch), named by the admin with the
// egress ranges their laptops come out of, and the equipment laptops see there (gateways, access
// points, LAN neighbours), learned while a laptop's address is inside a site's egress.

export interface SiteRow {
  id: number;
  name: string;
  /** Canonical CIDRs ("203.0.113.0/24", "2001:db8:4::/48"), as the admin gave them. */
  egress: string[];
  createdMs: number;
  createdBy: string;
}

/** What a laptop sees at a site that is learned: the stored observation kinds, and the name shown for each. */
export const LEARNED_KINDS = {
  gateway_mac: 'gateway',
  wifi_bssid: 'Wi-Fi access point (joined)',
  visible_bssid: 'Wi-Fi access point (seen around)',
  lan_neighbour_mac: 'LAN neighbour',
} as const;

export type LearnedKind = keyof typeof LEARNED_KINDS;

export const isLearnedKind = (kind: string): kind is LearnedKind => Object.hasOwn(LEARNED_KINDS, kind);

export interface EquipmentRow {
  id: number;
  siteId: number;
  kind: LearnedKind;
  /** The keyed hash the agents send (hex): equal across laptops, not the MAC itself. */
  valueKey: string;
  /** What analysts see: "hash:" and the first 12 hex digits. */
  value: string;
  firstSeenMs: number;
  lastSeenMs: number;
  /** How many laptops saw it at the site. */
  laptops: number;
  /** The admin dropped it: not the site's, it links laptops again and is not learned again. */
  droppedMs: number | null;
  droppedBy: string | null;
}

/** Site storage; SQL in src/sites/sqlite-sites.ts. */
export interface SiteStore {
  list(): SiteRow[];
  byId(id: number): SiteRow | undefined;
  byName(name: string): SiteRow | undefined;
  add(name: string, egress: string[], actor: string, nowMs: number): SiteRow;
  /** Deletes the site with its learned equipment. */
  remove(id: number): boolean;
  /** The site's equipment, most laptops first. */
  equipment(siteId: number): EquipmentRow[];
  /** Every site's equipment: kind, value and whether it was dropped (what the engine keeps in memory). */
  allEquipment(): Pick<EquipmentRow, 'siteId' | 'kind' | 'valueKey' | 'droppedMs'>[];
  /**
   * A laptop at the site saw this value: recorded (first / last seen, the laptop) unless the
   * admin dropped it. Returns false when it was dropped.
   */
  learn(siteId: number, kind: LearnedKind, valueKey: string, value: string, deviceId: string, atMs: number): boolean;
  drop(siteId: number, equipmentId: number, actor: string, nowMs: number): EquipmentRow | undefined;
  /** The laptop reports a tunnel up (vpn.tunnel, vpn.full_tunnel, not cleared): its address is a tunnel's exit, not where it is. */
  tunnelled(deviceId: string): boolean;
  /** The laptop connected from the site's egress, not through a tunnel. */
  recordPresence(siteId: number, deviceId: string, atMs: number): void;
  /** Laptops seen at each site since `sinceMs`, with when last. */
  presenceSince(sinceMs: number): { siteId: number; deviceId: string; lastSeenMs: number }[];
  /** How many laptops saw any of the site's equipment. */
  laptops(siteId: number): number;
  /** Deletes the edges of these kinds on this value; returns the laptops they joined. */
  deleteEdgesOn(kinds: readonly string[], valueKey: string): string[];
  /** Deletes the edges of these kinds whose value is an address that `inside` accepts; returns the laptops they joined. */
  deleteAddressEdges(kinds: readonly string[], inside: (ip: string) => boolean): string[];
  /** Forgets sightings older than `beforeMs`, and equipment nobody saw since (dropped equipment stays). */
  prune(beforeMs: number): number;
}
