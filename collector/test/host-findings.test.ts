// Every host finding counts toward the laptop's risk (src/rules/host-findings.ts): the Astrill
// client like the scheme's VPN, other VPNs less, a KVM answering on the LAN, a mouse jiggler, a
// port hint, any other category; and one of each family: a laptop running the Astrill client and
// egressing on Astrill tunnels through Astrill once.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, DEVICE_WEIGHTS, Enricher, evaluateDevice } from '../src/index.js';
import type { DeviceFacts, DeviceRow, FindingRow, IpInfo } from '../src/index.js';

const now = Date.UTC(2026, 10, 27, 12);
const enricher = new Enricher();
const device: DeviceRow = {
  id: 'dev_1', machineId: 'm', hostname: 'lt', hardwareSerial: 'S1', osPlatform: 'windows', osName: 'Windows', osVersion: '11',
  agentVersion: 't', catalogVersion: 't', timeZone: 'America/New_York', clockSkewMs: 0, lastPeer: '', firstSeenMs: now - 300 * 86_400_000,
  lastSeenMs: now, lastSequence: 10, publicIp: '', rttMs: null, cpuPermille: null, cpuWindowS: null, cpuAtMs: null, rssBytes: null, spoolDepth: null, stoppedAtMs: null, stopReason: null,
};
const f = (over: Partial<FindingRow>): FindingRow => ({
  deviceId: 'dev_1', detector: 'vpn.client', key: 'x', category: 'vpn', severity: 'medium', confidence: 80, title: 'x', catalogEntry: '',
  sanctioned: false, evidence: [], firstSeenMs: now - 86_400_000, lastSeenMs: now, clearedAtMs: null, ...over,
});
const astrillClient = f({ key: 'astrill', severity: 'critical', title: 'Astrill VPN is running', catalogEntry: 'astrill' });
const nord = f({ key: 'nordvpn', title: 'NordVPN is running', catalogEntry: 'nordvpn' });
const wireguard = f({ key: 'wireguard', severity: 'low', title: 'WireGuard is running', catalogEntry: 'wireguard' });
const tunnel = f({ detector: 'vpn.tunnel', key: 'tun0', severity: 'low', title: 'Tunnel interface tun0 is up' });
const facts = (findings: FindingRow[], over: Partial<DeviceFacts> = {}): DeviceFacts => ({
  device, registration: undefined, findings, observations: [], egress: undefined, peers: [], enrolledMs: device.firstSeenMs, nowMs: now, ...over,
});
const scored = (findings: FindingRow[], over: Partial<DeviceFacts> = {}) => evaluateDevice(facts(findings, over)).signals.map((s) => [s.id, s.weight]);

describe('VPN clients on the laptop', () => {
  it('the Astrill client weighs like an Astrill egress; a consumer VPN less; a protocol client or a bare tunnel least', () => {
    expect(DEVICE_WEIGHTS['vpn.client.priority']).toBe(DEVICE_WEIGHTS['egress.vpn.priority']);
    expect(scored([astrillClient])).toEqual([['vpn.client.priority', 40]]);
    expect(evaluateDevice(facts([astrillClient])).signals[0]?.title).toBe('Astrill VPN on the laptop');
    expect(scored([nord])).toEqual([['vpn.client', 10]]);
    expect(scored([wireguard])).toEqual([['vpn.other', 5]]);
    expect(scored([tunnel])).toEqual([['vpn.other', 5]]);
    // Several VPN findings: the strongest kind, with every finding as its evidence.
    const all = evaluateDevice(facts([nord, astrillClient, tunnel]));
    expect(all.signals.map((s) => [s.id, s.weight])).toEqual([['vpn.client.priority', 40]]);
    // The full tunnel and resolver findings that name Astrill count as the Astrill client too.
    expect(scored([f({ detector: 'vpn.full_tunnel', key: '0.0.0.0/0', severity: 'critical', catalogEntry: 'astrill' })])).toEqual([['vpn.client.priority', 40]]);
    expect(scored([f({ detector: 'vpn.dns', key: '10.8.0.1', severity: 'low', evidence: [{ field: 'dns.server', value: '10.8.0.1', catalogEntry: 'astrill' }] })]))
      .toEqual([['vpn.client.priority', 40]]);
  });

  it('a laptop running the Astrill client and egressing on Astrill counts Astrill once; the other stays in the explanation with weight 0', () => {
    const r = evaluateDevice(facts([astrillClient], { egress: enricher.lookup('142.214.202.2') }));
    expect(r.signals.map((s) => [s.id, s.weight])).toEqual([['egress.vpn.priority', 40], ['vpn.client.priority', 0]]);
    expect(r.signals[1]?.title).toBe('Astrill VPN on the laptop (counted once, with egress.vpn.priority)');
    expect(r.score).toBe(40);
    // A consumer VPN client and its egress: the egress counts (25), not both.
    const nordExit: IpInfo = { ...enricher.lookup('185.199.110.1'), network: { kind: 'vpn', provider: 'nordvpn', name: 'NordVPN', priority: '' } };
    expect(scored([nord], { egress: nordExit })).toEqual([['egress.vpn', 25], ['vpn.client', 0]]);
    // The Astrill client on a laptop whose egress is another VPN's: the Astrill client is the stronger.
    expect(scored([astrillClient], { egress: nordExit })).toEqual([['vpn.client.priority', 40], ['egress.vpn', 0]]);
  });

  it('sanctioned, corporate (info) and cleared VPN findings count nothing', () => {
    expect(scored([f({ key: 'globalprotect', severity: 'info', sanctioned: true, catalogEntry: 'palo-alto-globalprotect' })])).toEqual([]);
    expect(scored([{ ...astrillClient, clearedAtMs: now - 1000 }])).toEqual([]);
    expect(evaluateDevice(facts([nord]), { ...DEFAULT_RULES, sanctionedTools: ['nordvpn'] }).signals).toEqual([]);
  });
});

