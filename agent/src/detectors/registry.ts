// Every detector over host facts, declared once: its id, the finding ids it emits, the facts it
// needs and the facts it also reads, and the function. `detect` (scan, inspect, the running agent)
// runs this table in order; the function's argument is typed to the facts it declares, so reading
// another part of the host facts does not compile, and agent/test/declarations.test.ts checks at
// run time that it reads nothing else and that the running agent schedules a sensor for each.
import type { Catalog } from '@farmwatch/shared';
import type { Platform } from '@farmwatch/proto';
import type { FactKey, HostFacts } from '../sensors/registry.js';
import type { HostPlatform } from '../sensors/sensor.js';
import type { Finding } from './finding.js';
import type { Policy } from './policy.js';
import { detectRemoteAccessProcesses, DETECTOR_ID as REMOTE_ACCESS_PROCESS } from './remote-access-process.js';
import { detectRemoteAccessInstalled, REMOTE_ACCESS_INSTALLED } from './remote-access-installed.js';
import { detectRemoteAccessNetwork, REMOTE_ACCESS_NETWORK } from './remote-access-network.js';
import { detectRemoteSessions, REMOTE_ACCESS_SESSION } from './remote-access-sessions.js';
import { detectKvmUsbIdentity, KVM_USB_IDENTITY } from './kvm-usb-identity.js';
import { detectKvmUsbStructure, KVM_USB_STRUCTURE } from './kvm-usb-structure.js';
import { detectMouseJigglers, MOUSE_JIGGLER } from './mouse-jiggler.js';
import { detectKvmEdid, KVM_EDID } from './kvm-edid.js';
import { detectKvmMacPrefixes, detectKvmMdns, KVM_MAC_PREFIX, KVM_MDNS } from './kvm-network.js';
import { detectVpnDns, VPN_DNS } from './vpn-dns.js';
import { detectNameConfig, detectRelayPorts, REMOTE_ACCESS_HOSTS, REMOTE_ACCESS_PORT, REMOTE_ACCESS_RELAY } from './remote-access-relays.js';
import { detectVpn, VPN_CLIENT, VPN_FULL_TUNNEL, VPN_TUNNEL } from './vpn.js';
import { detectNetworkFlows, DETECTOR_ID as NETWORK_FLOW } from './network-flows.js';

export interface DetectorContext {
  catalog: Catalog;
  policy: Policy;
  platform: Platform;
}

export interface DetectorDeclaration {
  id: string;
  /** The `detector` ids of the findings it makes. */
  emits: readonly string[];
  /** Facts it cannot run without: it is skipped unless every one is there. */
  needs: readonly FactKey[];
  /** Facts it reads when they are there. A detector runs only when at least one of its facts is there. */
  uses: readonly FactKey[];
  /** The laptops the running agent feeds it on (where sensors give its facts). */
  platforms: readonly HostPlatform[];
  detect(facts: HostFacts, ctx: DetectorContext): Finding[];
}

const ALL: readonly HostPlatform[] = ['linux', 'darwin', 'win32'];

/** A declaration whose function sees only the facts it declares (needed ones present). */
function detector<N extends FactKey = never, U extends FactKey = never>(d: {
  id: string;
  emits: readonly string[];
  needs?: readonly N[];
  uses?: readonly U[];
  platforms?: readonly HostPlatform[];
  detect(facts: Required<Pick<HostFacts, N>> & Pick<HostFacts, U>, ctx: DetectorContext): Finding[];
}): DetectorDeclaration {
  return {
    id: d.id, emits: d.emits, needs: d.needs ?? [], uses: d.uses ?? [], platforms: d.platforms ?? ALL,
    detect: (facts, ctx) => d.detect(facts as Required<Pick<HostFacts, N>> & Pick<HostFacts, U>, ctx),
  };
}

/** The laptop's own addresses (without prefix lengths), to tell inbound flows from outbound. */
export function localAddresses(facts: Pick<HostFacts, 'interfaces'>): string[] {
  return (facts.interfaces ?? []).flatMap((i) => i.addresses.map((a) => a.split('/')[0] ?? a));
}

