// Company sites end to end: a real collector (behind a trusted proxy, so it sees each laptop's
// public address in X-Forwarded-For), the admin's CLI and API with their role checks and clear
// refusals, and laptops that enroll and stream over mutual TLS with observations hashed with the
// fleet key the collector pushes. A crowded office of many people is no farm once it is a site;
// helpdesk laptops that were at the site do not link through its gateway later; what laptops saw
// there is listed for review and can be dropped. A farm house outside any site still clusters.
import { createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ObservationKind } from '@farmwatch/proto';
import { COLLECTOR_CLI, run } from './helpers/processes.js';
import { probeCollector } from './helpers/probe-collector.js';
import { enrollLaptop, type EnrolledLaptop } from './helpers/enroll.js';
import { RawIngestClient } from './helpers/raw-client.js';

const HQ_EGRESS = '12.0.0.0/24';        // AT&T business line (Bridgeton US): the company's HQ
const HQ_IP = '12.0.0.10';
const HELPDESK_OFFICE = '12.0.1.20';    // the helpdesk's room: another egress, the HQ's gateway and Wi-Fi
const FARM_HOME = '73.162.10.1';        // Comcast, Fairfield CA
const HOMES = ['71.56.10.1', '24.5.1.1']; // Comcast homes: near Cincinnati OH, Sunnyvale CA

const p = probeCollector('sites', ['--trusted-proxy', '127.0.0.1/32', '--proxy-protocol', 'optional']);
const tokens: Record<string, string> = {};
const seq = new Map<string, number>();
const office: EnrolledLaptop[] = [];
const farm: EnrolledLaptop[] = [];
const helpdesk: EnrolledLaptop[] = [];
let hqId = 0;

async function api<T>(role: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${p.collector.api}${path}`, {
    method, headers: { authorization: `Bearer ${tokens[role] ?? ''}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}
const cli = (...args: string[]) => run(COLLECTOR_CLI, [...args, '--db', p.db]);
const message = (r: { body: unknown }): string => (r.body as { error?: { message?: string } }).error?.message ?? '';

const hash = (key: Buffer, value: string): Buffer => createHmac('sha256', key).update(value).digest().subarray(0, 16);
type Seen = [ObservationKind, string];
/** What a laptop sees at the HQ: its gateway, the access point it joins, two more around, a printer. */
const HQ_PLACE: Seen[] = [
  [ObservationKind.OBSERVATION_KIND_GATEWAY_MAC, '02:0f:f1:ce:00:01'], [ObservationKind.OBSERVATION_KIND_WIFI_BSSID, '02:0f:f1:ce:00:02'],
  [ObservationKind.OBSERVATION_KIND_VISIBLE_BSSID, '02:0f:f1:ce:00:03'], [ObservationKind.OBSERVATION_KIND_VISIBLE_BSSID, '02:0f:f1:ce:00:04'],
  [ObservationKind.OBSERVATION_KIND_LAN_NEIGHBOUR_MAC, '02:0f:f1:ce:00:05'],
];
const FARM_PLACE: Seen[] = [[ObservationKind.OBSERVATION_KIND_GATEWAY_MAC, 'a0:40:a0:5b:12:9c'], [ObservationKind.OBSERVATION_KIND_WIFI_BSSID, 'a0:40:a0:5b:12:9d']];
const homePlace = (i: number): Seen[] => [[ObservationKind.OBSERVATION_KIND_GATEWAY_MAC, `02:40:00:00:0${i}:01`]];

/** The laptop connects from `ip` (its Hello) and reports what it sees there, hashed with the fleet key. */
async function stream(me: EnrolledLaptop, ip: string, seen: Seen[]): Promise<void> {
  const client = new RawIngestClient(p.collector.address, me, { forwardedFor: ip });
  const { call, result, ended } = client.open();
  call.write({ hello: { ...me.hello, clockMs: Date.now() } });
  while (result.config.length === 0 && !result.error) await new Promise((r) => setTimeout(r, 10));
  const key = Buffer.from(result.config[0]?.config?.settings?.observationKey ?? []);
  const first = (seq.get(me.deviceId) ?? 0) + 1;
  const events = [...seen.map(([kind, mac]) => ({ observation: { kind, via: 'wlan0', valueHash: hash(key, mac) } })), { heartbeat: { uptimeMs: 1000 } }]
    .map((e, i) => ({ ...e, sequence: first + i, observedAtMs: Date.now() }));
  seq.set(me.deviceId, first + events.length - 1);
  call.write({ batch: { events } });
  while (!result.received.some((m) => m.ack?.sequence === first + events.length - 1) && !result.error) await new Promise((r) => setTimeout(r, 10));
  expect(result.error).toBeUndefined();
  call.end();
  await ended;
  client.close();
}

