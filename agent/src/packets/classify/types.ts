// What the classifier says about a flow: which protocol, how sure, and the features that decided it.
// A label is always backed by features from the packets; port numbers alone never make a label
// (they make a hint, and the flow stays unknown).

export type ProtocolId =
  | 'openvpn' | 'wireguard' | 'ike' | 'ipsec_esp' | 'l2tp' | 'pptp' | 'gre' | 'anyconnect' | 'tailscale'
  | 'rdp' | 'vnc' | 'teamviewer' | 'anydesk' | 'rustdesk' | 'xpra' | 'spice' | 'nx' | 'nomachine' | 'radmin'
  | 'ssh' | 'tls' | 'dtls' | 'dns' | 'quic' | 'http'
  | 'unknown';

/** vpn: a tunnel; remote_access: someone else's screen and keyboard; remote_shell: SSH; other:
 *  ordinary traffic (web, DNS, QUIC); unknown: nothing matched. */
export type FlowKind = 'vpn' | 'remote_access' | 'remote_shell' | 'other' | 'unknown';

export interface CatalogMatch {
  entryId: string;
  kind: 'remote_access' | 'vpn';
  /** The catalog pattern that matched ("*.anydesk.com"). */
  pattern: string;
  /** What matched it: a TLS server name, DNS query name, HTTP host or the server address. */
  value: string;
  via: 'tls.sni' | 'dns.query' | 'http.host' | 'ip';
}

export interface FlowLabel {
  protocol: ProtocolId;
  kind: FlowKind;
  /** 0..100 */
  confidence: number;
  /** The facts from the packets that decided the label, for people and for evidence. */
  features: string[];
  /** A catalog entry the flow's names (or server address) belong to. */
  catalog?: CatalogMatch;
  /** What the server port alone suggests when no signature matched ("openvpn: UDP port 1194"). */
  portHint?: string;
}

export const PROTOCOL_NAMES: Record<ProtocolId, string> = {
  openvpn: 'OpenVPN', wireguard: 'WireGuard', ike: 'IKE', ipsec_esp: 'IPsec ESP', l2tp: 'L2TP', pptp: 'PPTP', gre: 'GRE',
  anyconnect: 'Cisco AnyConnect', tailscale: 'Tailscale', rdp: 'RDP', vnc: 'VNC', teamviewer: 'TeamViewer', anydesk: 'AnyDesk',
  rustdesk: 'RustDesk', xpra: 'xpra', spice: 'SPICE', nx: 'NX', nomachine: 'NoMachine', radmin: 'Radmin', ssh: 'SSH', tls: 'TLS', dtls: 'DTLS', dns: 'DNS', quic: 'QUIC', http: 'HTTP', unknown: 'unknown',
};

export const PROTOCOL_KINDS: Record<ProtocolId, FlowKind> = {
  openvpn: 'vpn', wireguard: 'vpn', ike: 'vpn', ipsec_esp: 'vpn', l2tp: 'vpn', pptp: 'vpn', gre: 'vpn', anyconnect: 'vpn', tailscale: 'vpn',
  rdp: 'remote_access', vnc: 'remote_access', teamviewer: 'remote_access', anydesk: 'remote_access', rustdesk: 'remote_access',
  xpra: 'remote_access', spice: 'remote_access', nx: 'remote_access', nomachine: 'remote_access', radmin: 'remote_access',
  ssh: 'remote_shell', tls: 'other', dtls: 'other', dns: 'other', quic: 'other', http: 'other', unknown: 'unknown',
};

export type Direction = 'c2s' | 's2c';

/** One packet of a flow as a classifier sees it. */
export interface PacketView {
  /** IP protocol number (6 TCP, 17 UDP, 47 GRE, 50 ESP). */
  proto: number;
  dir: Direction;
  clientPort: number;
  serverPort: number;
  payload: Uint8Array;
  /** Payload length on the wire (payload may be shorter when the snap length cut it). */
  payloadLength: number;
  /** 0 for the flow's first packet with payload, 1 for the next, ... */
  index: number;
}

/** A protocol checker's verdict on the flow so far. */
export interface Candidate {
  protocol: ProtocolId;
  confidence: number;
  features: string[];
  kind?: FlowKind;
  catalog?: CatalogMatch;
  /** Whether more packets cannot change this verdict. */
  final?: boolean;
}

/** Small facts a checker keeps between packets of one flow. Never payload bytes. */
export interface FlowNotes {
  openvpnSessionId?: string;
  openvpnClientOpcode?: number;
  openvpnLayout?: string;
  wireguardSender?: number;
  ikeSeen?: boolean;
  rfbServer?: string;
  rfbClient?: string;
  rdpRequest?: string;
  rdpUdpSyn?: boolean;
  teamviewerPackets?: number;
  /** Which sides (1 client, 2 server) opened with the protocol's greeting. */
  xpraSides?: number;
  xpraClient?: string;
  xpraZlib?: boolean;
  spiceSides?: number;
  spiceClient?: string;
  nxClient?: string;
  nxServer?: string;
  nomachineClient?: string;
  nomachineServer?: string;
  nomachineDatagrams?: number;
  radmin?: 'hello' | 'answered' | 'message';
  sshServer?: string;
  sshClient?: string;
  dtlsVersion?: number;
  /** A TLS ClientHello split across segments: bytes wanted in total, and the bytes so far. */
  tlsHello?: { want: number; parts: Uint8Array[]; have: number };
  /** CRYPTO data of a QUIC client's Initial packets until its ClientHello is whole. */
  quicCrypto?: { parts: { offset: number; data: Uint8Array }[] };
}

export interface ClassifierContext {
  domains: DomainMatcher;
}

export interface DomainMatcher {
  match(name: string, port?: number): { entryId: string; kind: 'remote_access' | 'vpn'; pattern: string } | undefined;
}
