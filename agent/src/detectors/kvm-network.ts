// IP-KVMs on the laptop's network rather than on its ports: a host answering to a catalog mDNS
// name (pikvm.local, tinypilot.local, jetkvm.local, glkvm.local, ...), and a neighbour whose MAC
// address carries a prefix the catalog gives a KVM vendor. Such a KVM may be driving another
// machine on the same LAN: the finding is about co-location, so it is medium at most.
import type { Catalog, KvmDevice } from '@farmwatch/shared';
import type { MdnsAnswerFact } from '../sensors/mdns/types.js';
import type { NeighbourFact } from '../sensors/routes/types.js';
import type { Finding } from './finding.js';

export const KVM_MDNS = 'kvm.mdns';
export const KVM_MAC_PREFIX = 'kvm.mac_prefix';

const short = (k: KvmDevice): string => k.name?.replace(/\s*\(.*$/, '') ?? k.id ?? '';

export function detectKvmMdns(answers: readonly MdnsAnswerFact[], catalog: Catalog): Finding[] {
  const findings: Finding[] = [];
  for (const a of answers) {
    const kvm = (catalog.kvmDevices ?? []).find((k) => (k.mdnsNames ?? []).includes(a.name));
    if (!kvm) continue;
    findings.push({
      detector: KVM_MDNS, key: `${a.name}:${a.address}`, category: 'kvm', severity: 'medium', confidence: 75,
      title: `A ${short(kvm)} answers as ${a.name} on this laptop's network (${a.address})`,
      evidence: [
        { field: 'mdns.name', value: a.name, catalogEntry: kvm.id ?? '', matched: a.name },
        { field: 'mdns.address', value: a.address },
        { field: 'mdns.interface', value: a.interface },
      ],
      catalogEntry: kvm.id ?? '', sanctioned: false,
    });
  }
  return findings;
}

export function detectKvmMacPrefixes(neighbours: readonly NeighbourFact[], catalog: Catalog): Finding[] {
  const prefixes = new Map<string, KvmDevice>();
  for (const k of catalog.kvmDevices ?? []) for (const p of k.macPrefixes ?? []) prefixes.set(p.toLowerCase(), k);
  const findings: Finding[] = [];
  for (const n of neighbours) {
    const mac = n.mac.toLowerCase().replace(/-/g, ':');
    const kvm = prefixes.get(mac.slice(0, 8));
    if (!kvm) continue;
    findings.push({
      detector: KVM_MAC_PREFIX, key: mac, category: 'kvm', severity: 'low', confidence: 55,
      title: `A neighbour on ${n.interface} (${n.ip}) has a ${short(kvm)} MAC address prefix`,
      evidence: [
        { field: 'neighbour.mac_prefix', value: mac.slice(0, 8), catalogEntry: kvm.id ?? '', matched: mac.slice(0, 8) },
        { field: 'neighbour.ip', value: n.ip },
        { field: 'neighbour.interface', value: n.interface },
      ],
      catalogEntry: kvm.id ?? '', sanctioned: false,
    });
  }
  return findings;
}
