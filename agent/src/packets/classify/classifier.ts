// The flow classifier: each packet with payload, among a flow's first few, goes through the checkers
// for its transport; the most confident verdict so far is the flow's label. Pure: no I/O, no clock;
// what it keeps between packets is a few small notes per flow, never payload.
import { dns, dtls, http, quic, tls } from './web.js';
import { esp, gre, ikeOrNatT, l2tp, openvpn, pptp, tailscaleDisco, wireguard } from './vpn-tunnels.js';
import { rdpTcp, rdpUdp, rustdesk, ssh, teamviewer, vnc } from './remote-desktop.js';
import { nx, spice, xpra } from './remote-display.js';
import { nomachine, radmin } from './remote-support.js';
import {
  PROTOCOL_KINDS, type Candidate, type CatalogMatch, type ClassifierContext, type FlowLabel, type FlowNotes, type PacketView,
} from './types.js';

/** Packets with payload looked at per flow before the classifier gives up. */
export const MAX_INSPECTED_PACKETS = 10;
/** A verdict this sure and final ends inspection early. */
const SURE = 85;
/** Below this, a verdict is not a label: the flow stays unknown. */
const MIN_LABEL = 50;

type Checker = (v: PacketView, notes: FlowNotes, ctx: ClassifierContext) => Candidate | undefined;

const TCP: Checker[] = [openvpn, rdpTcp, vnc, ssh, pptp, teamviewer, rustdesk, xpra, spice, nx, nomachine, radmin, tls, http, dns];
const UDP: Checker[] = [tailscaleDisco, wireguard, openvpn, ikeOrNatT, l2tp, rdpUdp, dtls, quic, dns, teamviewer, rustdesk, nomachine];
const BY_PROTO: Record<number, Checker[]> = { 6: TCP, 17: UDP, 47: [gre], 50: [esp] };

export interface ClassifierState {
  best?: Candidate;
  notes: FlowNotes;
  inspected: number;
  done: boolean;
}

export function newClassifierState(): ClassifierState {
  return { notes: {}, inspected: 0, done: false };
}

/** Looks at one more packet of the flow. Returns whether the flow needs more packets. */
export function inspectPacket(state: ClassifierState, v: PacketView, ctx: ClassifierContext): boolean {
  if (state.done) return false;
  const checkers = BY_PROTO[v.proto];
  if (!checkers) {
    state.done = true;
    return false;
  }
  state.inspected++;
  let best: Candidate | undefined;
  for (const check of checkers) {
    const c = check(v, state.notes, ctx);
    if (c && (!best || c.confidence > best.confidence)) best = c;
  }
  if (best && (!state.best || best.confidence >= state.best.confidence)) state.best = best;
  if ((state.best?.final && state.best.confidence >= SURE) || state.inspected >= MAX_INSPECTED_PACKETS) state.done = true;
  return !state.done;
}

// Ports alone make a hint, never a label. Sources: IANA service names registry (1194 openvpn,
// 500 isakmp, 4500 ipsec-nat-t, 1701 l2tp, 1723 pptp, 3389 ms-wbt-server, 5900 rfb, 22 ssh,
// 5938 teamviewer); wg-quick's customary 51820; tailscaled 41641; AnyDesk 6568/7070; RustDesk
// 21115-21117; Cisco VPN client UDP 10000; radmin-port 4899 (IANA); NoMachine 4000 (NoMachine's
// documentation); xpra 14500 (xpra's documentation).
const PORT_HINTS: Record<string, string> = {
  'udp/1194': 'openvpn', 'tcp/1194': 'openvpn', 'udp/51820': 'wireguard', 'udp/500': 'ike', 'udp/4500': 'ike',
  'udp/1701': 'l2tp', 'tcp/1723': 'pptp', 'tcp/3389': 'rdp', 'udp/3389': 'rdp', 'tcp/5900': 'vnc', 'tcp/5901': 'vnc',
  'tcp/5938': 'teamviewer', 'udp/5938': 'teamviewer', 'tcp/6568': 'anydesk', 'tcp/7070': 'anydesk', 'tcp/21115': 'rustdesk',
  'tcp/21116': 'rustdesk', 'udp/21116': 'rustdesk', 'tcp/21117': 'rustdesk', 'udp/41641': 'tailscale', 'tcp/22': 'ssh',
  'udp/10000': 'anyconnect', 'tcp/4899': 'radmin', 'tcp/4000': 'nomachine', 'udp/4000': 'nomachine', 'tcp/14500': 'xpra',
};

export interface FlowEnds {
  proto: number;
  serverPort: number;
  serverIp: string;
}

/** The flow's label from what the classifier saw. */
export function labelOf(state: ClassifierState, ends: FlowEnds, ctx: ClassifierContext): FlowLabel {
  const byAddress = ctx.domains.match(ends.serverIp);
  const ipMatch: CatalogMatch | undefined = byAddress ? { ...byAddress, value: ends.serverIp, via: 'ip' } : undefined;
  const b = state.best;
  if (b && b.confidence >= MIN_LABEL) {
    const catalog = b.catalog ?? ipMatch;
    const label: FlowLabel = { protocol: b.protocol, kind: b.kind ?? PROTOCOL_KINDS[b.protocol], confidence: b.confidence, features: b.features };
    if (catalog) label.catalog = catalog;
    return label;
  }
  const transport = ends.proto === 6 ? 'tcp' : ends.proto === 17 ? 'udp' : `ip-proto-${ends.proto}`;
  const hint = PORT_HINTS[`${transport}/${ends.serverPort}`];
  const classified = ends.proto === 6 || ends.proto === 17 || ends.proto === 47 || ends.proto === 50;
  const features = !classified ? [`IP protocol ${ends.proto}: not a transport the classifier reads`]
    : state.inspected === 0 ? ['no payload seen'] : [`no signature matched in ${state.inspected} packet(s) with payload`];
  if (b) features.push(`weak: ${b.protocol} ${b.confidence} (${b.features.join('; ')})`);
  const label: FlowLabel = { protocol: 'unknown', kind: 'unknown', confidence: 0, features };
  if (hint) label.portHint = `${hint}: ${transport.toUpperCase()} port ${ends.serverPort}`;
  if (ipMatch) label.catalog = ipMatch;
  return label;
}
