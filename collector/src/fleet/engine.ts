// The fleet side of ingest: enrichment, the co-location index, device rules, and the cases they
// make (through src/alerts/cases.ts). Ingest calls it inside a batch's transaction (observations,
// inventory) and after commit (evaluate the devices the batch touched); a periodic sweep finds
// silent agents and laptops whose suppressions changed.
import { createHmac, randomBytes } from 'node:crypto';
import { pb, type InventoryItem, type Observation } from '@farmwatch/proto';
import type { Logger } from '@farmwatch/shared';
import type { AlertChange, Store, StoreWriter } from '../store/store.js';
import type { EdgeRecord, RegistrationRow } from '../store/fleet-records.js';
import type { FindingRow } from '../store/records.js';
import { Enricher, type IpInfo } from '../enrich/enricher.js';
import { inCidr, isPublicIp, normalizeIp, parseCidr, type Cidr } from '../enrich/ip.js';
import { CorrelationIndex, type IndexOptions } from '../correlate/index.js';
import { observationKey, type EdgeKind } from '../correlate/keys.js';
import { DEFAULT_RULES, drivenRemotely, evaluateDevice, type RuleConfig } from '../rules/device-rules.js';
import { AT_RISK } from '../rules/weights.js';
import { RELAY_KIND, relaysAsPeers, type PeerInfo } from '../rules/relay-peers.js';
import { scoreCluster, type ClusterResult, type MemberRisk } from '../rules/cluster-score.js';
import { PresenceTracker } from './presence-tracker.js';
import { RoutersSeen } from './routers.js';
import { DEFAULT_PRESENCE } from '../rules/presence.js';
import { Cases } from '../alerts/cases.js';
import { CASE_KEY, RISK_RULE } from '../alerts/case-alerts.js';
import { isCaseEvidence } from '../alerts/finding-alerts.js';
import { SiteWatch } from '../sites/site-watch.js';
import { closeDissolvedClusters } from '../sites/dissolved.js';

export const FLEET_KEY_SETTING = 'observation_key';
/** How long a laptop's public address waits for its gateway before it links without one. */
const PENDING_ADDRESS_MS = 5 * 60_000;

export interface FleetOptions {
  store: Store;
  log: Logger;
  enricher?: Enricher;
  rules?: Partial<RuleConfig>;
  index?: Partial<IndexOptions>;
  now?: () => number;
}

/** Hashes a laptop's own MAC the way agents hash neighbour MACs: HMAC-SHA-256 of "aa:bb:cc:dd:ee:ff", 16 bytes. */
export function keyedHash(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value.trim().toLowerCase()).digest().subarray(0, 16).toString('hex');
}

export class FleetEngine {
  readonly enricher: Enricher;
  index: CorrelationIndex;
  readonly rules: RuleConfig;
  private readonly indexOpts: Partial<IndexOptions>;
  readonly fleetKey: Buffer;
  private readonly store: Store;
  private readonly log: Logger;
  private readonly now: () => number;
  /** Keyed hash of each enrolled laptop's own MAC -> device id (for "another enrolled laptop on my LAN"). */
  private readonly ownMacs = new Map<string, string>();
  private networkExclusions: { cidr: Cidr; reason: string }[] = [];
  /** Devices that got new or refreshed edges since their cluster was last scored. */
  private readonly linked = new Set<string>();
  private valueExclusions = new Set<string>();
  /** Company sites: their egress and learned equipment link nobody and locate nobody (src/sites). */
  readonly sites: SiteWatch;
  /** Where each laptop was hour by hour, and the presence per place of clusters (rules/presence.ts). */
  readonly presence: PresenceTracker;
  readonly cases: Cases;
  /** The routers each laptop was behind: a public address links laptops behind one router only (routers.ts). */
  private routers: RoutersSeen;
  /** Public addresses of laptops that had reported no gateway yet when they said Hello: linked once one arrives. */
  private readonly pendingAddress = new Map<string, { ip: string; atMs: number; queuedMs: number }>();

  constructor(opts: FleetOptions) {
    this.store = opts.store;
    this.log = opts.log;
    this.now = opts.now ?? Date.now;
    this.enricher = opts.enricher ?? new Enricher();
    this.rules = { ...DEFAULT_RULES, ...opts.rules };
    this.indexOpts = opts.index ?? {};
    this.index = new CorrelationIndex(this.indexOpts);
    this.routers = new RoutersSeen(this.index.windowMs);
    // Generated once per fleet and kept in the database; agents get it after HelloAck.
    this.fleetKey = this.store.fleet.settingOnce(FLEET_KEY_SETTING, randomBytes(32));
    this.sites = new SiteWatch(this.store, this.now, (kind, valueKey) => this.index.sightings(kind, valueKey));
    this.presence = new PresenceTracker(this.store, this.enricher, this.now, { ...DEFAULT_PRESENCE, days: Math.max(1, Math.round(this.index.windowMs / 86_400_000)) });
    this.cases = new Cases(this.store, this.rules.sanctionedTools);
    this.reloadExclusions();
    this.rebuild();
    for (const row of this.store.fleet.networkInterfaces()) this.onInventory(row.deviceId, pb.InventoryItem.decode(row.body));
  }

