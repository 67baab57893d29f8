// What an admin may give as a site: a name, and egress ranges that are the site's own addresses.
// Each range is checked and written in one canonical form; a range with host bits set, one too
// wide to be one place's addresses, or one that overlaps another site's is refused with what to do.
import { inCidr, parseCidr, type Cidr } from '../enrich/ip.js';

/** The widest range one site may have: a /16 of IPv4 (65,536 addresses), a /32 of IPv6 (an ISP's allocation). */
export const WIDEST = { 4: 16, 6: 32 } as const;

export class SiteError extends Error {
  constructor(readonly statusCode: 400 | 404 | 409, message: string) {
    super(message);
  }
}

const NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._\-'&()/,]{0,63}$/u;

/** A site's name as typed: trimmed, 1 to 64 letters, digits, spaces and simple punctuation. */
export function siteName(text: string): string {
  const name = text.trim().replace(/\s+/g, ' ');
  if (!NAME.test(name)) {
    throw new SiteError(400, `"${text}" is not a site name: use 1 to 64 letters, digits, spaces and . _ - ' & ( ) / , starting with a letter or digit (like "HQ Berlin")`);
  }
  return name;
}

function text(c: Cidr): string {
  if (c.family === 4) {
    const n = Number(c.base);
    return `${[24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.')}/${c.bits}`;
  }
  const groups = Array.from({ length: 8 }, (_, i) => Number((c.base >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  // The longest run of two or more zero groups becomes "::" (RFC 5952).
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.len && j - i >= 2) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const full = best.at < 0 ? groups.join(':') : `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.len).join(':')}`;
  return `${full}/${c.bits}`;
}

/** One egress range, canonical ("203.0.113.0/24"; an address alone is a /32 or /128). */
export function egressRange(input: string): { cidr: Cidr; text: string } {
  const raw = input.trim();
  let cidr: Cidr;
  try {
    cidr = parseCidr(raw);
  } catch (err) {
    throw new SiteError(400, `egress ${(err as Error).message}`);
  }
  const canonical = text(cidr);
  const [addr] = raw.split('/');
  const bare = parseCidr(addr ?? '');
  if (raw.includes('/') && bare.base !== cidr.base) {
    const one = text({ ...bare, bits: bare.family === 4 ? 32 : 128 });
    throw new SiteError(400, `egress "${raw}" has host bits set: give the network, ${canonical}, or one address, ${one}`);
  }
  if (cidr.bits < WIDEST[cidr.family]) {
    throw new SiteError(400, `egress "${raw}" is too wide for one site (at most /${WIDEST[cidr.family]} for IPv${cidr.family}): a site's egress is the addresses its own `
      + 'laptops come out of; for a VPN concentrator or the whole company network use `farmwatch-collector exclusions add network CIDR`');
  }
  return { cidr, text: canonical };
}

const overlap = (a: Cidr, b: Cidr): boolean => a.family === b.family && (a.bits <= b.bits ? inCidr(text(b).split('/')[0] ?? '', a) : inCidr(text(a).split('/')[0] ?? '', b));

/**
 * The egress ranges of a new site, canonical and without duplicates; refused when empty, when one
 * is invalid, or when one overlaps another site's (a laptop there would be at two sites).
 */
export function egressList(inputs: readonly string[], others: readonly { name: string; egress: readonly string[] }[]): string[] {
  const items = inputs.flatMap((i) => i.split(',')).map((i) => i.trim()).filter((i) => i !== '');
  if (items.length === 0) throw new SiteError(400, 'a site needs at least one egress range (CIDR), like 203.0.113.0/24 or 2001:db8:4::/48');
  const ranges = items.map(egressRange);
  for (const [i, r] of ranges.entries()) {
    const inside = ranges.slice(0, i).find((o) => o.text !== r.text && overlap(o.cidr, r.cidr));
    if (inside) throw new SiteError(400, `egress ${r.text} overlaps ${inside.text}, given for the same site: give one of them`);
    for (const site of others) {
      const taken = site.egress.find((e) => overlap(parseCidr(e), r.cidr));
      if (taken) throw new SiteError(409, `egress ${r.text} overlaps ${taken} of the site "${site.name}": a laptop there would be at two sites; remove that site first, or give another range`);
    }
  }
  return [...new Set(ranges.map((r) => r.text))];
}
