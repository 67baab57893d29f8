// The network signals: the mDNS probe against a responder this test runs on loopback (real UDP
// packets through node:dgram), and the detectors for KVM names and MAC prefixes, VPN resolvers,
// hosts-file relays, self-hosted RustDesk servers and relay ports.
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Platform } from '@farmwatch/proto';
import { builtinCatalog } from '@farmwatch/shared';
import { decodeAnswers, encodeQuery } from '../src/sensors/mdns/dns-packet.js';
import { probeMdns } from '../src/sensors/mdns/probe.js';
import { parseHostsFile, parseRustdeskToml } from '../src/sensors/hosts/collect.js';
import { classifyByName } from '../src/sensors/network/classify.js';
import { detectKvmMacPrefixes, detectKvmMdns, detectNameConfig, detectRelayPorts, detectVpn, detectVpnDns, EMPTY_POLICY } from '../src/detectors/index.js';

const catalog = builtinCatalog();

/** An mDNS answer as a responder sends it: the question echoed, the A record's name a pointer to it. */
function answer(query: Buffer, name: string, address: string): Buffer {
  const labels = Buffer.concat([...name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0])]);
  const header = Buffer.from([0, 0, 0x84, 0x00, 0, 1, 0, 1, 0, 0, 0, 0]);
  const question = Buffer.concat([labels, Buffer.from([0, 1, 0, 1])]);
  const rr = Buffer.concat([Buffer.from([0xc0, 12, 0, 1, 0x80, 1, 0, 0, 0, 120, 0, 4]), Buffer.from(address.split('.').map(Number))]);
  expect(query.length).toBeGreaterThan(12);
  return Buffer.concat([header, question, rr]);
}

