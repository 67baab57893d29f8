// What the console reads, through the real HTTP app over a store fed by the ingest path
// (applyBatch with the fleet engine's hooks): a laptop's timeline from the events that changed
// something, its locations against the ship-to city with distances, its agent's health, the fleet
// overview, a cluster as a graph with each link's evidence, the alert queue's filters and bulk
// actions.
import { afterEach, describe, expect, it } from 'vitest';
import { Category, DropReason, InventoryOp, ObservationKind, Severity, StopReason, pb, type Event, type Observation } from '@farmwatch/proto';
import { applyBatch } from '../src/index.js';
import { agentStatus } from '../src/api/views/device-health.js';
import { consoleApp, login, type ConsoleApp, type Session } from './helpers/console-app.js';

let c: ConsoleApp | undefined;
afterEach(async () => {
  await c?.close();
  c = undefined;
});

const FARM_HOME = '73.162.10.1';      // Comcast, Fairfield CA
const ASTRILL_EXIT = '142.214.202.2'; // Astrill VPN (AS7393)
const T0 = Date.now() - 3_600_000;

function laptop(app: ConsoleApp, i: number, hostname: string, person: string, shipTo = 'Austin, Texas, US'): string {
  const [city, region, country] = shipTo.split(', ');
  const lat = city === 'Austin' ? 30.2672 : 47.6062;
  const lon = city === 'Austin' ? -97.7431 : -122.3321;
  const id = app.store.registry.register({ serial: `SER-${i}`, assigneeName: person, assigneeEmail: `${person.toLowerCase().replace(' ', '.')}@example.com`, shipTo: `${city}, ${region}, ${country}`, shipCountry: country ?? 'US', shipLat: lat, shipLon: lon, timeZone: 'America/Chicago' }, 'test', T0).deviceId;
  app.store.db.prepare("INSERT INTO devices (id, machine_id, hostname, time_zone, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, 'America/Chicago', ?, ?)").run(id, `m${i}`, hostname, T0, T0);
  return id;
}

/** One batch through the ingest path, with the fleet engine's hooks; then the fleet evaluates. */
function ingest(app: ConsoleApp, id: string, from: number, bodies: Omit<Event, 'sequence' | 'observedAtMs'>[], at = Date.now()): void {
  const events = bodies.map((b, i) => pb.Event.decode(pb.Event.encode({ ...b, sequence: from + i, observedAtMs: at }).finish()) as Event);
  const fleet = app.collector.fleet;
  applyBatch(app.store, id, from - 1, events, 0, at, {
    onObservation: (w, d, o: Observation, t) => fleet.onObservation(w, d, o, t), onInventory: (d, item) => fleet.onInventory(d, item),
    afterObservations: (w, d) => fleet.afterObservations(w, d),
  });
  app.collector.bus.publish(fleet.evaluate([id]));
}

const anydesk = (severity = Severity.SEVERITY_MEDIUM) => ({ finding: { detector: 'remote_access.process', key: 'anydesk', category: Category.CATEGORY_REMOTE_ACCESS, severity, confidence: 80, title: 'AnyDesk is running', catalogEntry: 'anydesk', evidence: [{ field: 'process.name', value: 'AnyDesk.exe' }] } });
const peerIp = { observation: { kind: ObservationKind.OBSERVATION_KIND_REMOTE_PEER_IP, value: ASTRILL_EXIT, via: 'anydesk' } };
const gateway = { observation: { kind: ObservationKind.OBSERVATION_KIND_GATEWAY_MAC, valueHash: Buffer.from('gateway-of-the-farm').subarray(0, 16), via: 'eth0' } };

async function get<T>(app: ConsoleApp, s: Session, url: string): Promise<{ status: number; body: T }> {
  const res = await app.app.inject({ url, headers: { cookie: s.cookie } });
  return { status: res.statusCode, body: res.json<T>() };
}

