// IP address arithmetic for enrichment and exclusions: parsing, CIDR membership, and which
// addresses are not public (a laptop behind NAT reports those; they say nothing about a place).
import { isIP } from 'node:net';

export type Family = 4 | 6;

export function family(ip: string): Family | undefined {
  const f = isIP(ip);
  return f === 4 || f === 6 ? f : undefined;
}

export function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

export function ipv6ToBigInt(ip: string): bigint {
  let text = ip.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1]) {
    const n = ipv4ToNumber(v4[1]);
    text = text.slice(0, -v4[1].length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((n, g) => (n << 16n) + BigInt(parseInt(g || '0', 16)), 0n);
}

/** Strips an IPv4-mapped IPv6 prefix ("::ffff:203.0.113.7" -> "203.0.113.7"). */
export function normalizeIp(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m?.[1] ?? ip.toLowerCase();
}

export interface Cidr {
  family: Family;
  base: bigint;
  bits: number;
}

export function parseCidr(text: string): Cidr {
  const [addr = '', len] = text.trim().split('/');
  const ip = normalizeIp(addr);
  const f = family(ip);
  if (!f) throw new Error(`"${text}" is not an IP address or CIDR range (like 203.0.113.0/24 or 2001:db8::/32)`);
  const max = f === 4 ? 32 : 128;
  const bits = len === undefined ? max : Number(len);
  if (!Number.isInteger(bits) || bits < 0 || bits > max) throw new Error(`"${text}": the prefix length must be 0..${max}`);
  const value = f === 4 ? BigInt(ipv4ToNumber(ip)) : ipv6ToBigInt(ip);
  const shift = BigInt(max - bits);
  return { family: f, base: (value >> shift) << shift, bits };
}

export function inCidr(ip: string, cidr: Cidr): boolean {
  const a = normalizeIp(ip);
  const f = family(a);
  if (f !== cidr.family) return false;
  const max = f === 4 ? 32 : 128;
  const value = f === 4 ? BigInt(ipv4ToNumber(a)) : ipv6ToBigInt(a);
  const shift = BigInt(max - cidr.bits);
  return (value >> shift) << shift === cidr.base;
}

const NOT_PUBLIC = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24',
  '192.0.2.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/3',
  '::/128', '::1/128', 'fc00::/7', 'fe80::/10', 'ff00::/8', '2001:db8::/32', '64:ff9b:1::/48',
].map(parseCidr);

/** A global unicast address: not private, loopback, link-local, CGNAT, documentation or multicast. */
export function isPublicIp(ip: string): boolean {
  const a = normalizeIp(ip);
  return family(a) !== undefined && !NOT_PUBLIC.some((c) => inCidr(a, c));
}
