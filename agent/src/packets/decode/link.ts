// Link layers: where the IP packet starts inside a captured frame, for the link types a laptop's
// captures have. Link type numbers: tcpdump.org/linktypes.html. EtherTypes: IEEE 802 numbers
// (0x0800 IPv4, 0x86DD IPv6, 0x8100 802.1Q, 0x88A8 802.1ad, 0x8864 PPPoE session).
import { u16be, u32be, u32le } from '../bytes.js';

export const LINKTYPE_NULL = 0; // BSD loopback: 4-byte address family in the writer's byte order
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101; // raw IPv4 or IPv6, told apart by the version nibble
export const LINKTYPE_LOOP = 108; // OpenBSD loopback: address family in network byte order
export const LINKTYPE_LINUX_SLL = 113; // Linux cooked capture v1, 16-byte header (protocol at 14)
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276; // Linux cooked capture v2, 20-byte header (protocol at 0)

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;
const ETH_VLAN = 0x8100;
const ETH_QINQ = 0x88a8;
const ETH_PPPOE_SESSION = 0x8864;
// PPP protocol numbers inside PPPoE (RFC 1661 §2, IANA PPP DLL protocol numbers).
const PPP_IPV4 = 0x0021;
const PPP_IPV6 = 0x0057;
// Address families in DLT_NULL / DLT_LOOP headers: AF_INET is 2 everywhere; AF_INET6 is 10 on
// Linux, 24 on NetBSD/OpenBSD, 28 on FreeBSD, 30 on macOS (tcpdump.org/linktypes/LINKTYPE_NULL.html).
const AF_INET6 = new Set([10, 24, 28, 30]);

/** Where the IP header starts (and which version it is), or why this frame carries no IP. */
export type LinkResult = { ip: 4 | 6 | 0; offset: number } | string;

function fromEtherType(type: number, data: Uint8Array, offset: number): LinkResult {
  // Up to two VLAN tags (802.1Q, 802.1ad).
  for (let tags = 0; (type === ETH_VLAN || type === ETH_QINQ) && tags < 2; tags++) {
    if (data.length < offset + 4) return 'truncated';
    type = u16be(data, offset + 2);
    offset += 4;
  }
  if (type === ETH_IPV4) return { ip: 4, offset };
  if (type === ETH_IPV6) return { ip: 6, offset };
  if (type === ETH_PPPOE_SESSION) {
    // PPPoE header (RFC 2516 §4): ver/type, code, session id, length; then the PPP protocol.
    if (data.length < offset + 8) return 'truncated';
    const ppp = u16be(data, offset + 6);
    if (ppp === PPP_IPV4) return { ip: 4, offset: offset + 8 };
    if (ppp === PPP_IPV6) return { ip: 6, offset: offset + 8 };
  }
  return 'not-ip';
}

export function linkPayload(linkType: number, data: Uint8Array): LinkResult {
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      if (data.length < 14) return 'truncated';
      return fromEtherType(u16be(data, 12), data, 14);
    case LINKTYPE_LINUX_SLL:
      if (data.length < 16) return 'truncated';
      return fromEtherType(u16be(data, 14), data, 16);
    case LINKTYPE_LINUX_SLL2:
      if (data.length < 20) return 'truncated';
      return fromEtherType(u16be(data, 0), data, 20);
    case LINKTYPE_RAW:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
      return { ip: 0, offset: 0 };
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP: {
      if (data.length < 4) return 'truncated';
      // DLT_NULL is in the writer's byte order: a family below 256 read big-endian means it was
      // written big-endian, otherwise it was little-endian.
      const be = u32be(data, 0);
      const af = linkType === LINKTYPE_LOOP || be < 256 ? be : u32le(data, 0);
      if (af === 2) return { ip: 4, offset: 4 };
      if (AF_INET6.has(af)) return { ip: 6, offset: 4 };
      return 'not-ip';
    }
    default:
      return 'unsupported-link';
  }
}

/** Link types a live capture can hand us (node-pcap names them). */
export function linkTypeFromName(name: string): number | undefined {
  const known: Record<string, number> = {
    LINKTYPE_NULL, LINKTYPE_ETHERNET, LINKTYPE_RAW, LINKTYPE_LINUX_SLL,
  };
  return known[name];
}
