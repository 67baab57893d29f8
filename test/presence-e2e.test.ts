// Presence per place and shipped-to addresses, end to end: IT imports an HR export with street
// lines (the CLI), laptops enroll and replay days of history to a real collector behind a trusted
// proxy: heartbeats stamped in past hours (the Hello carries the real clock, so no skew moves
// them), one stream per place (the collector sees the place as the stream's X-Forwarded-For).
// Four "new hires" shipped to one apartment keep their laptops on there around the clock; five
// office workers are at the office on weekdays in working hours and at home in the evenings.
// Addresses are real ones from the GeoIP / ASN databases (Comcast, California).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTOR_CLI, run, startCollector, type RunningCollector } from './helpers/processes.js';
import { makePki, type Pki } from './helpers/pki.js';
import { RawIngestClient } from './helpers/raw-client.js';
import { enrollRpc, helloFor, type EnrolledLaptop } from './helpers/enroll.js';
import { SqliteStore } from '../collector/src/index.js';

const FARM_HOME = '73.162.10.1'; // Comcast, Fairfield CA
const OFFICE = '24.5.1.1';       // Comcast, Sunnyvale CA
const HOMES = ['24.5.2.1', '24.5.3.1', '24.6.1.1', '24.7.1.1', '98.207.1.1'];
const LA = 'America/Los_Angeles';
const HOUR = 3_600_000;

let pki: Pki;
let work: string;
let db: string;
let collector: RunningCollector;
let token = '';
const farm: EnrolledLaptop[] = [];
const office: EnrolledLaptop[] = [];

const pem = (der: Uint8Array): Buffer =>
  Buffer.from(`-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`);

/** Local hour of day and weekday (0 Sunday) of a UTC hour in Los Angeles. */
const local = (hour: number): { hour: number; weekday: number } => {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: LA, hourCycle: 'h23', hour: 'numeric', weekday: 'short' }).formatToParts(new Date(hour * HOUR));
  return { hour: Number(parts.find((p) => p.type === 'hour')?.value), weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.find((p) => p.type === 'weekday')?.value ?? '') };
};
const nowHour = Math.floor(Date.now() / HOUR);
const past = (days: number): number[] => Array.from({ length: days * 24 }, (_, i) => nowHour - days * 24 + i);
/** A farm laptop: on every hour of the last five days. */
const aroundTheClock = past(5);
/** An office laptop: 09:00-17:00 on the weekdays of the last two weeks, at the office... */
const officeHours = past(13).filter((h) => { const l = local(h); return l.weekday >= 1 && l.weekday <= 5 && l.hour >= 9 && l.hour < 17; });
/** ...and at home in the evenings and at weekends. */
const homeHours = past(13).filter((h) => { const l = local(h); return l.weekday >= 1 && l.weekday <= 5 ? l.hour >= 19 && l.hour < 22 : l.hour >= 10 && l.hour < 16; });

const sequences = new Map<string, number>();

/** One stream from `place`: Hello with the real clock, then heartbeats stamped in `hours` (past). */
async function replay(l: EnrolledLaptop, place: string, hours: number[]): Promise<void> {
  const client = new RawIngestClient(collector.address, l, { forwardedFor: place });
  const { call, result, ended } = client.open();
  call.write({ hello: { ...l.hello, clockMs: Date.now() } });
  while (result.received.length < 1 && !result.error) await new Promise((r) => setTimeout(r, 10));
  let seq = sequences.get(l.deviceId) ?? 0;
  const events = hours.map((h) => ({ sequence: ++seq, observedAtMs: h * HOUR + 30 * 60_000, heartbeat: { uptimeMs: 1000 } }));
  sequences.set(l.deviceId, seq);
  call.write({ batch: { events } });
  while (result.received.length < 2 && !result.error) await new Promise((r) => setTimeout(r, 10));
  expect(result.error).toBeUndefined();
  expect(result.received[1]?.ack?.sequence).toBe(seq);
  call.end();
  await ended;
  client.close();
}

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${collector.api}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

interface Signal { id: string; weight: number; title: string; evidence: string[] }
interface DeviceView { risk: { signals: Signal[] }; cluster: { members: string[]; score: number; severity: string; signals: Signal[] } | null }

