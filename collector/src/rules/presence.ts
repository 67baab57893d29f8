// Presence per place: is a place where laptops are kept, or where people come to work? An office
// is the place with the most people, so counting people at a place makes every office a "farm";
// what tells them apart is *when* the laptops are there. Office and coworking laptops are there on
// weekdays in working hours and leave at night and at weekends (people take them home, or close
// them); a farm's laptops stay at the facilitator's house and are on around the clock, because
// their workers' day is that house's night (docs/THREATS.md: "always on, never idle").
//
// Pure: the caller gives, per laptop, the hours (since the epoch, UTC) it was on at the place and
// elsewhere (the public address of each hour, src/store/place-store.ts) and the place's time zone.
// Without enough history (day one) a laptop is `unknown` and a place with too few judged laptops
// is `unknown`: the rule neither punishes nor excuses.
import { utcOffsetMinutes } from './geo.js';
import { WORKDAY } from './activity.js';
import type { PresenceRow } from '../store/place-store.js';

export interface PresenceConfig {
  /** Hours looked at: the last this many days (the correlation window). */
  days: number;
  /** Night: local hours from `nightFrom` to before `nightTo`. */
  nightFrom: number;
  nightTo: number;
  /** A laptop stays at a place when it is on there on at least `minNights` nights and on at least `stayShare` of its days there. */
  minNights: number;
  stayShare: number;
  /**
   * A laptop works at a place when it is there on at least `minWorkdays` weekdays and at most
   * `offShare` of its hours there fall outside the working day (nights, evenings, weekends).
   */
  minWorkdays: number;
  offShare: number;
  /** Days at a place (or `minNights` nights) before a laptop that neither stays nor works there is judged mixed rather than unknown. */
  minDays: number;
  /** A place is judged when at least `minLaptops` of its laptops are. */
  minLaptops: number;
  /** A workplace: at least this share of its judged laptops work there (and fewer than `minLaptops` stay). */
  workplaceShare: number;
  /** Places (public addresses shared by two or more members) judged per cluster, the most crowded first. */
  maxPlaces: number;
  /** Public addresses recorded per device and hour (a laptop hopping between networks adds no more). */
  maxPlacesPerHour: number;
}

export const DEFAULT_PRESENCE: PresenceConfig = {
  days: 14, nightFrom: 0, nightTo: 6, minNights: 2, stayShare: 0.5, minWorkdays: 2, offShare: 0.25, minDays: 3, minLaptops: 2, workplaceShare: 0.8, maxPlaces: 20,
  maxPlacesPerHour: 4,
};

export type LaptopPattern = 'stays' | 'workday' | 'mixed' | 'unknown';
export type PlaceKind = 'dwelling' | 'workplace' | 'mixed' | 'unknown';

/** One laptop's hours at a place and elsewhere. */
export interface LaptopHours {
  deviceId: string;
  here: readonly number[];
  elsewhere: readonly number[];
}

export interface LaptopPresence {
  deviceId: string;
  pattern: LaptopPattern;
  /** Hours on at the place, and the local days, nights, weekdays and weekend days they fall on. */
  hours: number;
  days: number;
  nights: number;
  weekdays: number;
  weekendDays: number;
  /** Hours there outside the working day: nights, evenings, weekends. */
  offHours: number;
  /** Seen at other public addresses in the window. */
  elsewhere: boolean;
}

export interface PlaceVerdict {
  place: string;
  timeZone: string;
  kind: PlaceKind;
  laptops: LaptopPresence[];
}

const HOUR_MS = 3_600_000;
const DAY_H = 24;

/** UTC offsets of (zone, hour), looked up once: the window's hours are judged again and again. */
const offsets = new Map<string, number>();

/** Local day number, hour of day and weekend of UTC hours in one zone. */
function localClock(timeZone: string): ((hour: number) => { day: number; hourOfDay: number; weekend: boolean }) | undefined {
  if (utcOffsetMinutes(timeZone, 0) === undefined) return undefined;
  return (hour) => {
    const key = `${timeZone}|${hour}`;
    let offset = offsets.get(key);
    if (offset === undefined) {
      if (offsets.size >= 100_000) offsets.clear();
      offsets.set(key, (offset = utcOffsetMinutes(timeZone, hour * HOUR_MS) ?? 0));
    }
    const localHour = Math.floor(hour + offset / 60);
    const day = Math.floor(localHour / DAY_H);
    // 1970-01-01 was a Thursday: day 0 is weekday 4 (0 Sunday .. 6 Saturday).
    const weekday = (((day + 4) % 7) + 7) % 7;
    return { day, hourOfDay: ((localHour % DAY_H) + DAY_H) % DAY_H, weekend: weekday === 0 || weekday === 6 };
  };
}

