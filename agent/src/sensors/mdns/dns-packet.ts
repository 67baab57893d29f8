// The little of DNS (RFC 1035) and multicast DNS (RFC 6762) the mDNS probe needs: one query packet
// asking for the A records of several names, and the A/AAAA answers of a response. Reading never
// throws: a malformed packet gives no answers.

export interface DnsAnswer { name: string; type: 'A' | 'AAAA'; address: string; ttl: number }

const TYPE_A = 1;
const TYPE_AAAA = 28;
/** Class IN with the "unicast response" bit (RFC 6762 §5.4): answer the asker directly. */
const CLASS_IN_QU = 0x8001;

export function encodeQuery(names: readonly string[], id = 0): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(names.length, 4);
  parts.push(header);
  for (const name of names) {
    for (const label of name.replace(/\.$/, '').split('.')) {
      const l = Buffer.from(label, 'utf8');
      if (l.length === 0 || l.length > 63) throw new Error(`"${name}" is not a DNS name`);
      parts.push(Buffer.from([l.length]), l);
    }
    const tail = Buffer.alloc(5);
    tail.writeUInt16BE(TYPE_A, 1);
    tail.writeUInt16BE(CLASS_IN_QU, 3);
    parts.push(tail);
  }
  return Buffer.concat(parts);
}

function readName(buf: Buffer, start: number): { name: string; next: number } | undefined {
  const labels: string[] = [];
  let at = start;
  let next = -1;
  for (let jumps = 0; jumps < 32; jumps++) {
    const len = buf[at];
    if (len === undefined) return undefined;
    if (len === 0) return { name: labels.join('.').toLowerCase(), next: next >= 0 ? next : at + 1 };
    if ((len & 0xc0) === 0xc0) {
      const ptr = ((len & 0x3f) << 8) | (buf[at + 1] ?? 0);
      if (next < 0) next = at + 2;
      at = ptr;
      continue;
    }
    if (at + 1 + len > buf.length) return undefined;
    labels.push(buf.toString('utf8', at + 1, at + 1 + len));
    at += 1 + len;
  }
  return undefined;
}

export function decodeAnswers(buf: Buffer): DnsAnswer[] {
  if (buf.length < 12 || (buf.readUInt16BE(2) & 0x8000) === 0) return []; // not a response
  const qd = buf.readUInt16BE(4);
  const records = buf.readUInt16BE(6) + buf.readUInt16BE(8) + buf.readUInt16BE(10);
  let at = 12;
  for (let i = 0; i < qd; i++) {
    const n = readName(buf, at);
    if (!n) return [];
    at = n.next + 4;
  }
  const out: DnsAnswer[] = [];
  for (let i = 0; i < records && at < buf.length; i++) {
    const n = readName(buf, at);
    if (!n || n.next + 10 > buf.length) break;
    const type = buf.readUInt16BE(n.next);
    const ttl = buf.readUInt32BE(n.next + 4);
    const len = buf.readUInt16BE(n.next + 8);
    const data = n.next + 10;
    if (data + len > buf.length) break;
    if (type === TYPE_A && len === 4) out.push({ name: n.name, type: 'A', address: [...buf.subarray(data, data + 4)].join('.'), ttl });
    if (type === TYPE_AAAA && len === 16) {
      const groups: string[] = [];
      for (let g = 0; g < 8; g++) groups.push(buf.readUInt16BE(data + g * 2).toString(16));
      out.push({ name: n.name, type: 'AAAA', address: groups.join(':'), ttl });
    }
    at = data + len;
  }
  return out;
}
