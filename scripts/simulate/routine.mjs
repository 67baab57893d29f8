// Where a laptop is, whether it is on and whether someone uses it, at any moment: the daily life of
// the person (or operator) behind it. Pure and deterministic: every day's plan comes from a
// generator seeded with the laptop's serial and the local date, so the history a worker replays and
// the moment "now" the planner places a laptop agree.
//
// Two kinds of routine:
//   person: someone who works a day and sleeps at night. On weekdays from about `start` to `end`
//     (each day a little earlier or later), at the office on their office days (the laptop sleeps
//     in the bag on the way) and at home on the others; a short evening at home now and then, an
//     hour or two on some weekend days, a day off now and then. When nobody uses it the laptop
//     sleeps, unless its owner leaves it on (docked, plugged in, updates): then it stays on at
//     home, untouched.
//   farm: a laptop kept at a facilitator's house for someone abroad. The facilitator keeps it on
//     around the clock (the remote worker must reach it at any time), or turns it on for the
//     worker's day only; it is used only while the remote worker works (their hours in their own
//     zone, or the employer's hours when they keep those to attend the stand-ups).
import { rng } from './random.mjs';

const HOUR_MS = 3_600_000;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const formats = new Map();

/** Local date, hour (with minutes as a fraction) and weekday (0 Sunday .. 6 Saturday) of `ms` in `timeZone`. */
export function localTime(ms, timeZone) {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short' });
    formats.set(timeZone, f);
  }
  const p = {};
  for (const x of f.formatToParts(new Date(ms))) p[x.type] = x.value;
  return { day: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour) + Number(p.minute) / 60, weekday: WEEKDAYS.indexOf(p.weekday) };
}

const seedOf = (s) => {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
};

const plans = new Map();
/** The plan of one local day of a person: cached (a worker asks for each quarter hour). */
function dayPlan(serial, routine, day, weekday) {
  const key = `${serial}|${day}`;
  const hit = plans.get(key);
  if (hit) return hit;
  const r = rng(seedOf(key));
  const workday = weekday >= 1 && weekday <= 5;
  const off = r.chance(routine.dayOffChance ?? 0.04);
  const start = routine.start + (r.next() - 0.5) * 1.5;
  const end = Math.max(start + 4, routine.end + (r.next() - 0.5) * 2);
  const atOffice = workday && (routine.officeDays ?? []).includes(weekday) && !r.chance(0.1);
  const evening = r.chance(routine.evenings ?? 0) ? [20 + r.next(), 21 + r.next() * 1.5] : null;
  const weekend = !workday && r.chance(routine.weekends ?? 0) ? (() => {
    const from = 10 + r.next() * 8;
    return [from, from + 0.5 + r.next() * 2];
  })() : null;
  const lunch = 12 + r.next();
  const plan = { workday: workday && !off, start, end, atOffice, evening, weekend, lunch, commute: 0.4 + r.next() * 0.5 };
  if (plans.size > 200_000) plans.clear();
  plans.set(key, plan);
  return plan;
}

const within = (h, [from, to]) => h >= from && h < to;

/**
 * The state of a person's laptop at `ms`: { on, input, at } (`at` names a place of the laptop:
 * 'home' or 'office').
 */
function personAt(serial, routine, ms) {
  const { day, hour, weekday } = localTime(ms, routine.timeZone);
  const d = dayPlan(serial, routine, day, weekday);
  const idle = routine.leavesOn ? { on: true, input: false, at: 'home' } : { on: false, input: false, at: 'home' };
  if (d.workday) {
    if (within(hour, [d.start, d.end])) {
      const at = d.atOffice ? 'office' : 'home';
      // Lunch away from the desk: on, untouched.
      return { on: true, input: !within(hour, [d.lunch, d.lunch + 0.75]), at };
    }
    if (d.atOffice && (within(hour, [d.start - d.commute, d.start]) || within(hour, [d.end, d.end + d.commute]))) return { on: false, input: false, at: 'home' };
  }
  if (d.evening && within(hour, d.evening)) return { on: true, input: true, at: 'home' };
  if (d.weekend && within(hour, d.weekend)) return { on: true, input: true, at: 'home' };
  return idle;
}

/** Whether the remote worker of a farm laptop works at `ms` (their hours, in their zone). */
export function operatorWorks(operator, ms) {
  const { hour, weekday } = localTime(ms, operator.timeZone);
  if (operator.days === 'weekdays' && (weekday === 0 || weekday === 6)) return false;
  if (operator.days === 'six' && weekday === 0) return false;
  return operator.start < operator.end ? within(hour, [operator.start, operator.end]) : hour >= operator.start || hour < operator.end;
}

function farmAt(routine, ms) {
  const works = operatorWorks(routine.operator, ms);
  // Turned on for the worker's day only: on from an hour before until the worker stops.
  const soon = !works && operatorWorks(routine.operator, ms + HOUR_MS);
  return { on: routine.alwaysOn || works || soon, input: works, at: routine.at ?? 'house' };
}

/** The state of `laptop` at `ms`: { on, input, at }. */
export function stateAt(laptop, ms) {
  const r = laptop.routine;
  if (!r) return { on: true, input: true, at: 'home' };
  return r.kind === 'farm' ? farmAt(r, ms) : personAt(laptop.serial, r, ms);
}

/**
 * Where the laptop is at `ms` and whether someone uses it, with the seconds since its last use:
 * { on, input, at, idleS }.
 */
export function nowState(laptop, ms) {
  const s = stateAt(laptop, ms);
  // Asleep now, it wakes at home (people take their laptop home) or where a farm keeps it.
  const at = s.on ? s.at : laptop.routine?.kind === 'farm' ? s.at : 'home';
  if (s.input) return { ...s, idleS: 30 };
  for (let t = ms - 15 * 60_000, n = 0; n < 4 * 96; t -= 15 * 60_000, n++) {
    if (stateAt(laptop, t).input) return { ...s, at, idleS: Math.round((ms - t) / 1000) };
  }
  return { ...s, at, idleS: 3 * 86_400 };
}

/**
 * A laptop's first report on day one: where its routine first has it in use from `ms` on (a new
 * hire unpacks the laptop on a working day, at the office on an office day), in use then.
 */
export function firstUse(laptop, ms) {
  for (let t = ms, n = 0; n < 7 * 96; t += 15 * 60_000, n++) {
    const s = stateAt(laptop, t);
    if (s.input) return { ...s, idleS: 30 };
  }
  return nowState(laptop, ms);
}

/** The starts of the remote worker's working stretches in (fromMs, toMs]: when an operator connects. */
export function workStarts(operator, fromMs, toMs, stepMs = 15 * 60_000) {
  const out = [];
  let was = operatorWorks(operator, fromMs);
  if (was) out.push(fromMs);
  for (let t = fromMs + stepMs; t <= toMs; t += stepMs) {
    const works = operatorWorks(operator, t);
    if (works && !was) out.push(t);
    was = works;
  }
  return out;
}
