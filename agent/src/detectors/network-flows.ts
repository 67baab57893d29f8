// Findings from classified network flows: VPN tunnels ("OpenVPN tunnel to 203.0.113.7:1194"),
// remote-access sessions ("inbound RDP from 198.51.100.9"), inbound SSH, and lookups of catalog
// remote-access domains; plus the remote peers' addresses for the collector to enrich. Pure: flows,
// catalog, policy and the laptop's own addresses in, findings out.
import type { Catalog } from '@farmwatch/shared';
import { ObservationKind, type Observation } from '@farmwatch/proto';
import type { FlowSummary } from '../packets/flows/flow-table.js';
import { PROTOCOL_NAMES } from '../packets/classify/types.js';
import { isInternetAddress } from '../packets/decode/address.js';
import type { Evidence, Finding, Policy, SeverityName } from './finding.js';

export const DETECTOR_ID = 'network.flow';

/** How many flows a finding lists as evidence. */
const MAX_FLOWS_IN_EVIDENCE = 3;

export interface FlowContext {
  /** The laptop's own addresses, to tell inbound from outbound. Unknown: flows are read as
   *  outbound (the laptop is the client), which is what a capture on the laptop mostly holds. */
  localAddresses?: readonly string[];
}

type Direction = 'inbound' | 'outbound';

function directionOf(f: FlowSummary, ctx: FlowContext): Direction {
  const local = ctx.localAddresses;
  if (local?.includes(f.server.ip) && !local.includes(f.client.ip)) return 'inbound';
  return 'outbound';
}

function endText(e: { ip: string; port: number }): string {
  const ip = e.ip.includes(':') ? `[${e.ip}]` : e.ip;
  return e.port ? `${ip}:${e.port}` : ip;
}

const IPSEC = new Set(['ike', 'ipsec_esp']);
// DTLS labelled a tunnel is an SSL VPN's data channel (AnyConnect, GlobalProtect, FortiClient).
const VPN_NAMES: Partial<Record<string, string>> = { dtls: 'SSL VPN (DTLS)' };

// Tools that reach the laptop through a vendor relay: outbound traffic is how the laptop is driven.
const RELAYED = new Set(['teamviewer', 'anydesk', 'rustdesk', 'tailscale']);

interface Draft {
  key: string;
  category: 'vpn' | 'remote_access';
  severity: SeverityName;
  title: string;
  catalogEntry?: string;
  flows: FlowSummary[];
}

function toolName(catalog: Catalog, id: string): string {
  return catalog.remoteAccess?.find((t) => t.id === id)?.name ?? id;
}

function draftOf(f: FlowSummary, catalog: Catalog, ctx: FlowContext): Draft | undefined {
  const l = f.label;
  const dir = directionOf(f, ctx);
  const entry = l.catalog?.entryId;
  const name = entry && (l.protocol === 'tls' || l.protocol === 'http' || l.protocol === 'dns' || l.protocol === 'dtls')
    ? toolName(catalog, entry) : VPN_NAMES[l.protocol] ?? PROTOCOL_NAMES[l.protocol];
  if (l.kind === 'vpn' && IPSEC.has(l.protocol)) {
    // IKE on UDP 500, then IKE and ESP on 4500 or ESP on its own protocol: one IPsec tunnel.
    const peer = dir === 'inbound' ? f.client.ip : f.server.ip;
    return { key: `ipsec:${dir === 'inbound' ? 'in:' : ''}${peer}`, category: 'vpn', severity: 'medium', title: `${dir === 'inbound' ? 'inbound ' : ''}IPsec tunnel ${dir === 'inbound' ? 'from' : 'to'} ${peer}`, catalogEntry: entry, flows: [f] };
  }
  if (l.kind === 'vpn') {
    if (dir === 'inbound') return { key: `${l.protocol}:in:${f.client.ip}`, category: 'vpn', severity: 'medium', title: `inbound ${name} tunnel from ${f.client.ip}`, catalogEntry: entry, flows: [f] };
    return { key: `${l.protocol}:${endText(f.server)}`, category: 'vpn', severity: 'medium', title: `${name} tunnel to ${endText(f.server)}`, catalogEntry: entry, flows: [f] };
  }
  if (l.kind === 'remote_access') {
    if (dir === 'inbound') return { key: `${l.protocol}:in:${f.client.ip}`, category: 'remote_access', severity: 'high', title: `inbound ${name} from ${f.client.ip}`, catalogEntry: entry, flows: [f] };
    const relayed = RELAYED.has(l.protocol) || entry !== undefined;
    return {
      key: `${entry ?? l.protocol}:${f.server.ip}`, category: 'remote_access', severity: relayed ? 'medium' : 'low',
      title: relayed ? `${name} session through ${endText(f.server)}` : `outbound ${name} to ${endText(f.server)}`, catalogEntry: entry, flows: [f],
    };
  }
  if (l.kind === 'remote_shell' && dir === 'inbound') {
    return { key: `${l.protocol}:in:${f.client.ip}`, category: 'remote_access', severity: 'low', title: `inbound ${name} from ${f.client.ip}`, flows: [f] };
  }
  if (l.catalog?.via === 'ip') {
    // Whatever the protocol, the server is an address the catalog lists for a tool.
    return {
      key: `${l.catalog.entryId}:${f.server.ip}`, category: l.catalog.kind === 'vpn' ? 'vpn' : 'remote_access', severity: 'low',
      title: `connection to ${endText(f.server)}, an address of ${toolName(catalog, l.catalog.entryId)}`, catalogEntry: l.catalog.entryId, flows: [f],
    };
  }
  if (l.protocol === 'dns' && l.catalog) {
    return {
      key: `dns:${l.catalog.entryId}`, category: l.catalog.kind === 'vpn' ? 'vpn' : 'remote_access', severity: 'low',
      title: `DNS lookup of ${toolName(catalog, l.catalog.entryId)} domains`, catalogEntry: l.catalog.entryId, flows: [f],
    };
  }
  return undefined;
}

