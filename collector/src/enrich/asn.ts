// Autonomous system number and organisation of an address, from the IP-to-ASN ranges packaged on
// the npm registry as @ip-location-db/asn (RouteViews, RIR statistics and DB-IP ASN Lite; CC BY 4.0,
// attribution in collector/NOTICE). That package ships CSV ranges, not an mmdb: no ASN mmdb is
// published on the registry without a download at install time. The ranges are read once per
// address family into sorted typed arrays and searched by bisection.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describeFileError } from '@farmwatch/shared';
import { family, ipv4ToNumber, ipv6ToBigInt } from './ip.js';

export interface AsnRecord {
  asn: number;
  org: string;
}

const require = createRequire(import.meta.url);

export function asnFile(f: 4 | 6): string {
  return join(dirname(require.resolve('@ip-location-db/asn/package.json')), `asn-ipv${f}-num.csv`);
}

/** "start,end,asn,org" lines; org may be quoted with doubled quotes. */
function parseLine(line: string): [string, string, number, string] | undefined {
  const a = line.indexOf(',');
  const b = line.indexOf(',', a + 1);
  const c = line.indexOf(',', b + 1);
  if (a < 0 || b < 0 || c < 0) return undefined;
  let org = line.slice(c + 1);
  if (org.startsWith('"')) org = org.slice(1, -1).replace(/""/g, '"');
  return [line.slice(0, a), line.slice(a + 1, b), Number(line.slice(b + 1, c)), org];
}

class V4Table {
  private readonly starts: Uint32Array;
  private readonly ends: Uint32Array;
  private readonly asns: Uint32Array;
  private readonly orgIndex: Uint32Array;
  private readonly orgs: string[];

  constructor(text: string) {
    const lines = text.split('\n');
    this.starts = new Uint32Array(lines.length);
    this.ends = new Uint32Array(lines.length);
    this.asns = new Uint32Array(lines.length);
    this.orgIndex = new Uint32Array(lines.length);
    this.orgs = [];
    const orgIds = new Map<string, number>();
    let n = 0;
    for (const line of lines) {
      const p = parseLine(line);
      if (!p) continue;
      let id = orgIds.get(p[3]);
      if (id === undefined) {
        id = this.orgs.push(p[3]) - 1;
        orgIds.set(p[3], id);
      }
      this.starts[n] = Number(p[0]);
      this.ends[n] = Number(p[1]);
      this.asns[n] = p[2];
      this.orgIndex[n] = id;
      n++;
    }
    this.size = n;
  }

  readonly size: number;

  /** The organisation name of an AS, from its first IPv4 range (a scan; for checks, not lookups). */
  orgOf(asn: number): string | undefined {
    for (let i = 0; i < this.size; i++) if (this.asns[i] === asn) return this.orgs[this.orgIndex[i] as number];
    return undefined;
  }

  find(value: number): AsnRecord | undefined {
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.starts[mid] as number) <= value) lo = mid + 1;
      else hi = mid - 1;
    }
    if (hi < 0 || (this.ends[hi] as number) < value) return undefined;
    return { asn: this.asns[hi] as number, org: this.orgs[this.orgIndex[hi] as number] ?? '' };
  }
}

class V6Table {
  private readonly rows: { start: bigint; end: bigint; asn: number; org: string }[] = [];

  constructor(text: string) {
    for (const line of text.split('\n')) {
      const p = parseLine(line);
      if (p) this.rows.push({ start: BigInt(p[0]), end: BigInt(p[1]), asn: p[2], org: p[3] });
    }
  }

  find(value: bigint): AsnRecord | undefined {
    let lo = 0;
    let hi = this.rows.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.rows[mid] as { start: bigint }).start <= value) lo = mid + 1;
      else hi = mid - 1;
    }
    const row = this.rows[hi];
    if (!row || row.end < value) return undefined;
    return { asn: row.asn, org: row.org };
  }
}

export class AsnDb {
  private v4: V4Table | undefined;
  private v6: V6Table | undefined;

  constructor(private readonly files: { v4: string; v6: string } = { v4: asnFile(4), v6: asnFile(6) }) {}

  private read(file: string): string {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(describeFileError(err, file, 'the ASN database', { fix: 'reinstall with npm ci' }));
    }
  }

  /** The organisation name the database records for an AS (IPv4 ranges), for checking data against it. */
  organisation(asn: number): string | undefined {
    return (this.v4 ??= new V4Table(this.read(this.files.v4))).orgOf(asn);
  }

  lookup(ip: string): AsnRecord | undefined {
    const f = family(ip);
    if (f === 4) return (this.v4 ??= new V4Table(this.read(this.files.v4))).find(ipv4ToNumber(ip));
    if (f === 6) return (this.v6 ??= new V6Table(this.read(this.files.v6))).find(ipv6ToBigInt(ip));
    return undefined;
  }
}
