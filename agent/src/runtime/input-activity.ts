// What a heartbeat says of keyboard and mouse use: the input sensor's last reading, aged to now.
// A reading older than three of the sensor's intervals says nothing (the sensor stopped working),
// and neither does one the sensor could not take.
import type { InputIdleFact } from '../sensors/index.js';
import type { SensorSummary } from '../pipeline/scan.js';

/** Idle time is reported up to a month; longer says nothing more. */
export const MAX_IDLE_S = 30 * 86_400;

export function inputActivity(fact: InputIdleFact | undefined, state: SensorSummary | undefined, intervalMs: number, nowMs: number):
  { idleS: number; noSession?: boolean } | undefined {
  if (!fact || state?.status !== 'ok') return undefined;
  const age = nowMs - (state.startedAtMs + state.durationMs);
  if (age > 3 * intervalMs) return undefined;
  if (fact.idleMs === null) return { idleS: 0, noSession: true };
  return { idleS: Math.min(MAX_IDLE_S, Math.round((fact.idleMs + Math.max(0, age)) / 1000)) };
}