  /** Rebuilds the in-memory index from what is stored within the window (start, retention). */
  rebuild(): void {
    const fresh = new CorrelationIndex(this.indexOpts);
    const since = this.now() - fresh.windowMs;
    // Stored kinds (the observation's enum name) and the edge kinds they make; LAN neighbours are
    // stored as 'lan_neighbour_mac' and link as 'lan_neighbour'.
    const edgeKinds = new Map<string, EdgeKind>([['public_ip', 'public_ip'], ['gateway_mac', 'gateway_mac'], ['wifi_bssid', 'wifi_bssid'], ['lan_neighbour_mac', 'lan_neighbour'],
      ['kvm_identity', 'kvm_identity'], ['remote_peer_id', 'remote_peer_id'], ['remote_peer_ip', 'remote_peer_ip']]);
    const stored = [...this.store.fleet.observationsSince(since)];
    this.routers = new RoutersSeen(fresh.windowMs);
    for (const o of stored) if (o.kind === 'gateway_mac') this.routers.saw(o.deviceId, o.valueKey, o.lastSeenMs);
    const obs = stored.filter((o) => edgeKinds.has(o.kind) && !this.sanctionedPeer(o.kind, o.via) && !this.sites.silences(o.kind, o.valueKey))
      .map((o) => ({ ...o, kind: edgeKinds.get(o.kind) as EdgeKind }));
    fresh.load(obs, [...this.store.fleet.edgesSince(since)].filter((e) => !this.sites.silences(e.kind, e.valueKey)));
    this.index = fresh;
  }

  /** Devices deleted from the store (devices purge-demo) are forgotten: their MACs link nobody any more, and the index is rebuilt. */
  forgetDeleted(): void {
    for (const [mac, id] of this.ownMacs) if (!this.store.device(id)) this.ownMacs.delete(mac);
    for (const id of this.linked) if (!this.store.device(id)) this.linked.delete(id);
    for (const id of this.pendingAddress.keys()) if (!this.store.device(id)) this.pendingAddress.delete(id);
    this.rebuild();
  }

  reloadExclusions(): void {
    const rows = this.store.fleet.exclusions();
    this.networkExclusions = rows.filter((r) => r.kind === 'network').map((r) => ({ cidr: parseCidr(r.value), reason: r.reason }));
    this.valueExclusions = new Set(rows.filter((r) => r.kind !== 'network').map((r) => `${r.kind}|${r.value.toLowerCase()}`));
  }

  /** A remote-access peer seen through a sanctioned tool (the helpdesk) links no laptops. */
  private sanctionedPeer(kind: string, via: string): boolean {
    return (kind === 'remote_peer_id' || kind === 'remote_peer_ip') && via !== '' && this.rules.sanctionedTools.includes(via);
  }

  /** Corporate egress, VPN concentrators and other admin-configured networks. */
  excludedNetwork(ip: string): string | undefined {
    return this.networkExclusions.find((x) => inCidr(ip, x.cidr))?.reason ?? this.sites.egressReason(ip);
  }

