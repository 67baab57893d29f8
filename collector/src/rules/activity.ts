// Activity rules: the hours a laptop is on, against the person it was assigned to. A laptop in a
// farm is kept on around the clock; a laptop used by someone abroad is on during *their* working
// day, which is the night where it was shipped (docs/THREATS.md: "time zone or activity
// hours inconsistent with the assigned location", "laptops always on, never idle"). Both are weak
// alone: corroboration for the other signals. Pure: the hours come from the store (device_hours).
import { utcOffsetMinutes } from './geo.js';

export interface ActivityConfig {
  /** Hours looked at: the last this many days. */
  days: number;
  /** Around the clock: on in this share of the hours, over at least `alwaysOnMinHours`. */
  alwaysOnShare: number;
  alwaysOnMinHours: number;
  /** In use around the clock: keyboard or mouse input in this share of the hours (same minimum). */
  neverIdleShare: number;
  /** A working-day pattern needs at least this many hours on, over at least `minDays` days. */
  minHours: number;
  minDays: number;
  /** Off-hours: less than this share of the hours on falls in the assigned zone's working day... */
  assignedWorkdayShare: number;
  /** ...and the hours centre on a working day at least this many hours away from the assigned zone's. */
  minShiftHours: number;
}

export const DEFAULT_ACTIVITY: ActivityConfig = {
  days: 14, alwaysOnShare: 0.95, alwaysOnMinHours: 72, neverIdleShare: 0.9, minHours: 20, minDays: 3, assignedWorkdayShare: 0.5, minShiftHours: 5,
};

/**
 * The working day the rules count in: 08:00 to 20:00 local time (generous: early starts, late
 * evenings); an office day of 09:00 to 18:00 is centred on 13:30, the centre offsets are fitted to.
 */
export const WORKDAY = { from: 8, to: 20, centre: 13.5 };
const HOUR_MS = 3_600_000;

export interface ActivityFinding {
  id: 'activity.always_on' | 'activity.never_idle' | 'activity.off_hours';
  title: string;
  evidence: string[];
}

const iso = (hour: number): string => new Date(hour * HOUR_MS).toISOString().replace(':00.000Z', 'Z');
const pct = (x: number): string => `${Math.round(x * 100)}%`;
const clock = (h: number): string => `${String(Math.floor(h)).padStart(2, '0')}:${String(Math.round((h % 1) * 60) % 60).padStart(2, '0')}`;
const offsetText = (hours: number): string => `UTC${hours >= 0 ? '+' : '-'}${Math.abs(hours)}`;

/** Local hour of day (0..23) of an hour since the epoch, in a zone; undefined for an unknown zone. */
function localHour(hour: number, timeZone: string): number | undefined {
  const offset = utcOffsetMinutes(timeZone, hour * HOUR_MS);
  if (offset === undefined) return undefined;
  return (((hour * 60 + offset) / 60) % 24 + 24) % 24;
}

const inWorkday = (h: number): boolean => h >= WORKDAY.from && h < WORKDAY.to;

/** The longest run of consecutive hours on. */
function longestRun(hours: readonly number[]): number {
  let best = 0;
  let run = 0;
  for (let i = 0; i < hours.length; i++) {
    run = i > 0 && hours[i] === (hours[i - 1] ?? 0) + 1 ? run + 1 : 1;
    best = Math.max(best, run);
  }
  return best;
}

/**
 * Where in the UTC day the hours on gather: the circular mean of their hour of day (the middle of
 * each hour), and how tightly they gather (0: spread evenly, 1: all in one hour).
 */
function centreOfDay(hours: readonly number[]): { centreUtc: number; concentration: number } {
  let x = 0;
  let y = 0;
  for (const h of hours) {
    const angle = (2 * Math.PI * ((h % 24) + 0.5)) / 24;
    x += Math.cos(angle);
    y += Math.sin(angle);
  }
  const centreUtc = (((Math.atan2(y, x) * 24) / (2 * Math.PI)) % 24 + 24) % 24;
  return { centreUtc, concentration: Math.hypot(x, y) / hours.length };
}

/** Keyboard and mouse input, for agents that can read it. */
export interface InputHours {
  /** Hours (since the epoch, UTC) with input, ascending. */
  active: readonly number[];
}

const within = (hours: readonly number[], nowHour: number, days: number): number[] => hours.filter((h) => h > nowHour - days * 24 && h <= nowHour);

