// IPv4/IPv6 prefixes for route matching, without a dependency.
import { isIPv4, isIPv6 } from 'node:net';

export interface Cidr { address: bigint; bits: number; v6: boolean }

function toBig(ip: string): bigint | undefined {
  if (isIPv4(ip)) return ip.split('.').reduce((n, o) => (n << 8n) | BigInt(Number(o)), 0n);
  if (!isIPv6(ip)) return undefined;
  const [head = '', tail] = ip.split('::');
  const part = (s: string): string[] => (s ? s.split(':') : []);
  const h = part(head);
  const t = tail === undefined ? [] : part(tail);
  const fill = Array<string>(8 - h.length - t.length).fill('0');
  const groups = tail === undefined ? h : [...h, ...fill, ...t];
  return groups.reduce((n, g) => (n << 16n) | BigInt(Number.parseInt(g || '0', 16)), 0n);
}

export function parseCidr(text: string): Cidr | undefined {
  const [ip = '', bitsText] = text.split('/');
  const v6 = ip.includes(':');
  const address = toBig(ip);
  const bits = bitsText === undefined ? (v6 ? 128 : 32) : Number(bitsText);
  if (address === undefined || !Number.isInteger(bits) || bits < 0 || bits > (v6 ? 128 : 32)) return undefined;
  return { address, bits, v6 };
}

export function cidrContains(net: Cidr, address: bigint): boolean {
  const width = net.v6 ? 128 : 32;
  const shift = BigInt(width - net.bits);
  return (net.address >> shift) === (address >> shift);
}

export function ipInCidr(ip: string, cidr: string): boolean {
  const net = parseCidr(cidr);
  const a = parseCidr(ip);
  return !!net && !!a && net.v6 === a.v6 && cidrContains(net, a.address);
}
