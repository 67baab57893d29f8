// The activity rules over hours a laptop was on: a farm laptop on around the clock, a laptop used
// from Shanghai on the night side of its assigned zone, and the ordinary laptops (office hours,
// late evenings, a short run of always-on, too little data) that must stay quiet.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, DEVICE_WEIGHTS, activityFindings, evaluateDevice, type DeviceFacts, type DeviceRow, type FindingRow, type RegistrationRow } from '../src/index.js';

const H = 3_600_000;
// Thursday 2026-11-26 23:30 UTC: no daylight-saving change in the two weeks before it.
const now = Date.UTC(2026, 10, 26, 23, 30);
const nowHour = Math.floor(now / H);

/** Hours (since the epoch) on each of the last `days` days at these local hours of a fixed UTC offset, weekdays only unless told. */
function schedule(days: number, offsetHours: number, localHours: number[], opts: { weekends?: boolean } = {}): number[] {
  const out: number[] = [];
  const today = Math.floor((nowHour + offsetHours) / 24); // the local day number now
  for (let d = today - days + 1; d <= today; d++) {
    const weekday = new Date(d * 86_400_000).getUTCDay();
    if (!opts.weekends && (weekday === 0 || weekday === 6)) continue;
    for (const h of localHours) {
      const hour = d * 24 + h - offsetHours;
      if (hour <= nowHour) out.push(hour);
    }
  }
  return out.sort((a, b) => a - b);
}
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
const OFFICE = range(9, 18);

describe('activity: hours on against the assigned time zone', () => {
  it('an office worker in Chicago, and one who also works late evenings: nothing', () => {
    expect(activityFindings(schedule(14, -6, OFFICE), 'America/Chicago', now)).toEqual([]);
    expect(activityFindings(schedule(14, -6, [...OFFICE, 19, 20, 21, 22], { weekends: true }), 'America/Chicago', now)).toEqual([]);
  });

  it('a laptop shipped to Chicago, used 09:00-18:00 Shanghai time: outside the working day, fitted to UTC+8', () => {
    const found = activityFindings(schedule(14, 8, OFFICE), 'America/Chicago', now);
    expect(found.map((f) => f.id)).toEqual(['activity.off_hours']);
    expect(found[0]?.title).toBe('On mostly outside the working day in America/Chicago');
    expect(found[0]?.evidence[0]).toMatch(/^11% of 81 hours on over 9 days fall between 08:00 and 20:00 in America\/Chicago$/);
    expect(found[0]?.evidence[1]).toMatch(/^they centre on 05:30 UTC: a working day at UTC\+8 \(100% of the hours between 08:00 and 20:00 there\)$/);
  });

  it('the same Shanghai hours on a laptop shipped to Los Angeles (its evening) or Berlin (its early morning)', () => {
    expect(activityFindings(schedule(14, 8, OFFICE), 'America/Los_Angeles', now).map((f) => f.id)).toEqual(['activity.off_hours']);
    // 09:00-18:00 in Shanghai is 02:00-11:00 in Berlin: more than half of it outside 08-20.
    expect(activityFindings(schedule(14, 8, OFFICE), 'Europe/Berlin', now).map((f) => f.id)).toEqual(['activity.off_hours']);
    // Tokyo is an hour from Shanghai: the same working day, nothing to say.
    expect(activityFindings(schedule(14, 8, OFFICE), 'Asia/Tokyo', now)).toEqual([]);
  });

  it('a farm laptop on around the clock for four days: always on, and no working-day comparison', () => {
    const hours = range(nowHour - 4 * 24 + 1, nowHour + 1).filter((h) => h !== nowHour - 30); // one hour missed
    const found = activityFindings(hours, 'America/Chicago', now);
    expect(found.map((f) => f.id)).toEqual(['activity.always_on']);
    expect(found[0]?.evidence[0]).toBe('on in 95 of the 96 hours since 2026-11-23T00:00Z (99%); the longest stretch without a break is 65 hours');
  });

  it('too little to say: two days on around the clock, a few hours at night, no assigned zone', () => {
    expect(activityFindings(range(nowHour - 47, nowHour + 1), 'America/Chicago', now)).toEqual([]);
    expect(activityFindings(schedule(2, 8, OFFICE, { weekends: true }), 'America/Chicago', now)).toEqual([]);
    expect(activityFindings(schedule(14, 8, OFFICE), undefined, now)).toEqual([]);
    expect(activityFindings([], 'America/Chicago', now)).toEqual([]);
  });

  it('hours older than the window do not count', () => {
    const old = schedule(14, 8, OFFICE).map((h) => h - 20 * 24);
    expect(activityFindings(old, 'America/Chicago', now)).toEqual([]);
  });

  it('hours spread over the whole day, with a gap here and there, fit no working day', () => {
    // On every third hour: not always on, a third of them in the working day, no centre.
    const hours = range(nowHour - 14 * 24 + 1, nowHour + 1).filter((h) => h % 3 === 0 && h % 8 !== 0);
    expect(activityFindings(hours, 'Asia/Tokyo', now)).toEqual([]);
  });
});

