// The co-location index: incremental edges within the time window, components that join, hubs
// that stop linking, and KVM identities that are only factory defaults.
import { describe, expect, it } from 'vitest';
import { ObservationKind, pb, type Observation } from '@farmwatch/proto';
import { CorrelationIndex, kvmIsIdentity, observationKey } from '../src/index.js';

const DAY = 86_400_000;
const t0 = Date.UTC(2026, 5, 1);

describe('co-location index', () => {
  it('links two devices that saw a value within the window, and not a third seen long after', () => {
    const ix = new CorrelationIndex({ windowMs: 7 * DAY });
    expect(ix.observe('a', 'wifi_bssid', 'h1', 'hash:h1', t0)).toEqual([]);
    const edges = ix.observe('b', 'wifi_bssid', 'h1', 'hash:h1', t0 + DAY);
    expect(edges).toEqual([{ deviceA: 'a', deviceB: 'b', kind: 'wifi_bssid', valueKey: 'h1', value: 'hash:h1', firstMs: t0, lastMs: t0 + DAY }]);
    expect(ix.observe('c', 'wifi_bssid', 'h1', 'hash:h1', t0 + 30 * DAY)).toEqual([]);
    expect([...ix.component('a')].sort()).toEqual(['a', 'b']);
    expect(ix.component('c')).toEqual(['c']);
  });

  it('joins components through different values (a — b by IP, b — c by KVM)', () => {
    const ix = new CorrelationIndex();
    ix.observe('a', 'public_ip', '73.162.10.1', '73.162.10.1', t0);
    ix.observe('b', 'public_ip', '73.162.10.1', '73.162.10.1', t0);
    ix.observe('b', 'kvm_identity', 'usb:1d6b:0104:3f2a91', 'usb:1d6b:0104:3f2a91', t0);
    ix.observe('c', 'kvm_identity', 'usb:1d6b:0104:3f2a91', 'usb:1d6b:0104:3f2a91', t0);
    expect([...ix.component('c')].sort()).toEqual(['a', 'b', 'c']);
  });

  it('does not emit the same edges again for a value a device keeps reporting, until the refresh interval', () => {
    const ix = new CorrelationIndex({ refreshMs: 3_600_000 });
    ix.observe('a', 'gateway_mac', 'g', 'g', t0);
    expect(ix.observe('b', 'gateway_mac', 'g', 'g', t0)).toHaveLength(1);
    expect(ix.observe('b', 'gateway_mac', 'g', 'g', t0 + 60_000)).toEqual([]);
    expect(ix.observe('b', 'gateway_mac', 'g', 'g', t0 + 3_600_000)).toEqual([expect.objectContaining({ lastMs: t0 + 3_600_000 })]);
  });

  it('looks only at the devices that share the value: cost does not grow with the fleet', () => {
    const ix = new CorrelationIndex();
    for (let i = 0; i < 5000; i++) ix.observe(`d${i}`, 'public_ip', `ip${i}`, `ip${i}`, t0);
    const before = ix.comparisons;
    ix.observe('new', 'public_ip', 'ip42', 'ip42', t0);
    expect(ix.comparisons - before).toBe(2); // d42 and itself
  });

  it('stops linking through a value too many devices share, and reports it as a hub', () => {
    const ix = new CorrelationIndex({ maxDevicesPerValue: 3 });
    for (const d of ['a', 'b', 'c']) ix.observe(d, 'public_ip', 'cgnat', 'cgnat', t0);
    expect(ix.observe('d', 'public_ip', 'cgnat', 'cgnat', t0)).toEqual([]);
    expect(ix.hubList()).toEqual([{ kind: 'public_ip', value: 'cgnat', devices: 4 }]);
  });
});

describe('observation keys', () => {
  const obs = (o: object): Observation => pb.Observation.decode(pb.Observation.encode(o).finish());

  it('uses the keyed hash for neighbour identifiers and the text for peer IPs and KVMs', () => {
    const hash = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    expect(observationKey(obs({ kind: ObservationKind.OBSERVATION_KIND_WIFI_BSSID, valueHash: hash, via: 'wlan0' })))
      .toEqual({ kind: 'wifi_bssid', edge: 'wifi_bssid', valueKey: '00112233445566778899aabbccddeeff', display: 'hash:001122334455' });
    expect(observationKey(obs({ kind: ObservationKind.OBSERVATION_KIND_REMOTE_PEER_IP, value: '142.214.202.2' })))
      .toMatchObject({ edge: 'remote_peer_ip', valueKey: '142.214.202.2' });
    expect(observationKey(obs({ kind: ObservationKind.OBSERVATION_KIND_VISIBLE_BSSID, valueHash: hash }))?.edge).toBeUndefined();
    expect(observationKey(obs({ kind: ObservationKind.OBSERVATION_KIND_GATEWAY_MAC }))).toBeUndefined();
  });

  it('does not take a factory-default KVM serial for an identity (every PiKVM says CAFEBABE)', () => {
    expect(kvmIsIdentity('usb:1d6b:0104:CAFEBABE')).toBe(false);
    expect(kvmIsIdentity('edid:TSB:0x1111:0x88888800')).toBe(false);
    expect(kvmIsIdentity('usb:1d6b:0104:')).toBe(false);
    expect(kvmIsIdentity('usb:1d6b:0104:3f2a91c0')).toBe(true);
    expect(observationKey(obs({ kind: ObservationKind.OBSERVATION_KIND_KVM_IDENTITY, value: 'usb:1d6b:0104:CAFEBABE' })))
      .toMatchObject({ kind: 'kvm_identity', edge: undefined });
  });
});