describe("a laptop's page", () => {
  it('has a timeline of what changed (not heartbeats), read through the partial index', async () => {
    c = await consoleApp();
    const id = laptop(c, 0, 'LT-avery', 'Avery Brooks');
    c.collector.fleet.onPublicIp(id, FARM_HOME, T0);
    const pikvm = { usbDevice: { vendorId: 0x1d6b, productId: 0x0104, manufacturer: 'PiKVM', product: 'Composite KVM Device', serial: 'CAFEBABE', portPath: '1-1' } };
    ingest(c, id, 1, [anydesk(), { inventoryChange: { op: InventoryOp.INVENTORY_OP_ADDED, item: pikvm } }, { heartbeat: { uptimeMs: 1 } }, peerIp], T0 + 60_000);
    ingest(c, id, 5, [{ findingCleared: { detector: 'remote_access.process', key: 'anydesk' } }, { inventoryChange: { op: InventoryOp.INVENTORY_OP_REMOVED, item: pikvm } },
      { dropped: { count: 12, firstSequence: 3, lastSequence: 14, reason: DropReason.DROP_REASON_SPOOL_FULL, bytes: 4096 } }, { stopped: { reason: StopReason.STOP_REASON_USER } }], T0 + 120_000);
    const s = await login(c, 'bob');
    const alert = c.store.listAlerts({ deviceId: id, rule: 'device.risk' })[0];
    await c.app.inject({ method: 'POST', url: `/v1/alerts/${alert?.id ?? 0}/ack`, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, payload: { note: 'asked the user' } });

    const tl = await get<{ items: { atMs: number; kind: string; title: string; detail: string; alertId?: number }[] }>(c, s, `/v1/devices/${id}/timeline`);
    expect(tl.status).toBe(200);
    const items = tl.body.items;
    expect(items.map((t) => t.atMs)).toEqual([...items.map((t) => t.atMs)].sort((a, b) => b - a));
    const line = (t: { kind: string; title: string; detail: string }): string => `${t.kind} | ${t.title} | ${t.detail}`;
    expect(items.map(line)).toEqual(expect.arrayContaining([
      'finding | AnyDesk is running | remote_access.process/anydesk: process.name = AnyDesk.exe',
      'inventory | usb device present | 1d6b:0104 PiKVM Composite KVM Device',
      'finding_cleared | Finding gone | remote_access.process/anydesk',
      'inventory | usb device removed | 1d6b:0104 PiKVM Composite KVM Device',
      'dropped | Agent dropped 12 event(s) (spool_full) | sequences 3..14, 4096 bytes',
      'stopped | Agent stopped (user) | ',
      `observation | New public IP | ${FARM_HOME} (via collector)`,
      `observation | New remote-access peer address | ${ASTRILL_EXIT} (via anydesk)`,
      'registration | Registered by test | serial SER-0, Avery Brooks <avery.brooks@example.com>, ship to Austin, Texas, US',
    ]));
    expect(items.find((t) => t.kind === 'audit')).toMatchObject({ title: 'alert.ack by user:bob', detail: 'alert #' + String(alert?.id) + ': open -> acknowledged: asked the user', alertId: alert?.id });
    expect(items.some((t) => /heartbeat/i.test(line(t)))).toBe(false);
    const plan = c.store.db.prepare(`EXPLAIN QUERY PLAN SELECT sequence FROM events WHERE device_id = ? AND sequence < ?
      AND kind IN ('finding', 'findingCleared', 'inventoryChange', 'stopped', 'dropped') ORDER BY sequence DESC LIMIT ?`).all(id, 1e9, 10) as { detail: string }[];
    expect(plan.map((p) => p.detail).join()).toMatch(/USING (COVERING )?INDEX events_changes/);
  });

  it("puts the ship-to city against where it is seen, with distances, and says what the agent's state is", async () => {
    c = await consoleApp();
    const id = laptop(c, 0, 'LT-avery', 'Avery Brooks');
    c.collector.fleet.onPublicIp(id, FARM_HOME, T0);
    ingest(c, id, 1, [anydesk(), peerIp, { health: { spoolDepth: 7, cpuPermille: 5, cpuWindowS: 60, rssBytes: 60_000_000, sensors: [] } }, { stopped: { reason: StopReason.STOP_REASON_UNINSTALL } }]);
    const s = await login(c, 'carol');
    const d = await get<{ health: Record<string, unknown>; locations: { shipTo: { place: string }; observed: Record<string, unknown>[]; peers: Record<string, unknown>[] } }>(c, s, `/v1/devices/${id}`);
    expect(d.status).toBe(200);
    expect(d.body.health).toMatchObject({ status: 'stopped', stopReason: 'uninstall', spoolDepth: 7, connected: false, eventsStored: 4, cpuPermille: 5, cpuWindowS: 60 });
    expect(d.body.health.cpuAtMs).toBeGreaterThan(0);
    expect(d.body.locations.shipTo.place).toBe('Austin, Texas, US');
    const home = d.body.locations.observed[0];
    expect(home).toMatchObject({ ip: FARM_HOME, current: true, place: 'Fairfield, California, US', network: { kind: 'other' }, locatesLaptop: true, org: 'Comcast Cable Communications, LLC' });
    expect(home?.distanceKm).toBeGreaterThan(2300);
    expect(home?.distanceKm).toBeLessThan(2500);
    expect(d.body.locations.peers[0]).toMatchObject({ ip: ASTRILL_EXIT, via: 'anydesk', network: { kind: 'vpn', name: 'Astrill VPN' }, locatesLaptop: false });
  });

  it('tells a silent agent from a stopped one and from one that never reported', () => {
    const row = { stoppedAtMs: null, lastSequence: 10, lastSeenMs: 1_000_000 } as Parameters<typeof agentStatus>[0];
    const silentAfter = 15 * 60_000;
    expect(agentStatus(row, false, silentAfter, 1_000_000 + silentAfter - 1)).toBe('online');
    expect(agentStatus(row, false, silentAfter, 1_000_000 + silentAfter + 1)).toBe('silent');
    expect(agentStatus(row, true, silentAfter, 9e12), 'a stream is open').toBe('online');
    expect(agentStatus({ ...row, stoppedAtMs: 1_000_000 } as typeof row, false, silentAfter, 9e12)).toBe('stopped');
    expect(agentStatus({ ...row, lastSequence: 0 } as typeof row, false, silentAfter, 9e12)).toBe('never_reported');
    expect(agentStatus(undefined, false, silentAfter, 0)).toBe('not_enrolled');
  });
});

