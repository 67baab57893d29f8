// Peers and relays of catalog remote-access tools, told apart from what each socket says: into a
// port the tool listens on (a peer), out to one of the tool's service ports (its vendor's relay or
// rendezvous server), out to any other port (a direct peer). Client-only programs, private
// addresses and other programs' sockets give nothing. The repository holds no recorded ss /
// netstat output with a remote-access tool's connections (agent/test/fixtures has none), so the
// socket facts are written here in the shape the socket sensors produce (sensors/sockets/).
import { describe, expect, it } from 'vitest';
import { ObservationKind, Platform } from '@farmwatch/proto';
import { builtinCatalog } from '@farmwatch/shared';
import type { ProcessFact } from '../src/sensors/processes/types.js';
import type { SocketFact } from '../src/sensors/sockets/types.js';
import { MAX_SOCKET_PEERS, socketPeerObservations, socketPeers, type SocketPeer } from '../src/detectors/remote-access-socket-peers.js';
import { buildObservations } from '../src/pipeline/observations.js';

const catalog = builtinCatalog();
const WIN = Platform.PLATFORM_WINDOWS;
const ASTRILL = '142.214.202.2';   // an Astrill VPN exit (collector/data/networks.json)
const VPS = '159.89.10.10';        // DigitalOcean
const RELAY = '52.4.10.10';        // AWS

const proc = (pid: number, name: string): ProcessFact => ({ pid, ppid: 1, name });
const listen = (pid: number, port: number, protocol: SocketFact['protocol'] = 'tcp'): SocketFact => ({ protocol, state: 'listen', localAddress: '0.0.0.0', localPort: port, pid });
const conn = (pid: number, localPort: number, remoteAddress: string, remotePort: number, protocol: SocketFact['protocol'] = 'tcp'): SocketFact =>
  ({ protocol, state: 'established', localAddress: '192.168.1.20', localPort, remoteAddress, remotePort, pid });
const brief = (peers: SocketPeer[]): string[] => peers.map((p) => `${p.kind} ${p.tool} ${p.address} (${p.why})`);

