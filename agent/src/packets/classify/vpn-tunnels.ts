// Tunnel protocols recognised by their own headers: OpenVPN, WireGuard (and Tailscale, which is
// WireGuard plus its own discovery messages), IKE and ESP (with NAT traversal), L2TP, PPTP and GRE.
import { hex, startsWithAscii, u16be, u32be, u32le } from '../bytes.js';
import type { Candidate, FlowNotes, PacketView } from './types.js';

// OpenVPN: the first byte is opcode << 3 | key id; a control packet then carries the sender's
// 8-byte session id. Source: OpenVPN src/openvpn/ssl_pkt.h (P_CONTROL_HARD_RESET_CLIENT_V1 1,
// _SERVER_V1 2, _CLIENT_V2 7, _SERVER_V2 8, _CLIENT_V3 10; P_OPCODE_SHIFT 3) and nDPI
// src/lib/protocols/openvpn.c (session id echoed in the server's reset). Over TCP every packet is
// preceded by a 2-byte length (OpenVPN's "packet length" framing, src/openvpn/proto.h).
const OVPN_CLIENT_RESETS = new Map([[1, 'P_CONTROL_HARD_RESET_CLIENT_V1'], [7, 'P_CONTROL_HARD_RESET_CLIENT_V2'], [10, 'P_CONTROL_HARD_RESET_CLIENT_V3']]);
const OVPN_SERVER_RESETS = new Map([[2, 'P_CONTROL_HARD_RESET_SERVER_V1'], [8, 'P_CONTROL_HARD_RESET_SERVER_V2']]);

/** How the client's first reset is laid out, if it is one of OpenVPN's layouts: without
 *  authentication (ack array length 0, message packet id 0), with --tls-auth (HMAC of 20 or 32
 *  bytes, then replay packet id 1 and a timestamp, then the same), or with --tls-crypt (replay
 *  packet id 1 in clear after the session id). Sources: OpenVPN ssl_pkt.h / reliable.c (packet
 *  layout), nDPI openvpn.c (packet id 1 after the HMAC). */
function resetLayout(p: Uint8Array): string | undefined {
  if (p.length >= 14 && p[9] === 0 && u32be(p, 10) === 0) return 'no tls-auth: empty ACK array, message packet id 0';
  for (const hmac of [20, 32]) {
    const o = 9 + hmac;
    if (p.length >= o + 13 && u32be(p, o) === 1 && p[o + 8] === 0 && u32be(p, o + 9) === 0) return `tls-auth: ${hmac}-byte HMAC, replay packet id 1, empty ACK array`;
  }
  if (p.length >= 17 && u32be(p, 9) === 1) return 'tls-crypt: replay packet id 1 in clear';
  return undefined;
}

export function openvpn(v: PacketView, notes: FlowNotes): Candidate | undefined {
  let p = v.payload;
  const tcp = v.proto === 6;
  if (tcp) {
    if (p.length < 3 || u16be(p, 0) !== v.payloadLength - 2) return undefined;
    p = p.subarray(2);
  }
  if (p.length < 14) return undefined;
  const opcode = (p[0] as number) >> 3;
  const framing = tcp ? 'TCP length prefix matches the segment' : 'UDP';
  if (v.dir === 'c2s' && v.index === 0 && OVPN_CLIENT_RESETS.has(opcode)) {
    notes.openvpnSessionId = hex(p, 1, 9);
    notes.openvpnClientOpcode = opcode;
    const layout = resetLayout(p);
    notes.openvpnLayout = layout;
    const features = [`${framing}; opcode ${opcode} ${OVPN_CLIENT_RESETS.get(opcode)} from the client`];
    if (layout) features.push(layout);
    // One packet whose first byte happens to read as a reset is no label; its layout too is one.
    return { protocol: 'openvpn', confidence: layout ? 70 : 45, features };
  }
  if (v.dir === 's2c' && notes.openvpnSessionId && OVPN_SERVER_RESETS.has(opcode)) {
    // The server's reset acknowledges the client's packet, naming the client's session id in its
    // ACK array; with tls-auth/tls-crypt an HMAC comes first, so look for the id after the header.
    const echoed = hex(p, 9).includes(notes.openvpnSessionId);
    const features = [
      `${framing}; opcode ${notes.openvpnClientOpcode} ${OVPN_CLIENT_RESETS.get(notes.openvpnClientOpcode ?? 0)} from the client`,
      ...(notes.openvpnLayout ? [notes.openvpnLayout] : []),
      `opcode ${opcode} ${OVPN_SERVER_RESETS.get(opcode)} in reply`,
    ];
    if (echoed) features.push(`server acknowledges the client's session id ${notes.openvpnSessionId}`);
    return { protocol: 'openvpn', confidence: echoed ? 98 : 85, features, final: true };
  }
  return undefined;
}

// WireGuard: message type 1..4 then three zero bytes; handshake initiation is 148 bytes, response
// 92, cookie reply 64, transport data at least 32 and a multiple of 16. The response names the
// initiator's sender index as its receiver index. Source: WireGuard whitepaper §5.4 (wireguard.com/
// papers/wireguard.pdf); indices little-endian as in the Linux implementation (noise.c). Tailscale
// uses WireGuard on UDP 41641 by default (tailscale.com/kb/1082/firewall-ports).
const TAILSCALE_PORT = 41641;