async function laptop(name: string, serial: string): Promise<EnrolledLaptop> {
  const email = name.toLowerCase().replace(' ', '.');
  return enrollLaptop(p.collector.address, p.db, p.pki.ca, { serial, assignee: `${name} <${email}@example.com>`, shipTo: 'Fairfield, California, US', timeZone: 'America/Los_Angeles', hostname: `LT-${serial}` });
}

beforeAll(async () => {
  for (const role of ['admin', 'analyst', 'it']) {
    const r = await cli('api-tokens', 'create', '--name', `test ${role}`, '--role', role, '--json');
    tokens[role] = (JSON.parse(r.stdout) as { token: string }).token;
  }
});

describe('sites: the API, with roles', () => {
  it('it and analyst may not add or remove a site; the refusal names the role it needs', async () => {
    for (const role of ['it', 'analyst']) {
      const r = await api(role, 'POST', '/v1/sites', { name: 'HQ', egress: [HQ_EGRESS] });
      expect(r.status).toBe(403);
      expect(message(r)).toBe(`POST /v1/sites needs the role admin; the token "test ${role}" has the role ${role}`);
    }
    expect((await api('admin', 'GET', '/v1/sites')).body).toEqual([]);
  });

  it('refuses an invalid, too wide or host-bits range, and a missing egress, saying what to give', async () => {
    const bad = async (egress: unknown): Promise<string> => {
      const r = await api('admin', 'POST', '/v1/sites', { name: 'HQ', egress });
      expect(r.status).toBe(400);
      return message(r);
    };
    expect(await bad(['12.0.0.300/24'])).toBe('egress "12.0.0.300/24" is not an IP address or CIDR range (like 203.0.113.0/24 or 2001:db8::/32)');
    expect(await bad(['12.0.0.10/24'])).toBe('egress "12.0.0.10/24" has host bits set: give the network, 12.0.0.0/24, or one address, 12.0.0.10/32');
    expect(await bad(['12.0.0.0/8'])).toMatch(/^egress "12\.0\.0\.0\/8" is too wide for one site \(at most \/16 for IPv4\)/);
    expect(await bad(['2001::/16'])).toMatch(/too wide for one site \(at most \/32 for IPv6\)/);
    expect(await bad([])).toMatch(/^invalid request: body\/egress must NOT have fewer than 1 items/);
    expect(await bad([{ cidr: '12.0.0.0/24' }])).toMatch(/^invalid request: body\/egress\/0 must be string/);
    expect((await api('admin', 'GET', '/v1/sites')).body).toEqual([]);
  });

  it('an admin adds the HQ; everyone reads it; a second site may not overlap it, nor take its name', async () => {
    const r = await api<{ id: number; name: string; egress: string[]; items: unknown[] }>('admin', 'POST', '/v1/sites', { name: 'HQ', egress: [HQ_EGRESS, '2001:0DB8:0004:0000::/48'] });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: 'HQ', egress: ['12.0.0.0/24', '2001:db8:4::/48'], items: [] });
    hqId = r.body.id;
    for (const role of ['admin', 'analyst', 'it']) {
      const list = await api<{ name: string; egress: string[] }[]>(role, 'GET', '/v1/sites');
      expect(list.status).toBe(200);
      expect(list.body.map((s) => [s.name, s.egress])).toEqual([['HQ', ['12.0.0.0/24', '2001:db8:4::/48']]]);
      expect((await api(role, 'GET', `/v1/sites/${hqId}`)).status).toBe(200);
    }
    const overlap = await api('admin', 'POST', '/v1/sites', { name: 'Annex', egress: ['12.0.0.128/25'] });
    expect(overlap.status).toBe(409);
    expect(message(overlap)).toBe('egress 12.0.0.128/25 overlaps 12.0.0.0/24 of the site "HQ": a laptop there would be at two sites; remove that site first, or give another range');
    const taken = await api('admin', 'POST', '/v1/sites', { name: 'hq', egress: ['198.51.100.0/24'] });
    expect(taken.status).toBe(409);
    expect(message(taken)).toMatch(/^there is already a site "HQ"/);
    expect((await api('admin', 'GET', '/v1/sites/999')).status).toBe(404);
    expect((await api('it', 'DELETE', `/v1/sites/${hqId}`)).status).toBe(403);
    const audit = await api<{ action: string; target: string; actor: string }[]>('admin', 'GET', '/v1/audit');
    expect(audit.body.find((a) => a.action === 'site.add')).toMatchObject({ target: `site:${hqId}`, actor: 'api:test admin' });
  });
});