describe('socket peers and relays of catalog remote-access tools', () => {
  it('RustDesk: a connection into its direct-access port is a peer; its rendezvous and relay servers are relays; a hole-punched connection is a peer', () => {
    const processes = [proc(4100, 'rustdesk.exe')];
    const sockets = [
      listen(4100, 21118),
      conn(4100, 21118, ASTRILL, 52811),     // someone connected in
      conn(4100, 50112, RELAY, 21116),       // rendezvous (hbbs)
      conn(4100, 50113, '52.4.10.11', 21117), // relay (hbbr)
      conn(4100, 50114, VPS, 61022),         // direct, hole-punched
    ];
    expect(brief(socketPeers(sockets, processes, catalog, WIN))).toEqual([
      `peer rustdesk ${ASTRILL} (incoming)`,
      `peer rustdesk ${VPS} (direct)`,
      `relay rustdesk ${RELAY} (service port)`,
      'relay rustdesk 52.4.10.11 (service port)',
    ]);
  });

  it('a tool that listens on the port it connects out from (TCP hole punching) still reaches its rendezvous server as a relay', () => {
    const sockets = [listen(7, 50200), conn(7, 50200, RELAY, 21116), conn(7, 50200, ASTRILL, 50201)];
    expect(brief(socketPeers(sockets, [proc(7, 'rustdesk.exe')], catalog, WIN))).toEqual([`peer rustdesk ${ASTRILL} (incoming)`, `relay rustdesk ${RELAY} (service port)`]);
  });

  it('Chrome Remote Desktop, Splashtop, ScreenConnect: out to 443, STUN/TURN or the vendor\'s relay port is a relay, any other port a peer; ScreenConnect\'s on-premises relay port is its owner\'s server, a peer', () => {
    const processes = [proc(10, 'remoting_host.exe'), proc(11, 'SRService.exe'), proc(12, 'ScreenConnect.ClientService.exe')];
    const sockets = [
      conn(10, 50300, RELAY, 443), conn(10, 50301, '74.125.250.129', 19302, 'udp'), conn(10, 50302, '52.4.10.12', 3478, 'udp'), conn(10, 50303, ASTRILL, 40001, 'udp'),
      conn(11, 50400, '52.4.10.13', 443),
      conn(12, 50500, VPS, 8041), conn(12, 50501, '52.4.10.14', 443),
    ];
    expect(brief(socketPeers(sockets, processes, catalog, WIN))).toEqual([
      `peer chrome-remote-desktop ${ASTRILL} (direct)`,
      `peer screenconnect ${VPS} (own server)`,
      `relay chrome-remote-desktop ${RELAY} (service port)`,
      'relay chrome-remote-desktop 52.4.10.12 (service port)',
      'relay chrome-remote-desktop 74.125.250.129 (service port)',
      'relay screenconnect 52.4.10.14 (service port)',
      'relay splashtop 52.4.10.13 (service port)',
    ]);
  });

  it('a client-only program reaches out to other machines: PuTTY, mstsc, a VNC viewer, Splashtop\'s client give nothing', () => {
    const processes = [proc(20, 'putty.exe'), proc(21, 'mstsc.exe'), proc(22, 'vncviewer.exe'), proc(23, 'strwinclt.exe')];
    const sockets = [conn(20, 50600, VPS, 22), conn(21, 50601, VPS, 3389), conn(22, 50602, ASTRILL, 5900), conn(23, 50603, ASTRILL, 6783)];
    expect(socketPeers(sockets, processes, catalog, WIN)).toEqual([]);
  });

  it('a tool whose role nobody has researched (unknown) counts as the host side', () => {
    const peers = socketPeers([conn(30, 50700, ASTRILL, 50701)], [proc(30, 'connectwisecontrol.client.exe')], catalog, WIN);
    expect(brief(peers)).toEqual([`peer connectwise-control ${ASTRILL} (direct)`]);
  });

  it('leaves out private, CGNAT, loopback and link-local ends, other programs\' sockets, listeners and sockets of no known process; writes IPv4-mapped ends as IPv4', () => {
    const processes = [proc(40, 'rustdesk.exe'), proc(41, 'chrome.exe')];
    const sockets: SocketFact[] = [
      conn(40, 50800, '192.168.1.7', 50900), conn(40, 50801, '100.100.1.1', 50901), conn(40, 50802, '127.0.0.1', 50902), conn(40, 50803, 'fe80::1', 50903),
      conn(41, 50804, VPS, 50904), listen(40, 21118),
      { protocol: 'tcp', state: 'established', localAddress: '192.168.1.20', localPort: 50805, remoteAddress: ASTRILL, remotePort: 50905 },
      { protocol: 'tcp', state: 'established', localAddress: '::ffff:192.168.1.20', localPort: 50806, remoteAddress: `::ffff:${ASTRILL}`, remotePort: 50906, pid: 40 },
    ];
    expect(brief(socketPeers(sockets, processes, catalog, WIN))).toEqual([`peer rustdesk ${ASTRILL} (direct)`]);
  });

  it('names the tool by the process name the socket sensor gave when the process table does not have the pid', () => {
    const s: SocketFact = { protocol: 'tcp', state: 'established', localAddress: '10.0.0.5', localPort: 50900, remoteAddress: ASTRILL, remotePort: 50901, pid: 999, process: 'rustdesk.exe' };
    expect(brief(socketPeers([s], [], catalog, WIN))).toEqual([`peer rustdesk ${ASTRILL} (direct)`]);
  });

  it('one entry per tool and address, and at most MAX_SOCKET_PEERS peers and as many relays per scan', () => {
    const sockets: SocketFact[] = [conn(50, 51000, ASTRILL, 51001), conn(50, 51002, ASTRILL, 51003)];
    for (let i = 1; i <= 40; i++) sockets.push(conn(50, 52000 + i, `45.77.1.${i}`, 60000 + i), conn(50, 53000 + i, `52.5.1.${i}`, 443));
    const peers = socketPeers(sockets, [proc(50, 'rustdesk.exe')], catalog, WIN);
    expect(peers.filter((p) => p.kind === 'peer')).toHaveLength(MAX_SOCKET_PEERS);
    expect(peers.filter((p) => p.kind === 'relay')).toHaveLength(MAX_SOCKET_PEERS);
    expect(peers.filter((p) => p.address === ASTRILL)).toHaveLength(1);
  });

  it('the same programs on Linux and macOS, by their names there', () => {
    const linux = socketPeers([listen(60, 21118), conn(60, 21118, ASTRILL, 40000)], [proc(60, 'rustdesk')], catalog, Platform.PLATFORM_LINUX);
    const mac = socketPeers([conn(61, 50000, RELAY, 443)], [proc(61, 'SplashtopStreamer')], catalog, Platform.PLATFORM_MACOS);
    expect([...brief(linux), ...brief(mac)]).toEqual([`peer rustdesk ${ASTRILL} (incoming)`, `relay splashtop ${RELAY} (service port)`]);
  });
});

describe('socket peer observations', () => {
  const processes = [proc(4100, 'rustdesk.exe')];
  const sockets = [listen(4100, 21118), conn(4100, 21118, ASTRILL, 52811), conn(4100, 50112, RELAY, 21116)];

  it('a peer goes out as REMOTE_PEER_IP via the tool, a relay as REMOTE_RELAY_IP, only to a collector that stores relays', () => {
    const peers = socketPeers(sockets, processes, catalog, WIN);
    expect(socketPeerObservations(peers, { relays: true })).toEqual([
      { kind: ObservationKind.OBSERVATION_KIND_REMOTE_PEER_IP, value: ASTRILL, via: 'rustdesk' },
      { kind: ObservationKind.OBSERVATION_KIND_REMOTE_RELAY_IP, value: RELAY, via: 'rustdesk' },
    ]);
    expect(socketPeerObservations(peers, { relays: false })).toEqual([{ kind: ObservationKind.OBSERVATION_KIND_REMOTE_PEER_IP, value: ASTRILL, via: 'rustdesk' }]);
  });

  it('buildObservations adds them to the scan\'s observations when it is given the catalog', () => {
    const facts = { sockets, processes };
    const key = new Uint8Array(32);
    const peersOf = (ctx?: Parameters<typeof buildObservations>[3]) => buildObservations(facts, [], key, ctx)
      .filter((o) => o.kind === ObservationKind.OBSERVATION_KIND_REMOTE_PEER_IP || o.kind === ObservationKind.OBSERVATION_KIND_REMOTE_RELAY_IP)
      .map((o) => `${o.kind ?? 0} ${o.value ?? ''} ${o.via ?? ''}`);
    expect(peersOf({ catalog, platform: WIN, relays: true })).toEqual([`7 ${ASTRILL} rustdesk`, `11 ${RELAY} rustdesk`]);
    expect(peersOf({ catalog, platform: WIN, relays: false })).toEqual([`7 ${ASTRILL} rustdesk`]);
    expect(peersOf()).toEqual([]);
  });
});
