// A laptop's timeline, newest first: what the agent reported changing (findings appearing and
// going, USB devices and displays attached or removed, stops, dropped events), values the fleet
// correlates first seen (a new public IP, Wi-Fi, gateway, remote-access peer), its alerts, what
// people did (registration, enrollment, revocation, alert actions), from the stored rows.
import { DropReason, InventoryOp, Severity, StopReason, enumName, pb } from '@farmwatch/proto';
import type { Store } from '../../store/store.js';
import { inventoryKey } from '../../ingest/inventory-keys.js';
import { auditTarget, parseAuditTarget } from '../../store/audit-target.js';
import { analystOnly } from '../analyst-only.js';

export interface TimelineEntry {
  atMs: number;
  kind: 'finding' | 'finding_cleared' | 'inventory' | 'stopped' | 'dropped' | 'observation' | 'alert' | 'audit' | 'registration' | 'certificate';
  title: string;
  detail: string;
  severity?: string;
  /** The alert an entry is about (opens it in the console). */
  alertId?: number;
}

const OBSERVATION_NAMES: Record<string, string> = {
  public_ip: 'public IP', wifi_bssid: 'Wi-Fi access point', gateway_mac: 'default gateway', lan_neighbour_mac: 'LAN neighbour',
  kvm_identity: 'KVM identity', remote_peer_id: 'remote-access peer id', remote_peer_ip: 'remote-access peer address',
  input_language: 'keyboard language', remote_relay_ip: 'remote-access relay',
};

function fromEvents(store: Store, deviceId: string, limit: number): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const row of store.views.changeEvents(deviceId, Number.MAX_SAFE_INTEGER, limit)) {
    let e;
    try {
      e = pb.Event.decode(row.body);
    } catch {
      continue;
    }
    const atMs = row.observedAtMs || row.receivedAtMs;
    if (e.finding) {
      const f = e.finding;
      const evidence = (f.evidence ?? []).map((x) => `${x.field ?? ''} = ${x.value ?? ''}`).join('; ');
      out.push({ atMs, kind: 'finding', title: f.title ?? `${f.detector ?? ''}/${f.key ?? ''}`, detail: `${f.detector ?? ''}/${f.key ?? ''}${f.sanctioned ? ' (sanctioned)' : ''}${evidence ? `: ${evidence}` : ''}`, severity: enumName(Severity, f.severity) });
    } else if (e.findingCleared) {
      out.push({ atMs, kind: 'finding_cleared', title: 'Finding gone', detail: `${e.findingCleared.detector ?? ''}/${e.findingCleared.key ?? ''}` });
    } else if (e.inventoryChange?.item) {
      const key = inventoryKey(e.inventoryChange.item);
      if (!key) continue;
      const removed = e.inventoryChange.op === InventoryOp.INVENTORY_OP_REMOVED;
      out.push({ atMs, kind: 'inventory', title: `${key.kind.replace(/_/g, ' ')} ${removed ? 'removed' : 'present'}`, detail: key.summary });
    } else if (e.stopped) {
      out.push({ atMs, kind: 'stopped', title: `Agent stopped (${enumName(StopReason, e.stopped.reason)})`, detail: e.stopped.detail ?? '' });
    } else if (e.dropped) {
      const d = e.dropped;
      out.push({ atMs, kind: 'dropped', title: `Agent dropped ${d.count ?? 0} event(s) (${enumName(DropReason, d.reason)})`, detail: `sequences ${d.firstSequence ?? 0}..${d.lastSequence ?? 0}, ${d.bytes ?? 0} bytes` });
    }
  }
  return out;
}

export function deviceTimeline(store: Store, deviceId: string, limit: number): TimelineEntry[] {
  const entries: TimelineEntry[] = fromEvents(store, deviceId, limit);
  const reg = store.registry.registration(deviceId);
  if (reg) entries.push({ atMs: reg.registeredMs, kind: 'registration', title: `Registered by ${reg.registeredBy}`, detail: `serial ${reg.serial}, ${reg.assigneeName} <${reg.assigneeEmail}>, ship to ${reg.shipTo}` });
  for (const c of store.registry.certificates(deviceId)) {
    entries.push({ atMs: c.issuedMs, kind: 'certificate', title: 'Client certificate issued', detail: `serial ${c.serial}, valid until ${new Date(c.notAfterMs).toISOString()}` });
    if (c.revokedMs !== null) entries.push({ atMs: c.revokedMs, kind: 'certificate', title: 'Client certificate revoked', detail: `serial ${c.serial}: ${c.revokeReason ?? ''}` });
  }
  for (const o of store.fleet.observations(deviceId)) {
    entries.push({ atMs: o.firstSeenMs, kind: 'observation', title: `New ${OBSERVATION_NAMES[o.kind] ?? o.kind.replace(/_/g, ' ')}`, detail: `${o.value}${o.via ? ` (via ${o.via})` : ''}` });
  }
  const alerts = store.listAlerts({ deviceId, includeSuppressed: true, sort: 'recent', limit: 200 });
  for (const a of alerts) entries.push({ atMs: a.firstSeenMs, kind: 'alert', title: `Alert #${a.id} raised`, detail: a.title, severity: a.severity, alertId: a.id });
  const targets = [auditTarget.device(deviceId), auditTarget.enrollToken(deviceId), ...alerts.map((a) => auditTarget.alert(a.id))];
  for (const r of store.views.auditFor(targets, limit)) {
    if (r.action === 'device.register') continue; // the registration entry says it
    const about = parseAuditTarget(r.target);
    const alertId = about?.kind === 'alert' ? Number(about.id) : undefined;
    const entry: TimelineEntry = { atMs: r.atMs, kind: 'audit', title: `${r.action} by ${r.actor}`, detail: `${alertId ? `alert #${alertId}: ` : ''}${r.detail}`, ...(alertId ? { alertId } : {}) };
    // What someone did to an alert (its notes, who it went to) is for the alert readers only.
    entries.push(alertId ? analystOnly(entry) : entry);
  }
  return entries.sort((a, b) => b.atMs - a.atMs).slice(0, limit);
}
