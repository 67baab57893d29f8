// The capture filter and snap length: only what the classifier and the flow table use reaches the
// agent. Transports it reads (TCP, UDP, GRE, ESP), minus the bulk that cannot change a label:
//   - IPv4 TCP segments with no payload and no SYN/FIN/RST (pure ACKs, half the packets of any
//     download);
//   - IPv4 QUIC short-header packets on UDP 443 (first byte without the 0x80 long-header bit:
//     RFC 9000 §17.3), i.e. everything after the handshake.
// libpcap cannot index TCP or UDP headers inside IPv6 (`tcp[...]` is IPv4 only), so IPv6 traffic
// of those transports is taken whole. The snap length keeps headers and the first 4 KiB of payload:
// a laptop's own outgoing packets are captured before the network card splits them (TSO), so a
// browser's ClientHello with a post-quantum key share (about 2 KiB) arrives as one packet, and
// its server name may come after the key share. Payload past the first packets of a flow is never
// inspected, whatever the snap length.

export const DEFAULT_SNAPLEN = 4096;

const TCP_PAYLOAD_V4 = '(ip[2:2] - ((ip[0] & 0xf) << 2) - ((tcp[12] & 0xf0) >> 2))';

export function captureFilter(): string {
  return [
    `(ip and tcp and (tcp[tcpflags] & (tcp-syn|tcp-fin|tcp-rst) != 0 or ${TCP_PAYLOAD_V4} != 0))`,
    '(ip and udp and not (udp port 443 and udp[8] & 0x80 = 0))',
    '(ip6 and (tcp or udp))',
    'ip proto 47', 'ip proto 50', 'ip6 proto 47', 'ip6 proto 50',
  ].join(' or ');
}
