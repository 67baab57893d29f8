// Laptops whose clocks are off: hours or days ahead, weeks behind. A clock that is off is a fact
// about the laptop, not a reason to refuse what it saw: its events are stored and acknowledged,
// put on the collector's clock (so a farm laptop set weeks back still shares the correlation
// window with its neighbours, and one set ahead does not post-date its first sighting of AnyDesk),
// and the skew is shown with the laptop. A timestamp that is no time at all is refused, naming it.
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { status as Status } from '@grpc/grpc-js';
import { Category, ObservationKind, Severity, type Event } from '@farmwatch/proto';
import { makePki, type Pki } from '../helpers/pki.js';
import { COLLECTOR_CLI, ROOT, run, startCollector, type RunningCollector } from '../helpers/processes.js';
import { enrollLaptop, type EnrolledLaptop } from '../helpers/enroll.js';
import { RawIngestClient, type StreamResult } from '../helpers/raw-client.js';
import { query } from '../helpers/field.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FARM_HOME = '73.162.10.1'; // Comcast, Fairfield CA
const ASTRILL = '142.214.202.2';
/** Homes of their own for the laptops that are not in the farm (residential addresses from the simulator's address book). */
const HOMES = (JSON.parse(readFileSync(join(ROOT, 'scripts', 'simulate', 'addresses.json'), 'utf8')) as { cities: Record<string, { homes: string[] }> }).cities['San Jose, California, US']?.homes ?? [];

let pki: Pki;
let work: string;
let db: string;
let collector: RunningCollector;
let token: string;
let serials = 0;

beforeAll(async () => {
  pki = makePki();
  work = mkdtempSync(join(tmpdir(), 'farmwatch-skew-'));
  db = join(work, 'collector.db');
  collector = await startCollector(db, pki.dir, ['--trusted-proxy', '127.0.0.1/32', '--proxy-protocol', 'optional']);
  token = (JSON.parse((await run(COLLECTOR_CLI, ['api-tokens', 'create', '--name', 'skew', '--role', 'admin', '--json', '--db', db])).stdout) as { token: string }).token;
}, 60_000);

afterAll(async () => {
  await collector?.stop();
  rmSync(work, { recursive: true, force: true });
  rmSync(pki.dir, { recursive: true, force: true });
});

const laptop = (name: string): Promise<EnrolledLaptop> => enrollLaptop(collector.address, db, pki.ca, {
  serial: `SKEW-${++serials}`, assignee: `${name} <${name.toLowerCase()}@example.com>`, shipTo: 'San Francisco, California, US', timeZone: 'America/Los_Angeles', hostname: `LT-${name}`,
});

/** Hello and one batch from a laptop whose clock reads `skewMs` off; events built with the fleet key it was sent. */
async function report(l: EnrolledLaptop, skewMs: number, events: (key: Buffer) => Omit<Event, 'sequence' | 'observedAtMs'>[], home = HOMES[serials] ?? FARM_HOME): Promise<StreamResult> {
  const client = new RawIngestClient(collector.address, l, { forwardedFor: home });
  const { call, result, ended } = client.open();
  call.write({ hello: { ...l.hello, clockMs: Date.now() + skewMs } });
  while (result.config.length === 0 && !result.error) await new Promise((r) => setTimeout(r, 10));
  const key = Buffer.from(result.config[0]?.config?.settings?.observationKey ?? []);
  const list = events(key);
  call.write({ batch: { events: list.map((e, i) => ({ ...e, sequence: i + 1, observedAtMs: Date.now() + skewMs }) as Event) } });
  while (result.received.length < 2 && !result.error) await new Promise((r) => setTimeout(r, 10));
  call.end();
  await ended;
  client.close();
  return result;
}

const hash = (key: Buffer, value: string): Buffer => createHmac('sha256', key).update(value).digest().subarray(0, 16);
const anydesk = (firstSeenMs: number) => ({ finding: {
  detector: 'remote_access.process', key: 'anydesk', category: Category.CATEGORY_REMOTE_ACCESS, severity: Severity.SEVERITY_MEDIUM, confidence: 80,
  title: 'AnyDesk is running', catalogEntry: 'anydesk', firstSeenMs, evidence: [{ field: 'process.name', value: 'AnyDesk.exe', catalogEntry: 'anydesk', matched: 'anydesk.exe' }],
} });
const farmMates = (key: Buffer) => [
  { observation: { kind: ObservationKind.OBSERVATION_KIND_GATEWAY_MAC, valueHash: hash(key, 'a0:40:a0:5b:12:9c'), via: 'Wi-Fi' } },
  { observation: { kind: ObservationKind.OBSERVATION_KIND_REMOTE_PEER_ID, valueHash: hash(key, 'anydesk:482913771'), via: 'anydesk' } },
  { observation: { kind: ObservationKind.OBSERVATION_KIND_REMOTE_PEER_IP, value: ASTRILL, via: 'anydesk' } },
];