function evidenceOf(d: Draft): Evidence[] {
  const ev: Evidence[] = [];
  for (const f of d.flows.slice(0, MAX_FLOWS_IN_EVIDENCE)) {
    const l = f.label;
    ev.push({ field: 'flow', value: `${f.transport} ${endText(f.client)} -> ${endText(f.server)}` });
    ev.push({ field: 'flow.protocol', value: `${l.protocol} (${l.confidence}%)` });
    for (const feature of l.features) ev.push({ field: 'flow.feature', value: feature });
    if (l.catalog) ev.push({ field: l.catalog.via, value: l.catalog.value, catalogEntry: l.catalog.entryId, matched: l.catalog.pattern });
  }
  if (d.flows.length > MAX_FLOWS_IN_EVIDENCE) ev.push({ field: 'flow.count', value: String(d.flows.length) });
  return ev;
}

export function detectNetworkFlows(flows: readonly FlowSummary[], catalog: Catalog, policy: Policy, ctx: FlowContext = {}): Finding[] {
  const drafts = new Map<string, Draft>();
  for (const f of flows) {
    const d = draftOf(f, catalog, ctx);
    if (!d) continue;
    const seen = drafts.get(d.key);
    if (seen) seen.flows.push(f);
    else drafts.set(d.key, d);
  }
  const findings: Finding[] = [];
  for (const d of drafts.values()) {
    const sanctioned = policy.sanctionedTools.includes(d.catalogEntry ?? '') || policy.sanctionedTools.includes(d.flows[0]?.label.protocol ?? '');
    const finding: Finding = {
      detector: DETECTOR_ID, key: d.key, category: d.category,
      severity: sanctioned ? 'info' : d.severity,
      confidence: Math.max(...d.flows.map((f) => f.label.confidence)),
      title: `${d.title}${sanctioned ? ' (sanctioned by policy)' : ''}`,
      evidence: evidenceOf(d), sanctioned,
    };
    if (d.catalogEntry) finding.catalogEntry = d.catalogEntry;
    findings.push(finding);
  }
  return findings.sort((a, b) => a.key.localeCompare(b.key));
}

/** Public addresses of tunnel and remote-access peers, for the collector's GeoIP/ASN/VPN
 *  enrichment (events.proto OBSERVATION_KIND_REMOTE_PEER_IP, sent as text). Private, loopback and
 *  link-local peers are left out: there is nothing to enrich. */
export function remotePeerObservations(flows: readonly FlowSummary[], ctx: FlowContext = {}): Observation[] {
  const out = new Map<string, Observation>();
  for (const f of flows) {
    const k = f.label.kind;
    const inbound = directionOf(f, ctx) === 'inbound';
    if (!(k === 'vpn' || k === 'remote_access' || (k === 'remote_shell' && inbound) || f.label.catalog?.via === 'ip')) continue;
    const peer = inbound ? f.client.ip : f.server.ip;
    if (!isInternetAddress(peer)) continue;
    const via = f.label.catalog?.entryId ?? f.label.protocol;
    out.set(`${peer} ${via}`, { kind: ObservationKind.OBSERVATION_KIND_REMOTE_PEER_IP, value: peer, via });
  }
  return [...out.values()].sort((a, b) => `${a.value} ${a.via}`.localeCompare(`${b.value} ${b.via}`));
}