describe('activity: hours in use (keyboard or mouse), for agents that can read input', () => {
  it('a farm laptop on around the clock but used only in Shanghai office hours: always on, and the working day is judged by use', () => {
    const on = range(nowHour - 14 * 24 + 1, nowHour + 1);
    const used = schedule(14, 8, OFFICE);
    const found = activityFindings(on, 'America/Chicago', now, undefined, { active: used });
    // Kept on around the clock, and used on Shanghai's working day: both, each with its own evidence.
    expect(found.map((f) => f.id)).toEqual(['activity.always_on', 'activity.off_hours']);
    expect(found[1]?.title).toBe('In use mostly outside the working day in America/Chicago');
    // From an agent that cannot read input, hours on around the clock have no working day to compare.
    expect(activityFindings(on, 'America/Chicago', now).map((f) => f.id)).toEqual(['activity.always_on']);
    // A laptop that sleeps between uses: the hours in use fall in Shanghai's working day.
    const sleeps = activityFindings(used, 'America/Chicago', now, undefined, { active: used });
    expect(sleeps.map((f) => f.title)).toEqual(['In use mostly outside the working day in America/Chicago']);
    expect(sleeps[0]?.evidence[0]).toMatch(/^11% of 81 hours in use over 9 days fall between 08:00 and 20:00 in America\/Chicago$/);
  });

  it('in use in every hour for four days (operators in shifts, or a mouse jiggler): never idle, besides always on', () => {
    const hours = range(nowHour - 4 * 24 + 1, nowHour + 1);
    const found = activityFindings(hours, 'America/Chicago', now, undefined, { active: hours.filter((h) => h % 24 !== 3) });
    expect(found.map((f) => f.id)).toEqual(['activity.always_on', 'activity.never_idle']);
    expect(found[1]?.evidence[0]).toBe('keyboard or mouse input in 92 of the 96 hours since 2026-11-23T00:00Z (96%)');
  });

  it('on all day and used in Chicago office hours: nothing but always on; used in office hours on a laptop that sleeps: nothing', () => {
    const used = schedule(14, -6, OFFICE);
    expect(activityFindings(range(nowHour - 14 * 24 + 1, nowHour + 1), 'America/Chicago', now, undefined, { active: used }).map((f) => f.id)).toEqual(['activity.always_on']);
    expect(activityFindings(used, 'America/Chicago', now, undefined, { active: used })).toEqual([]);
  });

  it('an agent that reports input but nobody used the laptop: no working-day finding from too few hours', () => {
    expect(activityFindings(schedule(14, 8, OFFICE), 'America/Chicago', now, undefined, { active: [] })).toEqual([]);
  });
});

