// Remote-display protocols of the Linux world recognised by their own bytes: xpra, SPICE (QEMU and
// libvirt virtual machines, oVirt, Proxmox) and NX (the nx-libs proxy link that X2Go, Remmina's NX
// plugin, TheQVD and NoMachine NX 3 carry). Each was recorded here with the real software
// (agent/test/fixtures/pcap: xpra.pcap, spice.pcap, nx.pcap). Every rule reads a fixed number of
// bytes at the start of a packet: constant time per packet.
import { printable, startsWithAscii, u32be, u32le } from '../bytes.js';
import type { Candidate, FlowNotes, PacketView } from './types.js';

const CLIENT = 1;
const SERVER = 2;
const BOTH = CLIENT | SERVER;
const sideOf = (v: PacketView): number => (v.dir === 'c2s' ? CLIENT : SERVER);

// xpra frames every packet with an 8-byte header: 'P', protocol flags (encoder: 0 bencode,
// 1 rencode, 4 yaml; 2 cipher), compression (low nibble the level, high bits the algorithm: 0 zlib,
// 0x10 lz4, 0x20 lzo, 0x40 brotli), chunk index, and the payload size as a 32-bit big-endian
// number, which xpra caps at 256 MiB. Source: xpra 3.1.3 as Debian ships it,
// xpra/net/header.py (pack_header, FLAGS_*, *_FLAG) and xpra/net/protocol.py
// (abs_max_packet_size); its TCP port 14500 is the default of xpra's own documentation.
const XPRA_MAX_SIZE = 256 * 1024 * 1024;
const XPRA_ALGORITHMS = new Set([0x00, 0x10, 0x20, 0x40]);

interface XpraHeader { text: string; zlib: boolean }

function xpraHeader(p: Uint8Array, length: number): XpraHeader | undefined {
  if (p.length < 8 || p[0] !== 0x50) return undefined;
  const flags = p[1] as number;
  const level = p[2] as number;
  const size = u32be(p, 4);
  if ((flags & ~0x07) !== 0 || !XPRA_ALGORITHMS.has(level & 0xf0) || size === 0 || size > XPRA_MAX_SIZE) return undefined;
  // The packet fills the segment (or goes on in the next ones), or the next header follows it.
  if (size + 8 < length && (8 + size >= p.length || p[8 + size] !== 0x50)) return undefined;
  const encoder = (flags & 0x04) !== 0 ? 'yaml' : (flags & 0x01) !== 0 ? 'rencode' : 'bencode';
  // zlib at a level above 0: the packet is a zlib stream, whose 2-byte header is a multiple of 31
  // with compression method 8 (RFC 1950 §2.2).
  const zlib = (level & 0xf0) === 0 && (level & 0x0f) > 0 && p.length >= 10 && ((p[8] as number) & 0x0f) === 8 && (((p[8] as number) << 8) | (p[9] as number)) % 31 === 0;
  const text = `xpra packet header: 'P', ${encoder}${(flags & 0x02) !== 0 ? ', encrypted' : ''}, ${zlib ? `zlib level ${level} stream, ` : ''}chunk ${p[3] as number}, ${size} bytes`;
  return { text, zlib };
}

export function xpra(v: PacketView, notes: FlowNotes): Candidate | undefined {
  // The first payload of each side is its "hello": a header at the start of the segment.
  if (v.proto !== 6) return undefined;
  const header = xpraHeader(v.payload, v.payloadLength);
  if (!header) return undefined;
  notes.xpraSides = (notes.xpraSides ?? 0) | sideOf(v);
  if (header.zlib) notes.xpraZlib = true;
  if (v.dir === 'c2s') notes.xpraClient ??= header.text;
  const both = notes.xpraSides === BOTH;
  const features = [notes.xpraClient ?? header.text];
  if (both) features.push('the server answers with an xpra header too');
  // One side's header alone is a label when a well-formed zlib stream follows it.
  const confidence = both ? 95 : notes.xpraZlib ? 80 : 60;
  return { protocol: 'xpra', confidence, features, final: both };
}

