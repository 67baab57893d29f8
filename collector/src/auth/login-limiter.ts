// Slows password guessing: failed logins are counted per (user name, client address), per client
// address and per user name over a sliding window; past a limit, logins from there (or for that
// name) are refused until the oldest failure leaves the window. A success clears the first count.
// An attempt is counted when it starts (`attempt`, before the password hash is awaited) and settled
// when its answer is known, so that attempts sent in parallel meet the same limits as attempts sent
// one after another: checking first and counting after the hash let 40 parallel guesses through.
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

  /**
   * Checks the limits and counts this attempt as a failure at once, in one synchronous step. Returns
   * the wait in ms when the attempt is refused, or a settle function: `settle(true)` takes the
   * provisional failure back and clears the name-and-address count, `settle(false)` leaves it.
   */
  attempt(user: string, client: string): { refusedForMs: number } | { settle(ok: boolean): void } {
    const wait = this.retryAfterMs(user, client);
    if (wait > 0) return { refusedForMs: wait };
    const at = this.now();
    const keys = this.keys(user, client).map(([key]) => key);
    for (const key of keys) this.failures.set(key, [...this.recent(key), at]);
    if (this.failures.size > 100_000) this.prune();
    let settled = false;
    return {
      settle: (ok: boolean) => {
        if (settled || !ok) {
          settled = true;
          return;
        }
        settled = true;
        for (const key of keys) {
          const list = this.failures.get(key);
          const i = list?.indexOf(at) ?? -1;
          if (list && i >= 0) list.splice(i, 1);
          if (list?.length === 0) this.failures.delete(key);
        }
        this.succeeded(user, client);
      },
    };
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
