// Hosting / VPN classification of an address, from collector/data/networks.json (data with its
// sources: VPN exits by address, hosting providers by autonomous system).
import { readFileSync } from 'node:fs';
import { inCidr, parseCidr, type Cidr } from './ip.js';

export interface NetworksData {
  vpn: { id: string; name: string; priority: string; why?: string; addresses: string[]; sources: unknown[] }[];
  hosting: { asn: number; org: string; network: string }[];
}

export type NetworkKind = 'vpn' | 'hosting' | 'other';

export interface NetworkClass {
  kind: NetworkKind;
  /** VPN provider id ("astrill") or hosting network name. */
  provider: string;
  name: string;
  priority: string;
}

export function loadNetworks(path: URL | string = new URL('../../data/networks.json', import.meta.url)): NetworksData {
  return JSON.parse(readFileSync(path, 'utf8')) as NetworksData;
}

export class NetworkClassifier {
  private readonly vpn: { cidr: Cidr; id: string; name: string; priority: string }[];
  private readonly hosting: Map<number, { org: string; network: string }>;

  constructor(data: NetworksData = loadNetworks()) {
    this.vpn = data.vpn.flatMap((v) => v.addresses.map((a) => ({ cidr: parseCidr(a), id: v.id, name: v.name, priority: v.priority })));
    this.hosting = new Map(data.hosting.map((h) => [h.asn, { org: h.org, network: h.network }]));
  }

  classify(ip: string, asn: number | undefined): NetworkClass {
    const v = this.vpn.find((x) => inCidr(ip, x.cidr));
    if (v) return { kind: 'vpn', provider: v.id, name: v.name, priority: v.priority };
    const h = asn === undefined ? undefined : this.hosting.get(asn);
    if (h) return { kind: 'hosting', provider: h.network, name: `${h.network} (AS${asn}, ${h.org})`, priority: 'normal' };
    return { kind: 'other', provider: '', name: '', priority: '' };
  }
}
