// Device rules and the cluster score: each signal with its weight and evidence, and the innocent
// cases that must stay quiet.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, DEVICE_WEIGHTS, Enricher, distanceKm, evaluateDevice, minimumRttMs, scoreCluster, severityFor, utcOffsetMinutes } from '../src/index.js';
import type { DeviceFacts, DeviceRow, FindingRow, RegistrationRow } from '../src/index.js';

const now = Date.UTC(2026, 10, 27, 12);
const enricher = new Enricher();
const device = (over: Partial<DeviceRow> = {}): DeviceRow => ({
  id: 'dev_1', machineId: 'm', hostname: 'lt', hardwareSerial: 'S1', osPlatform: 'windows', osName: 'Windows', osVersion: '11',
  agentVersion: 't', catalogVersion: 't', timeZone: 'America/Chicago', clockSkewMs: 0, lastPeer: '', firstSeenMs: now - 3 * 86_400_000,
  lastSeenMs: now, lastSequence: 10, publicIp: '', rttMs: null, cpuPermille: null, cpuWindowS: null, cpuAtMs: null, rssBytes: null, spoolDepth: null, stoppedAtMs: null, stopReason: null, ...over,
});
const registration: RegistrationRow = {
  deviceId: 'dev_1', serial: 'S1', assigneeName: 'Avery Brooks', assigneeEmail: 'avery@example.com', shipTo: 'Austin, Texas, US', shipCountry: 'US',
  shipLat: 30.267, shipLon: -97.743, timeZone: 'America/Chicago', registeredMs: now - 5 * 86_400_000, registeredBy: 'it', enrolledMs: now - 3 * 86_400_000, revokedMs: null,
};
const finding = (over: Partial<FindingRow>): FindingRow => ({
  deviceId: 'dev_1', detector: 'remote_access.process', key: 'anydesk', category: 'remote_access', severity: 'medium', confidence: 80,
  title: 'AnyDesk is running', catalogEntry: 'anydesk', sanctioned: false, evidence: [], firstSeenMs: now - 86_400_000, lastSeenMs: now, clearedAtMs: null, ...over,
});
const facts = (over: Partial<DeviceFacts> = {}): DeviceFacts => ({
  device: device(), registration, findings: [], observations: [], egress: undefined, peers: [], enrolledMs: registration.enrolledMs, nowMs: now, ...over,
});

