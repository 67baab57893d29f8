// Hosting / VPN classification of an address, from collector/data/networks.json (data with its
// sources: VPN exits by address, hosting providers by autonomous system).
import { readFileSync } from 'node:fs';
import { inCidr, parseCidr, type Cidr } from './ip.js';

export interface NetworksData {
  vpn: { id: string; name: string; priority: string; why?: string; addresses: string[]; sources: unknown[] }[];
  /** `rentedBy`: VPN providers (ids in `vpn`) whose published exits sit in this network. */
  hosting: { asn: number; org: string; network: string; rentedBy?: string[] }[];
}

export type NetworkKind = 'vpn' | 'hosting' | 'other';

export interface NetworkClass {
  kind: NetworkKind;
  /** VPN provider id ("astrill") or hosting network name. */
  provider: string;
  name: string;
  /**
   * A VPN's priority; for a hosting network, the highest priority of the VPN providers that rent
   * servers there ('highest': Astrill's networks), else 'normal'.
   */
  priority: string;
  /** For a hosting network: the name of the VPN provider whose exits it hosts, when one does. */
  rentedBy?: string;
}

export function loadNetworks(path: URL | string = new URL('../../data/networks.json', import.meta.url)): NetworksData {
  return JSON.parse(readFileSync(path, 'utf8')) as NetworksData;
}

export class NetworkClassifier {
  private readonly vpn: { cidr: Cidr; id: string; name: string; priority: string }[];
  private readonly hosting: Map<number, { org: string; network: string; rentedBy?: { name: string; priority: string } }>;

  constructor(data: NetworksData = loadNetworks()) {
    this.vpn = data.vpn.flatMap((v) => v.addresses.map((a) => ({ cidr: parseCidr(a), id: v.id, name: v.name, priority: v.priority })));
    const provider = (ids: string[] | undefined): { name: string; priority: string } | undefined => {
      const vpns = data.vpn.filter((v) => ids?.includes(v.id));
      const top = vpns.find((v) => v.priority === 'highest') ?? vpns[0];
      return top ? { name: top.name, priority: top.priority } : undefined;
    };
    this.hosting = new Map(data.hosting.map((h) => {
      const rentedBy = provider(h.rentedBy);
      return [h.asn, { org: h.org, network: h.network, ...(rentedBy ? { rentedBy } : {}) }];
    }));
  }

  classify(ip: string, asn: number | undefined): NetworkClass {
    const v = this.vpn.find((x) => inCidr(ip, x.cidr));
    if (v) return { kind: 'vpn', provider: v.id, name: v.name, priority: v.priority };
    const h = asn === undefined ? undefined : this.hosting.get(asn);
    if (h?.rentedBy) {
      return { kind: 'hosting', provider: h.network, name: `${h.network} (AS${asn}, ${h.org}), where ${h.rentedBy.name} rents servers`, priority: h.rentedBy.priority, rentedBy: h.rentedBy.name };
    }
    if (h) return { kind: 'hosting', provider: h.network, name: `${h.network} (AS${asn}, ${h.org})`, priority: 'normal' };
    return { kind: 'other', provider: '', name: '', priority: '' };
  }
}
