// IP addresses as text (IPv6 in the RFC 5952 canonical form), and which ones are worth sending to
// the collector for enrichment: a private, loopback or link-local peer has no GeoIP or ASN.
import { isIP } from 'node:net';

export function formatIp(b: Uint8Array): string {
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((((b[i] as number) << 8) | (b[i + 1] as number)) >>> 0);
  // IPv4-mapped ::ffff:a.b.c.d (RFC 5952 §5).
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  // The longest run of two or more zero words becomes "::" (RFC 5952 §4.2), the first if tied.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hexes = words.map((w) => w.toString(16));
  if (best < 0) return hexes.join(':');
  return `${hexes.slice(0, best).join(':')}::${hexes.slice(best + bestLen).join(':')}`;
}

function v4Octets(ip: string): number[] {
  return ip.split('.').map(Number);
}

/** Whether an address is a routable peer on the Internet (not private, loopback, link-local,
 *  shared CGNAT space, multicast or unspecified). Ranges: RFC 1918, RFC 6598, RFC 3927, RFC 4193,
 *  RFC 4291 §2.4-2.5, RFC 5771 (IPv4 multicast). */
export function isInternetAddress(ip: string): boolean {
  const v = isIP(ip);
  if (v === 4) {
    const [a = 0, b = 0] = v4Octets(ip);
    if (a === 0 || a === 10 || a === 127 || a >= 224) return false;
    if (a === 169 && b === 254) return false;
    if (a === 172 && b >= 16 && b <= 31) return false;
    if (a === 192 && b === 168) return false;
    if (a === 100 && b >= 64 && b <= 127) return false;
    return true;
  }
  if (v === 6) {
    const lower = ip.toLowerCase();
    if (lower === '::' || lower === '::1') return false;
    if (lower.startsWith('::ffff:')) return isInternetAddress(lower.slice(7));
    const first = parseInt(lower.split(':')[0] || '0', 16);
    if ((first & 0xfe00) === 0xfc00) return false; // fc00::/7 unique local
    if ((first & 0xffc0) === 0xfe80) return false; // fe80::/10 link-local
    if ((first & 0xff00) === 0xff00) return false; // ff00::/8 multicast
    return (first & 0xe000) === 0x2000; // 2000::/3 global unicast
  }
  return false;
}
