// The fleet engine over a real SQLite store: a laptop that sees another enrolled laptop's own MAC
// on its LAN, LAN-only peer addresses that link nobody, excluded networks, the fleet key kept
// once, and risk alerts that follow their signals without rewriting what did not change.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InterfaceKind, ObservationKind, pb, type Event, type Observation } from '@farmwatch/proto';
import { createLogger } from '@farmwatch/shared';
import { FleetEngine, SqliteStore, applyBatch, keyedHash } from '../src/index.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const log = createLogger('test', 'silent');
const now = Date.now();

function setup(n: number): { store: SqliteStore; ids: string[]; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'farmwatch-fleet-'));
  dirs.push(dir);
  const path = join(dir, 'c.db');
  const store = new SqliteStore(path);
  const ids = Array.from({ length: n }, (_, i) => {
    const r = store.registry.register({ serial: `S${i}`, assigneeName: `P${i}`, assigneeEmail: `p${i}@x.com`, shipTo: 'Fairfield, California, US', shipCountry: 'US',
      shipLat: 38.25, shipLon: -122.04, timeZone: 'America/Los_Angeles' }, 'test', now);
    store.db.prepare("INSERT INTO devices (id, machine_id, time_zone, first_seen_ms, last_seen_ms) VALUES (?, ?, 'America/Los_Angeles', ?, ?)").run(r.deviceId, `m${i}`, now, now);
    return r.deviceId;
  });
  return { store, ids, path };
}
const obs = (o: object): Observation => pb.Observation.decode(pb.Observation.encode(o).finish());

