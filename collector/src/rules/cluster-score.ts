// Scoring a co-location cluster: which kinds of shared evidence link its laptops, how many people
// they belong to, and whether the shared remote-access peer is a VPN or hosting address.
import type { EdgeRecord, RegistrationRow } from '../store/fleet-records.js';
import type { IpInfo } from '../enrich/enricher.js';
import { AT_RISK, CLUSTER_BONUS, EDGE_WEIGHTS, PLACE_KINDS, severityFor } from './weights.js';
import type { ClusterPresence } from './presence.js';
import { clusterShipToSignal } from './ship-to-shared.js';

export interface ClusterSignal {
  id: string;
  weight: number;
  title: string;
  evidence: string[];
}

export interface ClusterResult {
  members: string[];
  people: string[];
  score: number;
  severity: ReturnType<typeof severityFor>;
  signals: ClusterSignal[];
  /** A farm candidate: two or more laptops assigned to different people. */
  farmCandidate: boolean;
}

const weightOf = (kind: string): number => EDGE_WEIGHTS[kind as keyof typeof EDGE_WEIGHTS] ?? 0;
const span = (e: EdgeRecord): string => `${new Date(e.firstMs).toISOString()} .. ${new Date(e.lastMs).toISOString()}`;

/** A member's own risk (its `device.risk` alert), when it has one. */
export interface MemberRisk {
  score: number;
  title: string;
  /** Something on the laptop lets others drive it (an unsanctioned host-side tool, a KVM); looked up for medium members only. */
  controlled?: boolean;
}

/** High on its own, or driven remotely with more to show (medium): a laptop at risk on its own. */
export function atRiskAlone(r: MemberRisk | undefined): boolean {
  return !!r && (r.score >= AT_RISK.high || (r.score >= AT_RISK.medium && r.controlled === true));
}