describe('sites: the CLI', () => {
  it('adds, lists, shows and removes a site; an invalid range or an unknown site is refused with exit 2 and what to do', async () => {
    const add = await cli('sites', 'add', 'Branch Lyon', '--egress', '198.51.100.0/24,2001:db8:9::/48');
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toMatch(/^Site \d+ "Branch Lyon": egress 198\.51\.100\.0\/24, 2001:db8:9::\/48\./);
    const invalid = await cli('sites', 'add', 'Branch Nice', '--egress', '198.51.101.0/33');
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toBe('farmwatch-collector: egress "198.51.101.0/33": the prefix length must be 0..32\n');
    const missing = await cli('sites', 'add', 'Branch Nice');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/sites add needs --egress/);
    const list = await cli('sites', 'list');
    expect(list.stdout).toMatch(/^ID\s+NAME\s+EGRESS\s+LAPTOPS NOW\s+LEARNED\s+SINCE\n/);
    expect(list.stdout).toMatch(/Branch Lyon\s+198\.51\.100\.0\/24, 2001:db8:9::\/48\s+0\s+0 gateway/);
    // The API sees what the CLI did (the same database).
    expect((await api<{ name: string }[]>('it', 'GET', '/v1/sites')).body.map((s) => s.name)).toEqual(['Branch Lyon', 'HQ']);
    const show = await cli('sites', 'show', 'branch lyon');
    expect(show.stdout).toMatch(/^Site \d+ "Branch Lyon", added \S+ by cli:\S+\n {2}egress 198\.51\.100\.0\/24, 2001:db8:9::\/48\n/);
    expect(show.stdout).toMatch(/Nothing learned yet/);
    const unknown = await cli('sites', 'show', 'Branch Nice');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('farmwatch-collector: there is no site "Branch Nice": `farmwatch-collector sites list` (or GET /v1/sites) shows the sites\n');
    const removed = await cli('sites', 'remove', 'Branch Lyon');
    expect(removed.stdout).toMatch(/^Site \d+ "Branch Lyon" removed/);
    expect((await cli('sites', 'list', '--json')).stdout).not.toMatch(/Branch Lyon/);
  });
});

