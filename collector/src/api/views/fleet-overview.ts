// The fleet at a glance: open alerts by severity (and how many are farm clusters), alerts raised
// over time by severity, and the agents: online, silent (heartbeat lost), stopped, never reported.
import type { Collector } from '../../app.js';
import { deviceViews } from '../../ops/devices.js';
import { agentStatus, type AgentStatus } from './device-health.js';

export const RANGES = { '24h': { spanMs: 86_400_000, bucketMs: 3_600_000 }, '7d': { spanMs: 7 * 86_400_000, bucketMs: 86_400_000 }, '30d': { spanMs: 30 * 86_400_000, bucketMs: 86_400_000 } } as const;
export type Range = keyof typeof RANGES;
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;

export function fleetOverview(c: Collector, range: Range, nowMs = Date.now()) {
  const store = c.store;
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, { open: 0, acknowledged: 0, resolved: 0, false_positive: 0 }]));
  let farmClusters = 0;
  for (const r of store.views.alertCounts()) {
    const row = bySeverity[r.severity] as Record<string, number> | undefined;
    if (row) row[r.status] = (row[r.status] ?? 0) + r.n;
    if (r.scope === 'cluster' && (r.status === 'open' || r.status === 'acknowledged') && r.severity !== 'info') farmClusters += r.n;
  }
  const { spanMs, bucketMs } = RANGES[range];
  // Buckets aligned on whole hours / days (UTC), the last one holding now.
  const since = Math.floor((nowMs - spanMs) / bucketMs) * bucketMs + bucketMs;
  const buckets = Array.from({ length: Math.round(spanMs / bucketMs) }, (_, i) => ({ startMs: since + i * bucketMs, ...Object.fromEntries(SEVERITIES.map((s) => [s, 0])) })) as ({ startMs: number } & Record<string, number>)[];
  for (const t of store.views.alertTrend(since, bucketMs)) {
    const b = buckets.find((x) => x.startMs === t.startMs);
    if (b) b[t.severity] = (b[t.severity] ?? 0) + t.n;
  }
  const agents: Record<AgentStatus | 'revoked', number> = { online: 0, silent: 0, stopped: 0, never_reported: 0, not_enrolled: 0, revoked: 0 };
  const silentAfter = c.fleet.rules.silentAfterMs;
  const connected = c.live.connectedDevices();
  for (const v of deviceViews(store, nowMs)) {
    if (v.state === 'revoked') {
      agents.revoked++;
      continue;
    }
    agents[agentStatus(v.device, connected.has(v.id), silentAfter, nowMs)]++;
  }
  return { nowMs, range, bucketMs, bySeverity, farmClusters, trend: buckets, agents, silentAfterMs: silentAfter };
}