describe('device rules', () => {
  it('a laptop at home where it was shipped, with nothing on it: score 0', () => {
    const r = evaluateDevice(facts({ egress: enricher.lookup('71.56.10.1'), registration: { ...registration, shipTo: 'Cincinnati, Ohio, US', shipLat: 39.16, shipLon: -84.46, timeZone: 'America/New_York' }, device: device({ timeZone: 'America/New_York' }) }));
    expect(r).toEqual({ score: 0, severity: 'info', signals: [] });
  });

  it('Astrill peer, unsanctioned AnyDesk early, far from ship-to, clock in Shanghai: each signal with its weight', () => {
    const r = evaluateDevice(facts({
      device: device({ timeZone: 'Asia/Shanghai' }), findings: [finding({})],
      egress: enricher.lookup('73.162.10.1'), peers: [enricher.lookup('142.214.202.2')],
    }));
    expect(r.signals.map((s) => [s.id, s.weight])).toEqual([
      ['peer.vpn.priority', 45], ['remote_access.early', 25], ['location.far', 20], ['timezone.mismatch', 10],
    ]);
    expect(r.score).toBe(100);
    expect(r.severity).toBe('critical');
    expect(r.signals.find((s) => s.id === 'timezone.mismatch')?.evidence).toEqual(['UTC offset 8 h on the laptop, -6 h where it was assigned']);
  });

  it('a sanctioned tool, by the agent or by collector policy, is no signal', () => {
    expect(evaluateDevice(facts({ findings: [finding({ sanctioned: true })] })).signals).toEqual([]);
    expect(evaluateDevice(facts({ findings: [finding({ key: 'teamviewer', catalogEntry: 'teamviewer' })] }), { ...DEFAULT_RULES, sanctionedTools: ['teamviewer'] }).signals).toEqual([]);
  });

  it('AnyDesk months after check-in weighs less than in the first days', () => {
    const late = evaluateDevice(facts({ findings: [finding({ firstSeenMs: now })], enrolledMs: now - 200 * 86_400_000 }));
    expect(late.signals.map((s) => s.id)).toEqual(['remote_access.unsanctioned']);
  });

  it('egress in another country; egress through a hosting network', () => {
    expect(evaluateDevice(facts({ egress: enricher.lookup('104.28.10.1') })).signals.map((s) => s.id)).toEqual(['location.country']);
    expect(evaluateDevice(facts({ egress: enricher.lookup('159.89.10.10') })).signals.map((s) => [s.id, s.weight])).toEqual([['egress.hosting', DEVICE_WEIGHTS['egress.hosting']]]);
  });

  it('a server in a network where Astrill rents its exits weighs more than another hosting network, as egress and as peer', () => {
    // 5.57.213.1 is CyberCon (AS7393), the network of a published Astrill exit, but not an exit itself: a VPN on the router
    // or an operator's box; 159.89.10.10 is DigitalOcean, which hosts everyone.
    const rented = enricher.lookup('5.57.213.1');
    expect(rented.network).toMatchObject({ kind: 'hosting', priority: 'highest', rentedBy: 'Astrill VPN' });
    const egress = evaluateDevice(facts({ egress: rented }));
    expect(egress.signals.map((s) => [s.id, s.weight])).toEqual([['egress.hosting.priority', DEVICE_WEIGHTS['egress.hosting.priority']]]);
    expect(egress.signals[0]?.evidence[0]).toMatch(/Astrill VPN rents servers/);
    expect(DEVICE_WEIGHTS['egress.hosting.priority']).toBeGreaterThan(DEVICE_WEIGHTS['egress.hosting']);
    const peer = evaluateDevice(facts({ peers: [rented, enricher.lookup('159.89.10.10')] }));
    expect(peer.signals.map((s) => s.id)).toEqual(['peer.hosting.priority']);
    // A published exit is still the stronger VPN signal, and only one of the family counts.
    const both = evaluateDevice(facts({ peers: [rented, enricher.lookup('142.214.202.2')] }));
    expect(both.signals.map((s) => s.id)).toEqual(['peer.vpn.priority']);
  });

  it('a remote-access peer at home in a country of the scheme\'s workers is where the operator sits; not for a sanctioned tool\'s peer', () => {
    const cn = { ...enricher.lookup('42.4.0.1'), via: 'anydesk' };
    const r = evaluateDevice(facts({ findings: [finding({ firstSeenMs: now })], peers: [cn] }));
    expect(r.signals.map((s) => s.id)).toEqual(['peer.country.priority', 'remote_access.early']);
    expect(r.signals[0]?.evidence[0]).toMatch(/42\.4\.0\.1 .*CN.* via anydesk; ship-to /);
    expect(r.severity).toBe('critical');
    expect(evaluateDevice(facts({ peers: [{ ...cn, via: 'teamviewer' }] }), { ...DEFAULT_RULES, sanctionedTools: ['teamviewer'] }).signals).toEqual([]);
    // A peer at home in the ship-to country says nothing.
    expect(evaluateDevice(facts({ peers: [enricher.lookup('73.162.10.1')] })).signals).toEqual([]);
  });

  it('online from a home in the countries the scheme\'s workers sit in weighs more than another country', () => {
    // Residential addresses of Chinanet (Liaoning) and a US-shipped laptop: the worker has it himself.
    const cn = enricher.lookup('42.4.0.1');
    expect(cn.geo?.countryCode).toBe('CN');
    expect(cn.network.kind).toBe('other');
    const r = evaluateDevice(facts({ egress: cn }));
    expect(r.signals.map((s) => [s.id, s.weight])).toEqual([['location.country.priority', DEVICE_WEIGHTS['location.country.priority']]]);
    expect(r.severity).toBe('high');
  });

  it('heartbeat loss versus a stop the agent announced', () => {
    expect(evaluateDevice(facts({ device: device({ lastSeenMs: now - 3_600_000 }) })).signals.map((s) => s.id)).toEqual(['agent.silent']);
    expect(evaluateDevice(facts({ device: device({ lastSeenMs: now - 3_600_000, stoppedAtMs: now - 3_600_000, stopReason: 'shutdown' }) })).signals).toEqual([]);
    expect(evaluateDevice(facts({ device: device({ stoppedAtMs: now, stopReason: 'uninstall' }) })).signals.map((s) => s.id)).toEqual(['agent.stopped']);
  });

  it('a round-trip time that the distance cannot explain (a tunnel hop)', () => {
    const site = { lat: 39.04, lon: -77.49 }; // collector in Ashburn VA
    const egress = enricher.lookup('73.162.10.1'); // Fairfield CA, ~3,700 km
    const floor = minimumRttMs(distanceKm(site, { lat: egress.geo?.lat ?? 0, lon: egress.geo?.lon ?? 0 }));
    expect(floor).toBeGreaterThan(50);
    expect(floor).toBeLessThan(60);
    const cfg = { ...DEFAULT_RULES, collectorSite: site, farKm: 10_000 };
    expect(evaluateDevice(facts({ egress, device: device({ rttMs: 70 }) }), cfg).signals).toEqual([]);
    const slow = evaluateDevice(facts({ egress, device: device({ rttMs: 260 }) }), cfg);
    expect(slow.signals.map((s) => s.id)).toEqual(['rtt.tunnel']);
    expect(slow.signals[0]?.evidence[0]).toMatch(/^stream RTT 260 ms; 3\d{3} km to the collector allow about 5\d ms/);
  });

  it('time zones are compared by offset: Detroit is New York', () => {
    expect(utcOffsetMinutes('America/Detroit', now)).toBe(utcOffsetMinutes('America/New_York', now));
    const r = evaluateDevice(facts({ device: device({ timeZone: 'America/Detroit' }), registration: { ...registration, timeZone: 'America/New_York' } }));
    expect(r.signals).toEqual([]);
  });
});

