// Ordinary traffic, recognised so it is not mistaken for a tunnel: TLS (with its server name),
// DTLS, DNS (with the query name), HTTP (with its Host) and QUIC. Names are matched against the
// catalog: a TLS session to an AnyDesk relay is AnyDesk's traffic.
import { printable, startsWithAscii, u16be, u32be } from '../bytes.js';
import { parseClientHello } from './tls-hello.js';
import { initialCryptoFrames } from './quic-initial.js';
import type { Candidate, CatalogMatch, ClassifierContext, FlowKind, FlowNotes, PacketView } from './types.js';

const MAX_HELLO = 16384 + 5;

function catalogOf(ctx: ClassifierContext, name: string, via: CatalogMatch['via'], port?: number): CatalogMatch | undefined {
  const m = ctx.domains.match(name, port);
  return m ? { ...m, value: name, via } : undefined;
}

function kindOf(c: CatalogMatch | undefined, otherwise: FlowKind): FlowKind {
  return c ? (c.kind === 'vpn' ? 'vpn' : 'remote_access') : otherwise;
}

// TLS record: content type 22 (handshake), version 3.x, length; handshake type 1 ClientHello,
// 2 ServerHello. Source: RFC 8446 §5.1, §4.
export function tls(v: PacketView, notes: FlowNotes, ctx: ClassifierContext): Candidate | undefined {
  if (v.proto !== 6) return undefined;
  let p = v.payload;
  let segments = 1;
  if (notes.tlsHello && v.dir === 'c2s') {
    // The rest of a ClientHello that did not fit one segment (post-quantum key shares do that).
    // Kept only until the hello is whole, and bounded by MAX_HELLO.
    const h = notes.tlsHello;
    h.parts.push(p.slice(0, Math.max(0, Math.min(p.length, h.want - h.have))));
    h.have += p.length;
    if (h.have < h.want && h.parts.length < 12) return undefined;
    p = Buffer.concat(h.parts);
    segments = h.parts.length;
    notes.tlsHello = undefined;
  } else if (p.length < 6 || p[0] !== 0x16 || p[1] !== 3 || (p[2] as number) > 4) {
    return undefined;
  }
  const recordLen = u16be(p, 3);
  const hsType = p[5] as number;
  if (v.dir === 's2c') {
    return hsType === 2 ? { protocol: 'tls', confidence: 90, features: ['TLS ServerHello'] } : undefined;
  }
  if (hsType !== 1) return undefined;
  if (p.length < 5 + recordLen && v.payloadLength === p.length && recordLen + 5 <= MAX_HELLO && !notes.tlsHello && v.index < 2) {
    notes.tlsHello = { want: recordLen + 5, parts: [p.slice()], have: p.length };
    return { protocol: 'tls', confidence: 80, features: ['TLS ClientHello (continues in the next segment)'] };
  }
  const hello = parseClientHello(p.subarray(5, 5 + recordLen));
  if (!hello) return undefined;
  const features = [`TLS ClientHello (record version 3.${p[2]}${segments > 1 ? `, ${recordLen + 5} bytes over ${segments} segments` : ''})`];
  if (hello.serverName) features.push(`server name ${hello.serverName}`);
  else features.push('no server name');
  if (hello.alpn.length > 0) features.push(`ALPN ${hello.alpn.join(',')}`);
  const catalog = hello.serverName ? catalogOf(ctx, hello.serverName, 'tls.sni', v.serverPort) : undefined;
  // AnyDesk's direct connections are TLS without a server name to TCP 7070 (AnyDesk's firewall
  // article, support.anydesk.com: ports 80, 443, 6568 to its relays and 7070 between peers).
  if (!catalog && !hello.serverName && v.serverPort === 7070) {
    return { protocol: 'anydesk', confidence: 60, features: [...features, 'TCP port 7070, AnyDesk\'s direct-connection port'], final: true };
  }
  return { protocol: 'tls', confidence: 92, features, catalog, kind: kindOf(catalog, 'other'), final: true };
}

