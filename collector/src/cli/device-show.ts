// `devices show`: one laptop as the collector knows it.
import type { SqliteStore } from '../store/sqlite-store.js';
import type { DeviceView } from '../ops/devices.js';
import { Enricher } from '../enrich/enricher.js';
import { isPublicIp } from '../enrich/ip.js';
import { iso } from './args.js';
import { ago } from './table.js';
import { CLOCK_TOLERANCE_MS } from '../ingest/apply-batch.js';
import { siteOfAddress } from '../sites/ops.js';

/** "3 h 5 min ahead of" / "20 days behind". */
function skew(ms: number): string {
  const a = Math.abs(ms);
  const text = a >= 2 * 86_400_000 ? `${Math.round(a / 86_400_000)} days` : a >= 3_600_000 ? `${Math.floor(a / 3_600_000)} h ${Math.round((a % 3_600_000) / 60_000)} min` : `${Math.round(a / 60_000)} min`;
  return `${text} ${ms > 0 ? 'ahead of' : 'behind'}`;
}

/** The agent's CPU with the span it covers: "0.7% of a core over 60 s, measured 1m ago". */
export function agentCpu(d: { cpuPermille: number | null; cpuWindowS: number | null; cpuAtMs: number | null }, nowMs = Date.now()): string {
  if (d.cpuPermille === null) return 'not reported yet';
  const pct = `${(d.cpuPermille / 10).toFixed(1)}% of a core`;
  const at = d.cpuAtMs === null ? '' : `, measured ${ago(d.cpuAtMs, nowMs)}`;
  return d.cpuWindowS ? `${pct} over ${d.cpuWindowS} s${at}` : `${pct} since its previous report (an older agent)${at}`;
}

export function showDevice(store: SqliteStore, v: DeviceView, json: boolean): number {
  const d = v.device;
  const egress = d?.publicIp && isPublicIp(d.publicIp) ? new Enricher().lookup(d.publicIp) : undefined;
  const site = siteOfAddress(store, d?.publicIp ?? '');
  const detail = {
    device: d ? { ...d, state: v.state } : { id: v.id, state: v.state },
    demo: v.demo,
    egress: egress ?? null,
    site: site ?? null,
    registration: v.registration,
    sensors: d ? store.sensorStates(d.id) : [],
    findings: d ? store.findings(d.id) : [],
    inventory: d ? store.inventory(d.id) : [],
    observations: d ? store.fleet.observations(d.id) : [],
    certificates: store.registry.certificates(v.id),
    alerts: store.listAlerts({ deviceId: v.id, limit: 50 }),
  };
  if (json) {
    process.stdout.write(JSON.stringify(detail, null, 2) + '\n');
    return 0;
  }
  const r = v.registration;
  const out: string[] = [];
  out.push(d ? `${d.hostname} (${v.id}), ${d.osName} ${d.osVersion}, agent ${d.agentVersion}, catalog ${d.catalogVersion}` : `${v.id}: registered, not enrolled yet`);
  if (r) out.push(`  registered ${iso(r.registeredMs)} by ${r.registeredBy}: serial ${r.serial}, ${r.assigneeName} <${r.assigneeEmail}>, ship to ${r.shipTo}, ${r.timeZone}`);
  if (v.demo) out.push('  demo laptop: simulated by `npm run demo`; `farmwatch-collector devices purge-demo` removes every demo laptop');
  out.push(`  state ${v.state}${r?.enrolledMs ? `, enrolled ${iso(r.enrolledMs)}` : ''}${r?.revokedMs ? `, revoked ${iso(r.revokedMs)}` : ''}`);
  if (d) {
    out.push(`  last seen ${ago(d.lastSeenMs)} from ${d.publicIp || d.lastPeer}; RTT ${d.rttMs ?? '?'} ms; time zone ${d.timeZone || '?'}; ` +
      `${d.stoppedAtMs ? `stopped ${ago(d.stoppedAtMs)} (${d.stopReason ?? ''})` : 'reporting'}; ${d.lastSequence} events; ` +
      `agent RSS ${d.rssBytes === null ? '?' : `${Math.round(d.rssBytes / 1048576)} MB`}, agent CPU ${agentCpu(d)}`);
    if (Math.abs(d.clockSkewMs) > CLOCK_TOLERANCE_MS) out.push(`  clock ${skew(d.clockSkewMs)} the collector's at its last Hello (its times are corrected)`);
  }
  if (egress) {
    const g = egress.geo;
    out.push(`  public IP ${egress.ip}: ${g ? [g.city, g.region, g.countryCode].filter(Boolean).join(', ') : 'unknown place'}` +
      `${egress.asn ? `, AS${egress.asn} ${egress.org ?? ''}` : ''}${egress.network.kind !== 'other' ? `, ${egress.network.kind}: ${egress.network.name}` : ''}`);
  }
  if (site) out.push(`  at site ${site.name}: a company place (its egress is no location and links no laptop)`);
  out.push('', 'Alerts:');
  if (detail.alerts.length === 0) out.push('  none');
  for (const a of detail.alerts) out.push(`  #${a.id} [${a.severity}] ${a.status} ${a.title}`);
  out.push('', 'Findings:');
  if (detail.findings.length === 0) out.push('  none');
  for (const f of detail.findings) {
    out.push(`  [${f.severity}] ${f.title} (${f.detector}/${f.key})${f.sanctioned ? ' sanctioned' : ''}${f.clearedAtMs ? ` gone ${ago(f.clearedAtMs)}` : ''}`);
  }
  out.push('', 'Co-location observations:');
  if (detail.observations.length === 0) out.push('  none');
  for (const o of detail.observations) out.push(`  ${o.kind.padEnd(18)} ${o.value}  ${o.count}x, ${iso(o.firstSeenMs)} .. ${iso(o.lastSeenMs)}`);
  out.push('', 'Sensors:');
  if (detail.sensors.length === 0) out.push('  none');
  for (const s of detail.sensors) out.push(`  ${s.sensor.padEnd(20)} ${s.status.padEnd(12)} ${s.status === 'ok' ? `${s.items} items` : s.reason}`);
  out.push('', 'Inventory:');
  if (detail.inventory.length === 0) out.push('  none');
  for (const i of detail.inventory) out.push(`  ${i.kind.padEnd(18)} ${i.summary}`);
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}