describe('the fleet and its clusters', () => {
  function farm(app: ConsoleApp): string[] {
    const ids = ['Avery Brooks', 'Jordan Ellis', 'Riley Chen'].map((p, i) => laptop(app, i, `LT-${p.split(' ')[0]?.toLowerCase() ?? ''}`, p));
    for (const id of ids) {
      app.collector.fleet.onPublicIp(id, FARM_HOME, Date.now());
      ingest(app, id, 1, [anydesk(), peerIp, gateway]);
    }
    return ids;
  }

  it('draws a cluster as laptops and the values they share, each link with its evidence', async () => {
    c = await consoleApp();
    const ids = farm(c);
    const lone = laptop(c, 9, 'LT-alone', 'Sam Alone', 'Seattle, Washington, US');
    const s = await login(c, 'bob');
    const g = await get<{ members: string[]; score: number; alert: { id: number } | null; nodes: { id: string; type: string; label: string; kind?: string; ip?: { network: { name: string } } }[];
      links: { source: string; target: string; kind: string; weight: number; evidence: { observation: { via: string; count: number } | null; pairs: { a: string; b: string }[] } }[] }>(c, s, `/v1/clusters/cluster:${ids[1] ?? ''}`);
    expect(g.status).toBe(200);
    expect(g.body.members).toEqual([...ids].sort());
    expect(g.body.nodes.filter((n) => n.type === 'laptop').map((n) => n.label).sort()).toEqual(['LT-avery', 'LT-jordan', 'LT-riley']);
    const values = g.body.nodes.filter((n) => n.type === 'observation');
    expect(values.map((n) => n.kind).sort()).toEqual(['gateway_mac', 'public_ip', 'remote_peer_ip']);
    expect(values.find((n) => n.kind === 'remote_peer_ip')).toMatchObject({ label: ASTRILL_EXIT, ip: { network: { name: 'Astrill VPN' } } });
    // Three laptops, three shared values: nine links, each laptop to each value, two pairs each.
    expect(g.body.links).toHaveLength(9);
    for (const l of g.body.links) {
      expect(ids).toContain(l.source);
      expect(values.map((v) => v.id)).toContain(l.target);
      expect(l.evidence.pairs).toHaveLength(2);
      expect(l.evidence.observation).toMatchObject({ count: 1 });
    }
    expect(g.body.links.find((l) => l.kind === 'remote_peer_ip')).toMatchObject({ weight: 30, evidence: { observation: { via: 'anydesk' } } });
    expect(g.body.alert?.id).toBe(c.store.listAlerts({ rule: 'fleet.colocation' })[0]?.id);
    const none = await get<{ error: { message: string } }>(c, s, `/v1/clusters/${lone}`);
    expect(none.status).toBe(404);
    expect(none.body.error.message).toBe(`device ${lone} shares nothing with another laptop within the correlation window: it is in no cluster`);
  });

  it('counts alerts by severity, buckets them over time, and counts the agents', async () => {
    c = await consoleApp();
    farm(c);
    const s = await login(c, 'bob');
    const o = await get<{ bucketMs: number; bySeverity: Record<string, Record<string, number>>; farmClusters: number; trend: Record<string, number>[]; agents: Record<string, number> }>(c, s, '/v1/fleet/overview?range=24h');
    expect(o.status).toBe(200);
    expect(o.body.bucketMs).toBe(3_600_000);
    expect(o.body.trend).toHaveLength(24);
    const all = c.store.listAlerts({ limit: 1000 });
    const bySeverity = (sev: string): number => all.filter((a) => a.severity === sev).length;
    for (const sev of ['critical', 'high', 'medium', 'low', 'info']) {
      expect(o.body.bySeverity[sev]?.open, sev).toBe(bySeverity(sev));
      expect(o.body.trend.reduce((n, b) => n + (b[sev] ?? 0), 0), sev).toBe(bySeverity(sev));
    }
    expect(o.body.farmClusters).toBe(1);
    expect(o.body.agents).toMatchObject({ online: 3, silent: 0, stopped: 0 });
    expect((await get(c, s, '/v1/fleet/overview?range=1y')).status).toBe(400);
  });
});