  /** Inside the batch transaction: an observation the agent sent. Returns true when it matters for rules. */
  onObservation(w: StoreWriter, deviceId: string, o: Observation, atMs: number): boolean {
    const key = observationKey(o);
    if (!key) return false;
    w.upsertObservation({ deviceId, kind: key.kind, valueKey: key.valueKey, value: key.display, via: o.via ?? '', atMs });
    if (key.kind === 'gateway_mac') this.routers.saw(deviceId, key.valueKey, atMs);
    // At a company site, and a site's equipment seen from anywhere: learned, links nobody.
    const atSite = this.sites.observe(deviceId, key, atMs, key.kind === 'lan_neighbour_mac' && this.ownMacs.has(key.valueKey));
    if (key.kind === 'lan_neighbour_mac' && !atSite) {
      const owner = this.ownMacs.get(key.valueKey);
      if (owner && owner !== deviceId) {
        const [a, b] = deviceId < owner ? [deviceId, owner] : [owner, deviceId];
        const edge: EdgeRecord = { deviceA: a, deviceB: b, kind: 'lan_neighbour_laptop', valueKey: key.valueKey, value: `enrolled laptop ${owner} on the LAN of ${deviceId}`, firstMs: atMs, lastMs: atMs };
        w.upsertEdge(edge);
        this.index.link(edge);
        this.linked.add(deviceId);
      }
    }
    if (!key.edge) return key.kind === 'kvm_identity';
    if (atSite) return true;
    // The company's own remote-access tool: one helpdesk technician drives many laptops.
    if (this.sanctionedPeer(key.edge, o.via ?? '')) return true;
    // A private peer address (a LAN session) is in every home: it links nobody.
    if (key.edge === 'remote_peer_ip' && (!isPublicIp(key.valueKey) || this.excludedNetwork(key.valueKey))) return true;
    if (this.valueExclusions.has(`${key.edge}|${key.valueKey}`)) return true;
    const edges = this.index.observe(deviceId, key.edge, key.valueKey, key.display, atMs);
    for (const e of edges) w.upsertEdge(e);
    if (edges.length > 0) this.linked.add(deviceId);
    return true;
  }

  /** Inside the batch transaction: inventory; the laptop's own MACs are remembered for LAN links. */
  onInventory(deviceId: string, item: InventoryItem): void {
    const mac = item.networkInterface?.mac;
    if (mac && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(mac) && mac !== '00:00:00:00:00:00') {
      this.ownMacs.set(keyedHash(this.fleetKey, mac), deviceId);
    }
  }

  /** The public address the collector sees for a device: stored, enriched, and a co-location value when residential. */
  onPublicIp(deviceId: string, rawIp: string, atMs: number): IpInfo {
    const ip = normalizeIp(rawIp);
    const info = this.enricher.lookup(ip);
    this.sites.onPublicIp(deviceId, ip, atMs);
    this.presence.onAddress(deviceId, ip, info.public);
    this.store.write((w) => {
      this.store.fleet.setPublicIp(deviceId, ip);
      this.pendingAddress.delete(deviceId);
      if (!info.public) return;
      w.upsertObservation({ deviceId, kind: 'public_ip', valueKey: ip, value: ip, via: 'collector', atMs });
      // Only a residential address says two laptops share a home: hosting / VPN exits are shared by strangers.
      if (info.network.kind !== 'other' || this.excludedNetwork(ip) || this.valueExclusions.has(`public_ip|${ip}`)) return;
      // Which router the laptop is behind decides whom the address links: until it has said, wait.
      if (!this.routers.knows(deviceId, atMs)) this.pendingAddress.set(deviceId, { ip, atMs, queuedMs: this.now() });
      else this.linkAddress(w, deviceId, ip, atMs);
    });
    return info;
  }

  /**
   * Inside the batch transaction, after its observations: an address that waited for the laptop's
   * gateway is linked now (the first batch after Hello carries the network facts; one that has none
   * links the address as it is). True when it linked the laptop with another.
   */
  afterObservations(w: StoreWriter, deviceId: string): boolean {
    const pending = this.pendingAddress.get(deviceId);
    if (!pending) return false;
    this.linkAddress(w, deviceId, pending.ip, pending.atMs);
    return this.linked.has(deviceId);
  }

  /** A residential address links the laptop with those behind it that are not behind another router (routers.ts). */
  private linkAddress(w: StoreWriter, deviceId: string, ip: string, atMs: number): void {
    this.pendingAddress.delete(deviceId);
    const edges = this.index.observe(deviceId, 'public_ip', ip, ip, atMs, (other) => !this.routers.different(deviceId, other, atMs));
    for (const e of edges) w.upsertEdge(e);
    if (edges.length > 0) this.linked.add(deviceId);
  }

  /**
   * Addresses still waiting after `PENDING_ADDRESS_MS` (an agent that said Hello and sent nothing):
   * linked as they are. Returns the laptops concerned.
   */
  private flushPendingAddresses(): string[] {
    const now = this.now();
    const due = [...this.pendingAddress].filter(([, p]) => now - p.queuedMs >= PENDING_ADDRESS_MS);
    if (due.length > 0) {
      this.store.write((w) => {
        for (const [id, p] of due) this.linkAddress(w, id, p.ip, p.atMs);
      });
    }
    return due.map(([id]) => id);
  }

  /** Inside the batch transaction: the hours the batch's events were stamped in; true when it recorded where the laptop was in new ones. */
  onHours(deviceId: string, hours: ReadonlySet<number>): boolean {
    return this.presence.onHours(deviceId, hours, this.index.uf.find(deviceId)) > 0;
  }

