// Company sites in the fleet engine, over a real SQLite store: laptops at a site learn its
// equipment and link nobody there; the site's gateway and access points link nobody seen from
// elsewhere either; the site's egress is no location and no peer risk; a site added after the
// fact unlinks the cluster its values made and resolves the alert; a dropped item links again;
// laptops on the company VPN that exits at the site are not at the site.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InterfaceKind, ObservationKind, pb, type Observation } from '@farmwatch/proto';
import { createLogger } from '@farmwatch/shared';
import { FleetEngine, SqliteStore, keyedHash } from '../src/index.js';
import { addSite, dropEquipment, findSite, siteDetail } from '../src/sites/ops.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const log = createLogger('test', 'silent');
const HOUR = 3_600_000;
const t0 = Date.now() - 48 * HOUR;

const SITE_EGRESS = '12.0.0.0/24';          // AT&T business line, Bridgeton US: the office
const OFFICE_IP = '12.0.0.10';
const FARM_HOME_IP = '24.5.1.1';     // Comcast, Sunnyvale CA
const HOME_IPS = ['73.162.10.1', '73.162.10.2', '73.162.10.3', '73.162.10.4', '73.162.10.5', '73.162.10.6']; // Comcast, Fairfield CA

function setup(n: number): { store: SqliteStore; ids: string[] } {
  clock = t0;
  const dir = mkdtempSync(join(tmpdir(), 'farmwatch-sites-'));
  dirs.push(dir);
  const store = new SqliteStore(join(dir, 'c.db'));
  const ids = Array.from({ length: n }, (_, i) => {
    const r = store.registry.register({ serial: `S${i}`, assigneeName: `Person ${i}`, assigneeEmail: `p${i}@x.com`, shipTo: 'Fairfield, California, US', shipCountry: 'US',
      shipLat: 38.25, shipLon: -122.04, timeZone: 'America/Los_Angeles' }, 'test', t0);
    store.db.prepare("INSERT INTO devices (id, machine_id, time_zone, first_seen_ms, last_seen_ms) VALUES (?, ?, 'America/Los_Angeles', ?, ?)").run(r.deviceId, `m${i}`, t0, t0);
    return r.deviceId;
  });
  return { store, ids };
}

const obs = (o: object): Observation => pb.Observation.decode(pb.Observation.encode(o).finish());

/** What a laptop sees of a place: the gateway, the joined access point, access points around, a printer. */
function place(fleet: FleetEngine, mac: (n: number) => string): Observation[] {
  const h = (m: string): Buffer => Buffer.from(keyedHash(fleet.fleetKey, m), 'hex');
  return [
    obs({ kind: ObservationKind.OBSERVATION_KIND_GATEWAY_MAC, valueHash: h(mac(1)), via: 'eth0' }),
    obs({ kind: ObservationKind.OBSERVATION_KIND_WIFI_BSSID, valueHash: h(mac(2)), via: 'wlan0' }),
    obs({ kind: ObservationKind.OBSERVATION_KIND_VISIBLE_BSSID, valueHash: h(mac(3)), via: 'wlan0' }),
    obs({ kind: ObservationKind.OBSERVATION_KIND_VISIBLE_BSSID, valueHash: h(mac(4)), via: 'wlan0' }),
    obs({ kind: ObservationKind.OBSERVATION_KIND_LAN_NEIGHBOUR_MAC, valueHash: h(mac(5)), via: 'eth0' }),
  ];
}
const office = (n: number): string => `02:0f:f1:ce:00:0${n}`;
const home = (i: number) => (n: number): string => `02:40:00:00:${String(i).padStart(2, '0')}:0${n}`;

/** The collector's clock: laptops report live, so it is the time of their latest report. */
let clock = Date.now();
const now = (): number => clock;

/** A laptop connects from `ip` and reports what it sees there, live, as ingest applies it. */
function report(store: SqliteStore, fleet: FleetEngine, id: string, ip: string, seen: Observation[], atMs: number): void {
  clock = Math.max(clock, atMs);
  fleet.onPublicIp(id, ip, atMs);
  store.write((w) => {
    for (const o of seen) fleet.onObservation(w, id, o, atMs);
    fleet.afterObservations(w, id);
  });
}

