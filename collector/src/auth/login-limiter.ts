// Slows password guessing: failed logins are counted per (user name, client address), per client
// address and per user name over a sliding window; past a limit, logins from there (or for that
// name) are refused until the oldest failure leaves the window. A success clears the first count.
// In memory: one collector process serves the console.
export interface LoginLimits {
  windowMs: number;
  perUserAndClient: number;
  perClient: number;
  perUser: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { windowMs: 15 * 60_000, perUserAndClient: 5, perClient: 20, perUser: 100 };

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS, private readonly now: () => number = Date.now) {}

  private keys(user: string, client: string): [string, number][] {
    const u = user.trim().toLowerCase();
    return [[`uc|${u}|${client}`, this.limits.perUserAndClient], [`c|${client}`, this.limits.perClient], [`u|${u}`, this.limits.perUser]];
  }

  private recent(key: string): number[] {
    const since = this.now() - this.limits.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }

  /** Milliseconds until a login for this name from this client may be tried; 0 when it may now. */
  retryAfterMs(user: string, client: string): number {
    let wait = 0;
    for (const [key, limit] of this.keys(user, client)) {
      const list = this.recent(key);
      if (list.length >= limit) wait = Math.max(wait, (list[list.length - limit] as number) + this.limits.windowMs - this.now());
    }
    return wait;
  }

  failed(user: string, client: string): void {
    const now = this.now();
    for (const [key] of this.keys(user, client)) this.failures.set(key, [...this.recent(key), now]);
    if (this.failures.size > 100_000) this.prune();
  }

  succeeded(user: string, client: string): void {
    this.failures.delete(this.keys(user, client)[0]?.[0] ?? '');
  }

  private prune(): void {
    for (const key of [...this.failures.keys()]) this.recent(key);
  }
}
