// The device page's hours-on grid: one row per day (newest on top), one column per hour, in the
// laptop's assigned time zone; a filled cell is an hour in which the laptop was on (its agent sent
// something stamped in it), a dark one an hour with keyboard or mouse input (agents that can read it). The shaded columns are the working day the activity rules count in,
// so "on around the clock" and "on at night where it was shipped" can be seen at a glance.
import { svg } from './dom.js';

export interface Activity { timeZone: string; days: number; nowMs: number; hours: number[]; activeHours: number[]; inputReportedMs: number | null }

const HOUR_MS = 3_600_000;
const WORKDAY = { from: 8, to: 20 };
const CELL = 16;
const LEFT = 86;
const TOP = 18;

/** "2026-11-24" and hour 0..23 of a moment in a zone. */
function localParts(fmt: Intl.DateTimeFormat, ms: number): { day: string; hour: number } {
  const p = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { day: `${p.year ?? ''}-${p.month ?? ''}-${p.day ?? ''}`, hour: Number(p.hour) % 24 };
}

export function hoursGrid(a: Activity): SVGSVGElement {
  let timeZone = a.timeZone;
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });
  } catch {
    timeZone = 'UTC';
    fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });
  }
  const label = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short' });
  // The last `days` local days, newest first, each with a noon-ish moment to label it by.
  const days: { day: string; label: string }[] = [];
  for (let ms = a.nowMs; days.length < a.days; ms -= 86_400_000) {
    const { day } = localParts(fmt, ms);
    if (!days.some((d) => d.day === day)) days.push({ day, label: label.format(new Date(ms)) });
  }
  const keys = (hours: number[]): Set<string> => new Set(hours.map((h) => {
    const p = localParts(fmt, h * HOUR_MS);
    return `${p.day}|${p.hour}`;
  }));
  const on = keys(a.hours);
  const inUse = keys(a.activeHours);
  const now = localParts(fmt, a.nowMs);
  const width = LEFT + 24 * CELL + 4;
  const height = TOP + days.length * CELL + 4;
  const shade = svg('rect', { class: 'hours-workday', x: LEFT + WORKDAY.from * CELL, y: TOP - 4, width: (WORKDAY.to - WORKDAY.from) * CELL, height: days.length * CELL + 6 });
  const ticks = [0, 6, 8, 12, 18, 20].map((h) => svg('text', { class: 'axis', x: LEFT + h * CELL, y: TOP - 6 }, `${String(h).padStart(2, '0')}`));
  const rows = days.map((d, r) => {
    const y = TOP + r * CELL;
    const cells = Array.from({ length: 24 }, (_, hour) => {
      const later = d.day === now.day && hour > now.hour;
      const isOn = on.has(`${d.day}|${hour}`);
      const used = inUse.has(`${d.day}|${hour}`);
      const state = later ? 'not yet' : used ? 'in use (keyboard or mouse)' : isOn ? 'on' : 'no sign of the laptop';
      const text = `${d.label} ${String(hour).padStart(2, '0')}:00–${String(hour + 1).padStart(2, '0')}:00 ${timeZone}: ${state}`;
      return svg('rect', {
        class: `hour ${used ? 'hour-on hour-active' : isOn ? 'hour-on' : later ? 'hour-later' : 'hour-off'}`, x: LEFT + hour * CELL + 1, y: y + 1, width: CELL - 2, height: CELL - 2, rx: 2,
        'data-day': d.day, 'data-hour': hour,
      }, svg('title', {}, text));
    });
    return [svg('text', { class: 'axis', x: LEFT - 8, y: y + CELL - 4, 'text-anchor': 'end' }, d.label), cells];
  });
  return svg('svg', {
    class: 'hours-grid', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
    'aria-label': `hours the laptop was on over the last ${a.days} days, in ${timeZone}`,
  }, shade, ticks, rows);
}
