// What the heartbeat says of keyboard and mouse use: the input sensor's last reading aged to now,
// nothing when the reading is stale or the sensor could not take it, "nobody logged in" as such.
import { describe, expect, it } from 'vitest';
import { MAX_IDLE_S, inputActivity } from '../src/runtime/input-activity.js';
import type { SensorSummary } from '../src/pipeline/scan.js';

const now = 1_800_000_000_000;
const ran = (agoMs: number, status: SensorSummary['status'] = 'ok'): SensorSummary => ({ sensor: 'input_idle', status, items: 1, startedAtMs: now - agoMs - 5, durationMs: 5 });

describe('input activity in heartbeats', () => {
  it('ages the last reading to now', () => {
    expect(inputActivity({ idleMs: 12_000, source: 'logind', sessions: 1 }, ran(20_000), 60_000, now)).toEqual({ idleS: 32 });
  });

  it('says nobody is logged in when no session was there', () => {
    expect(inputActivity({ idleMs: null, source: 'logind', sessions: 0 }, ran(1_000), 60_000, now)).toEqual({ idleS: 0, noSession: true });
  });

  it('says nothing from a stale reading, a failed sensor, or none', () => {
    expect(inputActivity({ idleMs: 0, source: 'logind', sessions: 1 }, ran(181_000), 60_000, now)).toBeUndefined();
    expect(inputActivity({ idleMs: 0, source: 'logind', sessions: 1 }, ran(1_000, 'error'), 60_000, now)).toBeUndefined();
    expect(inputActivity(undefined, undefined, 60_000, now)).toBeUndefined();
  });

  it('caps a month of idleness', () => {
    expect(inputActivity({ idleMs: 90 * 86_400_000, source: 'HIDIdleTime', sessions: 1 }, ran(0), 60_000, now)).toEqual({ idleS: MAX_IDLE_S });
  });
});
