// Per-device token buckets: a device may send `ratePerS` events per second on average and
// `burst` at once (a full inventory after enrollment). Buckets outlive streams, so reconnecting
// does not refill them.
export interface RateLimit {
  ratePerS: number;
  burst: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { ratePerS: 100, burst: 5000 };

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(private readonly limit: RateLimit = DEFAULT_RATE_LIMIT) {}

  /** Takes `n` tokens; returns how long to wait (ms) when there are not enough, else 0. */
  take(key: string, n: number, nowMs: number): number {
    const b = this.buckets.get(key) ?? { tokens: this.limit.burst, atMs: nowMs };
    b.tokens = Math.min(this.limit.burst, b.tokens + ((nowMs - b.atMs) / 1000) * this.limit.ratePerS);
    b.atMs = nowMs;
    this.buckets.set(key, b);
    if (b.tokens >= n) {
      b.tokens -= n;
      return 0;
    }
    return Math.ceil(((n - b.tokens) / this.limit.ratePerS) * 1000);
  }

  get describe(): string {
    return `${this.limit.ratePerS} events/s, bursts of ${this.limit.burst}`;
  }
}