  /**
   * After commit: re-evaluates the devices a batch touched, and the clusters of those that got new
   * edges (a batch that only repeats known observations leaves its cluster's score as it was).
   */
  evaluate(deviceIds: Iterable<string>): AlertChange[] {
    const ids = new Set(deviceIds);
    const changes: AlertChange[] = this.siteChanges(ids);
    const clustersDone = new Set<string>();
    for (const id of ids) {
      const risk = this.evaluateRisk(id);
      changes.push(...risk);
      // New links, or a member's own risk changed (it counts in its cluster's score), or its members
      // were seen at their places for enough new hours to judge the places again.
      const size = this.index.component(id).length;
      const presenceDue = size > 1 && this.presence.due(this.index.uf.find(id), size);
      if (!this.linked.delete(id) && risk.length === 0 && !presenceDue) continue;
      const root = this.index.uf.find(id);
      if (clustersDone.has(root)) continue;
      clustersDone.add(root);
      changes.push(...this.evaluateCluster(id));
    }
    return changes;
  }

  riskOf(deviceId: string): ReturnType<typeof evaluateDevice> | undefined {
    return this.assess(deviceId)?.risk;
  }

  /**
   * The laptop's risk, with its findings and the detectors a suppression leaves out of it (their
   * findings count nothing until it expires; the case still lists them).
   */
  private assess(deviceId: string): { risk: ReturnType<typeof evaluateDevice>; findings: FindingRow[]; suppressed: Map<string, number> } | undefined {
    const device = this.store.device(deviceId);
    if (!device) return undefined;
    const now = this.now();
    const findings = this.store.findings(deviceId);
    const suppressed = this.cases.suppressedDetectors(deviceId, now);
    const registration = this.store.registry.registration(deviceId);
    const observations = this.store.fleet.observations(deviceId);
    const peers = observations.filter((o) => o.kind === 'remote_peer_ip' && isPublicIp(o.valueKey) && !this.excludedNetwork(o.valueKey))
      .map((o): PeerInfo => ({ ...this.enricher.lookup(o.valueKey), via: o.via }));
    // A tool's relay counts only when it is a VPN exit (relay-peers.ts): vendors run no relays there.
    const relays = observations.filter((o) => o.kind === RELAY_KIND && isPublicIp(o.valueKey) && !this.excludedNetwork(o.valueKey))
      .map((o) => ({ info: this.enricher.lookup(o.valueKey), via: o.via }));
    peers.push(...relaysAsPeers(relays, peers));
    const egress = device.publicIp && isPublicIp(device.publicIp) && !this.excludedNetwork(device.publicIp) ? this.enricher.lookup(device.publicIp) : undefined;
    const { onlineHours, activeHours } = this.activityHours(deviceId, now);
    const risk = evaluateDevice({
      device, registration, findings: findings.filter((f) => !suppressed.has(f.detector)), observations, egress, peers,
      enrolledMs: registration?.enrolledMs ?? null, nowMs: now, onlineHours, ...(activeHours ? { activeHours } : {}),
      shippedTo: this.presence.shippedTo(registration),
    }, this.rules);
    return { risk, findings, suppressed };
  }

  /**
   * The hours the activity rules read, over their window: on, and in use (undefined unless the
   * agent reported input within the window: then the rules stay with the hours on).
   */
  activityHours(deviceId: string, nowMs = this.now()): { onlineHours: number[]; activeHours: number[] | undefined; inputReportedMs: number | null } {
    const since = Math.floor(nowMs / 3_600_000) - this.rules.activity.days * 24 + 1;
    const inputReportedMs = this.store.fleet.inputReportedMs(deviceId);
    const reports = inputReportedMs !== null && inputReportedMs >= since * 3_600_000;
    return { onlineHours: this.store.fleet.onlineHours(deviceId, since), activeHours: reports ? this.store.fleet.activeHours(deviceId, since) : undefined, inputReportedMs };
  }

  /** The laptop's case, opened or brought up to date (src/alerts/cases.ts). */
  private evaluateRisk(deviceId: string): AlertChange[] {
    const a = this.assess(deviceId);
    return a ? this.cases.device(deviceId, a.risk, a.findings, a.suppressed, this.now()) : [];
  }

