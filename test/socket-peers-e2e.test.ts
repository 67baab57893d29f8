// Operators found through any catalog tool's sockets, end to end: laptops run by the agent's own
// runtime (detectors, Evaluator, CollectorUpdates, StreamClient over mutual TLS) report only what
// their socket and process tables say, to a real collector on 127.0.0.1 port 0 with its SQLite
// file. A RustDesk session from an Astrill exit makes a single laptop a farm on its first day; one
// hosting server driving two laptops directly links them; a vendor's relay shared by two laptops
// links nobody and is no hosting peer, unless the "relay" is a VPN exit. Addresses are real ones
// from the GeoIP / ASN databases: Astrill exits (collector/data/networks.json), DigitalOcean, AWS,
// Comcast and Sonic homes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessFact } from '../agent/src/sensors/processes/types.js';
import type { SocketFact } from '../agent/src/sensors/sockets/types.js';
import { COLLECTOR_CLI, run } from './helpers/processes.js';
import { probeCollector } from './helpers/probe-collector.js';
import { RuntimeLaptop } from './helpers/runtime-laptop.js';
import type { Laptop } from './helpers/enroll.js';

const ASTRILL_EXIT = '142.214.202.2';      // Astrill VPN node (AS7393 CyberCon)
const ASTRILL_EXIT_2 = '155.94.199.59';    // Astrill VPN node (AS36352 HostPapa)
const DROPLET = '159.89.10.10';            // DigitalOcean
const DROPLET_2 = '159.89.20.20';          // DigitalOcean
const RUSTDESK_HBBS = '52.4.10.10';        // AWS, Ashburn: a rendezvous server
const SPLASHTOP_RELAY = '3.120.10.10';     // AWS, Frankfurt: a vendor relay

const p = probeCollector('socket-peers', ['--trusted-proxy', '127.0.0.1/32', '--proxy-protocol', 'optional']);
let token = '';
const laptops: RuntimeLaptop[] = [];
const ids: Record<string, string> = {};

const laptop = (serial: string): Laptop => ({ serial, assignee: `Pat ${serial} <pat.${serial.toLowerCase()}@example.com>`, shipTo: 'San Jose, California, US', timeZone: 'America/Los_Angeles', hostname: `LT-${serial}` });
const proc = (pid: number, name: string): ProcessFact => ({ pid, ppid: 1, name, path: `C:\\Program Files\\Vendor\\${name}` });
const listen = (pid: number, port: number): SocketFact => ({ protocol: 'tcp', state: 'listen', localAddress: '0.0.0.0', localPort: port, pid });
const conn = (pid: number, localPort: number, remoteAddress: string, remotePort: number): SocketFact =>
  ({ protocol: 'tcp', state: 'established', localAddress: '192.168.1.20', localPort, remoteAddress, remotePort, pid });

/** The laptops: what each one's process and socket tables hold, and the home it streams from. */
const FLEET: { name: string; home: string; processes: ProcessFact[]; sockets: SocketFact[] }[] = [
  // Someone on an Astrill exit connected into RustDesk's direct-access port; RustDesk also keeps its rendezvous connection.
  { name: 'SOLO', home: '24.5.1.1', processes: [proc(4100, 'rustdesk.exe')], sockets: [listen(4100, 21118), conn(4100, 21118, ASTRILL_EXIT, 52811), conn(4100, 50112, RUSTDESK_HBBS, 21116)] },
  // One hosting server drives two laptops over hole-punched, direct RustDesk connections.
  { name: 'PAIR-A', home: '73.162.10.1', processes: [proc(4200, 'rustdesk.exe')], sockets: [conn(4200, 50200, DROPLET, 61022), conn(4200, 50201, RUSTDESK_HBBS, 21116)] },
  { name: 'PAIR-B', home: '71.56.10.1', processes: [proc(4300, 'rustdesk.exe')], sockets: [conn(4300, 50300, DROPLET, 61022)] },
  // Two laptops on Splashtop, each connected to the same vendor relay on AWS.
  { name: 'RELAY-A', home: '67.165.10.20', processes: [proc(4400, 'SRService.exe')], sockets: [conn(4400, 50400, SPLASHTOP_RELAY, 443)] },
  { name: 'RELAY-B', home: '98.207.10.10', processes: [proc(4500, 'SRService.exe')], sockets: [conn(4500, 50500, SPLASHTOP_RELAY, 443)] },
  // ScreenConnect's client service on its cloud relay port, but the "relay" is an Astrill exit.
  { name: 'VPNRELAY', home: '50.1.10.10', processes: [proc(4600, 'ScreenConnect.ClientService.exe')], sockets: [conn(4600, 50600, ASTRILL_EXIT_2, 443)] },
  // ScreenConnect's client service on an on-premises server's relay port (8041): somebody's own server on DigitalOcean.
  { name: 'OWNSERVER', home: '50.1.10.11', processes: [proc(4700, 'ScreenConnect.ClientService.exe')], sockets: [conn(4700, 50700, DROPLET_2, 8041)] },
];

interface Place { ip: string; via: string; network: { kind: string; name: string } }
interface DeviceView {
  risk: { score: number; severity: string; signals: { id: string; weight: number; title: string; evidence: string[] }[] };
  cluster: { members: string[]; edges: { kind: string; value: string }[] } | null;
  locations: { peers: Place[]; relays: Place[] };
}