describe('other host findings', () => {
  it('a KVM answering on the LAN counts less than one on the laptop, and once with it', () => {
    const mdns = f({ detector: 'kvm.mdns', key: 'pikvm.local:192.168.1.20', category: 'kvm', title: 'A PiKVM answers as pikvm.local', catalogEntry: 'pikvm' });
    const usb = f({ detector: 'kvm.usb_identity', key: '1-3', category: 'kvm', severity: 'high', title: 'PiKVM is attached', catalogEntry: 'pikvm' });
    expect(scored([mdns])).toEqual([['kvm.lan', 20]]);
    expect(scored([f({ detector: 'kvm.mac_prefix', key: '48:da:35:00:00:01', category: 'kvm', severity: 'low', catalogEntry: 'sipeed-nanokvm' })])).toEqual([['kvm.lan', 20]]);
    expect(scored([mdns, usb])).toEqual([['kvm.present', 50], ['kvm.lan', 0]]);
  });

  it('a mouse jiggler counts, and once with a laptop never idle', () => {
    const jiggler = f({ detector: 'mouse_jiggler.usb', key: '1-2', category: 'mouse_jiggler', title: 'Mouse Jiggler is plugged in', catalogEntry: 'amazon-generic-jiggler' });
    expect(scored([jiggler])).toEqual([['mouse_jiggler.present', 10]]);
    // Input in every hour for four days: never idle (15) is the stronger of the family.
    const hours = Array.from({ length: 96 }, (_, i) => Math.floor(now / 3_600_000) - 95 + i);
    const r = evaluateDevice(facts([jiggler], { onlineHours: hours, activeHours: hours }));
    expect(r.signals.filter((s) => s.id === 'activity.never_idle' || s.id === 'mouse_jiggler.present').map((s) => [s.id, s.weight]))
      .toEqual([['activity.never_idle', 15], ['mouse_jiggler.present', 0]]);
  });

  it('a port hint is a hint (5), and nothing next to a named tool; other categories count as findings', () => {
    const hint = f({ detector: 'remote_access.network', key: 'port/tcp/21115', category: 'remote_access', severity: 'low', title: 'Listening on TCP 21115',
      evidence: [{ field: 'remote_access.role', value: 'unknown', matched: 'port only: names no tool' }] });
    const anydesk = f({ detector: 'remote_access.process', key: 'anydesk', category: 'remote_access', title: 'AnyDesk is running', catalogEntry: 'anydesk', firstSeenMs: now });
    expect(scored([hint])).toEqual([['remote_access.hint', 5]]);
    expect(scored([hint, anydesk])).toEqual([['remote_access.unsanctioned', 10], ['remote_access.hint', 0]]);
    expect(scored([f({ detector: 'tamper.something', key: 'k', category: 'tamper', severity: 'high', title: 'Agent binary replaced' })])).toEqual([['finding.other', 10]]);
  });
});
