// The habits a planned laptop's routine (routine.mjs) is made of, drawn per person or per farm.
import { workStarts } from '../routine.mjs';

/**
 * Someone who works a day: starts between 07:30 and 09:45 (a night owl between 10:30 and 13:00),
 * works eight to ten hours, at the office on `officeDays` (1 Monday .. 5 Friday), sometimes an
 * evening or a weekend hour; about one in eight leaves the laptop on when done.
 */
export function personRoutine(r, laptop, { officeDays = [], late = false, leavesOn } = {}) {
  const start = late ? 10.5 + r.next() * 2.5 : 7.5 + r.next() * 2.25;
  const end = start + (late ? 8.5 + r.next() * 2 : 8 + r.next() * 1.5);
  return {
    kind: 'person', timeZone: laptop.timeZone, start, end, officeDays, evenings: r.next() * 0.5, weekends: r.next() * 0.35,
    leavesOn: leavesOn ?? r.chance(0.12), dayOffChance: 0.04,
  };
}

/** Office days of a hybrid worker: two to five weekdays. */
export function hybridDays(r, min = 2) {
  const k = r.int(min, 5);
  const days = [1, 2, 3, 4, 5];
  while (days.length > k) days.splice(r.int(0, days.length - 1), 1);
  return days;
}

/** Where remote workers of the scheme sit (docs/THREATS.md: usually China or Russia; North Korea itself). */
const OPERATOR_ZONES = [['Asia/Shanghai', 0.6], ['Asia/Pyongyang', 0.25], ['Asia/Vladivostok', 0.15]];

/**
 * The hours of the remote worker behind a farm laptop: their own working day in their zone (six
 * days a week for many), or the employer's hours, kept to attend the stand-ups.
 */
export function remoteWorker(r, laptop, style) {
  if (style === 'employer') {
    const start = 8 + r.next() * 1.5;
    return { timeZone: laptop.timeZone, start, end: start + 8.5 + r.next() * 1.5, days: 'weekdays' };
  }
  let x = r.next();
  const zone = OPERATOR_ZONES.find(([, p]) => (x -= p) < 0)?.[0] ?? 'Asia/Shanghai';
  const start = 8.5 + r.next() * 1.5;
  return { timeZone: zone, start, end: start + 9 + r.next() * 2, days: r.chance(0.5) ? 'six' : 'weekdays' };
}

/** A farm laptop's routine: at the facilitator's house, on around the clock or only for the worker's day. */
export function farmRoutine(operator, alwaysOn, at = 'house') {
  return { kind: 'farm', operator, alwaysOn, at };
}

/**
 * How a farm laptop is driven and since when: `extras` the tool or KVM; `from` 'history' (since
 * the first replayed hour), 0 (the first live report) or 1 (later, while the collector watches).
 */
export function control(ctx, extras, operator, from) {
  const c = { from, extras, operator, liveAtMs: ctx.endMs + (from === 1 ? 60_000 : 0) };
  if (from === 'history') {
    c.fromMs = ctx.startMs;
    c.sessions = workStarts(operator, ctx.startMs, ctx.endMs);
  }
  return c;
}

/**
 * When a farm's control starts: on day one at the first report; otherwise mostly all along (the
 * farm ran before the replayed days), sometimes while the collector watches.
 */
export function controlStart(ctx, liveShare = 0.25) {
  // Drawn on day one too: the same seed plans the same fleet with history and on day one.
  const live = ctx.r.chance(liveShare);
  if (ctx.dayOne) return 0;
  return live ? 1 : 'history';
}

/** The evidence moment a farm laptop is timed from (score.mjs): its control's start, or the history for a house of several. */
export function signalOf(ctx, from, houseSize) {
  if (houseSize >= 2) return ctx.dayOne ? 0 : 'history';
  return from;
}

/**
 * A moment in the replayed days when the laptop is in use between 10:00 and 16:00 at `at` (the
 * helpdesk connects then), or undefined.
 */
export function workingMoment(ctx, laptop, stateAt, at) {
  const step = 15 * 60_000;
  const first = ctx.startMs + ctx.r.int(0, Math.floor((ctx.endMs - ctx.startMs) / step / 2)) * step;
  if (ctx.days === 0) return undefined;
  for (let t = first; t < ctx.endMs - step; t += step) {
    const s = stateAt(laptop, t);
    const hour = new Date(t).getUTCHours();
    if (s.input && (!at || s.at === at) && hour >= 14 && hour <= 22) return t;
  }
  return undefined;
}