describe('activity in the device risk', () => {
  const device = { id: 'dev_1', machineId: 'm', hostname: 'lt', hardwareSerial: 'S1', osPlatform: 'windows', osName: 'Windows', osVersion: '11',
    agentVersion: 't', catalogVersion: 't', timeZone: 'America/Chicago', clockSkewMs: 0, lastPeer: '', firstSeenMs: now - 20 * 86_400_000,
    lastSeenMs: now, lastSequence: 10, publicIp: '', rttMs: null, cpuPermille: null, cpuWindowS: null, cpuAtMs: null, rssBytes: null, spoolDepth: null, stoppedAtMs: null, stopReason: null } satisfies DeviceRow;
  const registration = { deviceId: 'dev_1', serial: 'S1', assigneeName: 'Avery Brooks', assigneeEmail: 'avery@example.com', shipTo: 'Chicago, Illinois, US', shipCountry: 'US',
    shipLat: 41.88, shipLon: -87.63, timeZone: 'America/Chicago', registeredMs: now - 25 * 86_400_000, registeredBy: 'it', enrolledMs: now - 20 * 86_400_000, revokedMs: null } satisfies RegistrationRow;
  const facts = (onlineHours: number[]): DeviceFacts => ({ device, registration, findings: [], observations: [], egress: undefined, peers: [], enrolledMs: registration.enrolledMs, nowMs: now, onlineHours });

  it('weighs each as documented, low alone', () => {
    const night = evaluateDevice(facts(schedule(14, 8, OFFICE)), DEFAULT_RULES);
    expect(night.signals.map((s) => [s.id, s.weight])).toEqual([['activity.off_hours', DEVICE_WEIGHTS['activity.off_hours']]]);
    expect(night.severity).toBe('info');
    const always = evaluateDevice(facts(range(nowHour - 99, nowHour + 1)), DEFAULT_RULES);
    expect(always.signals.map((s) => s.id)).toEqual(['activity.always_on']);
    expect(evaluateDevice(facts(schedule(14, -6, OFFICE)), DEFAULT_RULES).signals).toEqual([]);
  });

  it('used on Shanghai\'s working day with a tool on it that lets others in: the hours are those of the person at its other end', () => {
    const anydesk: FindingRow = { deviceId: 'dev_1', detector: 'remote_access.process', key: 'anydesk', category: 'remote_access', severity: 'medium', confidence: 80,
      title: 'AnyDesk is running', catalogEntry: 'anydesk', sanctioned: false, evidence: [{ field: 'remote_access.role', value: 'host', catalogEntry: 'anydesk' }],
      firstSeenMs: now - 19 * 86_400_000, lastSeenMs: now, clearedAtMs: null };
    const used = schedule(14, 8, OFFICE);
    const on = range(nowHour - 14 * 24 + 1, nowHour + 1);
    const driven = evaluateDevice({ ...facts(on), activeHours: used, findings: [anydesk] }, DEFAULT_RULES);
    expect(driven.signals.map((s) => [s.id, s.weight])).toEqual([
      ['remote_access.early', DEVICE_WEIGHTS['remote_access.early']],
      ['activity.off_hours.remote', DEVICE_WEIGHTS['activity.off_hours.remote']],
      ['activity.always_on', DEVICE_WEIGHTS['activity.always_on']],
    ]);
    expect(DEVICE_WEIGHTS['activity.off_hours.remote']).toBeGreaterThan(DEVICE_WEIGHTS['activity.off_hours']);
    // The same hours in use, no such tool (a night owl): the plain finding. A client-only tool is no such tool.
    expect(evaluateDevice({ ...facts(on), activeHours: used }, DEFAULT_RULES).signals.map((s) => s.id)).toEqual(['activity.always_on', 'activity.off_hours']);
    const putty = { ...anydesk, key: 'putty', catalogEntry: 'putty', evidence: [{ field: 'remote_access.role', value: 'client', catalogEntry: 'putty' }] };
    expect(evaluateDevice({ ...facts(on), activeHours: used, findings: [putty] }, DEFAULT_RULES).signals.map((s) => s.id)).toEqual(['activity.always_on', 'activity.off_hours']);
    // Hours on only (an agent that cannot read input): the hours say less about who used it.
    expect(evaluateDevice({ ...facts(used), findings: [anydesk] }, DEFAULT_RULES).signals.map((s) => s.id)).toEqual(['remote_access.early', 'activity.off_hours']);
  });
});