function describeLaptop(l: LaptopHours, clock: NonNullable<ReturnType<typeof localClock>>, cfg: PresenceConfig): LaptopPresence {
  const days = new Set<number>();
  const nights = new Set<number>();
  const weekdays = new Set<number>();
  const weekendDays = new Set<number>();
  let offHours = 0;
  for (const h of l.here) {
    const c = clock(h);
    days.add(c.day);
    (c.weekend ? weekendDays : weekdays).add(c.day);
    const night = c.hourOfDay >= cfg.nightFrom && c.hourOfDay < cfg.nightTo;
    if (night) nights.add(c.day);
    if (c.weekend || c.hourOfDay < WORKDAY.from || c.hourOfDay >= WORKDAY.to) offHours++;
  }
  const p = { hours: l.here.length, days: days.size, nights: nights.size, weekdays: weekdays.size, weekendDays: weekendDays.size, offHours };
  let pattern: LaptopPattern = 'unknown';
  if (p.nights >= cfg.minNights && p.nights >= cfg.stayShare * p.days) pattern = 'stays';
  else if (p.weekdays >= cfg.minWorkdays && p.offHours <= cfg.offShare * p.hours && p.nights < cfg.minNights) pattern = 'workday';
  else if (p.days >= cfg.minDays || p.nights >= cfg.minNights) pattern = 'mixed';
  return { deviceId: l.deviceId, pattern, ...p, elsewhere: l.elsewhere.length > 0 };
}

/**
 * Judges one place from its laptops' hours: a dwelling when two or more (and at least `stayShare`)
 * of the judged laptops stay there at night, a workplace when nearly all of them are there only
 * in weekday working hours, else mixed; unknown with too little history or an unknown zone.
 */
export function judgePlace(place: string, timeZone: string, laptops: readonly LaptopHours[], cfg: PresenceConfig = DEFAULT_PRESENCE): PlaceVerdict {
  const clock = localClock(timeZone);
  if (!clock) return { place, timeZone, kind: 'unknown', laptops: [] };
  const described = laptops.filter((l) => l.here.length > 0).map((l) => describeLaptop(l, clock, cfg));
  const judged = described.filter((l) => l.pattern !== 'unknown');
  const stay = judged.filter((l) => l.pattern === 'stays').length;
  const work = judged.filter((l) => l.pattern === 'workday').length;
  let kind: PlaceKind = 'unknown';
  if (judged.length >= cfg.minLaptops) {
    if (stay >= cfg.minLaptops && stay >= cfg.stayShare * judged.length) kind = 'dwelling';
    else if (stay < cfg.minLaptops && work >= cfg.workplaceShare * judged.length) kind = 'workplace';
    else kind = 'mixed';
  }
  return { place, timeZone, kind, laptops: described };
}

/** A score line of the cluster (weight 0: presence excuses or settles, it adds nothing itself). */
export interface PresenceSignal {
  id: 'presence.workplace' | 'presence.dwelling';
  weight: 0;
  title: string;
  evidence: string[];
}

export interface ClusterPresence {
  places: PlaceVerdict[];
  /** People whose laptops in the cluster are at workplaces only (and stay nowhere): not counted as its crowd. */
  excusedPeople: Set<string>;
  /** Some place of the cluster is a dwelling: its crowd counts in full at once (it stays). */
  dwelling: boolean;
  signals: PresenceSignal[];
}

export interface ClusterPresenceInput {
  members: readonly string[];
  personOf: (deviceId: string) => string;
  /** The members' hours with their public addresses, within the window. */
  rows: readonly PresenceRow[];
  /** The local time zone of a place (GeoIP, or the zone its laptops were assigned); undefined: unknown. */
  zoneOf: (ip: string, deviceIds: readonly string[]) => string | undefined;
  nowMs: number;
}

const MAX_LINES = 12;

function lines(all: string[]): string[] {
  return all.length <= MAX_LINES ? all : [...all.slice(0, MAX_LINES), `... and ${all.length - MAX_LINES} more laptop(s)`];
}

