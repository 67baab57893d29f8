// Remote-desktop protocols recognised by their own bytes: RDP over TCP (TPKT + X.224) and UDP
// (MS-RDPEUDP), VNC (RFB), TeamViewer, RustDesk; and SSH, the remote shell.
import { printable, startsWithAscii, u16be, u32be } from '../bytes.js';
import type { Candidate, FlowNotes, PacketView } from './types.js';

// RDP over TCP starts with a TPKT header (version 3, reserved 0, length of the whole packet:
// RFC 1006 §6) around an X.224 Connection Request (length indicator, code 0xE0, destination
// reference 0) from the client and a Connection Confirm (code 0xD0) from the server. The request
// usually carries "Cookie: mstshash=" or an RDP_NEG_REQ (type 1, length 8).
// Source: MS-RDPBCGR 2.2.1.1 (Client X.224 Connection Request PDU), 2.2.1.2 (Server X.224
// Connection Confirm PDU); ITU-T X.224 §13.3-13.4.
const X224_CR = 0xe0;
const X224_CC = 0xd0;

export function rdpTcp(v: PacketView, notes: FlowNotes): Candidate | undefined {
  const p = v.payload;
  if (v.proto !== 6 || p.length < 11 || p[0] !== 3 || p[1] !== 0 || u16be(p, 2) !== v.payloadLength) return undefined;
  const li = p[4] as number;
  const code = (p[5] as number) & 0xf0;
  if (li !== v.payloadLength - 5) return undefined;
  if (v.dir === 'c2s' && code === X224_CR && u16be(p, 6) === 0) {
    const features = ['TPKT version 3, length matches', 'X.224 Connection Request (0xE0)'];
    // The cookie's value is the user name typed into the client: personal, and not needed.
    if (startsWithAscii(p, 'Cookie: mstshash=', 11)) features.push('routing cookie "Cookie: mstshash=..."');
    else if (p.length >= 19 && p[p.length - 8] === 0x01 && u16be(p, p.length - 6) === 0x0800) features.push('RDP_NEG_REQ (type 1, length 8)');
    notes.rdpRequest = features.slice(1).join('; ');
    return { protocol: 'rdp', confidence: features.length > 2 ? 90 : 75, features };
  }
  if (v.dir === 's2c' && code === X224_CC && notes.rdpRequest) {
    return {
      protocol: 'rdp', confidence: 98, final: true,
      features: ['TPKT version 3, length matches', notes.rdpRequest, 'X.224 Connection Confirm (0xD0) in reply'],
    };
  }
  return undefined;
}

// RDP over UDP: the client's SYN datagram has snSourceAck 0xFFFFFFFF, a receive window, uFlags
// with RDPUDP_FLAG_SYN (0x0001), and is padded to 1232 bytes; the server answers SYN+ACK (0x0005),
// also padded. Source: MS-RDPEUDP 2.2.2.1 (RDPUDP_FEC_HEADER), 2.2.2.5 (SYN datagram), 3.1.5.1.1;
// Zeek's rdpeudp signatures (scripts/base/protocols/rdp/dpd.sig) use the same sizes and flags.
export function rdpUdp(v: PacketView, notes: FlowNotes): Candidate | undefined {
  const p = v.payload;
  if (v.proto !== 17 || p.length < 8 || v.payloadLength < 1132 || v.payloadLength > 1232) return undefined;
  const flags = u16be(p, 6);
  if (v.dir === 'c2s' && u32be(p, 0) === 0xffffffff && (flags & 0x0001) !== 0 && (flags & 0x0004) === 0) {
    notes.rdpUdpSyn = true;
    return { protocol: 'rdp', confidence: 85, features: [`RDP-UDP SYN datagram: snSourceAck 0xffffffff, uFlags 0x${flags.toString(16)}, ${v.payloadLength} bytes`] };
  }
  if (v.dir === 's2c' && notes.rdpUdpSyn && (flags & 0x0005) === 0x0005) {
    return { protocol: 'rdp', confidence: 97, final: true, features: ['RDP-UDP SYN from the client', `RDP-UDP SYN+ACK in reply (uFlags 0x${flags.toString(16)})`] };
  }
  return undefined;
}

// VNC: both sides open with the ProtocolVersion message "RFB xxx.yyy\n", 12 bytes, the server first.
// Source: RFC 6143 §7.1.1.
function rfbVersion(p: Uint8Array, len: number): string | undefined {
  if (len !== 12 || !startsWithAscii(p, 'RFB ') || p[7] !== 0x2e || p[11] !== 0x0a) return undefined;
  return printable(p, 0, 11);
}

