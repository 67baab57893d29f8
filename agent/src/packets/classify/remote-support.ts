// Commercial remote-support tools recognised by their own bytes: Radmin and NoMachine (NX 4 and
// later). Neither runs on this machine: the rules are laid out from the public source each names and
// tested in agent/test/packets-classifier.test.ts. Splashtop, ScreenConnect (ConnectWise Control),
// Chrome Remote Desktop and Parsec speak TLS or DTLS to their vendors' relays and are recognised by
// the catalog's relay names in the TLS server name or DNS query (see domains.ts), not here.
import { printable, startsWithAscii, u16le, u32be } from '../bytes.js';
import type { Candidate, FlowNotes, PacketView } from './types.js';

// Radmin (Famatech): the viewer's first message is 10 bytes, 01 00 00 00, then 0x01 at byte 4 and
// 08 08 at bytes 8-9; the server answers with 46 bytes, 01 00 00 00, 0x25 at byte 4, 02 12 08 02 at
// bytes 7-10 and 0x0A at byte 13. Later 14-byte messages carry 0x05 at byte 4 and 27 27 at bytes
// 8-9. Source: nDPI src/lib/protocols/radmin.c (2024); Radmin's port 4899 is IANA's "radmin-port".
export function radmin(v: PacketView, notes: FlowNotes): Candidate | undefined {
  const p = v.payload;
  if (v.proto !== 6 || p.length < 10 || u32be(p, 0) !== 0x01000000) return undefined;
  if (v.dir === 'c2s' && v.payloadLength === 10 && p[4] === 0x01 && p[8] === 0x08 && p[9] === 0x08) {
    notes.radmin = 'hello';
    return { protocol: 'radmin', confidence: 45, features: ['Radmin viewer hello: 10 bytes, 01 00 00 00 01 ... 08 08'] };
  }
  if (v.dir === 's2c' && notes.radmin === 'hello' && v.payloadLength === 46 && p.length >= 14 && p[4] === 0x25 && u32be(p, 7) === 0x02120802 && p[13] === 0x0a) {
    notes.radmin = 'answered';
    return { protocol: 'radmin', confidence: 95, final: true, features: ['Radmin viewer hello: 10 bytes, 01 00 00 00 01 ... 08 08', 'Radmin server answer: 46 bytes, 01 00 00 00 25 ... 02 12 08 02'] };
  }
  if (v.payloadLength === 14 && p[4] === 0x05 && p[8] === 0x27 && p[9] === 0x27) {
    const first = notes.radmin === undefined;
    notes.radmin ??= 'message';
    if (first) return { protocol: 'radmin', confidence: 45, features: ['Radmin 14-byte message 01 00 00 00 05 ... 27 27'] };
    return { protocol: 'radmin', confidence: 90, final: true, features: ['Radmin 14-byte messages 01 00 00 00 05 ... 27 27 after an earlier Radmin message'] };
  }
  return undefined;
}

// NoMachine 4 and later: a TCP session opens with a short clear-text handshake, "NXSH-<version>"
// from the client and "NXD-<version>" from the server (11-14 bytes), then TLS. Its UDP multimedia
// datagrams start with a 10-byte header whose 16-bit little-endian fields at bytes 2 and 4 are 1 and
// the datagram's own length, with 0 at bytes 8-9. Source: nDPI src/lib/protocols/nomachine.c (2023);
// NoMachine's default port is 4000 (NoMachine's documentation, "ports used by NoMachine").
function nomachineHello(v: PacketView): string | undefined {
  const p = v.payload;
  if (v.payloadLength < 11 || v.payloadLength > 14) return undefined;
  const tag = startsWithAscii(p, 'NXSH-') ? 5 : startsWithAscii(p, 'NXD-') ? 4 : 0;
  if (tag === 0) return undefined;
  // The rest is the version: digits and dots, perhaps a line end.
  for (let i = tag; i < p.length; i++) {
    const c = p[i] as number;
    if (!((c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x0a || c === 0x0d)) return undefined;
  }
  return printable(p, 0, p.length).trim();
}

export function nomachine(v: PacketView, notes: FlowNotes): Candidate | undefined {
  const p = v.payload;
  if (v.proto === 6) {
    const hello = nomachineHello(v);
    if (!hello) return undefined;
    if (v.dir === 'c2s') notes.nomachineClient = hello;
    else notes.nomachineServer = hello;
    const features = [];
    if (notes.nomachineClient) features.push(`NoMachine client handshake "${notes.nomachineClient}"`);
    if (notes.nomachineServer) features.push(`NoMachine server handshake "${notes.nomachineServer}"`);
    const both = notes.nomachineClient !== undefined && notes.nomachineServer !== undefined;
    return { protocol: 'nomachine', confidence: both ? 97 : 85, final: both, features };
  }
  if (v.proto === 17 && p.length >= 10 && u16le(p, 2) === 1 && u16le(p, 4) === v.payloadLength && p[8] === 0 && p[9] === 0) {
    // One datagram is weak evidence on its own (nDPI takes one); three make a label.
    notes.nomachineDatagrams = (notes.nomachineDatagrams ?? 0) + 1;
    const n = notes.nomachineDatagrams;
    return { protocol: 'nomachine', confidence: n >= 3 ? 80 : 40, final: n >= 3, features: [`${n} UDP datagram(s) with NoMachine's multimedia header (type 1, length field matches the datagram)`] };
  }
  return undefined;
}
