// One captured frame decoded down to its transport header: addresses, protocol, ports, TCP flags,
// and a view of the transport payload. Nothing is copied; the views live as long as the frame.
// IPv4: RFC 791 §3.1; IPv6: RFC 8200 §3-4 (extension headers); TCP: RFC 9293 §3.1; UDP: RFC 768.
import { u16be } from '../bytes.js';
import { linkPayload } from './link.js';

export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_GRE = 47;
export const IPPROTO_ESP = 50;
const IPPROTO_AH = 51;
// IPv6 extension headers we step over (IANA "IPv6 Extension Header Types").
const IPV6_HOPOPTS = 0;
const IPV6_ROUTING = 43;
const IPV6_FRAGMENT = 44;
const IPV6_DSTOPTS = 60;
const IPV6_MOBILITY = 135;

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_ACK = 0x10;

export interface PacketInfo {
  tsMs: number;
  ipVersion: 4 | 6;
  /** Source and destination addresses: views of 4 or 16 bytes. */
  src: Uint8Array;
  dst: Uint8Array;
  /** IP protocol number of the transport (6 TCP, 17 UDP, 47 GRE, 50 ESP, ...). */
  proto: number;
  srcPort: number;
  dstPort: number;
  tcpFlags: number;
  /** Transport payload as captured (may be cut short by the snap length). */
  payload: Uint8Array;
  /** Transport payload length on the wire, from the headers. */
  payloadLength: number;
  /** IP packet length on the wire. */
  ipLength: number;
  /** A fragment after the first: no transport header of its own. */
  laterFragment: boolean;
}

/** Why a frame was not decoded, counted by the reader. */
export type SkipReason = 'not-ip' | 'unsupported-link' | 'truncated' | 'malformed';

export function decodePacket(linkType: number, data: Uint8Array, tsMs: number): PacketInfo | SkipReason {
  const link = linkPayload(linkType, data);
  if (typeof link === 'string') return link as SkipReason;
  const off = link.offset;
  if (data.length < off + 1) return 'truncated';
  const version = (data[off] as number) >> 4;
  if (link.ip !== 0 && link.ip !== version) return 'malformed';
  if (version === 4) return ipv4(data, off, tsMs);
  if (version === 6) return ipv6(data, off, tsMs);
  return link.ip === 0 ? 'not-ip' : 'malformed';
}

function ipv4(d: Uint8Array, off: number, tsMs: number): PacketInfo | SkipReason {
  if (d.length < off + 20) return 'truncated';
  const ihl = ((d[off] as number) & 0x0f) * 4;
  const total = u16be(d, off + 2);
  if (ihl < 20 || total < ihl) return 'malformed';
  if (d.length < off + ihl) return 'truncated';
  const fragOffset = u16be(d, off + 6) & 0x1fff;
  const proto = d[off + 9] as number;
  return transport(d, off + ihl, total - ihl, proto, 4, d.subarray(off + 12, off + 16), d.subarray(off + 16, off + 20), total, fragOffset !== 0, tsMs);
}

function ipv6(d: Uint8Array, off: number, tsMs: number): PacketInfo | SkipReason {
  if (d.length < off + 40) return 'truncated';
  const payloadLen = u16be(d, off + 4);
  let next = d[off + 6] as number;
  let p = off + 40;
  let remaining = payloadLen;
  let laterFragment = false;
  for (let hops = 0; hops < 8; hops++) {
    if (next === IPV6_HOPOPTS || next === IPV6_ROUTING || next === IPV6_DSTOPTS || next === IPV6_MOBILITY || next === IPV6_FRAGMENT || next === IPPROTO_AH) {
      if (d.length < p + 8) return 'truncated';
      const len = next === IPV6_FRAGMENT ? 8 : next === IPPROTO_AH ? ((d[p + 1] as number) + 2) * 4 : ((d[p + 1] as number) + 1) * 8;
      if (next === IPV6_FRAGMENT && (u16be(d, p + 2) & 0xfff8) !== 0) laterFragment = true;
      next = d[p] as number;
      p += len;
      remaining -= len;
      if (remaining < 0) return 'malformed';
    } else break;
  }
  return transport(d, p, remaining, next, 6, d.subarray(off + 8, off + 24), d.subarray(off + 24, off + 40), payloadLen + 40, laterFragment, tsMs);
}

function transport(
  d: Uint8Array, off: number, len: number, proto: number, ipVersion: 4 | 6,
  src: Uint8Array, dst: Uint8Array, ipLength: number, laterFragment: boolean, tsMs: number,
): PacketInfo | SkipReason {
  const info: PacketInfo = {
    tsMs, ipVersion, src, dst, proto, srcPort: 0, dstPort: 0, tcpFlags: 0,
    payload: d.subarray(off, Math.min(d.length, off + len)), payloadLength: len, ipLength, laterFragment,
  };
  if (laterFragment) return info;
  if (proto === IPPROTO_TCP) {
    if (d.length < off + 20) return 'truncated';
    const hl = ((d[off + 12] as number) >> 4) * 4;
    if (hl < 20 || hl > len) return 'malformed';
    info.srcPort = u16be(d, off);
    info.dstPort = u16be(d, off + 2);
    info.tcpFlags = d[off + 13] as number;
    info.payload = d.subarray(Math.min(d.length, off + hl), Math.min(d.length, off + len));
    info.payloadLength = len - hl;
  } else if (proto === IPPROTO_UDP) {
    if (d.length < off + 8) return 'truncated';
    const ulen = u16be(d, off + 4);
    if (ulen < 8) return 'malformed';
    info.srcPort = u16be(d, off);
    info.dstPort = u16be(d, off + 2);
    const plen = Math.min(ulen, len) - 8;
    info.payload = d.subarray(off + 8, Math.min(d.length, off + 8 + plen));
    info.payloadLength = plen;
  }
  return info;
}