describe('mDNS probe against a responder on loopback', () => {
  let responder: Socket;
  let port = 0;
  const asked: string[][] = [];
  beforeAll(async () => {
    responder = createSocket('udp4');
    responder.on('message', (msg, rinfo) => {
      // Read the questions back with the probe's own decoder's rules: names then type/class.
      const names: string[] = [];
      let at = 12;
      for (let q = 0; q < msg.readUInt16BE(4); q++) {
        const labels: string[] = [];
        while ((msg[at] ?? 0) !== 0) { const len = msg[at] ?? 0; labels.push(msg.toString('utf8', at + 1, at + 1 + len)); at += 1 + len; }
        expect(msg.readUInt16BE(at + 3)).toBe(0x8001); // class IN, unicast-response bit
        at += 5;
        names.push(labels.join('.'));
      }
      asked.push(names);
      // A PiKVM answers for its own name only; another host answers a name nobody asked for.
      responder.send(answer(msg, 'pikvm.local', '192.0.2.10'), rinfo.port, rinfo.address);
      responder.send(answer(msg, 'printer.local', '192.0.2.99'), rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => responder.bind(0, '127.0.0.1', r));
    port = responder.address().port;
  });
  afterAll(() => responder.close());

  it('asks once for every catalog KVM name and keeps only the answers to them', async () => {
    const names = [...new Set(catalog.kvmDevices?.flatMap((k) => k.mdnsNames ?? []) ?? [])];
    expect(names).toEqual(expect.arrayContaining(['pikvm.local', 'tinypilot.local', 'jetkvm.local', 'glkvm.local']));
    const found = await probeMdns({ names, interfaces: [{ name: 'lo', address: '127.0.0.1' }], timeoutMs: 300, target: { address: '127.0.0.1', port } });
    expect(asked).toEqual([names]);
    expect(found).toEqual([{ name: 'pikvm.local', address: '192.0.2.10', interface: 'lo' }]);
    const findings = detectKvmMdns(found, catalog);
    expect(findings).toMatchObject([{ detector: 'kvm.mdns', catalogEntry: 'pikvm', severity: 'medium', key: 'pikvm.local:192.0.2.10' }]);
  });

  it('gives up after its time bound when nothing answers', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', r));
    const started = performance.now();
    const found = await probeMdns({ names: ['pikvm.local'], interfaces: [{ name: 'lo', address: '127.0.0.1' }], timeoutMs: 200, target: { address: '127.0.0.1', port: silent.address().port } });
    silent.close();
    expect(found).toEqual([]);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('reads no answers from garbage or from queries', () => {
    expect(decodeAnswers(Buffer.from('not dns at all'))).toEqual([]);
    expect(decodeAnswers(encodeQuery(['pikvm.local']))).toEqual([]);
    const loop = Buffer.from([0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0xc0, 12]); // a name pointing at itself
    expect(decodeAnswers(loop)).toEqual([]);
  });
});

describe('KVM, VPN and relay signals from network facts', () => {
  it('a neighbour with a KVM vendor MAC prefix', () => {
    const prefix = catalog.kvmDevices?.flatMap((k) => k.macPrefixes ?? [])[0] ?? '';
    expect(prefix).toMatch(/^[0-9a-f]{2}:/);
    const f = detectKvmMacPrefixes([{ ip: '192.168.1.40', mac: `${prefix}:12:34:56`, interface: 'wlan0' }, { ip: '192.168.1.1', mac: 'fc:ae:34:a1:3a:80', interface: 'wlan0' }], catalog);
    expect(f).toHaveLength(1);
    expect(f[0]?.evidence[0]).toMatchObject({ field: 'neighbour.mac_prefix', value: prefix });
  });

  it('a resolver inside a tunnel, and the catalog resolver of a mesh VPN', () => {
    const interfaces = [{ name: 'tun0', kind: 'tunnel' as const, up: true, addresses: ['10.8.0.6/24'], kindReason: 'tun' }];
    const network = { routes: [], neighbours: [], dnsServers: ['10.8.0.1', '100.100.100.100', '192.168.1.1'] };
    const f = detectVpnDns(network, interfaces, catalog, EMPTY_POLICY, Platform.PLATFORM_LINUX);
    expect(f.map((x) => [x.key, x.catalogEntry ?? ''])).toEqual([['10.8.0.1', ''], ['100.100.100.100', 'tailscale']]);
  });

  it('ZeroTier on macOS: a feth pair is a tunnel, attributed to ZeroTier', () => {
    const k = classifyByName('feth2917', 'wired', true);
    expect(k.kind).toBe('tunnel');
    const findings = detectVpn({ interfaces: [{ name: 'feth2917', kind: k.kind, up: true, addresses: [], kindReason: k.reason }] }, catalog, EMPTY_POLICY, Platform.PLATFORM_MACOS);
    expect(findings.map((x) => x.key)).toContain('zerotier');
  });

  it('a socket on a port only one VPN client uses names that client', () => {
    const f = detectVpn({ sockets: [
      { protocol: 'udp', state: 'listen', localAddress: '0.0.0.0', localPort: 41641 },
      { protocol: 'udp', state: 'established', localAddress: '10.0.0.5', localPort: 40000, remoteAddress: '198.51.100.7', remotePort: 51820 },
      { protocol: 'tcp', state: 'established', localAddress: '10.0.0.5', localPort: 40001, remoteAddress: '198.51.100.8', remotePort: 443 },
    ] }, catalog, EMPTY_POLICY, Platform.PLATFORM_LINUX);
    expect(f.map((x) => [x.key, x.evidence[0]?.matched])).toEqual([['tailscale', 'port 41641'], ['wireguard', 'port 51820']]);
  });

  it('hosts-file lines that pin or block a tool\'s servers', () => {
    const hosts = parseHostsFile('127.0.0.1 localhost\n# 1.2.3.4 boot.net.anydesk.com\n0.0.0.0 boot.net.anydesk.com\n203.0.113.7   relay-58a1b2c3.net.anydesk.com\n');
    expect(hosts).toHaveLength(3);
    const f = detectNameConfig({ hosts, relays: [] }, catalog, EMPTY_POLICY);
    expect(f).toMatchObject([{ detector: 'remote_access.hosts_file', key: 'anydesk', severity: 'medium' }]);
    expect(f[0]?.evidence.map((e) => e.value)).toEqual(['0.0.0.0 boot.net.anydesk.com', '203.0.113.7 relay-58a1b2c3.net.anydesk.com']);
    expect(detectNameConfig({ hosts: parseHostsFile('127.0.0.1 localhost\n::1 ip6-localhost\n'), relays: [] }, catalog, EMPTY_POLICY)).toEqual([]);
  });

  it('RustDesk set to a self-hosted server', () => {
    const relays = parseRustdeskToml("rendezvous_server = 'rs-ny.rustdesk.com:21116'\n[options]\ncustom-rendezvous-server = 'hbbs.example.net'\nrelay-server = 'hbbr.example.net'\nkey = ''\n", '/home/u/.config/rustdesk/RustDesk2.toml');
    expect(relays.map((r) => [r.key, r.value])).toEqual([['custom-rendezvous-server', 'hbbs.example.net'], ['relay-server', 'hbbr.example.net']]);
    expect(detectNameConfig({ hosts: [], relays }, catalog, EMPTY_POLICY)).toMatchObject([{ detector: 'remote_access.custom_relay', severity: 'high', catalogEntry: 'rustdesk' }]);
  });

  it('connections to a remote-access port: named by the process that holds them, a hint that names no tool otherwise', () => {
    expect(catalog.remoteAccess?.find((t) => t.id === 'rustdesk')?.ports).toContain(21116);
    const sockets = [
      { protocol: 'tcp', state: 'established', localAddress: '10.0.0.5', localPort: 50312, remoteAddress: '203.0.113.9', remotePort: 21116, pid: 900 },
      { protocol: 'tcp', state: 'established', localAddress: '10.0.0.5', localPort: 50313, remoteAddress: '203.0.113.10', remotePort: 443 },
      { protocol: 'tcp', state: 'established', localAddress: '10.0.0.5', localPort: 50314, remoteAddress: '10.0.0.2', remotePort: 445 },
    ] as const;
    const byPort = detectRelayPorts(sockets, [], catalog, EMPTY_POLICY, Platform.PLATFORM_LINUX);
    expect(byPort.map((x) => [x.key, x.severity, x.catalogEntry])).toEqual([['port/tcp/21116', 'low', undefined]]);
    expect(byPort[0]?.title).toBe('Connected to TCP port 21116, a port some remote-access tools use (the port names no tool)');
    const byProcess = detectRelayPorts(sockets, [{ pid: 900, ppid: 1, name: 'rustdesk' }], catalog, EMPTY_POLICY, Platform.PLATFORM_LINUX);
    expect(byProcess.map((x) => [x.key, x.severity, x.title])).toEqual([['rustdesk', 'medium', 'RustDesk is connected to its port 21116']]);
    expect(byProcess[0]?.evidence.at(-1)).toEqual({ field: 'remote_access.role', value: 'both', catalogEntry: 'rustdesk', matched: 'rustdesk: both' });
  });
});