export function vnc(v: PacketView, notes: FlowNotes): Candidate | undefined {
  if (v.proto !== 6) return undefined;
  const version = rfbVersion(v.payload, v.payloadLength);
  if (!version) return undefined;
  if (v.dir === 's2c') notes.rfbServer = version;
  else notes.rfbClient = version;
  const features = [];
  if (notes.rfbServer) features.push(`server ProtocolVersion "${notes.rfbServer}"`);
  if (notes.rfbClient) features.push(`client ProtocolVersion "${notes.rfbClient}"`);
  const both = notes.rfbServer !== undefined && notes.rfbClient !== undefined;
  return { protocol: 'vnc', confidence: both ? 98 : 90, features, final: both };
}

// TeamViewer: over TCP its messages start with 0x17 0x24 (or 0x11 0x30); over UDP byte 0 is a
// counter starting at 0 and bytes 11-12 are 0x17 0x24. Its own port is 5938. Source: nDPI
// src/lib/protocols/teamviewer.c; TeamViewer's firewall article (port 5938 TCP/UDP).
const TEAMVIEWER_PORT = 5938;

export function teamviewer(v: PacketView, notes: FlowNotes): Candidate | undefined {
  const p = v.payload;
  let hit = false;
  if (v.proto === 6 && p.length > 2) hit = (p[0] === 0x17 && p[1] === 0x24) || (p[0] === 0x11 && p[1] === 0x30);
  else if (v.proto === 17 && p.length > 13) hit = p[0] === 0 && p[11] === 0x17 && p[12] === 0x24;
  if (!hit) return undefined;
  notes.teamviewerPackets = (notes.teamviewerPackets ?? 0) + 1;
  const onPort = v.serverPort === TEAMVIEWER_PORT || v.clientPort === TEAMVIEWER_PORT;
  const features = [`${notes.teamviewerPackets} packet(s) with TeamViewer's message magic 0x17 0x24`];
  if (onPort) features.push(`port ${TEAMVIEWER_PORT}`);
  // Off its port, nDPI waits for four such messages; three make it a label here, fewer only a hint.
  const sure = onPort || notes.teamviewerPackets >= 3;
  return { protocol: 'teamviewer', confidence: sure ? 90 : 45, features, final: sure };
}

// RustDesk: its ID/rendezvous server (hbbs) listens on 21115-21116 and its relay (hbbr) on 21117
// (rustdesk.com/docs/en/self-host). Over TCP each protobuf message is framed by its BytesCodec: the
// low 2 bits of the first byte give the header size minus one, the rest the body length (RustDesk
// libs/hbb_common/src/bytes_codec.rs). A frame whose header matches the segment on those ports is
// taken as RustDesk.
const RUSTDESK_PORTS = new Set([21115, 21116, 21117]);

export function rustdesk(v: PacketView): Candidate | undefined {
  const p = v.payload;
  if (!RUSTDESK_PORTS.has(v.serverPort) || p.length < 2) return undefined;
  if (v.proto === 6) {
    const head = ((p[0] as number) & 3) + 1;
    if (p.length < head) return undefined;
    let n = 0;
    for (let i = head - 1; i >= 0; i--) n = n * 256 + (p[i] as number);
    if (n >> 2 !== v.payloadLength - head) return undefined;
    return { protocol: 'rustdesk', confidence: 75, features: [`TCP port ${v.serverPort} (RustDesk server)`, `BytesCodec frame: ${head}-byte header, body length matches`] };
  }
  // UDP datagrams are bare protobuf RendezvousMessages: a length-delimited field first.
  if (v.proto === 17 && ((p[0] as number) & 0x07) === 2 && (p[1] as number) < 0x80 && (p[1] as number) + 2 === v.payloadLength) {
    return { protocol: 'rustdesk', confidence: 65, features: [`UDP port ${v.serverPort} (RustDesk server)`, 'protobuf message, one length-delimited field spanning the datagram'] };
  }
  return undefined;
}

// SSH: each side first sends its identification string "SSH-protoversion-softwareversion".
// Source: RFC 4253 §4.2.
export function ssh(v: PacketView, notes: FlowNotes): Candidate | undefined {
  const p = v.payload;
  if (v.proto !== 6 || !(startsWithAscii(p, 'SSH-2.0-') || startsWithAscii(p, 'SSH-1.99-'))) return undefined;
  const banner = printable(p, 0, 80);
  if (v.dir === 's2c') notes.sshServer = banner;
  else notes.sshClient = banner;
  const features = [];
  if (notes.sshServer) features.push(`server identification "${notes.sshServer}"`);
  if (notes.sshClient) features.push(`client identification "${notes.sshClient}"`);
  const both = notes.sshServer !== undefined && notes.sshClient !== undefined;
  return { protocol: 'ssh', confidence: both ? 98 : 92, features, final: both };
}
