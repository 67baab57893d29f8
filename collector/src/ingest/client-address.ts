// The public address of an agent as the collector sees it: the TCP peer, or, when that peer is a
// trusted proxy (a load balancer the admin configured), the right-most address in
// X-Forwarded-For that is not itself a trusted proxy. An untrusted peer's X-Forwarded-For is
// ignored: anyone can write that header.
import { inCidr, normalizeIp, parseCidr, family, type Cidr } from '../enrich/ip.js';

/**
 * The address in a grpc-js peer string: "203.0.113.7:51234", "[2001:db8::1]:443", and the
 * unbracketed "::ffff:127.0.0.1:51234" / "2001:db8::1:443" grpc-js writes for IPv6 peers
 * (address, colon, port).
 */
export function peerAddress(peer: string): string {
  const p = peer.replace(/^ipv[46]:/, '');
  const bracket = /^\[([^\]]+)\]:\d+$/.exec(p);
  if (bracket?.[1]) return normalizeIp(bracket[1]);
  // grpc-js always appends the port for a TCP peer, so a trailing ":digits" is the port whenever
  // what precedes it is an address.
  const m = /^(.*):\d+$/.exec(p);
  return normalizeIp(m?.[1] && family(m[1]) ? m[1] : p);
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