export function wireguard(v: PacketView, notes: FlowNotes): Candidate | undefined {
  const p = v.payload;
  if (v.proto !== 17 || p.length < 32 || p[1] !== 0 || p[2] !== 0 || p[3] !== 0) return undefined;
  const type = p[0] as number;
  const len = v.payloadLength;
  const tailscale = v.serverPort === TAILSCALE_PORT || v.clientPort === TAILSCALE_PORT;
  const as = (c: Candidate): Candidate =>
    tailscale ? { ...c, protocol: 'tailscale', features: [...c.features, `UDP port ${TAILSCALE_PORT}, tailscaled's WireGuard port`] } : c;
  if (type === 1 && len === 148) {
    notes.wireguardSender = u32le(p, 4);
    return as({ protocol: 'wireguard', confidence: 70, features: ['handshake initiation: type 1, 148 bytes, reserved bytes zero'] });
  }
  if ((type === 2 && len === 92) || (type === 3 && len === 64)) {
    const receiver = u32le(p, type === 2 ? 8 : 4);
    const what = type === 2 ? 'handshake response: type 2, 92 bytes' : 'cookie reply: type 3, 64 bytes';
    if (notes.wireguardSender === undefined) return as({ protocol: 'wireguard', confidence: 60, features: [what] });
    if (receiver !== notes.wireguardSender) return undefined;
    return as({
      protocol: 'wireguard', confidence: 98, final: true,
      features: ['handshake initiation: type 1, 148 bytes', what, `receiver index ${receiver.toString(16)} answers the initiator's sender index`],
    });
  }
  if (type === 4 && len % 16 === 0) {
    return as({ protocol: 'wireguard', confidence: 50, features: ['transport data: type 4, reserved bytes zero, length a multiple of 16'] });
  }
  return undefined;
}

// Tailscale's discovery messages start with the magic "TS" + U+1F4AC (bytes 54 53 f0 9f 92 ac).
// Source: tailscale disco/disco.go (Magic = "TS💬").
export function tailscaleDisco(v: PacketView): Candidate | undefined {
  const p = v.payload;
  if (v.proto !== 17 || p.length < 6 || !startsWithAscii(p, 'TS') || p[2] !== 0xf0 || p[3] !== 0x9f || p[4] !== 0x92 || p[5] !== 0xac) return undefined;
  return { protocol: 'tailscale', confidence: 95, features: ['disco magic "TS💬" (54 53 f0 9f 92 ac)'], final: true };
}

// IKE header (28 bytes): initiator SPI 8, responder SPI 8, next payload, version (0x20 IKEv2, 0x10
// IKEv1), exchange type, flags, message id, length = the whole message. IKEv2 exchanges 34..37
// (IKE_SA_INIT, IKE_AUTH, CREATE_CHILD_SA, INFORMATIONAL): RFC 7296 §3.1; IKEv1 exchanges 2 (Main),
// 4 (Aggressive), 5 (Informational), 32 (Quick): RFC 2408 §3.1, RFC 2409. On UDP 4500 IKE follows a
// 4-byte zero "non-ESP marker"; anything else there is ESP in UDP, and a lone 0xff is a NAT
// keepalive: RFC 3948 §2.2-2.3. ESP itself (IP protocol 50) starts with a non-zero SPI and a
// sequence number: RFC 4303 §2.
const IKEV2_EXCHANGES = new Map([[34, 'IKE_SA_INIT'], [35, 'IKE_AUTH'], [36, 'CREATE_CHILD_SA'], [37, 'INFORMATIONAL']]);
const IKEV1_EXCHANGES = new Map([[2, 'Identity Protection (Main Mode)'], [4, 'Aggressive'], [5, 'Informational'], [32, 'Quick Mode']]);

function ikeHeader(p: Uint8Array, off: number, length: number): string | undefined {
  if (p.length < off + 28 || length < 28) return undefined;
  const version = p[off + 17] as number;
  const exchange = p[off + 18] as number;
  if (u32be(p, off + 24) !== length || (u32be(p, off) === 0 && u32be(p, off + 4) === 0)) return undefined;
  if (version === 0x20 && IKEV2_EXCHANGES.has(exchange)) return `IKEv2 ${IKEV2_EXCHANGES.get(exchange)} (version 0x20, exchange ${exchange}), length field matches`;
  if (version === 0x10 && IKEV1_EXCHANGES.has(exchange)) return `IKEv1 ${IKEV1_EXCHANGES.get(exchange)} (version 0x10, exchange ${exchange}), length field matches`;
  return undefined;
}

