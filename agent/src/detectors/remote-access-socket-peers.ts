// Who is at the other end of a remote-access tool's connections, from the sockets alone: the
// remote address of every established connection that a catalog tool's host-side program holds
// (RustDesk, Chrome Remote Desktop's host, Splashtop's streamer, ScreenConnect's client service...,
// any catalog tool, not only those whose logs the agent reads). Each is one of:
//   - a peer: a connection into a port the tool itself listens on (someone connected to this
//     laptop), or an outgoing one to a port that is none of the tool's service ports (a direct,
//     hole-punched peer-to-peer connection: the other end is the controlling machine);
//   - a relay: an outgoing connection to one of the tool's service ports (its catalog ports, the
//     vendor's rendezvous and relay ports below, a system service port below 1024, STUN/TURN): the
//     vendor's relay or rendezvous server, shared by every customer of the vendor;
//   - but a peer again: an outgoing connection to the relay port of a server the vendor does not
//     run (ScreenConnect's on-premises relay, below): whoever runs that server drives the sessions
//     through it, so its address is the controlling end, as a direct connection's is.
// A client-only program (PuTTY, mstsc, a VNC viewer) reaches out to other machines: its remote ends
// say nothing about who drives this laptop, and are left out. Private, loopback and link-local
// addresses have nothing to enrich and are left out too. Pure: sockets, processes, catalog in.
import { isHostSide, type Catalog } from '@farmwatch/shared';
import { ObservationKind, type Observation, type Platform } from '@farmwatch/proto';
import type { ProcessFact } from '../sensors/processes/types.js';
import type { SocketFact } from '../sensors/sockets/types.js';
import { isInternetAddress } from '../packets/decode/address.js';
import { ownerOf } from './remote-access-network.js';
import { toolsOfProcess } from './remote-access-process.js';

/** How many peers and relays one scan reports at most (each): a session has a handful of connections. */
export const MAX_SOCKET_PEERS = 16;

/**
 * Ports the vendors' own rendezvous and relay servers listen on, beyond the catalog's ports:
 * - RustDesk: hbbs 21115 (NAT test), 21116 TCP/UDP (ID registration, hole punching), 21118 (web
 *   client); hbbr 21117 (relay), 21119 (web client). rustdesk/rustdesk-server id-relay-set.md ("By
 *   default, hbbs listens on 21115(tcp) and 21116(tcp/udp), hbbr listens on 21117(tcp)") and the
 *   project's docker-compose.yml (21118, 21119).
 * - TeamViewer: 5938 TCP/UDP, outgoing to master*.teamviewer.com and router*.teamviewer.com
 *   (TeamViewer knowledge base, "Ports used by TeamViewer"; 443 and 80 are its fallbacks).
 * - AnyDesk: 6568, its default port to its network (80 and 443 are fallbacks).
 * - ScreenConnect (ConnectWise Control): 8041, the relay port of an on-premises server, and 8040
 *   its web server; cloud instances use instance-*-relay.screenconnect.com on 443 (their client
 *   installers' URLs carry "h=instance-...-relay.screenconnect.com&p=443").
 * - Chrome Remote Desktop: 5222, XMPP signalling with talk.google.com; 19302, Google's STUN servers.
 */
const VENDOR_SERVICE_PORTS: Readonly<Record<string, readonly number[]>> = {
  rustdesk: [21115, 21116, 21117, 21118, 21119],
  teamviewer: [5938],
  anydesk: [6568],
  screenconnect: [8040, 8041],
  'connectwise-control': [8040, 8041],
  'chrome-remote-desktop': [5222, 19302],
};

/**
 * Relay ports of servers their owners run themselves, never the vendor: ScreenConnect (ConnectWise
 * Control) on-premises servers relay on 8041 (their documented default relay port), while the
 * vendor's cloud instances relay on 443 (instance-*-relay.screenconnect.com, "&p=443" in their
 * installers' URLs). A client service connected to 8041 is connected to somebody's own server:
 * the company's (then it is sanctioned, or its address excluded) or the operator's.
 */
const OWN_SERVER_RELAY_PORTS: Readonly<Record<string, readonly number[]>> = {
  screenconnect: [8041],
  'connectwise-control': [8041],
};

/** STUN and TURN (RFC 8489, RFC 8656; IANA stun/turn 3478, stuns/turns 5349): a TURN server is a relay by definition. */
const STUN_TURN_PORTS: readonly number[] = [3478, 5349];

export type SocketPeerKind = 'peer' | 'relay';