function workplaceSignal(v: PlaceVerdict): PresenceSignal {
  const work = v.laptops.filter((l) => l.pattern === 'workday');
  const leave = work.filter((l) => l.elsewhere).length;
  const how = leave * 2 >= work.length ? 'they leave at night' : 'they are off at night and at weekends';
  return {
    id: 'presence.workplace', weight: 0,
    title: `${work.length} laptops present only on weekday working hours at ${v.place}; ${how} (a workplace: its crowd is not counted)`,
    evidence: [
      ...lines(work.map((l) => `${l.deviceId}: ${l.hours} hours there on ${l.weekdays} weekdays, ${l.offHours} of them outside ${WORKDAY.from}:00-${WORKDAY.to}:00 ${v.timeZone} ` +
        `(${l.nights} nights, ${l.weekendDays} weekend days)${l.elsewhere ? '; also seen at other addresses' : ''}`)),
      `${leave} of the ${work.length} were seen at other addresses; ${v.laptops.filter((l) => l.pattern === 'stays').length} laptops stay there at night`,
    ],
  };
}

function dwellingSignal(v: PlaceVerdict, cfg: PresenceConfig): PresenceSignal {
  const stay = v.laptops.filter((l) => l.pattern === 'stays');
  const weekend = stay.filter((l) => l.weekendDays > 0).length;
  const night = `${String(cfg.nightFrom).padStart(2, '0')}:00-${String(cfg.nightTo).padStart(2, '0')}:00 ${v.timeZone}`;
  return {
    id: 'presence.dwelling', weight: 0,
    title: `${stay.length} laptops stay at ${v.place} overnight${weekend > 0 ? ` (${weekend} of them also at weekends)` : ''}: laptops are kept there, its crowd counts in full`,
    evidence: lines(stay.map((l) => `${l.deviceId}: on there at night (${night}) on ${l.nights} of the ${l.days} days it was there; ${l.weekendDays} weekend days, ${l.hours} hours`)),
  };
}

/**
 * The places a cluster's members share (public addresses two or more of them were on at), each
 * judged; the people to leave out of its crowd (at workplaces only, staying nowhere); whether a
 * place of it is a dwelling; and the lines that say so.
 */
export function clusterPresence(input: ClusterPresenceInput, cfg: PresenceConfig = DEFAULT_PRESENCE): ClusterPresence {
  const members = new Set(input.members);
  const sinceHour = Math.floor(input.nowMs / HOUR_MS) - cfg.days * DAY_H + 1;
  const byDevice = new Map<string, { hour: number; ip: string }[]>();
  const byPlace = new Map<string, Set<string>>();
  for (const r of input.rows) {
    if (!members.has(r.deviceId) || r.hour < sinceHour) continue;
    let list = byDevice.get(r.deviceId);
    if (!list) byDevice.set(r.deviceId, (list = []));
    list.push(r);
    let there = byPlace.get(r.ip);
    if (!there) byPlace.set(r.ip, (there = new Set()));
    there.add(r.deviceId);
  }
  const shared = [...byPlace].filter(([, ids]) => ids.size >= 2).sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1)).slice(0, cfg.maxPlaces);
  const places: PlaceVerdict[] = [];
  for (const [ip, ids] of shared) {
    const zone = input.zoneOf(ip, [...ids]);
    if (!zone) continue;
    const laptops = [...ids].sort().map((id) => {
      const hours = byDevice.get(id) ?? [];
      const here = [...new Set(hours.filter((h) => h.ip === ip).map((h) => h.hour))].sort((a, b) => a - b);
      const hereSet = new Set(here);
      const elsewhere = [...new Set(hours.filter((h) => h.ip !== ip && !hereSet.has(h.hour)).map((h) => h.hour))].sort((a, b) => a - b);
      return { deviceId: id, here, elsewhere };
    });
    places.push(judgePlace(ip, zone, laptops, cfg));
  }
  const atWorkplace = new Set<string>();
  const staying = new Set<string>();
  for (const v of places) {
    for (const l of v.laptops) {
      const person = input.personOf(l.deviceId);
      if (v.kind === 'workplace') atWorkplace.add(person);
      if (l.pattern === 'stays') staying.add(person);
    }
  }
  const excusedPeople = new Set([...atWorkplace].filter((p) => !staying.has(p)));
  const signals = [
    ...places.filter((v) => v.kind === 'dwelling').map((v) => dwellingSignal(v, cfg)),
    ...places.filter((v) => v.kind === 'workplace').map(workplaceSignal),
  ];
  return { places, excusedPeople, dwelling: places.some((v) => v.kind === 'dwelling'), signals };
}
