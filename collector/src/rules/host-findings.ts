// Signals from the laptop's own findings that the remote-access and KVM rules do not cover: a VPN
// client on the laptop (Astrill first), a KVM seen on the laptop's network rather than on its
// ports, a mouse jiggler, a remote-access port that names no tool, and findings of any other
// category. Every finding an agent raises above `info` that nobody sanctioned counts toward the
// laptop's risk (collector/RULES.md, "Host findings"). Pure: the catalog is data.
import { builtinCatalog, ROLE_EVIDENCE_FIELD, type VpnClient } from '@farmwatch/shared';
import type { FindingRow } from '../store/records.js';
import { DEVICE_WEIGHTS, type DeviceSignalId } from './weights.js';
import type { DeviceFacts, RuleConfig, Signal } from './device-rules.js';

/** KVM findings about the laptop's network (a KVM answering on the LAN), not about its ports. */
export const KVM_LAN_DETECTORS: ReadonlySet<string> = new Set(['kvm.mdns', 'kvm.mac_prefix']);

/** Categories with rules of their own; a finding of any other category counts as `finding.other`. */
const RULED_CATEGORIES: ReadonlySet<string> = new Set(['remote_access', 'kvm', 'vpn', 'mouse_jiggler']);

const ALERTING_SEVERITIES: ReadonlySet<string> = new Set(['low', 'medium', 'high', 'critical']);

/**
 * Signals of one family say one thing in several ways: only the strongest counts, the others stay
 * in the explanation with weight 0 (their evidence is the same story). Families inside one rule
 * (an Astrill peer and a VPN peer) are settled where they are computed; these span rules.
 */
export const SIGNAL_FAMILIES: readonly (readonly DeviceSignalId[])[] = [
  // How the laptop's own traffic leaves: its public address and the VPN software on it are two
  // views of one fact (a laptop running Astrill and egressing on Astrill tunnels through Astrill once).
  ['egress.vpn.priority', 'vpn.client.priority', 'egress.vpn', 'egress.hosting', 'vpn.client', 'vpn.other'],
  // A KVM on the laptop's ports says more than one answering somewhere on its LAN.
  ['kvm.present', 'kvm.lan'],
  // The laptop kept looking in use: a jiggler is one way of being never idle.
  ['activity.never_idle', 'mouse_jiggler.present'],
  // Remote access: a named tool says more than a port hint.
  ['remote_access.early', 'remote_access.unsanctioned', 'remote_access.hint'],
];

const signal = (id: DeviceSignalId, title: string, evidence: string[]): Signal => ({ id, weight: DEVICE_WEIGHTS[id], title, evidence });

/** The finding counts: active, above info, not sanctioned by the agent's or the collector's policy. */
export function activeUnsanctioned(x: FindingRow, cfg: Pick<RuleConfig, 'sanctionedTools'>): boolean {
  return x.clearedAtMs === null && !x.sanctioned && ALERTING_SEVERITIES.has(x.severity)
    && !cfg.sanctionedTools.includes(x.catalogEntry) && !cfg.sanctionedTools.includes(x.key);
}

const describe = (x: FindingRow): string => `${x.title} (${x.detector}, first seen ${new Date(x.firstSeenMs).toISOString()})`;

/** The catalog VPN a finding names (its own entry, or one its evidence matched). */
function vpnOf(x: FindingRow): VpnClient | undefined {
  const ids = [x.catalogEntry, ...x.evidence.map((e) => e.catalogEntry ?? '')].filter((id) => id !== '');
  const clients = builtinCatalog().vpnClients ?? [];
  for (const id of ids) {
    const c = clients.find((v) => v.id === id);
    if (c) return c;
  }
  return undefined;
}

const shortName = (c: VpnClient | undefined): string => c?.name?.replace(/\s*\(.*$/, '') ?? c?.id ?? 'a VPN';

function vpnSignals(found: FindingRow[]): Signal[] {
  const vpn = found.filter((x) => x.category === 'vpn');
  if (vpn.length === 0) return [];
  const named = vpn.map((x) => ({ x, c: vpnOf(x) }));
  // The scheme's VPN: the catalog's priority entries, or what an agent with a newer catalog called critical.
  const priority = named.filter(({ x, c }) => c?.priority === 'high' || x.severity === 'critical');
  if (priority.length > 0) {
    return [signal('vpn.client.priority', `${shortName(priority.find((p) => p.c)?.c)} on the laptop`, priority.map(({ x }) => describe(x)))];
  }
  const consumer = named.filter(({ c }) => c?.category === 'consumer-vpn');
  if (consumer.length > 0) return [signal('vpn.client', 'Consumer VPN on the laptop', consumer.map(({ x }) => describe(x)))];
  return [signal('vpn.other', 'VPN client or tunnel on the laptop', vpn.map(describe))];
}

/** A remote-access finding that names no tool: a port some tools list, held by no catalog tool's process. */
function isPortHint(x: FindingRow): boolean {
  const role = x.evidence.find((e) => e.field === ROLE_EVIDENCE_FIELD);
  return x.category === 'remote_access' && x.catalogEntry === '' && role !== undefined && role.value !== 'client';
}

export function hostFindingSignals(f: DeviceFacts, cfg: RuleConfig): Signal[] {
  const found = f.findings.filter((x) => activeUnsanctioned(x, cfg));
  const out = vpnSignals(found);
  const lanKvm = found.filter((x) => x.category === 'kvm' && KVM_LAN_DETECTORS.has(x.detector));
  if (lanKvm.length > 0) out.push(signal('kvm.lan', 'IP-KVM on the laptop\'s network', lanKvm.map(describe)));
  const jigglers = found.filter((x) => x.category === 'mouse_jiggler');
  if (jigglers.length > 0) out.push(signal('mouse_jiggler.present', 'Mouse jiggler plugged in', jigglers.map(describe)));
  const hints = found.filter(isPortHint);
  if (hints.length > 0) out.push(signal('remote_access.hint', 'Remote-access port open or connected, no tool named', hints.map(describe)));
  const other = found.filter((x) => !RULED_CATEGORIES.has(x.category));
  if (other.length > 0) out.push(signal('finding.other', 'Other agent findings', other.map(describe)));
  return out;
}

/** One signal of each family counts (the strongest, the earlier in its family on a tie); the rest stay with weight 0. */
export function oneOfEachFamily(signals: Signal[]): Signal[] {
  const out = [...signals];
  for (const family of SIGNAL_FAMILIES) {
    const members = out.filter((s) => family.includes(s.id) && s.weight > 0);
    if (members.length < 2) continue;
    const strongest = members.reduce((a, b) => (b.weight > a.weight || (b.weight === a.weight && family.indexOf(b.id) < family.indexOf(a.id)) ? b : a));
    for (const s of members) {
      if (s === strongest) continue;
      out[out.indexOf(s)] = { ...s, weight: 0, title: `${s.title} (counted once, with ${strongest.id})` };
    }
  }
  return out;
}
