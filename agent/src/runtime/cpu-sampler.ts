// The agent's own CPU use, measured over a stated window: one sampler the watchdog, the status file
// and the reports to the collector all read. A sample (cumulative CPU time of the process, and the
// time) is taken every few seconds; a reading compares now with the sample a window ago, so it
// says "7 per mille of one core over the last 60 s", and never mixes in the start-up burst once a
// full window has passed. Before that it covers the time since the sampler started, and says so.

/** The span a CPU figure covers once the agent has run that long. */
export const CPU_WINDOW_MS = 60_000;

export interface CpuReading {
  /** CPU time over wall time, per mille of one core. */
  permille: number;
  /** The span the figure covers, in whole seconds (0: nothing measured yet). */
  windowS: number;
  /** The span reaches back to when the sampler started (no full window has passed yet): start-up included. */
  fromStart: boolean;
}

interface Sample {
  atMs: number;
  cpuUs: number;
}

export interface CpuSamplerOptions {
  windowMs?: number;
  /** A sample this much younger than a window still counts as a window old (scheduling jitter). */
  toleranceMs?: number;
  /** Milliseconds on a monotonic clock. */
  now?: () => number;
  /** Cumulative CPU time of the process, in microseconds (process.cpuUsage()). */
  cpuUsage?: () => { user: number; system: number };
}

export class CpuSampler {
  private readonly windowMs: number;
  private readonly toleranceMs: number;
  private readonly now: () => number;
  private readonly cpuUsage: () => { user: number; system: number };
  /** Oldest first; the oldest is the newest sample at least a window old, once there is one. */
  private samples: Sample[] = [];
  private readonly first: Sample;

  constructor(opts: CpuSamplerOptions = {}) {
    this.windowMs = opts.windowMs ?? CPU_WINDOW_MS;
    this.toleranceMs = opts.toleranceMs ?? 1000;
    this.now = opts.now ?? (() => performance.now());
    this.cpuUsage = opts.cpuUsage ?? (() => process.cpuUsage());
    this.first = this.current();
    this.samples.push(this.first);
  }

  private current(): Sample {
    const u = this.cpuUsage();
    return { atMs: this.now(), cpuUs: u.user + u.system };
  }

  /** Takes a sample; returns the CPU use since the previous one (per mille of one core), for the watchdog's averages. */
  sample(): { atMs: number; permille: number } {
    const s = this.current();
    const prev = this.samples[this.samples.length - 1] ?? this.first;
    this.samples.push(s);
    // Keep one sample at least a window old (the base of the next readings), none older.
    while (this.samples.length > 2 && (this.samples[1] as Sample).atMs <= s.atMs - this.windowMs + this.toleranceMs) this.samples.shift();
    return { atMs: s.atMs, permille: rate(prev, s) };
  }

  /** CPU use over the last window, or since the start when less than a window has passed. */
  read(): CpuReading {
    const now = this.current();
    const edge = now.atMs - this.windowMs + this.toleranceMs;
    let base = this.samples[0] ?? this.first;
    for (const s of this.samples) if (s.atMs <= edge) base = s;
    const spanMs = now.atMs - base.atMs;
    if (spanMs < 1000) return { permille: 0, windowS: 0, fromStart: true };
    return { permille: rate(base, now), windowS: Math.round(spanMs / 1000), fromStart: base === this.first };
  }
}

function rate(from: Sample, to: Sample): number {
  const wallUs = Math.max(1, (to.atMs - from.atMs) * 1000);
  return Math.max(0, Math.round(((to.cpuUs - from.cpuUs) / wallUs) * 1000));
}

/** "0.7% of a core over the last 60 s" / "12.5% of a core over the 20 s since the agent started" / "not measured yet". */
export function describeCpu(permille: number, windowS: number, fromStart = false): string {
  if (windowS <= 0) return 'CPU not measured yet';
  return `${(permille / 10).toFixed(1)}% of a core over ${fromStart ? `the ${windowS} s since the agent started` : `the last ${windowS} s`}`;
}