export function scoreCluster(members: readonly string[], edges: EdgeRecord[], registrations: Map<string, RegistrationRow>,
  peerInfo: (ip: string) => IpInfo | undefined, memberRisk: (deviceId: string) => MemberRisk | undefined = () => undefined,
  presence?: ClusterPresence): ClusterResult {
  const people = [...new Set(members.map((m) => registrations.get(m)?.assigneeEmail ?? `unregistered:${m}`))].sort();
  const byKind = new Map<string, EdgeRecord[]>();
  for (const e of edges) byKind.set(e.kind, [...(byKind.get(e.kind) ?? []), e]);
  const signals: ClusterSignal[] = [];
  // The kinds that say "the same place" count once, by the strongest: a couple at home shares the
  // address, the gateway, the Wi-Fi and each other's MACs, and is still one household.
  const placeKinds = [...byKind.keys()].filter((k) => PLACE_KINDS.has(k));
  const strongestPlace = placeKinds.sort((a, b) => weightOf(b) - weightOf(a))[0];
  for (const [kind, list] of byKind) {
    const place = PLACE_KINDS.has(kind);
    const weight = !place || kind === strongestPlace ? weightOf(kind) : 0;
    const values = [...new Set(list.map((e) => e.value))];
    signals.push({
      id: `shared.${kind}`, weight,
      title: `${list.length} link(s) by shared ${kind.replace(/_/g, ' ')}: ${values.slice(0, 3).join(', ')}${place && weight === 0 ? ' (the same place: counted once, as the strongest link)' : ''}`,
      evidence: list.map((e) => `${e.deviceA} — ${e.deviceB}: ${e.value} (${span(e)})`),
    });
  }
  const peerIps = [...new Set((byKind.get('remote_peer_ip') ?? []).map((e) => e.value))];
  const risky = peerIps.map(peerInfo).filter((i): i is IpInfo => !!i && i.network.kind !== 'other');
  if (risky.length > 0) {
    signals.push({
      id: 'shared.remote_peer_ip.vpn_or_hosting', weight: CLUSTER_BONUS.peerOnVpnOrHosting,
      title: 'The shared remote-access peer is a VPN / hosting address',
      evidence: risky.map((i) => `${i.ip}: ${i.network.name || i.network.kind}${i.org ? ` (AS${i.asn} ${i.org})` : ''}`),
    });
  }
  // Laptops linked together that are each at risk on their own (a KVM on each, each driven from
  // abroad, or each driven remotely with more to show): a farm, even when the link itself is only a shared place.
  const atRisk = members.map((m) => ({ m, r: memberRisk(m) })).filter((x): x is { m: string; r: MemberRisk } => atRiskAlone(x.r));
  const atRiskPeople = new Set(atRisk.map((x) => registrations.get(x.m)?.assigneeEmail ?? x.m));
  if (atRisk.length >= 2 && atRiskPeople.size >= 2) {
    signals.push({
      id: 'cluster.members_at_risk', weight: CLUSTER_BONUS.membersAtRisk,
      title: `${atRisk.length} of its laptops are at risk on their own`,
      evidence: atRisk.map((x) => `${x.m}: ${x.r.score < AT_RISK.high ? 'driven remotely (a tool that lets others in, or a KVM), and ' : ''}${x.r.title}`),
    });
  }
  // Presence per place (rules/presence.ts): people at workplaces only are no crowd; a dwelling's crowd stays.
  const excused = people.filter((p) => presence?.excusedPeople.has(p));
  const counted = people.filter((p) => !presence?.excusedPeople.has(p));
  signals.push(...(presence?.signals ?? []));
  const shipTo = clusterShipToSignal(members, registrations, new Set(counted));
  if (shipTo) signals.push(shipTo);
  // The crowd. Linked by a place only, it is the people at one place (the most crowded shared
  // value): a chain of places (two colleagues at a coworking space, one of them at home with a
  // partner) is no crowd of three. One operator or one KVM across houses counts everyone it links.
  const placeOnly = [...byKind.keys()].every((k) => PLACE_KINDS.has(k));
  const crowd = placeOnly ? largestPlaceCrowd(edges, registrations, new Set(counted)) : counted;
  // A household holds two, sometimes three (a family, flatmates) whose laptops sleep at night; where
  // laptops are kept on overnight (a dwelling, rules/presence.ts), or something else links them, two.
  const household = placeOnly && !(presence?.dwelling ?? false) ? CLUSTER_BONUS.householdMax : 2;
  const extraPeople = Math.max(0, crowd.length - household);
  if (extraPeople > 0) {
    // How long the crowd has shared its place: from the first place link to the latest refresh.
    const placeEdges = edges.filter((e) => PLACE_KINDS.has(e.kind));
    const togetherMs = placeEdges.length === 0 ? 0 : Math.max(...placeEdges.map((e) => e.lastMs)) - Math.min(...placeEdges.map((e) => e.firstMs));
    const settled = !placeOnly || togetherMs >= CLUSTER_BONUS.settledAfterMs || (presence?.dwelling ?? false);
    const weight = settled
      ? Math.min(CLUSTER_BONUS.maxPeople, extraPeople * CLUSTER_BONUS.perPerson)
      : Math.min(CLUSTER_BONUS.unsettledMaxPeople, extraPeople * CLUSTER_BONUS.unsettledPerPerson);
    const days = (ms: number): string => `${(ms / 86_400_000).toFixed(1)} days`;
    signals.push({
      id: 'cluster.people', weight,
      title: `${crowd.length} different people's laptops ${placeOnly ? 'in one place' : 'linked'} (a household holds ${household === 2 ? 'two' : 'three'})${excused.length > 0 ? `; ${excused.length} more at workplaces only not counted` : ''}${settled ? ''
        : `; in one place for ${days(togetherMs)} so far, counted half until ${days(CLUSTER_BONUS.settledAfterMs)} (a hotel or an offsite moves on, a farm stays)`}`,
      evidence: crowd,
    });
  }
  signals.sort((a, b) => b.weight - a.weight);
  const score = Math.min(100, signals.reduce((n, s) => n + s.weight, 0));
  return { members: [...members].sort(), people, score, severity: severityFor(score), signals, farmCandidate: people.length >= 2 };
}

/** The counted people at the most crowded shared place value (a gateway, an access point, an address). */
function largestPlaceCrowd(edges: readonly EdgeRecord[], registrations: Map<string, RegistrationRow>, counted: ReadonlySet<string>): string[] {
  const at = new Map<string, Set<string>>();
  for (const e of edges) {
    if (!PLACE_KINDS.has(e.kind)) continue;
    const key = `${e.kind}|${e.valueKey}`;
    let people = at.get(key);
    if (!people) at.set(key, (people = new Set()));
    for (const d of [e.deviceA, e.deviceB]) {
      const person = registrations.get(d)?.assigneeEmail ?? `unregistered:${d}`;
      if (counted.has(person)) people.add(person);
    }
  }
  let best: string[] = [];
  for (const people of at.values()) if (people.size > best.length) best = [...people].sort();
  return best;
}