async function api<T>(path: string): Promise<T> {
  return (await (await fetch(`${collector.api}${path}`, { headers: { authorization: `Bearer ${token}` } })).json()) as T;
}

describe('agents with skewed clocks', () => {
  it.each([['5 hours ahead', 5 * HOUR], ['3 days ahead', 3 * DAY], ['9 hours behind', -9 * HOUR], ['400 days behind (a dead CMOS battery)', -400 * DAY]])(
    'stores what a laptop %s sends, on the collector\'s clock, and shows the skew', async (_what, skew) => {
      const l = await laptop(`clock${serials + 1}`);
      const before = Date.now();
      const r = await report(l, skew, () => [{ heartbeat: { uptimeMs: 1 } }, { heartbeat: { uptimeMs: 2 } }]);
      expect(r.error).toBeUndefined();
      expect(r.received[1]?.ack?.sequence).toBe(2);
      const rows = query<{ observed_at_ms: number; received_at_ms: number }>(db, 'SELECT observed_at_ms, received_at_ms FROM events WHERE device_id = ?', l.deviceId);
      expect(rows).toHaveLength(2);
      for (const row of rows) {
        expect(row.observed_at_ms).toBeGreaterThanOrEqual(before - 5000);
        expect(row.observed_at_ms).toBeLessThanOrEqual(row.received_at_ms);
      }
      const device = query<{ clock_skew_ms: number }>(db, 'SELECT clock_skew_ms FROM devices WHERE id = ?', l.deviceId)[0];
      expect(Math.abs((device?.clock_skew_ms ?? 0) - skew)).toBeLessThan(5000);
      const show = await run(COLLECTOR_CLI, ['devices', 'show', l.deviceId, '--db', db]);
      expect(show.stdout).toMatch(new RegExp(`clock .*${skew > 0 ? 'ahead of' : 'behind'} the collector's at its last Hello`));
      expect(collector.stderr()).toMatch(new RegExp(`agent clock is off.*"device":"${l.deviceId}"`));
    });

  it('links a farm laptop whose clock is three weeks behind with its house mate', async () => {
    const [a, b] = [await laptop('Avery'), await laptop('Jordan')];
    expect((await report(a, 0, farmMates, FARM_HOME)).error).toBeUndefined();
    expect((await report(b, -21 * DAY, farmMates, FARM_HOME)).error).toBeUndefined();
    const cluster = await api<{ cluster: { members: string[]; edges: { kind: string }[] } | null }>(`/v1/devices/${b.deviceId}`);
    expect(cluster.cluster?.members).toEqual([a.deviceId, b.deviceId].sort());
    expect(new Set(cluster.cluster?.edges.map((e) => e.kind))).toEqual(new Set(['public_ip', 'gateway_mac', 'remote_peer_id', 'remote_peer_ip']));
  });

  it('dates the first sighting of AnyDesk on the collector\'s clock when the laptop\'s is three weeks ahead', async () => {
    const l = await laptop('Riley');
    const skew = 21 * DAY;
    expect((await report(l, skew, () => [anydesk(Date.now() + skew)])).error).toBeUndefined();
    const finding = query<{ first_seen_ms: number }>(db, "SELECT first_seen_ms FROM findings WHERE device_id = ? AND key = 'anydesk'", l.deviceId)[0];
    expect(Math.abs((finding?.first_seen_ms ?? 0) - Date.now())).toBeLessThan(60_000);
    const d = await api<{ risk: { signals: { id: string }[] } }>(`/v1/devices/${l.deviceId}`);
    expect(d.risk.signals.map((s) => s.id)).toContain('remote_access.early');
  });

  it('refuses a timestamp that is no time, naming it, and stores nothing of that batch', async () => {
    const l = await laptop('Morgan');
    const client = new RawIngestClient(collector.address, l);
    const r = await client.exchange([{ hello: { ...l.hello, clockMs: Date.now() } }, { batch: { events: [{ sequence: 1, observedAtMs: 1e16, heartbeat: { uptimeMs: 1 } }] } }]);
    client.close();
    expect(r.error?.code).toBe(Status.INVALID_ARGUMENT);
    expect(r.error?.details).toBe('events[0].observed_at_ms is 10000000000000000, which is no time: milliseconds since 1970 are expected (at most 8640000000000000)');
    expect(query(db, 'SELECT sequence FROM events WHERE device_id = ?', l.deviceId)).toHaveLength(0);
  });
});
