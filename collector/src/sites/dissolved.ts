// A cluster alert whose laptops were joined only through a company site's values (its egress,
// its gateway or access points, learned after the alert was raised) is no case any more: once
// those edges are gone and none of its laptops is in a cluster that still makes a case, the alert
// is resolved with a note that says why. A cluster that still holds (a shared home, a KVM, a
// peer) keeps its alert; the engine re-scores it.
import type { AlertChange, Store } from '../store/store.js';
import type { ClusterResult } from '../rules/cluster-score.js';
import { auditTarget } from '../store/audit-target.js';
import { CLUSTER_ALERT_MIN, CLUSTER_RULE } from '../alerts/cluster-alerts.js';

const CLOSED = new Set(['resolved', 'false_positive']);

export function closeDissolvedClusters(store: Store, devices: readonly string[], clusterOf: (deviceId: string) => ClusterResult | undefined, nowMs: number): AlertChange[] {
  const changes: AlertChange[] = [];
  for (const alert of store.alerts.alertsOfMembers(devices, CLUSTER_RULE)) {
    if (CLOSED.has(alert.status)) continue;
    const holds = alert.members.some((m) => {
      const c = clusterOf(m);
      return c !== undefined && c.farmCandidate && c.score >= CLUSTER_ALERT_MIN;
    });
    if (holds) continue;
    store.write(() => {
      store.alerts.setStatus(alert.id, 'resolved', nowMs);
      store.alerts.addNote(alert.id, 'collector', 'resolved: its laptops were linked only through a company site (its egress or equipment); `farmwatch-collector sites list` shows the sites', nowMs);
      store.alerts.audit('collector', 'alert.resolve', auditTarget.alert(alert.id), `${alert.status} -> resolved: linked only through a company site`, nowMs);
    });
    changes.push({ id: alert.id, change: 'updated' });
  }
  return changes;
}