// SPICE: each channel is its own TCP connection, opened by a link message from the client and
// answered by a link reply, both behind the same 16-byte header: the magic "REDQ", major version
// (2, or 1 for the old 0.4 protocol), minor version, and the size of what follows, all 32-bit
// little-endian. The client's link message names the channel (1 main, 2 display, 3 inputs,
// 4 cursor, 5 playback, 6 record, ...). Sources: spice-protocol spice/protocol.h (SPICE_MAGIC,
// SpiceLinkHeader, SpiceLinkMess), spice-gtk spice-channel.c (spice_channel_send_link).
const SPICE_MAX_LINK = 64 * 1024;
const SPICE_CHANNELS = ['', 'main', 'display', 'inputs', 'cursor', 'playback', 'record', 'tunnel', 'smartcard', 'usbredir', 'port', 'webdav'];

function spiceLink(v: PacketView): string | undefined {
  const p = v.payload;
  if (p.length < 16 || !startsWithAscii(p, 'REDQ')) return undefined;
  const major = u32le(p, 4);
  const minor = u32le(p, 8);
  const size = u32le(p, 12);
  // The body follows in this segment or, as QEMU writes the reply and its capabilities apart, in
  // the next few; a link message is small (the capability lists are a few 32-bit words).
  if ((major !== 1 && major !== 2) || minor > 255 || size === 0 || size > SPICE_MAX_LINK || size + 16 < v.payloadLength) return undefined;
  const channel = v.dir === 'c2s' && p.length > 20 ? SPICE_CHANNELS[p[20] as number] : undefined;
  return `SPICE link ${v.dir === 'c2s' ? 'message' : 'reply'} "REDQ" version ${major}.${minor}, ${size}-byte body${channel ? ` (${channel} channel)` : ''}`;
}

export function spice(v: PacketView, notes: FlowNotes): Candidate | undefined {
  if (v.proto !== 6) return undefined;
  const link = spiceLink(v);
  if (!link) return undefined;
  notes.spiceSides = (notes.spiceSides ?? 0) | sideOf(v);
  if (v.dir === 'c2s') notes.spiceClient = link;
  const both = notes.spiceSides === BOTH;
  const features = [notes.spiceClient ?? link];
  if (both) features.push('SPICE link reply "REDQ" from the server');
  return { protocol: 'spice', confidence: both ? 98 : 85, features, final: both };
}

// NX (nx-libs, NoMachine NX 3): both proxies open the link with a text line "NXPROXY-<version>"
// followed by options ("cookie=...", "link=...") and a space. The cookie is the session's secret:
// only the version is kept. Source: nx-libs' libXcomp 3.5.99.26 as Debian ships it (its format
// strings "NXPROXY-%i.%i.%i-%i.%i.%i" and "NXPROXY-%s-%i.%i.%i") and nx.pcap here, nxproxy to
// nxagent, where the client sends "NXPROXY-3.5.0-3.5.99 cookie=...,stream=...,data=..." and the
// server "NXPROXY-3.5.0-3.5.99 link=LAN,pack=...".
function nxVersion(p: Uint8Array): string | undefined {
  if (!startsWithAscii(p, 'NXPROXY-')) return undefined;
  let end = 8;
  while (end < p.length && end < 40 && ((p[end] as number) === 0x2e || (p[end] as number) === 0x2d || ((p[end] as number) >= 0x30 && (p[end] as number) <= 0x39))) end++;
  if (end === 8) return undefined;
  return printable(p, 0, end);
}

export function nx(v: PacketView, notes: FlowNotes): Candidate | undefined {
  if (v.proto !== 6) return undefined;
  const version = nxVersion(v.payload);
  if (!version) return undefined;
  if (v.dir === 'c2s') notes.nxClient = version;
  else notes.nxServer = version;
  const features = [];
  if (notes.nxClient) features.push(`client's NX proxy greeting "${notes.nxClient}"`);
  if (notes.nxServer) features.push(`server's NX proxy greeting "${notes.nxServer}"`);
  const both = notes.nxClient !== undefined && notes.nxServer !== undefined;
  return { protocol: 'nx', confidence: both ? 98 : 90, features, final: both };
}