export interface SocketPeer {
  kind: SocketPeerKind;
  /** Catalog id of the tool whose program holds the socket. */
  tool: string;
  /** The remote address (IPv4-mapped IPv6 written as IPv4). */
  address: string;
  /**
   * Why it is what it is: `incoming` (into a port the tool listens on), `service port` (out to the
   * vendor's), `own server` (out to the relay port of a server its owner runs), `direct` (out to any other port).
   */
  why: 'incoming' | 'service port' | 'own server' | 'direct';
  socket: SocketFact;
}

/** Whether a port is one of a tool's service ports: where its vendor's servers listen. */
export function isServicePort(catalogPorts: ReadonlySet<number>, tool: string, port: number): boolean {
  return port < 1024 || catalogPorts.has(port) || STUN_TURN_PORTS.includes(port) || (VENDOR_SERVICE_PORTS[tool] ?? []).includes(port);
}

const plainAddress = (ip: string): string => (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip) ? ip.slice(7) : ip.toLowerCase());

/**
 * The peers and relays of the catalog tools' established connections, at most `max` of each,
 * one per (kind, tool, address), in a stable order.
 */
export function socketPeers(sockets: readonly SocketFact[], processes: readonly ProcessFact[], catalog: Catalog, platform: Platform, max = MAX_SOCKET_PEERS): SocketPeer[] {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const portsOf = new Map<string, ReadonlySet<number>>();
  for (const t of catalog.remoteAccess ?? []) portsOf.set(t.id ?? '', new Set(t.ports ?? []));
  const hostTools = (s: SocketFact): string[] => {
    const owner = ownerOf(s, byPid);
    if (!owner) return [];
    return toolsOfProcess(catalog, platform, owner).filter((t) => isHostSide(t.role)).map((t) => t.id).sort();
  };
  // The ports each tool's programs listen on: a connection into one of them came to this laptop.
  const listening = new Set<string>();
  for (const s of sockets) {
    if (s.state !== 'listen') continue;
    for (const tool of hostTools(s)) listening.add(`${tool}|${s.protocol}|${s.localPort}`);
  }
  const found = new Map<string, SocketPeer>();
  const counts: Record<SocketPeerKind, number> = { peer: 0, relay: 0 };
  for (const s of sockets) {
    if (s.state !== 'established' || s.remoteAddress === undefined || s.remotePort === undefined) continue;
    const address = plainAddress(s.remoteAddress);
    if (!isInternetAddress(address)) continue;
    const tool = hostTools(s)[0];
    if (tool === undefined) continue;
    const ownServer = (OWN_SERVER_RELAY_PORTS[tool] ?? []).includes(s.remotePort);
    const service = !ownServer && isServicePort(portsOf.get(tool) ?? new Set(), tool, s.remotePort);
    // A program that listens on a port and also connects out from it (RustDesk's TCP hole punching
    // reuses its rendezvous connection's port) is outgoing when the remote end is a service port.
    const incoming = listening.has(`${tool}|${s.protocol}|${s.localPort}`) && !service;
    const kind: SocketPeerKind = !incoming && service ? 'relay' : 'peer';
    const key = `${kind}|${tool}|${address}`;
    if (found.has(key) || counts[kind] >= max) continue;
    counts[kind]++;
    found.set(key, { kind, tool, address, why: incoming ? 'incoming' : service ? 'service port' : ownServer ? 'own server' : 'direct', socket: s });
  }
  return [...found.values()].sort((a, b) => `${a.kind} ${a.tool} ${a.address}`.localeCompare(`${b.kind} ${b.tool} ${b.address}`));
}

/**
 * The observations for the collector: peers as OBSERVATION_KIND_REMOTE_PEER_IP with the tool as
 * `via` (as a session log's peer: the collector enriches it, counts it, links laptops by it unless
 * the tool is sanctioned); relays as OBSERVATION_KIND_REMOTE_RELAY_IP, only when the collector said
 * it stores that kind (`relays`: an older collector refuses a kind it does not know).
 */
export function socketPeerObservations(peers: readonly SocketPeer[], opts: { relays: boolean }): Observation[] {
  const out: Observation[] = [];
  for (const p of peers) {
    if (p.kind === 'peer') out.push({ kind: ObservationKind.OBSERVATION_KIND_REMOTE_PEER_IP, value: p.address, via: p.tool });
    else if (opts.relays) out.push({ kind: ObservationKind.OBSERVATION_KIND_REMOTE_RELAY_IP, value: p.address, via: p.tool });
  }
  return out;
}