async function device(name: string): Promise<DeviceView> {
  const res = await fetch(`${p.collector.api}/v1/devices/${ids[name] ?? ''}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as DeviceView;
}

/** The device once `ready` says the collector has what its laptop sent (the stream is asynchronous). */
async function deviceWhen(name: string, ready: (d: DeviceView) => boolean): Promise<DeviceView> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const d = await device(name);
    if (ready(d) || Date.now() > deadline) return d;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const signalIds = (d: DeviceView): string[] => d.risk.signals.map((s) => s.id);

beforeAll(async () => {
  const made = await run(COLLECTOR_CLI, ['api-tokens', 'create', '--name', 'analyst', '--role', 'analyst', '--json', '--db', p.db]);
  token = (JSON.parse(made.stdout) as { token: string }).token;
  await Promise.all(FLEET.map(async (l) => {
    const me = new RuntimeLaptop(p.collector.address, l.home, laptop(l.name), { processes: l.processes, sockets: l.sockets });
    laptops.push(me);
    await me.start(p.db, p.pki.ca);
    ids[l.name] = me.deviceId;
  }));
}, 120_000);

afterAll(() => {
  for (const l of laptops) l.stop();
});

describe('peers from the sockets of any catalog tool', () => {
  it('RustDesk reached from an Astrill exit: peer.vpn.priority, and a single laptop with a host tool from day one is at least high', async () => {
    const d = await deviceWhen('SOLO', (x) => signalIds(x).includes('peer.vpn.priority'));
    expect(d.risk.signals.find((s) => s.id === 'peer.vpn.priority')).toMatchObject({
      weight: 45, title: 'Remote-access peer on Astrill VPN', evidence: [expect.stringMatching(/^142\.214\.202\.2 \(.*AS7393 CYBERCON.*\) is a Astrill VPN exit$/)],
    });
    expect(signalIds(d)).toContain('remote_access.early');
    expect(['high', 'critical']).toContain(d.risk.severity);
    // Its rendezvous server on AWS is a relay: shown, and no hosting peer.
    expect(signalIds(d)).not.toContain('peer.hosting');
    expect(d.locations.peers.map((x) => [x.ip, x.via])).toEqual([[ASTRILL_EXIT, 'rustdesk']]);
    expect(d.locations.relays.map((x) => [x.ip, x.via, x.network.kind])).toEqual([[RUSTDESK_HBBS, 'rustdesk', 'hosting']]);
  });

  it('two laptops driven directly by one hosting server are linked by a remote_peer_ip edge, each with peer.hosting', async () => {
    const a = await deviceWhen('PAIR-A', (x) => (x.cluster?.edges ?? []).some((e) => e.kind === 'remote_peer_ip'));
    expect(a.cluster?.members.sort()).toEqual([ids['PAIR-A'], ids['PAIR-B']].sort());
    expect(a.cluster?.edges.map((e) => [e.kind, e.value])).toEqual([['remote_peer_ip', DROPLET]]);
    for (const name of ['PAIR-A', 'PAIR-B']) {
      const d = await deviceWhen(name, (x) => signalIds(x).includes('peer.hosting'));
      expect(d.risk.signals.find((s) => s.id === 'peer.hosting')?.evidence).toEqual([expect.stringMatching(/^159\.89\.10\.10 .*: DigitalOcean \(AS14061/)]);
    }
  });

  it('a vendor relay that two laptops share links nobody and is no hosting peer', async () => {
    const seen = (x: DeviceView): boolean => x.locations.relays.some((r) => r.ip === SPLASHTOP_RELAY);
    const [a, b] = [await deviceWhen('RELAY-A', seen), await deviceWhen('RELAY-B', seen)];
    for (const d of [a, b]) {
      expect(d.locations.relays).toEqual([expect.objectContaining({ ip: SPLASHTOP_RELAY, via: 'splashtop', network: expect.objectContaining({ kind: 'hosting' }) as unknown })]);
      expect(d.cluster).toBeNull();
      expect(signalIds(d).filter((id) => id.startsWith('peer.'))).toEqual([]);
      // The host tool itself still counts.
      expect(signalIds(d)).toContain('remote_access.early');
    }
    const tl = await fetch(`${p.collector.api}/v1/devices/${ids['RELAY-A'] ?? ''}/timeline`, { headers: { authorization: `Bearer ${token}` } });
    const items = ((await tl.json()) as { items: { title: string; detail: string }[] }).items;
    expect(items).toContainEqual(expect.objectContaining({ title: 'New remote-access relay', detail: `${SPLASHTOP_RELAY} (via splashtop)` }));
  });

  it('a "relay" on an Astrill exit is no vendor relay: it counts as a peer on a VPN, and the evidence says why', async () => {
    const d = await deviceWhen('VPNRELAY', (x) => signalIds(x).includes('peer.vpn.priority'));
    expect(d.locations.relays.map((x) => x.ip)).toEqual([ASTRILL_EXIT_2]);
    expect(d.locations.peers).toEqual([]);
    expect(d.risk.signals.find((s) => s.id === 'peer.vpn.priority')?.evidence).toEqual([
      expect.stringMatching(/^155\.94\.199\.59 .* is a Astrill VPN exit \(reached as screenconnect's relay server, yet a VPN exit: vendors do not run relays on consumer VPN exits, so this is the operator's end\)$/),
    ]);
    expect(d.cluster).toBeNull();
  });

  it('ScreenConnect on an on-premises server\'s relay port is connected to its owner: a peer on a hosting server, not the vendor\'s relay', async () => {
    const d = await deviceWhen('OWNSERVER', (x) => signalIds(x).includes('peer.hosting'));
    expect(d.locations.relays).toEqual([]);
    expect(d.locations.peers.map((x) => [x.ip, x.via, x.network.kind])).toEqual([[DROPLET_2, 'screenconnect', 'hosting']]);
    expect(d.risk.signals.find((s) => s.id === 'peer.hosting')?.evidence).toEqual([expect.stringMatching(/^159\.89\.20\.20 .*: DigitalOcean \(AS14061/)]);
  });
});
