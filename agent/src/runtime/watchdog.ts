// Resource limits in the spirit of osquery's watchdog (it defaults to 200 MB and 10% CPU): the
// agent measures itself and, past its limits, first slows its sensors down, then restarts (the
// service manager starts it again, and the collector hears "stopped: watchdog").
//
// Pure decisions over samples, so the policy is tested without burning CPU.

export interface WatchdogLimits {
  memoryBytes: number;
  /** Per mille of one core, averaged over `windowMs`. */
  cpuPermille: number;
  windowMs: number;
}

export interface Sample {
  atMs: number;
  cpuPermille: number;
  rssBytes: number;
}

export type WatchdogAction =
  | { action: 'ok' }
  | { action: 'throttle'; factor: number; reason: string }
  | { action: 'restart'; reason: string };

export class Watchdog {
  private samples: Sample[] = [];
  private throttle = 1;
  private overSinceMs: number | undefined;

  constructor(private readonly limits: WatchdogLimits) {}

  /** How much slower than configured the sensors run now (1 = as configured). */
  get throttleFactor(): number {
    return this.throttle;
  }

  observe(s: Sample): WatchdogAction {
    this.samples.push(s);
    this.samples = this.samples.filter((x) => x.atMs > s.atMs - this.limits.windowMs);
    if (s.rssBytes > this.limits.memoryBytes) {
      return { action: 'restart', reason: `resident memory ${mb(s.rssBytes)} MB is above the ${mb(this.limits.memoryBytes)} MB limit` };
    }
    const span = s.atMs - (this.samples[0]?.atMs ?? s.atMs);
    const average = this.samples.reduce((n, x) => n + x.cpuPermille, 0) / this.samples.length;
    // Judge CPU only over a full window: a scan is a short burst by design.
    if (span < this.limits.windowMs * 0.8) return { action: 'ok' };
    if (average <= this.limits.cpuPermille) {
      this.overSinceMs = undefined;
      if (this.throttle > 1 && average < this.limits.cpuPermille / 2) this.throttle = Math.max(1, this.throttle / 2);
      return { action: 'ok' };
    }
    this.overSinceMs ??= s.atMs;
    const pct = (average / 10).toFixed(1);
    const limit = (this.limits.cpuPermille / 10).toFixed(0);
    if (this.throttle >= 8 && s.atMs - this.overSinceMs >= this.limits.windowMs) {
      return { action: 'restart', reason: `CPU ${pct}% of a core stayed above the ${limit}% limit with sensors slowed 8 times` };
    }
    this.throttle = Math.min(8, this.throttle * 2);
    this.samples = [s];
    return { action: 'throttle', factor: this.throttle, reason: `CPU ${pct}% of a core over the last minute is above the ${limit}% limit` };
  }
}

const mb = (bytes: number): string => (bytes / 1048576).toFixed(0);