describe('the alert queue', () => {
  it('filters by words (hostname, serial, person, title; % and _ taken literally), several statuses, sorts by age either way', async () => {
    c = await consoleApp();
    const a = laptop(c, 0, 'LT-avery', 'Avery Brooks');
    const b = laptop(c, 1, 'LT-100%_done', 'Jordan Ellis');
    ingest(c, a, 1, [anydesk()], T0);
    ingest(c, b, 1, [anydesk(Severity.SEVERITY_HIGH), peerIp], T0 + 1000);
    const s = await login(c, 'bob');
    // One case per laptop: b's is the more severe (its AnyDesk is driven from an Astrill exit).
    const ids = async (q: string): Promise<string[]> => (await get<{ items: { deviceId: string }[] }>(c!, s, `/v1/alerts?${q}`)).body.items.map((x) => x.deviceId);
    expect(await ids('q=avery')).toEqual([a]);
    expect(await ids('q=SER-1')).toEqual([b]);
    expect(await ids('q=jordan.ellis%40example')).toEqual([b]);
    expect(await ids('q=100%25_')).toEqual([b]);
    expect(await ids('q=%25')).toEqual([b]);
    // Words in a case's findings find it: the title says the score's signals, the findings what is on the laptop.
    expect(await ids('q=anydesk%20is')).toEqual([b, a]);
    expect(await ids('q=astrill')).toEqual([b]);
    expect(await ids('sort=age')).toEqual([a, b]);
    expect(await ids('sort=age&reverse=true')).toEqual([b, a]);
    expect(await ids('sort=severity&reverse=true')).toEqual([a, b]);
    const first = c.store.listAlerts({ deviceId: a, rule: 'device.risk' })[0]?.id ?? 0;
    await c.app.inject({ method: 'POST', url: `/v1/alerts/${first}/resolve`, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, payload: {} });
    expect(await ids('status=active')).toEqual([b]);
    expect(await ids('status=resolved')).toEqual([a]);
  });

  it('acknowledges many alerts at once, each with its audit record, and reports those it could not', async () => {
    c = await consoleApp();
    const ids = [0, 1, 2].map((i) => laptop(c!, i, `LT-${i}`, `Person ${'ABC'[i] ?? ''}`));
    for (const id of ids) ingest(c, id, 1, [anydesk()]);
    const alerts = c.store.listAlerts({ rule: 'device.risk' }).map((x) => x.id);
    const s = await login(c, 'bob');
    const post = (url: string, payload: Record<string, unknown>) => c!.app.inject({ method: 'POST', url, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, payload });
    await post(`/v1/alerts/${alerts[0] ?? 0}/ack`, {});
    const lifecycle: number[] = [];
    c.collector.bus.on('lifecycle', (ch) => lifecycle.push(ch.id));
    const r = await post('/v1/alerts/bulk', { ids: [...alerts, 999_999], action: 'ack', note: 'farm case 17' });
    expect(r.statusCode).toBe(200);
    const body = r.json<{ changed: number; skipped: number; results: { id: number; ok: boolean; error?: string }[] }>();
    expect(body).toMatchObject({ changed: 2, skipped: 2 });
    expect(body.results.filter((x) => !x.ok).map((x) => x.error)).toEqual([`alert ${alerts[0] ?? 0} is acknowledged; "ack" applies to open alerts`, 'there is no alert 999999']);
    expect(lifecycle.sort()).toEqual(alerts.slice(1).sort());
    for (const id of alerts.slice(1)) {
      expect(c.store.alert(id)?.status).toBe('acknowledged');
      expect(c.store.alerts.notes(id)).toMatchObject([{ author: 'user:bob', text: 'farm case 17' }]);
    }
    const tooMany = await post('/v1/alerts/bulk', { ids: Array.from({ length: 501 }, (_, i) => i + 1), action: 'ack' });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json<{ error: { message: string } }>().error.message).toMatch(/must NOT have more than 500 items/);
  });
});