  clusterOf(deviceId: string): { result: ClusterResult; edges: EdgeRecord[] } | undefined {
    const members = this.index.component(deviceId);
    if (members.length < 2) return undefined;
    const edges = this.store.fleet.edgesOf([...members]);
    const registrations = new Map<string, RegistrationRow>();
    for (const m of members) {
      const r = this.store.registry.registration(m);
      if (r) registrations.set(m, r);
    }
    const now = this.now();
    const memberRisk = (m: string): MemberRisk | undefined => {
      const a = this.store.alerts.find(m, RISK_RULE, CASE_KEY);
      if (!a || a.status === 'resolved' || a.status === 'false_positive') return undefined;
      // Only a medium member needs its findings read: whether something on it lets others drive it.
      if (a.score < AT_RISK.medium || a.score >= AT_RISK.high) return { score: a.score, title: a.title };
      const suppressed = this.cases.suppressedDetectors(m, now);
      return { score: a.score, title: a.title, controlled: drivenRemotely(this.store.findings(m).filter((f) => !suppressed.has(f.detector)), this.rules) };
    };
    const personOf = (m: string): string => registrations.get(m)?.assigneeEmail ?? `unregistered:${m}`;
    const presence = this.presence.ofCluster(this.index.uf.find(deviceId), members, personOf);
    const result = scoreCluster(members, edges, registrations, (ip) => (isPublicIp(ip) ? this.enricher.lookup(ip) : undefined), memberRisk, presence);
    return { result, edges };
  }

  private evaluateCluster(deviceId: string): AlertChange[] {
    const cluster = this.clusterOf(deviceId);
    return cluster ? this.cases.cluster(cluster.result, cluster.edges, this.now()) : [];
  }

  /**
   * A site's values that linked laptops before they were known as the site's lost their edges
   * (sites/site-watch.ts): the index is rebuilt without them, the laptops they joined are
   * re-scored with the rest of `ids`, and cluster alerts nothing joins any more are resolved.
   */
  private siteChanges(ids: Set<string>): AlertChange[] {
    const { rebuild, devices } = this.sites.takeChanges();
    if (rebuild) this.rebuild();
    for (const id of devices) {
      ids.add(id);
      this.linked.add(id);
    }
    return devices.length > 0 ? closeDissolvedClusters(this.store, devices, (id) => this.clusterOf(id)?.result, this.now()) : [];
  }

  /** Sites changed (an admin, here or through the CLI): re-reads them and re-scores what they unlinked. */
  reloadSites(force = false): AlertChange[] {
    return this.sites.reload(force, this.now()) ? this.evaluate([]) : [];
  }

  /**
   * Periodic: agents that went silent raise their risk; exclusions changed by the CLI are picked up;
   * laptops whose suppressions were added, removed or expired (CLI or API) have their case redone;
   * sites changed by the CLI are picked up.
   */
  sweep(): AlertChange[] {
    this.reloadExclusions();
    const siteChanges = [...this.reloadSites(), ...this.evaluate(this.flushPendingAddresses())];
    const now = this.now();
    const silent = this.store.listDevices().filter((d) => d.stoppedAtMs === null && now - d.lastSeenMs > this.rules.silentAfterMs);
    return [...siteChanges, ...silent.flatMap((d) => this.evaluateRisk(d.id)), ...this.suppressionsChanged()];
  }

  /**
   * The cases of laptops whose suppressions were added, removed or expired since the last look,
   * redone. One for every laptop concerns those with a case, and those with a finding of its detector.
   */
  suppressionsChanged(): AlertChange[] {
    const { devices, fleetRules } = this.cases.suppressionChanges(this.now());
    const ids = new Set(devices);
    if (fleetRules.size > 0) {
      for (const d of this.store.listDevices()) {
        if (!ids.has(d.id) && (this.store.alerts.find(d.id, RISK_RULE, CASE_KEY) || this.store.findings(d.id).some((f) => fleetRules.has(f.detector)))) ids.add(d.id);
      }
    }
    return [...ids].flatMap((id) => this.evaluateRisk(id));
  }

  /**
   * At start: laptops with findings but no case yet get one (a database from before cases kept
   * findings as alerts of their own; migration 12 closed those as folded into the laptop's case).
   */
  openMissingCases(): AlertChange[] {
    return this.store.listDevices().filter((d) => !this.store.alerts.find(d.id, RISK_RULE, CASE_KEY)
      && this.store.findings(d.id).some((f) => f.clearedAtMs === null && isCaseEvidence(f, this.rules.sanctionedTools)))
      .flatMap((d) => this.evaluateRisk(d.id));
  }

  /** Deletes what is older than the retention period and rebuilds the index from what is left. */
  retain(retentionMs: number): Record<string, number> {
    const deleted = this.store.prune(this.now() - retentionMs);
    this.sites.prune(this.now() - retentionMs);
    deleted.presenceHours = this.presence.prune();
    this.rebuild();
    this.log.info('retention applied', deleted);
    return deleted;
  }
}
