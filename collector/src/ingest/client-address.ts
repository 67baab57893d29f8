// The public address of an agent as the collector sees it: the TCP peer, or, when that peer is a
// trusted proxy (a load balancer the admin configured), the right-most address in
// X-Forwarded-For that is not itself a trusted proxy. An untrusted peer's X-Forwarded-For is
// ignored: anyone can write that header.
import { inCidr, normalizeIp, parseCidr, family, type Cidr } from '../enrich/ip.js';

/** "ipv4:203.0.113.7:51234", "ipv6:[2001:db8::1]:443", "203.0.113.7:51234" -> the address. */
export function peerAddress(peer: string): string {
  const p = peer.replace(/^ipv[46]:/, '');
  const bracket = /^\[([^\]]+)\]:\d+$/.exec(p);
  if (bracket?.[1]) return normalizeIp(bracket[1]);
  const i = p.lastIndexOf(':');
  const host = i > 0 && p.indexOf(':') === i ? p.slice(0, i) : p;
  return normalizeIp(host);
}

export class ClientAddress {
  private readonly trusted: Cidr[];

  constructor(trustedProxies: string[] = []) {
    this.trusted = trustedProxies.map(parseCidr);
  }

  private isTrusted(ip: string): boolean {
    return this.trusted.some((c) => inCidr(ip, c));
  }

  resolve(peer: string, forwardedFor: string[]): string {
    let ip = peerAddress(peer);
    if (!this.isTrusted(ip)) return ip;
    const hops = forwardedFor.join(',').split(',').map((h) => normalizeIp(h.trim().replace(/^\[|\]$/g, ''))).filter((h) => family(h));
    for (let i = hops.length - 1; i >= 0; i--) {
      ip = hops[i] as string;
      if (!this.isTrusted(ip)) return ip;
    }
    return ip;
  }
}
