// Turns a device's risk and its cluster's score into alerts: one 'device.risk' alert per device
// (updated as its signals change) and one 'fleet.colocation' alert per cluster of laptops of
// different people (kept as the cluster grows: its members and evidence are replaced).
import type { AlertRecord } from '../store/records.js';
import type { RiskResult } from '../rules/device-rules.js';
import type { ClusterResult } from '../rules/cluster-score.js';
import type { EdgeRecord } from '../store/fleet-records.js';

export const RISK_RULE = 'device.risk';
export const CLUSTER_RULE = 'fleet.colocation';
/** Scores below this raise no device alert (one weak signal alone is not worth an analyst's time). */
export const RISK_ALERT_MIN = 15;
/** Clusters score this much at least to be noted at all. */
export const CLUSTER_ALERT_MIN = 10;

/**
 * The device's risk alert: raised from RISK_ALERT_MIN on; once raised, kept up to date as signals
 * come and go (also below the threshold, so it never shows a stale score).
 */
export function riskAlert(deviceId: string, risk: RiskResult, atMs: number, exists = false): AlertRecord | undefined {
  if (risk.score < RISK_ALERT_MIN && !exists) return undefined;
  return {
    deviceId, rule: RISK_RULE, key: 'risk', severity: risk.severity, atMs, newOccurrence: false, scope: 'device', score: risk.score,
    title: risk.signals.length > 0 ? `Risk ${risk.score}: ${risk.signals.map((s) => s.title).slice(0, 3).join('; ')}` : 'Risk 0: no signal any more',
    details: { explanation: risk.signals.map((s) => ({ signal: s.id, weight: s.weight, title: s.title, evidence: s.evidence })) },
  };
}

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