export const DETECTORS: readonly DetectorDeclaration[] = [
  detector({
    id: REMOTE_ACCESS_PROCESS, emits: [REMOTE_ACCESS_PROCESS], needs: ['processes'],
    detect: (f, c) => detectRemoteAccessProcesses(f.processes, c.catalog, c.policy, c.platform),
  }),
  detector({
    id: REMOTE_ACCESS_INSTALLED, emits: [REMOTE_ACCESS_INSTALLED], uses: ['services', 'apps'],
    detect: (f, c) => detectRemoteAccessInstalled(f.services ?? [], f.apps ?? [], c.catalog, c.policy, c.platform),
  }),
  detector({
    id: REMOTE_ACCESS_NETWORK, emits: [REMOTE_ACCESS_NETWORK], needs: ['sockets'], uses: ['processes'],
    detect: (f, c) => detectRemoteAccessNetwork(f.sockets, f.processes ?? [], c.catalog, c.policy, c.platform),
  }),
  detector({
    id: REMOTE_ACCESS_SESSION, emits: [REMOTE_ACCESS_SESSION], needs: ['sessions'],
    detect: (f, c) => detectRemoteSessions(f.sessions, c.policy),
  }),
  detector({ id: KVM_USB_IDENTITY, emits: [KVM_USB_IDENTITY], needs: ['usb'], detect: (f, c) => detectKvmUsbIdentity(f.usb, c.catalog) }),
  detector({ id: KVM_USB_STRUCTURE, emits: [KVM_USB_STRUCTURE], needs: ['usb'], detect: (f) => detectKvmUsbStructure(f.usb) }),
  detector({ id: MOUSE_JIGGLER, emits: [MOUSE_JIGGLER], needs: ['usb'], detect: (f, c) => detectMouseJigglers(f.usb, c.catalog) }),
  detector({ id: KVM_EDID, emits: [KVM_EDID], needs: ['displays'], detect: (f, c) => detectKvmEdid(f.displays, c.catalog) }),
  detector({ id: KVM_MDNS, emits: [KVM_MDNS], needs: ['mdns'], detect: (f, c) => detectKvmMdns(f.mdns, c.catalog) }),
  detector({ id: KVM_MAC_PREFIX, emits: [KVM_MAC_PREFIX], needs: ['network'], detect: (f, c) => detectKvmMacPrefixes(f.network.neighbours, c.catalog) }),
  detector({
    id: VPN_DNS, emits: [VPN_DNS], needs: ['network'], uses: ['interfaces'],
    detect: (f, c) => detectVpnDns(f.network, f.interfaces ?? [], c.catalog, c.policy, c.platform),
  }),
  detector({
    id: 'remote_access.name_config', emits: [REMOTE_ACCESS_HOSTS, REMOTE_ACCESS_RELAY], needs: ['nameConfig'],
    detect: (f, c) => detectNameConfig(f.nameConfig, c.catalog, c.policy),
  }),
  detector({
    id: REMOTE_ACCESS_PORT, emits: [REMOTE_ACCESS_PORT], needs: ['sockets'], uses: ['processes'],
    detect: (f, c) => detectRelayPorts(f.sockets, f.processes ?? [], c.catalog, c.policy, c.platform),
  }),
  detector({
    id: 'vpn', emits: [VPN_CLIENT, VPN_TUNNEL, VPN_FULL_TUNNEL], uses: ['processes', 'services', 'apps', 'interfaces', 'network', 'sockets'],
    detect: (f, c) => detectVpn(f, c.catalog, c.policy, c.platform),
  }),
  detector({
    // Live capture is Linux and macOS only (the packets sensor); `pcap FILE` and `inspect` feed it on any.
    id: NETWORK_FLOW, emits: [NETWORK_FLOW], needs: ['packets'], uses: ['interfaces'], platforms: ['linux', 'darwin'],
    detect: (f, c) => detectNetworkFlows(f.packets.flows, c.catalog, c.policy, { localAddresses: localAddresses(f) }),
  }),
];

/** Whether a detector has the facts it runs on. */
export function runsOn(d: DetectorDeclaration, facts: HostFacts): boolean {
  return d.needs.every((k) => facts[k] !== undefined) && [...d.needs, ...d.uses].some((k) => facts[k] !== undefined);
}
