// Presence per place, from hour lists: farm laptops stay at night, office laptops are there on
// weekdays in working hours and leave; too little history says nothing. And what it does to a
// cluster's score: a crowd at a workplace is no farm, a crowd that stays counts in full at once.
import { describe, expect, it } from 'vitest';
import { clusterPresence, judgePlace, DEFAULT_PRESENCE, type LaptopHours } from '../src/rules/presence.js';
import { scoreCluster } from '../src/rules/cluster-score.js';
import type { PresenceRow } from '../src/store/place-store.js';
import type { EdgeRecord, RegistrationRow } from '../src/store/fleet-records.js';

const LA = 'America/Los_Angeles';
/** Friday 2025-06-20 13:00 in Los Angeles (UTC-7 all window long: no DST change in the 14 days). */
const NOW = Date.parse('2025-06-20T13:00:00-07:00');
const HOUR = 3_600_000;
/** The UTC hour (since the epoch) of a local hour in Los Angeles. */
const la = (day: string, hour: number): number => Math.floor(Date.parse(`${day}T${String(hour).padStart(2, '0')}:00:00-07:00`) / HOUR);
const days = (from: string, n: number): string[] => Array.from({ length: n }, (_, i) => new Date(Date.parse(`${from}T12:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10));
const weekday = (d: string): boolean => ![0, 6].includes(new Date(`${d}T12:00:00Z`).getUTCDay());
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/** Every hour from a local day's midnight to now (a laptop kept on). */
const aroundTheClock = (from: string): number[] => range(la(from, 0), Math.floor(NOW / HOUR));
/** 09:00-17:00 on the weekdays of the last two weeks, up to now. */
const officeHours = (): number[] => days('2025-06-07', 14).filter(weekday).flatMap((d) => range(la(d, 9), la(d, 17))).filter((h) => h <= NOW / HOUR);
/** 19:00-22:00 on weekdays and 10:00-16:00 at weekends: a laptop someone takes home and opens in the evening. */
const evenings = (): number[] => days('2025-06-07', 14).flatMap((d) => (weekday(d) ? range(la(d, 19), la(d, 22)) : range(la(d, 10), la(d, 16)))).filter((h) => h <= NOW / HOUR);

const laptop = (deviceId: string, here: number[], elsewhere: number[] = []): LaptopHours => ({ deviceId, here, elsewhere });

describe('judging one place from its laptops\' hours', () => {
  it('laptops on there through the nights make a dwelling', () => {
    const v = judgePlace('73.162.10.1', LA, ['a', 'b', 'c', 'd'].map((id) => laptop(id, aroundTheClock('2025-06-15'))));
    expect(v.kind).toBe('dwelling');
    expect(v.laptops.map((l) => l.pattern)).toEqual(['stays', 'stays', 'stays', 'stays']);
    // Sunday 15th to Friday 20th: nights of the 15th..20th, one weekend day.
    expect(v.laptops[0]).toMatchObject({ nights: 6, days: 6, weekendDays: 1 });
  });

  it('laptops there on weekdays 09:00-17:00 only make a workplace, whether they go elsewhere at night or are off', () => {
    const leaving = judgePlace('12.0.1.1', LA, ['a', 'b', 'c', 'd', 'e'].map((id) => laptop(id, officeHours(), evenings())));
    expect(leaving.kind).toBe('workplace');
    expect(leaving.laptops.every((l) => l.pattern === 'workday' && l.elsewhere && l.nights === 0 && l.weekendDays === 0)).toBe(true);
    const closed = judgePlace('12.0.1.1', LA, ['a', 'b', 'c'].map((id) => laptop(id, officeHours())));
    expect(closed.kind).toBe('workplace');
    expect(closed.laptops.some((l) => l.elsewhere)).toBe(false);
  });

  it('one late night at the office, or one laptop left on, does not make it a dwelling', () => {
    const late = [...officeHours(), la('2025-06-12', 0)].sort((a, b) => a - b);
    const office = ['a', 'b', 'c', 'd'].map((id) => laptop(id, officeHours()));
    const v = judgePlace('12.0.1.1', LA, [...office, laptop('late', late), laptop('build-box', aroundTheClock('2025-06-09'))]);
    expect(v.laptops.find((l) => l.deviceId === 'late')?.pattern).toBe('workday');
    expect(v.laptops.find((l) => l.deviceId === 'build-box')?.pattern).toBe('stays');
    expect(v.kind).toBe('workplace');
  });

  it('people who come in at 07:00, stay until 21:00 on some days and pop in on a Saturday morning still work there', () => {
    // Two weeks of office days, each 07:00-18:00 (one hour before the working day), two of them to
    // 21:00, and a Saturday 10:00-13:00: more than a tenth of the hours outside 08:00-20:00 on weekdays.
    const office = days('2025-06-07', 14).filter(weekday).flatMap((d, i) => range(la(d, 7), la(d, i % 5 === 2 ? 21 : 18)));
    const hours = [...office, ...range(la('2025-06-14', 10), la('2025-06-14', 13))].filter((h) => h <= NOW / HOUR).sort((a, b) => a - b);
    const v = judgePlace('12.0.1.1', LA, ['a', 'b', 'c', 'd', 'e'].map((id) => laptop(id, hours, evenings())));
    const off = v.laptops[0];
    expect(off && off.offHours / off.hours).toBeGreaterThan(0.1);
    expect(v.laptops.map((l) => l.pattern)).toEqual(['workday', 'workday', 'workday', 'workday', 'workday']);
    expect(v.kind).toBe('workplace');
  });

  it('says nothing on day one: a night is not yet a pattern, two laptops are needed', () => {
    const dayOne = range(la('2025-06-19', 14), Math.floor(NOW / HOUR));
    const v = judgePlace('73.162.10.1', LA, ['a', 'b', 'c'].map((id) => laptop(id, dayOne)));
    expect(v.laptops.map((l) => l.pattern)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(v.kind).toBe('unknown');
    expect(judgePlace('73.162.10.1', LA, [laptop('a', aroundTheClock('2025-06-10'))]).kind).toBe('unknown');
  });

  it('reads nights in the place\'s zone: Los Angeles office hours are the night in Shanghai', () => {
    const office = ['a', 'b', 'c'].map((id) => laptop(id, officeHours()));
    expect(judgePlace('x', LA, office).kind).toBe('workplace');
    expect(judgePlace('x', 'Asia/Shanghai', office).kind).toBe('dwelling');
    expect(judgePlace('x', 'Not/AZone', office).kind).toBe('unknown');
  });

  it('a place with some laptops staying and most working is mixed: neither excused nor settled', () => {
    const v = judgePlace('x', LA, [...['a', 'b', 'c'].map((id) => laptop(id, officeHours())), ...['d', 'e'].map((id) => laptop(id, aroundTheClock('2025-06-10')))]);
    expect(v.kind).toBe('mixed');
  });
});

/** Presence rows of laptops at an address over some hours. */
const rows = (ids: string[], ip: string, hours: number[]): PresenceRow[] => ids.flatMap((deviceId) => hours.map((hour) => ({ deviceId, hour, ip })));
const person = (id: string): string => `${id}@example.com`;

describe('presence of a cluster', () => {
  const office = ['o1', 'o2', 'o3', 'o4', 'o5'];
  const farm = ['f1', 'f2', 'f3', 'f4'];

  it('excuses the people of a workplace, and leaves a shared home of two of them out of it', () => {
    const input = [
      ...rows(office, '12.0.1.1', officeHours()),
      ...rows(['o1', 'o2'], '24.5.1.1', evenings()), // a couple among them, at home in the evenings
      ...rows(['o3'], '71.56.10.1', evenings()),
    ];
    const p = clusterPresence({ members: office, personOf: person, rows: input, nowMs: NOW, zoneOf: () => LA });
    expect(p.places.map((v) => [v.place, v.kind])).toEqual([['12.0.1.1', 'workplace'], ['24.5.1.1', 'mixed']]);
    expect([...p.excusedPeople].sort()).toEqual(office.map(person));
    expect(p.dwelling).toBe(false);
    expect(p.signals.map((s) => s.title)).toEqual(['5 laptops present only on weekday working hours at 12.0.1.1; they leave at night (a workplace: its crowd is not counted)']);
  });

  it('a farm\'s place is a dwelling; nobody is excused', () => {
    const p = clusterPresence({ members: farm, personOf: person, rows: rows(farm, '73.162.10.1', aroundTheClock('2025-06-16')), nowMs: NOW, zoneOf: () => LA });
    expect(p.dwelling).toBe(true);
    expect(p.excusedPeople.size).toBe(0);
    expect(p.signals[0]?.title).toBe('4 laptops stay at 73.162.10.1 overnight: laptops are kept there, its crowd counts in full');
    expect(p.signals[0]?.evidence[0]).toMatch(/^f1: on there at night \(00:00-06:00 America\/Los_Angeles\) on 5 of the 5 days it was there/);
  });

  it('hours outside the window and addresses nobody else shares are not places', () => {
    const old = range(la('2025-05-01', 0), la('2025-05-20', 0));
    const p = clusterPresence({ members: farm, personOf: person, rows: [...rows(farm, '73.162.10.1', old), ...rows(['f1'], '1.2.3.4', aroundTheClock('2025-06-16'))], nowMs: NOW, zoneOf: () => LA });
    expect(p.places).toEqual([]);
    expect(DEFAULT_PRESENCE.days).toBe(14);
  });

  it('someone who stays at a dwelling is not excused by also working at a workplace', () => {
    const input = [...rows(['o1', 'o2', 'o3'], '12.0.1.1', officeHours()), ...rows(['o3', 'f1'], '73.162.10.1', aroundTheClock('2025-06-16'))];
    const p = clusterPresence({ members: ['o1', 'o2', 'o3', 'f1'], personOf: person, rows: input, nowMs: NOW, zoneOf: () => LA });
    expect([...p.excusedPeople].sort()).toEqual(['o1@example.com', 'o2@example.com']);
  });
});

describe('a cluster\'s score with presence', () => {
  const reg = (id: string): [string, RegistrationRow] => [id, {
    deviceId: id, serial: id, assigneeName: id, assigneeEmail: person(id), shipTo: 'Fairfield, California, US', shipCountry: 'US', shipLat: null, shipLon: null,
    timeZone: LA, registeredMs: 0, registeredBy: 'it', enrolledMs: 0, revokedMs: null,
  }];
  const linkedBy = (ids: string[], ip: string, firstMs: number): EdgeRecord[] => ids.slice(1).map((b) => ({ deviceA: ids[0] as string, deviceB: b, kind: 'public_ip', valueKey: ip, value: ip, firstMs, lastMs: NOW }));
  const office = ['o1', 'o2', 'o3', 'o4', 'o5', 'o6'];

  it('a settled office crowd is critical without presence, and info when its place is a workplace', () => {
    const edges = linkedBy(office, '12.0.1.1', NOW - 13 * 86_400_000);
    const regs = new Map(office.map(reg));
    expect(scoreCluster(office, edges, regs, () => undefined).severity).toBe('critical');
    const p = clusterPresence({ members: office, personOf: person, rows: rows(office, '12.0.1.1', officeHours()), nowMs: NOW, zoneOf: () => LA });
    const r = scoreCluster(office, edges, regs, () => undefined, () => undefined, p);
    expect(r.score).toBe(10);
    expect(r.severity).toBe('info');
    expect(r.signals.find((s) => s.id === 'presence.workplace')?.title).toMatch(/^6 laptops present only on weekday working hours at 12\.0\.1\.1; they are off at night/);
    expect(r.signals.find((s) => s.id === 'cluster.people')).toBeUndefined();
  });

  it('a farm together for two days counts in full once its laptops stay there at night', () => {
    const farm = ['f1', 'f2', 'f3', 'f4', 'f5'];
    const edges = linkedBy(farm, '73.162.10.1', NOW - 2 * 86_400_000);
    const regs = new Map(farm.map(reg));
    // Unsettled (two days, place only, a household may hold three): half of two more people, at most 15.
    expect(scoreCluster(farm, edges, regs, () => undefined).signals.find((s) => s.id === 'cluster.people')?.weight).toBe(15);
    const p = clusterPresence({ members: farm, personOf: person, rows: rows(farm, '73.162.10.1', aroundTheClock('2025-06-18')), nowMs: NOW, zoneOf: () => LA });
    const r = scoreCluster(farm, edges, regs, () => undefined, () => undefined, p);
    expect(r.signals.find((s) => s.id === 'cluster.people')?.weight).toBe(60);
    expect(r.severity).toBe('critical');
  });

  it('day one changes nothing either way', () => {
    const farm = ['f1', 'f2', 'f3', 'f4'];
    const edges = linkedBy(farm, '73.162.10.1', NOW - 10 * HOUR);
    const regs = new Map(farm.map(reg));
    const p = clusterPresence({ members: farm, personOf: person, rows: rows(farm, '73.162.10.1', range(Math.floor(NOW / HOUR) - 10, Math.floor(NOW / HOUR))), nowMs: NOW, zoneOf: () => LA });
    expect(p.places.map((v) => v.kind)).toEqual(['unknown']);
    expect(scoreCluster(farm, edges, regs, () => undefined, () => undefined, p)).toEqual(scoreCluster(farm, edges, regs, () => undefined));
  });
});