describe('sites: laptops at the HQ and elsewhere', () => {
  beforeAll(async () => {
    // Six people at the HQ, every day: the same gateway, access points and printer.
    for (const [i, name] of ['Avery Brooks', 'Jordan Ellis', 'Riley Chen', 'Morgan Patel', 'Sam Rivera', 'Alex Kim'].entries()) office.push(await laptop(name, `HQ-${i}`));
    for (const me of office) await stream(me, HQ_IP, HQ_PLACE);
    // Three people's laptops in one house: a farm, no site.
    for (const [i, name] of ['Casey Young', 'Drew Park', 'Quinn Lee'].entries()) farm.push(await laptop(name, `FARM-${i}`));
    for (const me of farm) await stream(me, FARM_HOME, FARM_PLACE);
    // Two helpdesk technicians: at the HQ first; then one works from home, the other from the
    // helpdesk room, which reaches the internet through another egress but shares the HQ's
    // gateway and Wi-Fi.
    for (const [i, name] of ['Toni Marsh', 'Kai Olsen'].entries()) helpdesk.push(await laptop(name, `HELP-${i}`));
    for (const me of helpdesk) await stream(me, HQ_IP, HQ_PLACE);
    await stream(helpdesk[0] as EnrolledLaptop, HOMES[0] ?? '', homePlace(0));
    await stream(helpdesk[1] as EnrolledLaptop, HELPDESK_OFFICE, HQ_PLACE);
  });

  it('the crowded HQ makes no cluster and no alert; the farm house outside any site does', async () => {
    const clusters = await api<{ items: { members: string[] }[] }>('analyst', 'GET', '/v1/clusters');
    const members = clusters.body.items.map((c) => [...c.members].sort());
    expect(members).toEqual([farm.map((l) => l.deviceId).sort()]);
    const alerts = await api<{ items: { rule: string; deviceId: string }[] }>('analyst', 'GET', '/v1/alerts?rule=fleet.colocation');
    expect(alerts.body.items).toHaveLength(1);
    expect(farm.map((l) => l.deviceId)).toContain(alerts.body.items[0]?.deviceId);
  });

  it('a helpdesk laptop seen at the HQ, then at home, does not link through the HQ\'s gateway and Wi-Fi with the one in the helpdesk room', async () => {
    for (const me of helpdesk) {
      const d = await api<{ cluster: unknown; site: { name: string } | null }>('analyst', 'GET', `/v1/devices/${me.deviceId}`);
      expect(d.body.cluster).toBeNull();
      expect(d.body.site).toBeNull();
    }
  });

  it('a laptop at the HQ is "at site HQ" on its device page, with no location signal from the HQ\'s address', async () => {
    const d = await api<{ site: { id: number; name: string } | null; risk: { signals: { id: string }[] } | null; locations: { observed: { ip: string; site: string | null }[] } }>(
      'it', 'GET', `/v1/devices/${office[0]?.deviceId ?? ''}`);
    expect(d.body.site).toEqual({ id: hqId, name: 'HQ' });
    expect(d.body.locations.observed).toContainEqual(expect.objectContaining({ ip: HQ_IP, site: 'HQ' }));
    expect((d.body.risk?.signals ?? []).map((s) => s.id).filter((s) => s.startsWith('location.'))).toEqual([]);
    const show = await cli('devices', 'show', office[0]?.deviceId ?? '');
    expect(show.stdout).toMatch(/\n {2}at site HQ: a company place/);
  });

  it('lists what laptops saw at the HQ, with how many saw each, for review; an admin drops an item, IT may not', async () => {
    const d = await api<{ items: { id: number; kind: string; value: string; laptops: number; droppedMs: number | null }[]; laptopsNow: number; laptopsSeen: number }>('analyst', 'GET', `/v1/sites/${hqId}`);
    expect(d.body.items.map((e) => [e.kind, e.laptops]).sort()).toEqual([
      ['gateway_mac', 8], ['lan_neighbour_mac', 8], ['visible_bssid', 8], ['visible_bssid', 8], ['wifi_bssid', 8],
    ]);
    expect(d.body.items.every((e) => /^hash:[0-9a-f]{12}$/.test(e.value))).toBe(true);
    expect(d.body.laptopsNow).toBe(office.length);
    expect(d.body.laptopsSeen).toBe(office.length + helpdesk.length);
    const printer = d.body.items.find((e) => e.kind === 'lan_neighbour_mac');
    expect((await api('it', 'DELETE', `/v1/sites/${hqId}/equipment/${printer?.id ?? 0}`)).status).toBe(403);
    const dropped = await api<{ droppedMs: number | null; droppedBy: string }>('admin', 'DELETE', `/v1/sites/${hqId}/equipment/${printer?.id ?? 0}`);
    expect(dropped.status).toBe(200);
    expect(dropped.body.droppedBy).toBe('api:test admin');
    const again = await api('admin', 'DELETE', `/v1/sites/${hqId}/equipment/${printer?.id ?? 0}`);
    expect(again.status).toBe(409);
    const show = await cli('sites', 'show', 'HQ');
    expect(show.stdout).toMatch(/\n\d+\s+gateway\s+hash:[0-9a-f]{12}\s+8\s+\S+\s+\S+\s+learned\n/);
    expect(show.stdout).toMatch(/LAN neighbour\s+hash:[0-9a-f]{12}\s+8\s+\S+\s+\S+\s+dropped by api:test admin\n/);
  });
});
