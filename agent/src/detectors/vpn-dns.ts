// Resolvers that sit inside a tunnel: a DNS server address within a tunnel interface's own
// network, or one the catalog names for a VPN (Tailscale's 100.100.100.100). Name lookups then
// leave through the VPN too, and name the client when the catalog knows the address.
import { appliesTo, compileGlob, type Catalog, type VpnClient } from '@farmwatch/shared';
import type { Platform } from '@farmwatch/proto';
import type { NetworkInterfaceFact } from '../sensors/network/types.js';
import type { NetworkStateFact } from '../sensors/routes/types.js';
import type { Evidence, Finding } from './finding.js';
import type { Policy } from './policy.js';
import { ipInCidr } from './cidr.js';

export const VPN_DNS = 'vpn.dns';

function clientOfInterface(catalog: Catalog, name: string, platform: Platform): VpnClient | undefined {
  return (catalog.vpnClients ?? []).find((c) => (c.interfaces ?? []).some((p) => p.pattern && appliesTo(p, platform) && compileGlob(p.pattern)(name)));
}

export function detectVpnDns(network: NetworkStateFact, interfaces: readonly NetworkInterfaceFact[], catalog: Catalog, policy: Policy, platform: Platform): Finding[] {
  const tunnels = interfaces.filter((i) => i.kind === 'tunnel' && i.up);
  const findings: Finding[] = [];
  for (const server of network.dnsServers) {
    const byCatalog = (catalog.vpnClients ?? []).find((c) => (c.dnsServers ?? []).includes(server));
    const tunnel = tunnels.find((t) => t.addresses.some((a) => a.includes('/') && !a.endsWith('/32') && !a.endsWith('/128') && ipInCidr(server, a)));
    if (!byCatalog && !tunnel) continue;
    const client = byCatalog ?? (tunnel ? clientOfInterface(catalog, tunnel.name, platform) : undefined);
    const sanctioned = !!client && (client.category === 'corporate-vpn' || (policy.sanctionedVpns ?? []).includes(client.id ?? ''));
    const evidence: Evidence[] = [{ field: 'dns.server', value: server, ...(byCatalog ? { catalogEntry: byCatalog.id ?? '', matched: server } : {}) }];
    if (tunnel) evidence.push({ field: 'interface.name', value: tunnel.name, matched: `resolver inside ${tunnel.addresses.join(', ')}` });
    findings.push({
      detector: VPN_DNS, key: server, category: 'vpn', severity: sanctioned ? 'info' : 'low', confidence: byCatalog ? 85 : 70,
      title: `DNS goes through ${client ? client.name?.replace(/\s*\(.*$/, '') : `tunnel ${tunnel?.name ?? ''}`} (resolver ${server})${sanctioned ? ' (sanctioned)' : ''}`,
      evidence, ...(client ? { catalogEntry: client.id ?? '' } : {}), sanctioned,
    });
  }
  return findings;
}