/**
 * `hours`: the hours since the epoch (UTC) in which the laptop was on, ascending, within the last
 * `cfg.days` days; `timeZone`: the zone it was assigned (none: only the around-the-clock rules);
 * `input`: the hours with keyboard or mouse input, when the agent can read it. Then the working
 * day is judged by the hours *in use*, and a laptop in use around the clock is a finding too.
 */
export function activityFindings(hours: readonly number[], timeZone: string | undefined, nowMs: number, cfg: ActivityConfig = DEFAULT_ACTIVITY,
  input?: InputHours): ActivityFinding[] {
  const nowHour = Math.floor(nowMs / HOUR_MS);
  const on = within(hours, nowHour, cfg.days);
  const first = on[0];
  if (first === undefined) return [];
  const out: ActivityFinding[] = [];
  const span = nowHour - first + 1;
  if (span >= cfg.alwaysOnMinHours && on.length / span >= cfg.alwaysOnShare) {
    out.push({
      id: 'activity.always_on', title: 'On around the clock', evidence: [
        `on in ${on.length} of the ${span} hours since ${iso(first)} (${pct(on.length / span)}); the longest stretch without a break is ${longestRun(on)} hours`,
        'a laptop that someone carries and uses sleeps; one kept on for remote control does not',
      ],
    });
  }
  const active = input ? within(input.active, nowHour, cfg.days) : undefined;
  const firstActive = active?.[0];
  if (active && firstActive !== undefined) {
    const activeSpan = nowHour - firstActive + 1;
    if (activeSpan >= cfg.alwaysOnMinHours && active.length / activeSpan >= cfg.neverIdleShare) {
      out.push({
        id: 'activity.never_idle', title: 'In use around the clock', evidence: [
          `keyboard or mouse input in ${active.length} of the ${activeSpan} hours since ${iso(firstActive)} (${pct(active.length / activeSpan)})`,
          'one person sleeps; operators in shifts, or a mouse jiggler, do not',
        ],
      });
    }
  }
  // Hours in use around the clock, or (from an agent that cannot read input) hours on around the
  // clock, have no working day to compare. A laptop kept on whose keyboard is used on another
  // continent's working day has one: who uses it, not how it is powered.
  if (out.some((f) => f.id === 'activity.never_idle') || (!active && out.length > 0)) return out;
  const offHours = workingDayFinding(active ?? on, active ? 'in use' : 'on', timeZone, nowMs, cfg);
  return offHours ? [...out, offHours] : out;
}

/** Hours that fall outside the assigned working day and centre on a working day elsewhere. */
function workingDayFinding(recent: readonly number[], what: 'on' | 'in use', timeZone: string | undefined, nowMs: number, cfg: ActivityConfig): ActivityFinding | undefined {
  const days = new Set(recent.map((h) => Math.floor(h / 24))).size;
  if (!timeZone || recent.length < cfg.minHours || days < cfg.minDays) return undefined;
  const local = recent.map((h) => localHour(h, timeZone));
  if (local.some((h) => h === undefined)) return undefined;
  const assignedShare = local.filter((h) => inWorkday(h ?? 0)).length / recent.length;
  if (assignedShare >= cfg.assignedWorkdayShare) return undefined;
  const { centreUtc, concentration } = centreOfDay(recent);
  if (concentration < 0.5) return undefined;
  // The UTC offset whose working day is centred where the hours are.
  let fitted = Math.round(WORKDAY.centre - centreUtc);
  if (fitted < -11) fitted += 24;
  if (fitted > 14) fitted -= 24;
  const assignedOffset = (utcOffsetMinutes(timeZone, nowMs) ?? 0) / 60;
  const apart = (((fitted - assignedOffset) % 24) + 24) % 24;
  if (Math.min(apart, 24 - apart) < cfg.minShiftHours) return undefined;
  const fittedShare = recent.filter((h) => inWorkday((((h + fitted) % 24) + 24) % 24)).length / recent.length;
  return {
    id: 'activity.off_hours', title: `${what === 'on' ? 'On' : 'In use'} mostly outside the working day in ${timeZone}`, evidence: [
      `${pct(assignedShare)} of ${recent.length} hours ${what} over ${days} days fall between ${clock(WORKDAY.from)} and ${clock(WORKDAY.to)} in ${timeZone}`,
      `they centre on ${clock(centreUtc)} UTC: a working day at ${offsetText(fitted)} (${pct(fittedShare)} of the hours between ${clock(WORKDAY.from)} and ${clock(WORKDAY.to)} there)`,
    ],
  };
}