describe('fleet engine', () => {
  it('links a laptop that sees another enrolled laptop on its LAN, by the keyed hash of that laptop\'s own MAC', () => {
    const { store, ids: [a = '', b = ''] } = setup(2);
    const fleet = new FleetEngine({ store, log });
    const mac = '3c:22:fb:8e:41:07';
    fleet.onInventory(b, { networkInterface: { name: 'en0', kind: InterfaceKind.INTERFACE_KIND_WIFI, mac } });
    store.write((w) => fleet.onObservation(w, a, obs({ kind: ObservationKind.OBSERVATION_KIND_LAN_NEIGHBOUR_MAC, valueHash: Buffer.from(keyedHash(fleet.fleetKey, mac), 'hex'), via: 'arp' }), now));
    expect([...fleet.index.component(a)].sort()).toEqual([a, b].sort());
    expect(store.fleet.edgesOf([a]).map((e) => e.kind)).toEqual(['lan_neighbour_laptop']);
    store.close();
  });

  it('keeps the fleet key across restarts, and rebuilds the index from what is stored', () => {
    const { store, ids: [a = '', b = ''], path } = setup(2);
    const first = new FleetEngine({ store, log });
    store.write((w) => {
      first.onObservation(w, a, obs({ kind: ObservationKind.OBSERVATION_KIND_WIFI_BSSID, valueHash: Buffer.alloc(16, 7) }), now);
      first.onObservation(w, b, obs({ kind: ObservationKind.OBSERVATION_KIND_WIFI_BSSID, valueHash: Buffer.alloc(16, 7) }), now);
    });
    store.close();
    const again = new SqliteStore(path);
    const second = new FleetEngine({ store: again, log });
    expect(second.fleetKey.equals(first.fleetKey)).toBe(true);
    expect([...second.index.component(a)].sort()).toEqual([a, b].sort());
    again.close();
  });

  it('after a restart, a laptop that sees a LAN neighbour stored before links to those that saw it (stored as lan_neighbour_mac, linked as lan_neighbour)', () => {
    const { store, ids: [a = '', b = ''], path } = setup(2);
    const neighbour = obs({ kind: ObservationKind.OBSERVATION_KIND_LAN_NEIGHBOUR_MAC, valueHash: Buffer.alloc(16, 9), via: 'arp' });
    const first = new FleetEngine({ store, log });
    store.write((w) => first.onObservation(w, a, neighbour, now));
    store.close();
    const again = new SqliteStore(path);
    const second = new FleetEngine({ store: again, log });
    again.write((w) => second.onObservation(w, b, neighbour, now + 1000));
    expect([...second.index.component(b)].sort()).toEqual([a, b].sort());
    expect(again.fleet.edgesOf([b]).map((e) => e.kind)).toEqual(['lan_neighbour']);
    again.close();
  });

  it('a helpdesk technician on the sanctioned tool links no laptops; the same on another tool does', () => {
    const { store, ids: [a = '', b = '', c = '', d = ''] } = setup(4);
    const fleet = new FleetEngine({ store, log, rules: { sanctionedTools: ['teamviewer'] } });
    const peer = (via: string) => obs({ kind: ObservationKind.OBSERVATION_KIND_REMOTE_PEER_ID, valueHash: Buffer.alloc(16, via.length), via });
    const peerIp = (via: string) => obs({ kind: ObservationKind.OBSERVATION_KIND_REMOTE_PEER_IP, value: '142.214.202.2', via });
    store.write((w) => {
      for (const id of [a, b]) { fleet.onObservation(w, id, peer('teamviewer'), now); fleet.onObservation(w, id, peerIp('teamviewer'), now); }
      for (const id of [c, d]) fleet.onObservation(w, id, peer('anydesk'), now);
    });
    expect(fleet.index.component(a)).toEqual([a]);
    expect([...fleet.index.component(c)].sort()).toEqual([c, d].sort());
    expect(store.fleet.edgesOf([a, b]).length).toBe(0);
    // The observations are kept (the device page shows them); a restart does not link them either.
    expect(store.fleet.observations(a).map((o) => o.kind).sort()).toEqual(['remote_peer_id', 'remote_peer_ip']);
    fleet.rebuild();
    expect(fleet.index.component(b)).toEqual([b]);
    store.close();
  });

  it('does not link through a LAN-only peer address or an excluded network', () => {
    const { store, ids: [a = '', b = '', c = '', d = ''] } = setup(4);
    store.fleet.addExclusion('network', '12.0.0.0/24', 'corporate egress', 'test', now);
    const fleet = new FleetEngine({ store, log });
    store.write((w) => {
      for (const id of [a, b]) fleet.onObservation(w, id, obs({ kind: ObservationKind.OBSERVATION_KIND_REMOTE_PEER_IP, value: '192.168.1.20', via: 'anydesk' }), now);
      for (const id of [c, d]) fleet.onObservation(w, id, obs({ kind: ObservationKind.OBSERVATION_KIND_REMOTE_PEER_IP, value: '12.0.0.9', via: 'teamviewer' }), now);
    });
    fleet.onPublicIp(a, '12.0.0.1', now);
    fleet.onPublicIp(b, '12.0.0.1', now);
    for (const id of [a, b, c, d]) expect(fleet.index.component(id)).toEqual([id]);
    expect(store.fleet.observations(a).map((o) => o.kind).sort()).toEqual(['public_ip', 'remote_peer_ip']);
    store.close();
  });

  it('updates a risk alert when its signals change, and writes nothing when they do not', () => {
    const { store, ids: [a = ''] } = setup(1);
    const fleet = new FleetEngine({ store, log });
    store.write((w) => fleet.onObservation(w, a, obs({ kind: ObservationKind.OBSERVATION_KIND_REMOTE_PEER_IP, value: '142.214.202.2', via: 'anydesk' }), now));
    expect(fleet.evaluate([a]).map((c) => c.change)).toEqual(['new']);
    expect(fleet.evaluate([a])).toEqual([]);
    const alert = store.alerts.find(a, 'device.risk', 'risk');
    expect(alert).toMatchObject({ severity: 'medium', score: 45 });
    store.db.prepare('DELETE FROM observations').run();
    expect(fleet.evaluate([a]).map((c) => c.change)).toEqual(['updated']);
    expect(store.alerts.find(a, 'device.risk', 'risk')).toMatchObject({ score: 0, severity: 'info', title: 'Risk 0: no signal any more' });
    store.close();
  });

  it('keeps one alert for a cluster that grows to 60 laptops, without reading any alert\'s details per member', () => {
    // Found by the fleet simulator: the helpdesk's TeamViewer id linked 40 laptops, and scoring the
    // cluster parsed its alert's details (every edge) once per member, at every new member.
    const { store, ids } = setup(60);
    const fleet = new FleetEngine({ store, log });
    const details = vi.spyOn(store.alerts, 'detail');
    for (const id of ids) {
      store.write((w) => fleet.onObservation(w, id, obs({ kind: ObservationKind.OBSERVATION_KIND_REMOTE_PEER_ID, valueHash: Buffer.alloc(16, 9), via: 'anydesk' }), now));
      fleet.evaluate([id]);
    }
    expect(details).not.toHaveBeenCalled();
    const alerts = store.alerts.alertsOfMembers(ids, 'fleet.colocation');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.members).toEqual([...ids].sort());
    expect(store.alerts.detail(alerts[0]?.id ?? 0)?.details).toMatchObject({ edges: expect.arrayContaining([expect.objectContaining({ kind: 'remote_peer_id' })]) as unknown });
    store.close();
  });

  it('closes the younger alert when two clusters join, as merged into the older one', () => {
    const { store, ids: [a = '', b = '', c = '', d = ''] } = setup(4);
    const fleet = new FleetEngine({ store, log });
    const bssid = (id: string, n: number) => store.write((w) => fleet.onObservation(w, id, obs({ kind: ObservationKind.OBSERVATION_KIND_WIFI_BSSID, valueHash: Buffer.alloc(16, n) }), now));
    bssid(a, 1);
    bssid(b, 1);
    fleet.evaluate([b]);
    bssid(c, 2);
    bssid(d, 2);
    fleet.evaluate([d]);
    const [first, second] = [store.alerts.alertsOfMembers([a], 'fleet.colocation')[0], store.alerts.alertsOfMembers([c], 'fleet.colocation')[0]];
    expect(first?.id).toBeLessThan(second?.id ?? 0);
    bssid(b, 3);
    bssid(c, 3);
    // b's batch repeated nothing new for b's cluster; c's batch made the edge that joins them.
    expect(fleet.evaluate([a])).toEqual([]);
    fleet.evaluate([c]);
    expect(store.alerts.detail(first?.id ?? 0)?.members).toEqual([a, b, c, d].sort());
    expect(store.alerts.detail(second?.id ?? 0)?.status).toBe('resolved');
    expect(store.alerts.notes(second?.id ?? 0).map((n) => n.text)).toEqual([`merged into alert ${first?.id ?? ''}: the clusters joined`]);
    store.close();
  });

  it('counts the hours a laptop was on from the events it sent, spooled ones too, each hour once, and finds it always on', () => {
    const H = 3_600_000;
    const { store, ids: [a = ''] } = setup(1);
    const fleet = new FleetEngine({ store, log, now: () => now });
    // 100 hours of heartbeats every 30 minutes, delivered at once (an agent back from offline).
    const start = now - 100 * H;
    const beat = (seq: number, at: number): Event => pb.Event.decode(pb.Event.encode({ sequence: seq, observedAtMs: at, heartbeat: { uptimeMs: 1 } }).finish());
    const events = Array.from({ length: 200 }, (_, i) => beat(i + 1, start + i * 30 * 60_000));
    expect(applyBatch(store, a, 0, events, 0, now).relevant).toBe(true);
    const expected = Array.from({ length: Math.floor((now - 30 * 60_000) / H) - Math.floor(start / H) + 1 }, (_, i) => Math.floor(start / H) + i);
    expect(store.fleet.onlineHours(a, 0)).toEqual(expected);
    // A heartbeat in an hour already counted changes nothing for the rules; the next hour does.
    expect(applyBatch(store, a, 200, [beat(201, now)], 0, now).relevant).toBe(Math.floor(now / H) !== expected.at(-1));
    expect(applyBatch(store, a, 201, [beat(202, now)], 0, now).relevant).toBe(false);
    expect(applyBatch(store, a, 202, [beat(203, now + H)], 0, now + H).relevant).toBe(true);
    expect(fleet.riskOf(a)?.signals.map((x) => x.id)).toEqual(['activity.always_on']);
    // Retention drops old hours with the events they came from.
    expect(store.prune(now - 50 * H).onlineHours).toBeGreaterThan(45);
    expect(store.fleet.onlineHours(a, 0)[0]).toBe(Math.floor((now - 50 * H) / H));
    store.close();
  });

  it('keeps the hours a laptop was in use from its heartbeats\' input idle time, and finds it never idle', () => {
    const H = 3_600_000;
    const { store, ids: [a = '', b = '', c = ''] } = setup(3);
    const fleet = new FleetEngine({ store, log, now: () => now });
    const beat = (seq: number, at: number, input?: { idleS: number; noSession?: boolean }): Event =>
      pb.Event.decode(pb.Event.encode({ sequence: seq, observedAtMs: at, heartbeat: { uptimeMs: 1, ...(input ? { input } : {}) } }).finish());
    // Laptop a: 100 hours of heartbeats every 30 minutes (at :10 and :40, so that typing 2 minutes
    // before each falls in the heartbeat's own hour whatever the time the test runs), someone typing 2 minutes before each.
    const start = Math.floor(now / H) * H - 100 * H + 10 * 60_000;
    applyBatch(store, a, 0, Array.from({ length: 200 }, (_, i) => beat(i + 1, start + i * 30 * 60_000, { idleS: 120 })), 0, now);
    expect(store.fleet.activeHours(a, 0)).toEqual(store.fleet.onlineHours(a, 0));
    expect(store.fleet.inputReportedMs(a)).toBe(start + 199 * 30 * 60_000);
    expect(fleet.riskOf(a)?.signals.map((x) => x.id)).toEqual(['activity.never_idle', 'activity.always_on']);
    // Laptop b: on the same hours, nobody logged in, then input last seen 90 minutes before a
    // heartbeat (an hour earlier than the heartbeat's own hour counts, not the heartbeat's).
    applyBatch(store, b, 0, Array.from({ length: 200 }, (_, i) => beat(i + 1, start + i * 30 * 60_000, { idleS: 0, noSession: true })), 0, now);
    expect(store.fleet.activeHours(b, 0)).toEqual([]);
    expect(store.fleet.inputReportedMs(b)).not.toBeNull();
    expect(fleet.riskOf(b)?.signals.map((x) => x.id)).toEqual(['activity.always_on']);
    const at = Math.floor(now / H) * H + 10 * 60_000;
    applyBatch(store, b, 200, [beat(201, at, { idleS: 50 * 60 })], 0, at);
    expect(store.fleet.activeHours(b, 0)).toEqual([Math.floor(at / H) - 1]);
    // Laptop c's agent cannot read input (no field): the rules stay with the hours it was on.
    applyBatch(store, c, 0, Array.from({ length: 200 }, (_, i) => beat(i + 1, start + i * 30 * 60_000)), 0, now);
    expect(store.fleet.inputReportedMs(c)).toBeNull();
    expect(fleet.riskOf(c)?.signals.map((x) => x.id)).toEqual(['activity.always_on']);
    store.close();
  });

  describe('one public address, several routers (carrier-grade NAT)', () => {
    // 67.165.10.20 is in a residential (Comcast) range: an address that links laptops sharing a home.
    const address = '67.165.10.20';
    const gateway = (n: number) => obs({ kind: ObservationKind.OBSERVATION_KIND_GATEWAY_MAC, valueHash: Buffer.alloc(16, n), via: 'wlan0' });
    /** Hello from the address, then the first batch: its gateway when it has one. */
    const connect = (fleet: FleetEngine, store: SqliteStore, id: string, gw: number | undefined, at: number) => {
      fleet.onPublicIp(id, address, at);
      store.write((w) => {
        if (gw !== undefined) fleet.onObservation(w, id, gateway(gw), at);
        fleet.afterObservations(w, id);
      });
    };
    const publicLinks = (store: SqliteStore, id: string) => store.fleet.edgesOf([id]).filter((e) => e.kind === 'public_ip').map((e) => [e.deviceA, e.deviceB].sort());

    it('links laptops behind one router by the address, and not a household behind another router on the same address', () => {
      const { store, ids: [a = '', b = '', c = '', d = ''], path } = setup(4);
      const fleet = new FleetEngine({ store, log });
      connect(fleet, store, a, 1, now);
      connect(fleet, store, b, 1, now + 1000);
      connect(fleet, store, c, 2, now + 2000);
      expect(publicLinks(store, b)).toEqual([[a, b].sort()]);
      expect(publicLinks(store, c)).toEqual([]);
      expect([...fleet.index.component(c)]).toEqual([c]);
      // After a restart the routers are read back: c's housemate links with c only.
      store.close();
      const again = new SqliteStore(path);
      const second = new FleetEngine({ store: again, log });
      connect(second, again, d, 2, now + 3000);
      expect(publicLinks(again, d)).toEqual([[c, d].sort()]);
      expect([...second.index.component(d)].sort()).toEqual([c, d].sort());
      expect(second.index.component(a)).not.toContain(d);
      again.close();
    });

    it('a laptop that reports no gateway is not judged: its first batch links it by the address as before', () => {
      const { store, ids: [a = '', b = ''] } = setup(2);
      const fleet = new FleetEngine({ store, log });
      connect(fleet, store, a, 1, now);
      fleet.onPublicIp(b, address, now + 1000);
      // Between Hello and the first batch, the address waits for the gateway.
      expect(publicLinks(store, b)).toEqual([]);
      store.write((w) => fleet.afterObservations(w, b));
      expect(publicLinks(store, b)).toEqual([[a, b].sort()]);
    });

    it('an address whose laptop never sends a batch links it at the sweep, five minutes on', () => {
      const { store, ids: [a = '', b = ''] } = setup(2);
      let clock = now;
      const fleet = new FleetEngine({ store, log, now: () => clock });
      connect(fleet, store, a, 1, clock);
      fleet.onPublicIp(b, address, clock);
      fleet.sweep();
      expect(publicLinks(store, b)).toEqual([]);
      clock += 5 * 60_000;
      fleet.sweep();
      expect(publicLinks(store, b)).toEqual([[a, b].sort()]);
    });
  });
});