describe('company sites in the fleet engine', () => {
  it('laptops of many people at a site share its gateway, Wi-Fi and LAN and make no cluster; what they saw is learned', () => {
    const { store, ids } = setup(6);
    addSite(store, 'HQ', [SITE_EGRESS], 'test', t0);
    const fleet = new FleetEngine({ store, log, now });
    // Each laptop also sees the next one on the LAN (enrolled laptops' own MACs).
    ids.forEach((id, i) => fleet.onInventory(id, { networkInterface: { name: 'en0', kind: InterfaceKind.INTERFACE_KIND_WIFI, mac: `3c:22:fb:8e:41:0${i}` } }));
    for (let day = 0; day < 2; day++) {
      ids.forEach((id, i) => {
        const next = obs({ kind: ObservationKind.OBSERVATION_KIND_LAN_NEIGHBOUR_MAC, valueHash: Buffer.from(keyedHash(fleet.fleetKey, `3c:22:fb:8e:41:0${(i + 1) % 6}`), 'hex'), via: 'en0' });
        report(store, fleet, id, OFFICE_IP, [...place(fleet, office), next], t0 + day * 24 * HOUR + i * 60_000);
      });
    }
    expect(fleet.evaluate(ids).filter((c) => store.alert(c.id)?.rule === 'fleet.colocation')).toEqual([]);
    for (const id of ids) expect(fleet.index.component(id)).toEqual([id]);
    expect(store.fleet.edgesOf(ids)).toEqual([]);
    // What they saw there is the site's: the gateway, the joined and visible access points, the printer; not the laptops.
    const d = siteDetail(store, findSite(store, 'HQ'));
    expect(d.equipment).toEqual({ gateway_mac: 1, wifi_bssid: 1, visible_bssid: 2, lan_neighbour_mac: 1 });
    expect(d.items.every((e) => e.laptops === 6 && e.firstSeenMs === t0 && e.lastSeenMs === t0 + 24 * HOUR + 5 * 60_000)).toBe(true);
    expect(d.laptopsNow).toBe(6);
    // After a restart the index holds none of it either.
    const again = new FleetEngine({ store, log, now });
    for (const id of ids) expect(again.index.component(id)).toEqual([id]);
    store.close();
  });

  it('the same crowd without a site is a cluster (the test can fail)', () => {
    const { store, ids } = setup(6);
    const fleet = new FleetEngine({ store, log, now });
    ids.forEach((id, i) => report(store, fleet, id, OFFICE_IP, place(fleet, office), t0 + i * 60_000));
    expect([...fleet.index.component(ids[0] ?? '')].sort()).toEqual([...ids].sort());
    store.close();
  });

  it('a laptop at a site is at a company place: no location or country signal from the site egress; the same address without the site is "far"', () => {
    const { store, ids: [a = '', b = ''] } = setup(2);
    const fleet = new FleetEngine({ store, log });
    report(store, fleet, a, OFFICE_IP, [], Date.now());
    expect(fleet.riskOf(a)?.signals.map((s) => s.id)).toContain('location.far');
    addSite(store, 'HQ', [SITE_EGRESS], 'test');
    fleet.reloadSites(true);
    report(store, fleet, b, OFFICE_IP, [], Date.now());
    for (const id of [a, b]) expect(fleet.riskOf(id)?.signals.map((s) => s.id)).not.toContain('location.far');
    expect(fleet.sites.siteFor(OFFICE_IP)?.name).toBe('HQ');
    // Back home, the laptop is located again (and is not far: Fairfield).
    report(store, fleet, a, HOME_IPS[0] ?? '', [], Date.now());
    expect(fleet.sites.siteOfDevice(a)).toBeNull();
    store.close();
  });

  it('a site another process added (the CLI) is picked up by the next sweep, and only then', () => {
    const { store, ids: [a = ''] } = setup(1);
    const fleet = new FleetEngine({ store, log });
    report(store, fleet, a, OFFICE_IP, [], Date.now());
    const other = new SqliteStore(store.db.name);
    addSite(other, 'HQ', [SITE_EGRESS], 'cli:admin');
    other.close();
    expect(fleet.sites.siteFor(OFFICE_IP)).toBeUndefined();
    expect(fleet.reloadSites()).toEqual([]);
    expect(fleet.sites.siteFor(OFFICE_IP)?.name).toBe('HQ');
    expect(fleet.sites.reload()).toBe(false);
    fleet.sweep();
    expect(fleet.sites.siteOfDevice(a)).not.toBeNull();
    expect(fleet.riskOf(a)?.signals.map((s) => s.id)).not.toContain('location.far');
    store.close();
  });

  it('a remote-access session from a site address is no peer risk and links nobody (the helpdesk in the office)', () => {
    const { store, ids: [a = '', b = ''] } = setup(2);
    addSite(store, 'HQ', [SITE_EGRESS], 'test');
    const fleet = new FleetEngine({ store, log });
    const peer = obs({ kind: ObservationKind.OBSERVATION_KIND_REMOTE_PEER_IP, value: '12.0.0.77', via: 'anydesk' });
    report(store, fleet, a, HOME_IPS[0] ?? '', [peer], Date.now());
    report(store, fleet, b, HOME_IPS[1] ?? '', [peer], Date.now());
    expect(fleet.index.component(a)).toEqual([a]);
    expect(store.fleet.edgesOf([a, b])).toEqual([]);
    expect(fleet.riskOf(a)?.signals.filter((s) => s.id.startsWith('peer.'))).toEqual([]);
    store.close();
  });

  it('helpdesk laptops seen at the site, then at home or in an office behind another egress, do not link through the site\'s gateway and Wi-Fi', () => {
    const { store, ids: [h1 = '', h2 = '', h3 = ''] } = setup(3);
    addSite(store, 'HQ', [SITE_EGRESS], 'test', t0);
    const fleet = new FleetEngine({ store, log, now });
    report(store, fleet, h1, OFFICE_IP, place(fleet, office), t0);
    // Later: h1 works from home; h2 and h3 sit in the helpdesk office, which reaches the internet
    // through another egress but shares the site's gateway and access points.
    report(store, fleet, h1, HOME_IPS[0] ?? '', place(fleet, home(1)), t0 + 10 * HOUR);
    report(store, fleet, h2, '12.0.1.20', place(fleet, office), t0 + 11 * HOUR);
    report(store, fleet, h3, '12.0.1.20', place(fleet, office), t0 + 12 * HOUR);
    fleet.evaluate([h1, h2, h3]);
    // Their shared egress (not a site, a residential-looking address) still links h2 and h3; the
    // site's equipment links nobody, h1 least of all.
    expect(fleet.index.component(h1)).toEqual([h1]);
    expect(store.fleet.edgesOf([h2, h3]).map((e) => e.kind)).toEqual(['public_ip']);
    fleet.rebuild();
    expect(fleet.index.component(h1)).toEqual([h1]);
    store.close();
  });

  it('a site added after its office became a cluster unlinks it and resolves the cluster alert; laptops already there teach it its equipment', () => {
    const { store, ids } = setup(5);
    const now = Date.now();
    const fleet = new FleetEngine({ store, log });
    ids.forEach((id, i) => {
      // Last night at home, then this morning at the office.
      report(store, fleet, id, HOME_IPS[i] ?? '', place(fleet, home(i)), now - 14 * HOUR);
      report(store, fleet, id, OFFICE_IP, place(fleet, office), now - HOUR + i * 60_000);
    });
    fleet.evaluate(ids);
    const before = store.listAlerts({ rule: 'fleet.colocation' });
    expect(before).toHaveLength(1);
    expect(before[0]?.status).toBe('open');
    addSite(store, 'HQ', [SITE_EGRESS], 'test');
    const changes = fleet.reloadSites(true);
    expect(changes.map((c) => c.id)).toContain(before[0]?.id);
    expect(store.alert(before[0]?.id ?? 0)?.status).toBe('resolved');
    expect(store.alerts.notes(before[0]?.id ?? 0).map((n) => n.text).join()).toMatch(/linked only through a company site/);
    for (const id of ids) expect(fleet.index.component(id)).toEqual([id]);
    expect(store.fleet.edgesOf(ids)).toEqual([]);
    // The office's equipment was learned, the homes' (seen before they came in) was not.
    const d = siteDetail(store, findSite(store, 'HQ'));
    expect(d.items).toHaveLength(5);
    expect(d.items.every((e) => e.laptops === 5)).toBe(true);
    store.close();
  });

  it('laptops on the company VPN, whose exit is the site\'s egress, are not at the site: a farm house behind it still links', () => {
    const { store, ids } = setup(3);
    addSite(store, 'HQ', [SITE_EGRESS], 'test', t0);
    const fleet = new FleetEngine({ store, log, now });
    const farmHouse = home(9);
    ids.forEach((id, i) => {
      // The corporate VPN (sanctioned) carries all traffic out of the HQ.
      store.write((w) => w.upsertFinding({ deviceId: id, detector: 'vpn.full_tunnel', key: '0.0.0.0/0', category: 'vpn', severity: 'info', confidence: 90,
        title: 'All IPv4 traffic leaves through tunnel utun3 (sanctioned)', catalogEntry: 'globalprotect', sanctioned: true, evidence: [], firstSeenMs: t0, lastSeenMs: t0 }));
      report(store, fleet, id, OFFICE_IP, place(fleet, farmHouse), t0 + i * 60_000);
    });
    expect([...fleet.index.component(ids[0] ?? '')].sort()).toEqual([...ids].sort());
    expect(siteDetail(store, findSite(store, 'HQ')).items).toEqual([]);
    // Their address is still the company's egress: no location signal from it.
    expect(fleet.riskOf(ids[0] ?? '')?.signals.map((s) => s.id)).not.toContain('location.far');
    store.close();
  });

  it('a spool a laptop flushes at the site teaches it nothing: days old, it may have been seen anywhere (its home links again)', () => {
    const { store, ids: [a = '', b = ''] } = setup(2);
    addSite(store, 'HQ', [SITE_EGRESS], 'test', t0);
    const fleet = new FleetEngine({ store, log, now });
    // b lives with a; a was offline at home for two days and connects from the HQ now.
    report(store, fleet, b, HOME_IPS[0] ?? '', place(fleet, home(0)), t0 + 40 * HOUR);
    clock = t0 + 48 * HOUR;
    fleet.onPublicIp(a, OFFICE_IP, clock);
    store.write((w) => {
      for (const o of place(fleet, home(0))) fleet.onObservation(w, a, o, t0 + 2 * HOUR);
    });
    expect(siteDetail(store, findSite(store, 'HQ')).items).toEqual([]);
    expect([...fleet.index.component(a)].sort()).toEqual([a, b].sort());
    // What it sees now, at the HQ, is learned.
    report(store, fleet, a, OFFICE_IP, place(fleet, office), clock + 60_000);
    expect(siteDetail(store, findSite(store, 'HQ')).items).toHaveLength(5);
    store.close();
  });

  it('a flushed history (days of spool, sent from home) still teaches the site what only people seen there share; a farm house does not become a site\'s', () => {
    const { store, ids } = setup(8);
    const [hq, farm, mixed] = [ids.slice(0, 4), ids.slice(4, 7), ids[7] ?? ''];
    addSite(store, 'HQ', [SITE_EGRESS], 'test', t0);
    const fleet = new FleetEngine({ store, log, now });
    clock = t0 + 96 * HOUR;
    // Office people: Hello from the HQ and from home "now" (the replay's addresses), then their
    // spool: the HQ's gateway and Wi-Fi on their office days, their own home at night.
    hq.forEach((id, i) => {
      fleet.onPublicIp(id, OFFICE_IP, clock);
      fleet.onPublicIp(id, HOME_IPS[i] ?? '', clock);
      store.write((w) => {
        for (const o of place(fleet, office)) fleet.onObservation(w, id, o, t0 + 24 * HOUR + i * HOUR);
        for (const o of place(fleet, home(i))) fleet.onObservation(w, id, o, t0 + 30 * HOUR);
      });
    });
    // A farm house: three people's laptops, never at the HQ; and a farm laptop that sees the
    // office's neighbour building's access point... the HQ printer's MAC, for the test's sake.
    farm.forEach((id) => report(store, fleet, id, FARM_HOME_IP, place(fleet, home(8)), clock));
    fleet.evaluate(ids);
    const d = siteDetail(store, findSite(store, 'HQ'));
    // The gateway, the joined access point and the printer: every observer was at the HQ, four people.
    expect(d.items.map((e) => [e.kind, e.laptops]).sort()).toEqual([['gateway_mac', 4], ['lan_neighbour_mac', 4], ['wifi_bssid', 4]]);
    for (const id of hq) expect(fleet.index.component(id)).toEqual([id]);
    expect([...fleet.index.component(farm[0] ?? '')].sort()).toEqual([...farm].sort());
    // A value the HQ people share with a laptop never seen there is not inferred.
    const shared = obs({ kind: ObservationKind.OBSERVATION_KIND_WIFI_BSSID, valueHash: Buffer.from(keyedHash(fleet.fleetKey, '02:77:00:00:00:01'), 'hex'), via: 'wlan0' });
    report(store, fleet, mixed, FARM_HOME_IP, [shared], clock);
    for (const id of hq) store.write((w) => fleet.onObservation(w, id, shared, t0 + 40 * HOUR));
    expect(siteDetail(store, findSite(store, 'HQ')).items).toHaveLength(3);
    expect(fleet.index.component(mixed)).toContain(hq[0]);
    store.close();
  });

  it('a dropped item is not the site\'s: it links laptops seen elsewhere again, and is not learned again', () => {
    const { store, ids: [a = '', b = '', c = ''] } = setup(3);
    addSite(store, 'HQ', [SITE_EGRESS], 'test', t0);
    const fleet = new FleetEngine({ store, log, now });
    // A colleague's phone hotspot, seen at the office: learned as a visible BSSID.
    const hotspot = Buffer.from(keyedHash(fleet.fleetKey, '02:aa:bb:cc:dd:ee'), 'hex');
    report(store, fleet, a, OFFICE_IP, [obs({ kind: ObservationKind.OBSERVATION_KIND_VISIBLE_BSSID, valueHash: hotspot, via: 'wlan0' })], t0);
    const site = findSite(store, 'HQ');
    const item = siteDetail(store, site).items[0];
    expect(item?.kind).toBe('visible_bssid');
    const joined = obs({ kind: ObservationKind.OBSERVATION_KIND_WIFI_BSSID, valueHash: hotspot, via: 'wlan0' });
    report(store, fleet, b, HOME_IPS[1] ?? '', [joined], t0 + HOUR);
    report(store, fleet, c, HOME_IPS[2] ?? '', [joined], t0 + 2 * HOUR);
    expect(fleet.index.component(b)).toEqual([b]);
    dropEquipment(store, site, item?.id ?? 0, 'test');
    fleet.reloadSites(true);
    report(store, fleet, c, HOME_IPS[2] ?? '', [joined], t0 + 4 * HOUR);
    expect([...fleet.index.component(b)].sort()).toEqual([b, c].sort());
    report(store, fleet, a, OFFICE_IP, [obs({ kind: ObservationKind.OBSERVATION_KIND_VISIBLE_BSSID, valueHash: hotspot, via: 'wlan0' })], t0 + 5 * HOUR);
    // Seen again at the office after the drop: not learned again (its last sighting stays).
    expect(siteDetail(store, site).items.map((e) => [e.droppedBy, e.laptops, e.lastSeenMs])).toEqual([['test', 1, t0]]);
    store.close();
  });
});