// DTLS record: content type, version (0xfeff DTLS 1.0: RFC 4347 §4.1; 0xfefd DTLS 1.2: RFC 6347
// §4.1), epoch, 48-bit sequence, length. Cisco AnyConnect's own pre-standard DTLS uses version
// 0x0100 (OpenSSL's DTLS1_BAD_VER, include/openssl/dtls1.h, kept for Cisco's implementation).
// SSL VPNs (AnyConnect, GlobalProtect, FortiClient) carry their tunnels as DTLS on UDP 443.
export function dtls(v: PacketView, notes: FlowNotes, ctx: ClassifierContext): Candidate | undefined {
  const p = v.payload;
  if (v.proto !== 17 || p.length < 13 || (p[0] as number) < 20 || (p[0] as number) > 25) return undefined;
  const version = u16be(p, 1);
  if (version !== 0xfeff && version !== 0xfefd && version !== 0x0100) return undefined;
  if (u16be(p, 11) + 13 > v.payloadLength) return undefined;
  notes.dtlsVersion = version;
  const features = [`DTLS record, version 0x${version.toString(16)}, length field consistent`];
  if (version === 0x0100) {
    features.push('version 0x0100: Cisco\'s pre-standard DTLS, spoken only by AnyConnect and OpenConnect');
    return { protocol: 'anyconnect', confidence: 90, features, final: true };
  }
  const hello = p[0] === 22 ? parseClientHello(p.subarray(13), true) : undefined;
  if (hello?.serverName) features.push(`server name ${hello.serverName}`);
  const catalog = hello?.serverName ? catalogOf(ctx, hello.serverName, 'tls.sni', v.serverPort) : undefined;
  if (v.serverPort === 443) {
    features.push('to UDP 443, where SSL VPNs (AnyConnect, GlobalProtect, FortiClient) carry their tunnels');
    return { protocol: 'dtls', confidence: 70, features, kind: catalog ? kindOf(catalog, 'vpn') : 'vpn', catalog, final: true };
  }
  return { protocol: 'dtls', confidence: 85, features, kind: kindOf(catalog, 'other'), catalog, final: true };
}

// DNS message: id, flags (QR 0x8000, opcode bits 11-14), counts; the question's name as labels.
// Over TCP a 2-byte length comes first. Source: RFC 1035 §4.1.1-4.1.2, §4.2.2. Ports: 53 DNS,
// 5353 mDNS (RFC 6762), 5355 LLMNR (RFC 4795).
const DNS_PORTS = new Set([53, 5353, 5355]);

export function dns(v: PacketView, _notes: FlowNotes, ctx: ClassifierContext): Candidate | undefined {
  if (!DNS_PORTS.has(v.serverPort) && !DNS_PORTS.has(v.clientPort)) return undefined;
  let p = v.payload;
  if (v.proto === 6) {
    if (p.length < 2 || u16be(p, 0) !== v.payloadLength - 2) return undefined;
    p = p.subarray(2);
  } else if (v.proto !== 17) return undefined;
  if (p.length < 17) return undefined;
  const flags = u16be(p, 2);
  const qd = u16be(p, 4);
  if (((flags >> 11) & 0xf) > 6 || qd < 1 || qd > 16) return undefined;
  const name = qname(p, 12);
  if (name === undefined) return undefined;
  const qtype = u16be(p, 12 + name.wire);
  const features = [`DNS ${flags & 0x8000 ? 'response' : 'query'} for ${name.text || '.'} (type ${qtype})`];
  const catalog = name.text ? catalogOf(ctx, name.text, 'dns.query') : undefined;
  return { protocol: 'dns', confidence: 95, features, catalog, kind: 'other', final: true };
}

function qname(p: Uint8Array, start: number): { text: string; wire: number } | undefined {
  const labels: string[] = [];
  let o = start;
  for (let n = 0; n < 128; n++) {
    if (o >= p.length) return undefined;
    const len = p[o] as number;
    if (len === 0) return o + 5 <= p.length ? { text: labels.join('.'), wire: o + 1 - start } : undefined;
    if (len > 63 || o + 1 + len > p.length) return undefined; // compression never appears in a question name
    labels.push(printable(p, o + 1, o + 1 + len).toLowerCase());
    o += 1 + len;
  }
  return undefined;
}

