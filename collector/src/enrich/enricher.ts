// Everything the collector knows offline about a public address: where (GeoIP), whose network
// (ASN / organisation), and whether it is a hosting or VPN network. Results are cached.
import { AsnDb } from './asn.js';
import { GeoIp, type GeoRecord } from './geoip.js';
import { isPublicIp, normalizeIp } from './ip.js';
import { NetworkClassifier, type NetworkClass } from './networks.js';

export interface IpInfo {
  ip: string;
  public: boolean;
  geo?: GeoRecord;
  asn?: number;
  org?: string;
  network: NetworkClass;
}

export interface EnricherParts {
  geo?: GeoIp;
  asn?: AsnDb;
  networks?: NetworkClassifier;
  cacheSize?: number;
}

export class Enricher {
  private readonly geo: GeoIp;
  private readonly asn: AsnDb;
  private readonly networks: NetworkClassifier;
  private readonly cache = new Map<string, IpInfo>();
  private readonly cacheSize: number;

  constructor(parts: EnricherParts = {}) {
    this.geo = parts.geo ?? new GeoIp();
    this.asn = parts.asn ?? new AsnDb();
    this.networks = parts.networks ?? new NetworkClassifier();
    this.cacheSize = parts.cacheSize ?? 50_000;
  }

  lookup(rawIp: string): IpInfo {
    const ip = normalizeIp(rawIp);
    const hit = this.cache.get(ip);
    if (hit) return hit;
    let info: IpInfo;
    if (!isPublicIp(ip)) {
      info = { ip, public: false, network: { kind: 'other', provider: '', name: '', priority: '' } };
    } else {
      const geo = this.geo.lookup(ip);
      const asn = this.asn.lookup(ip);
      info = {
        ip, public: true, ...(geo ? { geo } : {}), ...(asn ? { asn: asn.asn, org: asn.org } : {}),
        network: this.networks.classify(ip, asn?.asn),
      };
    }
    if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(ip, info);
    return info;
  }
}