export function ikeOrNatT(v: PacketView, notes: FlowNotes): Candidate | undefined {
  if (v.proto !== 17) return undefined;
  const p = v.payload;
  const natt = v.serverPort === 4500 || v.clientPort === 4500;
  const marker = natt && p.length >= 4 && u32be(p, 0) === 0;
  const ike = ikeHeader(p, marker ? 4 : 0, v.payloadLength - (marker ? 4 : 0));
  if (ike) {
    notes.ikeSeen = true;
    const features = [marker ? `UDP 4500 non-ESP marker, then ${ike}` : ike];
    return { protocol: 'ike', confidence: 95, features, final: v.dir === 's2c' };
  }
  if (natt && !marker && p.length >= 8 && v.payloadLength >= 16 && u32be(p, 0) !== 0) {
    const spi = u32be(p, 0).toString(16).padStart(8, '0');
    return {
      protocol: 'ipsec_esp', confidence: notes.ikeSeen ? 90 : 70,
      features: [`ESP in UDP on port 4500 (RFC 3948): SPI 0x${spi}, sequence ${u32be(p, 4)}`, ...(notes.ikeSeen ? ['IKE seen earlier in this flow'] : [])],
    };
  }
  return undefined;
}

export function esp(v: PacketView): Candidate | undefined {
  if (v.proto !== 50 || v.payload.length < 8 || u32be(v.payload, 0) === 0) return undefined;
  return {
    protocol: 'ipsec_esp', confidence: 95, final: true,
    features: [`IP protocol 50 (ESP): SPI 0x${u32be(v.payload, 0).toString(16).padStart(8, '0')}, sequence ${u32be(v.payload, 4)}`],
  };
}

// L2TP: flags and version in the first 16 bits: T (0x8000) control, L (0x4000) length present,
// S (0x0800) sequence present; version 2 (RFC 2661 §3.1) or 3 (RFC 3931 §4.1.2.1). A control
// message has T, L and S set and its length field equals the datagram; its first AVP is the
// Message Type (attribute 0), 1 = SCCRQ (RFC 2661 §4.4.1, §3.2).
export function l2tp(v: PacketView): Candidate | undefined {
  const p = v.payload;
  if (v.proto !== 17 || p.length < 12) return undefined;
  const flags = u16be(p, 0);
  const version = flags & 0x000f;
  if (version !== 2 && version !== 3) return undefined;
  const control = (flags & 0x8000) !== 0;
  if (control) {
    if ((flags & 0x4800) !== 0x4800 || u16be(p, 2) !== v.payloadLength) return undefined;
    const features = [`L2TPv${version} control message (T, L, S bits set), length field matches`];
    if (version === 2 && p.length >= 20 && (u16be(p, 12) & 0x03ff) === 8 && u16be(p, 14) === 0 && u16be(p, 16) === 0) {
      features.push(`first AVP is Message Type ${u16be(p, 18)}${u16be(p, 18) === 1 ? ' (SCCRQ)' : ''}`);
    }
    return { protocol: 'l2tp', confidence: features.length > 1 ? 95 : 85, features, final: features.length > 1 };
  }
  if (version === 2 && (v.serverPort === 1701 || v.clientPort === 1701) && (flags & 0x3ff0 & ~0x0b00) === 0) {
    return { protocol: 'l2tp', confidence: 60, features: ['L2TPv2 data message header on UDP 1701'] };
  }
  return undefined;
}

// PPTP control connection (TCP): length, PPTP message type 1 (control), magic cookie 0x1A2B3C4D,
// control message type (1 Start-Control-Connection-Request, 2 -Reply, 7 Outgoing-Call-Request...).
// Source: RFC 2637 §2.1-2.2.
const PPTP_MAGIC = 0x1a2b3c4d;

export function pptp(v: PacketView): Candidate | undefined {
  const p = v.payload;
  if (v.proto !== 6 || p.length < 12 || u32be(p, 4) !== PPTP_MAGIC || u16be(p, 2) !== 1 || u16be(p, 0) > v.payloadLength) return undefined;
  const type = u16be(p, 8);
  const names: Record<number, string> = { 1: 'Start-Control-Connection-Request', 2: 'Start-Control-Connection-Reply', 7: 'Outgoing-Call-Request', 8: 'Outgoing-Call-Reply' };
  return {
    protocol: 'pptp', confidence: 95, final: true,
    features: [`PPTP control message with magic cookie 0x1a2b3c4d, type ${type}${names[type] ? ` (${names[type]})` : ''}`],
  };
}

// GRE (IP protocol 47): version in the low 3 bits of the second byte, protocol type after. PPTP
// carries PPP in "enhanced GRE": version 1, protocol 0x880B (RFC 2637 §4.1); version 0 is plain GRE
// (RFC 2784 §2).
export function gre(v: PacketView): Candidate | undefined {
  const p = v.payload;
  if (v.proto !== 47 || p.length < 4) return undefined;
  const version = (p[1] as number) & 0x07;
  const type = u16be(p, 2);
  if (version === 1 && type === 0x880b) {
    return { protocol: 'gre', confidence: 95, final: true, features: ['enhanced GRE (version 1) carrying PPP (0x880b): a PPTP tunnel'] };
  }
  if (version === 0) {
    return { protocol: 'gre', confidence: 70, final: true, features: [`GRE version 0 carrying protocol 0x${type.toString(16).padStart(4, '0')}`] };
  }
  return undefined;
}
