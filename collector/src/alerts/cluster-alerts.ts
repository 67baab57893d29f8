// A cluster's case: one 'fleet.colocation' alert per cluster of laptops of different people, kept
// as the cluster grows (its members and evidence are replaced).
import type { AlertRecord } from '../store/records.js';
import type { ClusterResult } from '../rules/cluster-score.js';
import type { EdgeRecord } from '../store/fleet-records.js';

export const CLUSTER_RULE = 'fleet.colocation';
/** Clusters score this much at least to be noted at all. */
export const CLUSTER_ALERT_MIN = 10;

export function clusterAlert(c: ClusterResult, edges: EdgeRecord[], existing: { deviceId: string; key: string } | undefined, atMs: number): AlertRecord | undefined {
  if (!c.farmCandidate || c.score < CLUSTER_ALERT_MIN) return undefined;
  const anchor = existing ?? { deviceId: c.members[0] as string, key: `cluster:${c.members[0] as string}` };
  const strongest = c.signals[0]?.title ?? '';
  return {
    deviceId: anchor.deviceId, rule: CLUSTER_RULE, key: anchor.key, severity: c.severity, atMs, newOccurrence: false,
    scope: 'cluster', score: c.score, members: c.members,
    title: `${c.members.length} laptops of ${c.people.length} people co-located (score ${c.score}): ${strongest}`,
    details: {
      members: c.members, people: c.people,
      explanation: c.signals.map((s) => ({ signal: s.id, weight: s.weight, title: s.title, evidence: s.evidence })),
      edges: edges.map((e) => ({ a: e.deviceA, b: e.deviceB, kind: e.kind, value: e.value, firstMs: e.firstMs, lastMs: e.lastMs })),
    },
  };
}