describe('input languages', () => {
  const obs = (lang: string) => ({ deviceId: 'dev_1', kind: 'input_language', valueKey: lang, value: lang, via: 'keyboard', firstSeenMs: now - 86_400_000, lastSeenMs: now, count: 3 });
  const watching = { ...DEFAULT_RULES, watchedInputLanguages: ['ko', 'zh', 'ru'] };

  it('count nothing unless the admin names languages to watch', () => {
    expect(evaluateDevice(facts({ observations: [obs('ko')] })).signals).toEqual([]);
  });

  it('a Korean keyboard on a laptop shipped to Austin: 10, with the evidence; English and unwatched languages are nothing', () => {
    const r = evaluateDevice(facts({ observations: [obs('en'), obs('ko'), obs('de')] }), watching);
    expect(r.signals).toEqual([{ id: 'locale.input_language', weight: DEVICE_WEIGHTS['locale.input_language'], title: 'Keyboard set up for Korean, shipped to US',
      evidence: [`Korean (ko) input on the laptop since ${new Date(now - 86_400_000).toISOString()}; ship-to Austin, Texas, US`] }]);
    expect(r.severity).toBe('info');
  });

  it('the language of the ship-to country is nothing', () => {
    const seoul = { ...registration, shipTo: 'Seoul, Seoul, KR', shipCountry: 'KR' };
    expect(evaluateDevice(facts({ registration: seoul, observations: [obs('ko')] }), watching).signals.map((s) => s.id)).not.toContain('locale.input_language');
  });
});

