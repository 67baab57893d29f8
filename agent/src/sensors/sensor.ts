import type { Catalog } from '@farmwatch/shared';
import type { CommandRunner } from './command.js';
// What every sensor is: a spec (name, platforms, cost, interval) and one collect function per
// platform, in the manner of an osquery table. A sensor never throws to its caller: runSensor turns
// a missing capability into "unavailable" with the reason, and any other failure into "error".

export type HostPlatform = 'linux' | 'darwin' | 'win32';

export interface SensorContext {
  platform: HostPlatform;
  /** Prefix for /proc, /sys and /etc reads: "" on a live host, a fixture folder in tests. */
  root: string;
  /**
   * Runs one of the fixed platform commands (ioreg, reg, netsh, ...): the real execFile by
   * default; tests pass recorded output here (see command.ts).
   */
  run?: CommandRunner;
  /** Catalog names some sensors look for (mDNS names of KVMs); the built-in catalog when absent. */
  catalog?: Catalog;
  /** Leave out sensors that send packets (the mDNS probe): for runs that must stay silent on the network. */
  noNetworkProbes?: boolean;
}

export interface SensorSpec<T> {
  name: string;
  description: string;
  platforms: readonly HostPlatform[];
  /** How heavy one run is: decides how often the scheduler may run it. */
  cost: 'cheap' | 'moderate' | 'expensive';
  defaultIntervalS: number;
  collect(ctx: SensorContext): Promise<T>;
  /** How many items a result holds, for the sensor's state report. */
  count(facts: T): number;
}

/** Thrown by a collect function when the host cannot give this fact at all. */
export class SensorUnavailable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'SensorUnavailable';
  }
}

export type SensorOutcome<T> =
  | { sensor: string; status: 'ok'; facts: T; items: number; startedAtMs: number; durationMs: number }
  | { sensor: string; status: 'unavailable' | 'error' | 'disabled'; reason: string; startedAtMs: number; durationMs: number };

export async function runSensor<T>(spec: SensorSpec<T>, ctx: SensorContext): Promise<SensorOutcome<T>> {
  const startedAtMs = Date.now();
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  if (!spec.platforms.includes(ctx.platform)) {
    return { sensor: spec.name, status: 'unavailable', reason: `not implemented on ${ctx.platform}`, startedAtMs, durationMs: 0 };
  }
  try {
    const facts = await spec.collect(ctx);
    return { sensor: spec.name, status: 'ok', facts, items: spec.count(facts), startedAtMs, durationMs: elapsed() };
  } catch (err) {
    if (err instanceof SensorUnavailable) {
      // A sensor turned off by configuration says so (SensorDisabled is a SensorUnavailable).
      const status = err.name === 'SensorDisabled' ? 'disabled' : 'unavailable';
      return { sensor: spec.name, status, reason: err.message, startedAtMs, durationMs: elapsed() };
    }
    const reason = err instanceof Error ? err.message : String(err);
    return { sensor: spec.name, status: 'error', reason, startedAtMs, durationMs: elapsed() };
  }
}

export function hostPlatform(): HostPlatform {
  const p = process.platform;
  if (p === 'linux' || p === 'darwin' || p === 'win32') return p;
  throw new Error(`farmwatch-agent does not support ${p}`);
}
