// The clusters of the co-location graph as analysts see them: members with their people, score,
// signals and every edge with its evidence and time span.
import type { Collector } from '../app.js';
import type { ClusterResult } from '../rules/cluster-score.js';
import type { EdgeRecord } from '../store/fleet-records.js';

export interface ClusterView extends ClusterResult {
  id: string;
  edges: EdgeRecord[];
  devices: { id: string; hostname: string; assignee: string; serial: string }[];
}

export function clusterViews(c: Collector | { fleet: Collector['fleet']; store: Collector['store'] }): ClusterView[] {
  const out: ClusterView[] = [];
  for (const members of c.fleet.index.uf.components()) {
    const first = [...members].sort()[0] as string;
    const cl = c.fleet.clusterOf(first);
    if (!cl) continue;
    out.push({
      id: `cluster:${first}`, ...cl.result, edges: cl.edges,
      devices: cl.result.members.map((id) => {
        const r = c.store.registry.registration(id);
        return { id, hostname: c.store.device(id)?.hostname ?? '', assignee: r ? `${r.assigneeName} <${r.assigneeEmail}>` : '', serial: r?.serial ?? '' };
      }),
    });
  }
  return out.sort((a, b) => b.score - a.score || b.members.length - a.members.length);
}