describe('cluster score', () => {
  const reg = (id: string, email: string): [string, RegistrationRow] => [id, { ...registration, deviceId: id, assigneeEmail: email }];
  const edge = (a: string, b: string, kind: string, value: string) => ({ deviceA: a, deviceB: b, kind, valueKey: value, value, firstMs: now, lastMs: now });

  it('a couple behind one home IP: 10, info', () => {
    const r = scoreCluster(['a', 'b'], [edge('a', 'b', 'public_ip', '24.5.1.1')], new Map([reg('a', 'sam@x.com'), reg('b', 'alex@x.com')]), (ip) => enricher.lookup(ip));
    expect(r).toMatchObject({ score: 10, severity: 'info', farmCandidate: true, people: ['alex@x.com', 'sam@x.com'] });
  });

  it('a couple at home shares the address, gateway, Wi-Fi and each other\'s MACs: one place, counted once, still info', () => {
    const home = [edge('a', 'b', 'public_ip', '24.5.1.1'), edge('a', 'b', 'gateway_mac', 'g'), edge('a', 'b', 'wifi_bssid', 'w'), edge('a', 'b', 'lan_neighbour_laptop', 'm')];
    const r = scoreCluster(['a', 'b'], home, new Map([reg('a', 'sam@x.com'), reg('b', 'alex@x.com')]), (ip) => enricher.lookup(ip));
    expect(r.signals.filter((s) => s.weight > 0).map((s) => s.id)).toEqual(['shared.lan_neighbour_laptop']);
    expect(r.signals.map((s) => s.id).sort()).toEqual(['shared.gateway_mac', 'shared.lan_neighbour_laptop', 'shared.public_ip', 'shared.wifi_bssid']);
    expect(r.severity).toBe('info');
  });

  const crowd = (n: number, days: number) => {
    const ids = Array.from({ length: n }, (_, i) => `d${i}`);
    const since = now - days * 86_400_000;
    const edges = ids.slice(1).flatMap((id) => [{ ...edge('d0', id, 'gateway_mac', 'g'), firstMs: since }, { ...edge('d0', id, 'wifi_bssid', 'w'), firstMs: since }]);
    return scoreCluster(ids, edges, new Map(ids.map((id) => reg(id, `${id}@x.com`))), () => undefined);
  };

  it('more people in one place than a household holds, for days: a household of three stays info, medium at four, high at five, critical at six', () => {
    expect([2, 3, 4, 5, 6, 9].map((n) => crowd(n, 5).severity)).toEqual(['info', 'info', 'medium', 'high', 'critical', 'critical']);
    expect(crowd(4, 5).signals.find((s) => s.id === 'cluster.people')?.evidence).toHaveLength(4);
  });

  it('counts the people at one place, not a chain of places: two colleagues at a coworking desk, one of them at home with a partner', () => {
    const ids = ['a', 'b', 'c', 'd'];
    const regs = new Map(ids.map((id) => reg(id, `${id}@x.com`)));
    const chain = scoreCluster(ids, [edge('a', 'b', 'gateway_mac', 'cowork'), edge('b', 'c', 'gateway_mac', 'home'), edge('c', 'd', 'wifi_bssid', 'cafe')], regs, () => undefined);
    expect(chain.signals.find((s) => s.id === 'cluster.people')).toBeUndefined();
    expect(chain.severity).toBe('info');
    // The same four people behind one gateway are a crowd.
    const one = scoreCluster(ids, [edge('a', 'b', 'gateway_mac', 'g'), edge('b', 'c', 'gateway_mac', 'g'), edge('c', 'd', 'gateway_mac', 'g')], regs, () => undefined);
    expect(one.signals.find((s) => s.id === 'cluster.people')?.evidence).toEqual(['a@x.com', 'b@x.com', 'c@x.com', 'd@x.com']);
  });

  it('a crowd that met in one place a day ago (colleagues at a conference hotel) counts half, and never above low, until it stays', () => {
    expect([2, 3, 4, 5, 9, 30].map((n) => crowd(n, 1).severity)).toEqual(['info', 'info', 'low', 'low', 'low', 'low']);
    expect(crowd(5, 1).signals.find((s) => s.id === 'cluster.people')?.title)
      .toBe("5 different people's laptops in one place (a household holds three); in one place for 1.0 days so far, counted half until 4.0 days (a hotel or an offsite moves on, a farm stays)");
    // The same crowd four days on is a farm candidate in full.
    expect(crowd(5, 4).severity).toBe('high');
    // Linked by one operator as well as the place: no waiting.
    const ids = ['a', 'b', 'c'];
    const operated = scoreCluster(ids, [edge('a', 'b', 'gateway_mac', 'g'), edge('a', 'c', 'gateway_mac', 'g'), edge('b', 'c', 'remote_peer_id', 'anydesk:1')],
      new Map(ids.map((id) => reg(id, `${id}@x.com`))), () => undefined);
    expect(operated.signals.find((s) => s.id === 'cluster.people')?.weight).toBe(20);
  });

  it('two people in one place driven by the same AnyDesk id: high however few they are', () => {
    const r = scoreCluster(['a', 'b'], [edge('a', 'b', 'gateway_mac', 'g'), edge('a', 'b', 'remote_peer_id', 'anydesk:1')], new Map([reg('a', 'p@x.com'), reg('b', 'q@x.com')]), () => undefined);
    expect(r.score).toBeGreaterThanOrEqual(50);
  });

  it('two people\'s laptops in one place, each high-risk on its own (a KVM on each): high together; one risky laptop is not', () => {
    const home = [edge('a', 'b', 'gateway_mac', 'g')];
    const regs = new Map([reg('a', 'p@x.com'), reg('b', 'q@x.com')]);
    const kvm = { score: 50, title: 'Risk 50: IP-KVM attached' };
    const both = scoreCluster(['a', 'b'], home, regs, () => undefined, () => kvm);
    expect(both.signals.find((s) => s.id === 'cluster.members_at_risk')?.evidence).toEqual(['a: Risk 50: IP-KVM attached', 'b: Risk 50: IP-KVM attached']);
    expect(both.severity).toBe('high');
    const one = scoreCluster(['a', 'b'], home, regs, () => undefined, (m) => (m === 'a' ? kvm : { score: 30, title: 'Risk 30' }));
    expect(one.signals.map((s) => s.id)).not.toContain('cluster.members_at_risk');
    expect(one.severity).toBe('info');
    // One person's two risky laptops are that person's case, not a farm of several people.
    const same = scoreCluster(['a', 'b'], home, new Map([reg('a', 'p@x.com'), reg('b', 'p@x.com')]), () => undefined, () => kvm);
    expect(same.signals.map((s) => s.id)).not.toContain('cluster.members_at_risk');
  });

  it('two people\'s laptops in one place, each driven remotely with more to show (medium): at risk together; medium without remote control is not', () => {
    const home = [edge('a', 'b', 'gateway_mac', 'g')];
    const regs = new Map([reg('a', 'p@x.com'), reg('b', 'q@x.com')]);
    const driven = { score: 45, title: 'Risk 45: Unsanctioned remote access within 14 days of first check-in | In use mostly outside the working day', controlled: true };
    const both = scoreCluster(['a', 'b'], home, regs, () => undefined, () => driven);
    expect(both.signals.find((s) => s.id === 'cluster.members_at_risk')?.evidence).toEqual([
      `a: driven remotely (a tool that lets others in, or a KVM), and ${driven.title}`, `b: driven remotely (a tool that lets others in, or a KVM), and ${driven.title}`]);
    expect(both.severity).toBe('high');
    // Medium from a consumer VPN and a laptop left on (no tool that lets others in): no farm together.
    const vpn = { score: 30, title: 'Risk 30: Laptop egress through a hosting network', controlled: false };
    expect(scoreCluster(['a', 'b'], home, regs, () => undefined, () => vpn).signals.map((s) => s.id)).not.toContain('cluster.members_at_risk');
    // A tool alone (low): not at risk on its own.
    const tool = { score: 25, title: 'Risk 25', controlled: true };
    expect(scoreCluster(['a', 'b'], home, regs, () => undefined, () => tool).signals.map((s) => s.id)).not.toContain('cluster.members_at_risk');
  });

  it('one person with two laptops is no farm candidate', () => {
    const r = scoreCluster(['a', 'b'], [edge('a', 'b', 'wifi_bssid', 'h')], new Map([reg('a', 'sam@x.com'), reg('b', 'sam@x.com')]), () => undefined);
    expect(r.farmCandidate).toBe(false);
  });

  it('a shared Astrill peer adds its bonus; severities follow the documented thresholds', () => {
    const r = scoreCluster(['a', 'b'], [edge('a', 'b', 'remote_peer_ip', '142.214.202.2')], new Map([reg('a', 'p@x.com'), reg('b', 'q@x.com')]), (ip) => enricher.lookup(ip));
    expect(r.signals.map((s) => [s.id, s.weight])).toEqual([['shared.remote_peer_ip', 30], ['shared.remote_peer_ip.vpn_or_hosting', 15]]);
    expect(r.score).toBe(45);
    expect([severityFor(14), severityFor(15), severityFor(30), severityFor(50), severityFor(70)]).toEqual(['info', 'low', 'medium', 'high', 'critical']);
  });
});
