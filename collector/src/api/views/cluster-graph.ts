// A co-location cluster as a graph for the console: the laptops, and the shared observations that
// link them (a public IP, a Wi-Fi access point, a gateway, a KVM, a remote-access peer) as nodes of
// their own, so four laptops behind one home show as four spokes around that home instead of six
// crossing lines. Each link carries its evidence: the laptop's own observation of the value (how,
// when, how often) and the pairs of laptops it joins, with their time spans.
import type { Collector } from '../../app.js';
import type { EdgeRecord } from '../../store/fleet-records.js';
import { isPublicIp } from '../../enrich/ip.js';
import { CLUSTER_RULE } from '../../alerts/cluster-alerts.js';
import { agentStatus } from './device-health.js';
import { distanceKm } from '../../rules/geo.js';

/** The stored observation kind behind an edge kind. */
const OBSERVATION_KIND: Record<string, string> = { lan_neighbour: 'lan_neighbour_mac' };
export const MAX_GRAPH_LAPTOPS = 300;

export interface GraphNode {
  id: string;
  type: 'laptop' | 'observation';
  label: string;
  kind?: string;
  weight?: number;
  hostname?: string;
  assignee?: string;
  serial?: string;
  agent?: string;
  risk?: { score: number; severity: string };
  ip?: { place: string; lat: number | null; lon: number | null; org: string; asn: number | null; network: { kind: string; name: string } };
  /** Where IT shipped this laptop (laptops only). */
  shipTo?: { place: string; lat: number | null; lon: number | null };
}

/** For the map: a laptop's ship-to against a shared address it was seen on, with the distance. */
export interface MapLine { laptop: string; node: string; km: number; far: boolean }

export interface GraphLink {
  id: string;
  source: string;
  target: string;
  kind: string;
  value: string;
  weight: number;
  evidence: {
    observation: { via: string; firstSeenMs: number; lastSeenMs: number; count: number } | null;
    pairs: { a: string; b: string; firstMs: number; lastMs: number }[];
  };
}

export function clusterGraph(c: Collector, deviceId: string, nowMs = Date.now()) {
  const cluster = c.fleet.clusterOf(deviceId);
  if (!cluster) return undefined;
  const store = c.store;
  const members = cluster.result.members;
  const shown = new Set(members.slice(0, MAX_GRAPH_LAPTOPS));
  const connected = c.live.connectedDevices();
  const nodes: GraphNode[] = [];
  for (const id of shown) {
    const d = store.device(id);
    const r = store.registry.registration(id);
    const risk = c.fleet.riskOf(id);
    nodes.push({
      id, type: 'laptop', label: d?.hostname || r?.serial || id, hostname: d?.hostname ?? '', serial: r?.serial ?? d?.hardwareSerial ?? '',
      assignee: r ? `${r.assigneeName} <${r.assigneeEmail}>` : '', agent: agentStatus(d, connected.has(id), c.fleet.rules.silentAfterMs, nowMs),
      ...(r ? { shipTo: { place: r.shipTo, lat: r.shipLat, lon: r.shipLon } } : {}),
      ...(risk ? { risk: { score: risk.score, severity: risk.severity } } : {}),
    });
  }
  const kindWeights = new Map(cluster.result.signals.map((x) => [x.id, x.weight]));
  const groups = new Map<string, EdgeRecord[]>();
  for (const e of cluster.edges) {
    if (!shown.has(e.deviceA) || !shown.has(e.deviceB)) continue;
    const k = `${e.kind}|${e.valueKey}`;
    groups.set(k, [...(groups.get(k) ?? []), e]);
  }
  const observations = new Map([...shown].map((id) => [id, store.fleet.observations(id)]));
  const links: GraphLink[] = [];
  let n = 0;
  for (const edges of groups.values()) {
    const first = edges[0] as EdgeRecord;
    // What this kind added to the score: a same-place kind that is not the strongest adds nothing.
    const weight = kindWeights.get(`shared.${first.kind}`) ?? 0;
    const pairsOf = (id: string) => edges.filter((e) => e.deviceA === id || e.deviceB === id).map((e) => ({ a: e.deviceA, b: e.deviceB, firstMs: e.firstMs, lastMs: e.lastMs }));
    if (first.kind === 'lan_neighbour_laptop') {
      // One laptop saw another enrolled laptop's own MAC on its LAN: a direct link.
      for (const e of edges) {
        links.push({ id: `l${n++}`, source: e.deviceA, target: e.deviceB, kind: e.kind, value: e.value, weight, evidence: { observation: null, pairs: [{ a: e.deviceA, b: e.deviceB, firstMs: e.firstMs, lastMs: e.lastMs }] } });
      }
      continue;
    }
    const nodeId = `obs${n++}`;
    const ip = first.kind === 'public_ip' || first.kind === 'remote_peer_ip' ? first.valueKey : '';
    const info = ip && isPublicIp(ip) ? c.fleet.enricher.lookup(ip) : undefined;
    nodes.push({
      id: nodeId, type: 'observation', kind: first.kind, label: first.value, weight,
      ...(info ? { ip: {
        place: info.geo ? [info.geo.city, info.geo.region, info.geo.countryCode].filter(Boolean).join(', ') : '', lat: info.geo?.lat ?? null, lon: info.geo?.lon ?? null,
        org: info.org ?? '', asn: info.asn ?? null, network: { kind: info.network.kind, name: info.network.name },
      } } : {}),
    });
    const participants = [...new Set(edges.flatMap((e) => [e.deviceA, e.deviceB]))].sort();
    for (const id of participants) {
      const kind = OBSERVATION_KIND[first.kind] ?? first.kind;
      const o = observations.get(id)?.find((x) => x.kind === kind && x.valueKey === first.valueKey);
      links.push({
        id: `l${n++}`, source: id, target: nodeId, kind: first.kind, value: first.value, weight,
        evidence: { observation: o ? { via: o.via, firstSeenMs: o.firstSeenMs, lastSeenMs: o.lastSeenMs, count: o.count } : null, pairs: pairsOf(id) },
      });
    }
  }
  // Each laptop's ship-to against the shared home address it was seen on.
  const farKm = c.fleet.rules.farKm;
  const mapLines: MapLine[] = [];
  const nodeById = new Map(nodes.map((x) => [x.id, x]));
  for (const l of links) {
    const laptop = nodeById.get(l.source);
    const place = nodeById.get(l.target);
    const s = laptop?.shipTo;
    const g = place?.ip;
    if (l.kind !== 'public_ip' || !s || s.lat === null || s.lon === null || !g || g.lat === null || g.lon === null) continue;
    const km = Math.round(distanceKm({ lat: s.lat, lon: s.lon }, { lat: g.lat, lon: g.lon }));
    mapLines.push({ laptop: l.source, node: l.target, km, far: km > farKm });
  }
  const alert = store.alerts.alertsOfMembers(members, CLUSTER_RULE).sort((a, b) => Number(a.status === 'resolved') - Number(b.status === 'resolved') || a.id - b.id)[0];
  const { result } = cluster;
  return {
    id: `cluster:${members[0] ?? deviceId}`, members, people: result.people, score: result.score, severity: result.severity,
    farmCandidate: result.farmCandidate, signals: result.signals, truncated: members.length > shown.size,
    alert: alert ? { id: alert.id, status: alert.status, severity: alert.severity, title: alert.title } : null,
    nodes, links, map: { farKm, lines: mapLines },
  };
}