beforeAll(async () => {
  pki = makePki();
  work = mkdtempSync(join(tmpdir(), 'farmwatch-presence-'));
  db = join(work, 'collector.db');
  collector = await startCollector(db, pki.dir, ['--trusted-proxy', '127.0.0.1/32', '--proxy-protocol', 'optional']);
  const t = await run(COLLECTOR_CLI, ['api-tokens', 'create', '--name', 'analyst', '--role', 'analyst', '--json', '--db', db]);
  token = (JSON.parse(t.stdout) as { token: string }).token;
  // The HR export: the street line as each recruiter typed it, the unit in its own column or not.
  const farmStreets = [['1402 Oak Street', 'Apt 2'], ['1402 OAK ST. APT. 2', ''], ['1402 oak st #2', ''], ['Apt 2, 1402 Oak St', '']];
  const rows = [
    'Serial Number,Employee,Work Email,Address Line 1,Address Line 2,City,State,Country,Time Zone',
    ...farmStreets.map(([street, unit], i) => `FARM-${i},New Hire ${i},hire${i}@example.com,"${street}",${unit},Fairfield,California,US,${LA}`),
    ...HOMES.map((_, i) => `OFF-${i},Office Worker ${i},worker${i}@example.com,"${100 + i} Maple Avenue",,Sunnyvale,CA,US,${LA}`),
  ];
  const csv = join(work, 'hr.csv');
  writeFileSync(csv, rows.join('\n') + '\n');
  const imported = await run(COLLECTOR_CLI, ['devices', 'import', csv, '--json', '--db', db]);
  expect(imported.code, imported.stderr).toBe(0);
  const registered = JSON.parse(imported.stdout) as { registration: { deviceId: string; serial: string }; token: string }[];
  for (const r of registered) {
    const hello = helloFor({ serial: r.registration.serial, hostname: `LT-${r.registration.serial}`, timeZone: LA });
    const { response, keyPem } = await enrollRpc(collector.address, pki.ca, r.token, hello);
    const laptop = { deviceId: response.deviceId ?? '', ca: pki.ca, certPem: pem(response.certificateDer ?? new Uint8Array()), keyPem: Buffer.from(keyPem), hello };
    (r.registration.serial.startsWith('FARM') ? farm : office).push(laptop);
  }
  for (const l of farm) await replay(l, FARM_HOME, aroundTheClock);
  for (const [i, l] of office.entries()) {
    await replay(l, OFFICE, officeHours);
    await replay(l, HOMES[i] as string, homeHours);
  }
}, 120_000);

afterAll(async () => {
  await collector?.stop();
  rmSync(work, { recursive: true, force: true });
  rmSync(pki.dir, { recursive: true, force: true });
});

describe('presence per place through a real collector', () => {
  it('records the address of each hour a laptop was on, within the window', () => {
    const store = new SqliteStore(db, { readonly: true });
    try {
      const rows = store.places.presence([...farm, ...office].map((l) => l.deviceId), nowHour - 14 * 24);
      const of = (id: string, ip: string) => rows.filter((r) => r.deviceId === id && r.ip === ip).map((r) => r.hour);
      expect(of(farm[0]?.deviceId ?? '', FARM_HOME)).toEqual(aroundTheClock);
      expect(of(office[0]?.deviceId ?? '', OFFICE)).toEqual(officeHours);
      expect(of(office[0]?.deviceId ?? '', HOMES[0] as string)).toEqual(homeHours);
    } finally {
      store.close();
    }
  });

  it('the farm\'s apartment is a dwelling: its four new hires count in full, and they were all shipped there', async () => {
    const d = await api<DeviceView>(`/v1/devices/${farm[0]?.deviceId ?? ''}`);
    expect(d.cluster?.members).toEqual(farm.map((l) => l.deviceId).sort());
    const by = (id: string) => d.cluster?.signals.find((s) => s.id === id);
    expect(by('presence.dwelling')?.title).toBe(`4 laptops stay at ${FARM_HOME} overnight (4 of them also at weekends): laptops are kept there, its crowd counts in full`);
    // Together for minutes, but they stay: counted in full (20 per person beyond two), not half.
    expect(by('cluster.people')?.weight).toBe(40);
    expect(by('cluster.shipto')?.title).toMatch(/^4 people shipped to the same street address \(hash [0-9a-f]{8}…\)$/);
    expect(by('cluster.shipto')?.weight).toBe(10);
    // The place (10), four people staying (40), four shipped to one apartment (10): high with nothing else.
    expect(d.cluster?.score).toBe(60);
    expect(d.cluster?.severity).toBe('high');
    // Each laptop's own risk: shipped to one address with three other people; the street itself is shown nowhere.
    const shipTo = d.risk.signals.find((s) => s.id === 'shipto.shared');
    expect(shipTo?.title).toMatch(/^4 people shipped to the same street address \(hash [0-9a-f]{8}…\)$/);
    expect(JSON.stringify(d)).not.toMatch(/oak/i);
  });

  it('the office is a workplace: five people there only on weekday working hours are no crowd', async () => {
    const d = await api<DeviceView>(`/v1/devices/${office[0]?.deviceId ?? ''}`);
    expect(d.cluster?.members).toEqual(office.map((l) => l.deviceId).sort());
    const workplace = d.cluster?.signals.find((s) => s.id === 'presence.workplace');
    expect(workplace?.title).toBe(`5 laptops present only on weekday working hours at ${OFFICE}; they leave at night (a workplace: its crowd is not counted)`);
    expect(d.cluster?.signals.find((s) => s.id === 'cluster.people')).toBeUndefined();
    expect(d.cluster?.score).toBe(10);
    expect(d.cluster?.severity).toBe('info');
    expect(d.risk.signals.map((s) => s.id)).not.toContain('shipto.shared');
  });
});