// HTTP/1.x request line "METHOD target HTTP/1.x" and its Host header. Source: RFC 9112 §3, §3.2.
const METHODS = ['GET ', 'POST ', 'HEAD ', 'PUT ', 'DELETE ', 'OPTIONS ', 'CONNECT ', 'PATCH '];

export function http(v: PacketView, _notes: FlowNotes, ctx: ClassifierContext): Candidate | undefined {
  const p = v.payload;
  if (v.proto !== 6 || v.dir !== 'c2s') return undefined;
  const method = METHODS.find((m) => startsWithAscii(p, m));
  if (!method) return undefined;
  const head = Buffer.from(p.buffer, p.byteOffset, Math.min(p.length, 2048)).toString('latin1');
  const line = head.slice(0, head.indexOf('\r\n'));
  if (!/ HTTP\/1\.[01]$/.test(line)) return undefined;
  const host = /\r\nhost:[ \t]*([^\r\n:]+)/i.exec(head)?.[1]?.trim();
  const features = [`HTTP request "${method.trim()}"`];
  if (host) features.push(`Host ${host}`);
  const catalog = host ? catalogOf(ctx, host, 'http.host', v.serverPort) : undefined;
  return { protocol: 'http', confidence: 95, features, catalog, kind: kindOf(catalog, 'other'), final: true };
}

// QUIC long header: form bit 0x80 and fixed bit 0x40, a 32-bit version (1: RFC 9000 §17.2;
// 0x6b3343cf: QUIC v2, RFC 9369 §3.1; 0xff0000xx: drafts), connection id lengths of at most 20.
// A client's Initial datagram is padded to at least 1200 bytes (RFC 9000 §14.1). The ClientHello in
// the client's v1 Initial packets is read for its server name (quic-initial.ts); it may span
// several Initial packets, so their CRYPTO data is put together first (bounded, then dropped).
export function quic(v: PacketView, notes: FlowNotes, ctx: ClassifierContext): Candidate | undefined {
  const p = v.payload;
  if (v.proto !== 17 || p.length < 7 || ((p[0] as number) & 0xc0) !== 0xc0) return undefined;
  const version = u32be(p, 1);
  const known = version === 1 || version === 0x6b3343cf || (version >>> 8) === 0xff0000;
  if (!known || (p[5] as number) > 20) return undefined;
  const initial = v.dir === 'c2s' && v.payloadLength >= 1200;
  const features = [`QUIC long header, version 0x${version.toString(16).padStart(8, '0')}`];
  if (initial) features.push(`client Initial padded to ${v.payloadLength} bytes`);
  const hello = v.dir === 'c2s' && v.index < 4 ? quicHello(p, notes) : undefined;
  if (hello === undefined) return { protocol: 'quic', confidence: initial ? 92 : 80, features, final: v.dir === 's2c' && notes.quicCrypto === undefined };
  if (hello.serverName) features.push(`server name ${hello.serverName}`);
  if (hello.alpn.length > 0) features.push(`ALPN ${hello.alpn.join(',')}`);
  const catalog = hello.serverName ? catalogOf(ctx, hello.serverName, 'tls.sni', v.serverPort) : undefined;
  return { protocol: 'quic', confidence: 95, features, catalog, kind: kindOf(catalog, 'other'), final: true };
}

const MAX_QUIC_HELLO = 16384;

function quicHello(p: Uint8Array, notes: FlowNotes): ReturnType<typeof parseClientHello> {
  const frames = initialCryptoFrames(p);
  if (!frames) return undefined;
  const q = (notes.quicCrypto ??= { parts: [] });
  for (const f of frames) if (f.offset + f.data.length <= MAX_QUIC_HELLO) q.parts.push({ offset: f.offset, data: Buffer.from(f.data) });
  q.parts.sort((a, b) => a.offset - b.offset);
  let stream = Buffer.alloc(0);
  for (const part of q.parts) {
    if (part.offset > stream.length) break;
    if (part.offset + part.data.length > stream.length) stream = Buffer.concat([stream, part.data.subarray(stream.length - part.offset)]);
  }
  if (stream.length < 4 || stream.length < 4 + stream.readUIntBE(1, 3)) return undefined;
  notes.quicCrypto = undefined;
  return parseClientHello(stream);
}
