// Which routers each laptop has been behind (the keyed hashes of its default gateways' MACs), so
// that a public address shared by laptops behind different routers is not read as one place.
//
// A residential address says "one home" only when one router is behind it. Carriers share one
// public address among many subscribers (carrier-grade NAT, RFC 6598; common on mobile and on
// fibre and cable providers short of IPv4), and an address can pass from one household to another
// within days: laptops of different homes then share an address but never a gateway. Two laptops
// that both report gateways, and never shared one within the window, are behind different routers.
// One that reports none (an agent without the sensor, a tethered phone) is not judged: the address
// links it as before.

export class RoutersSeen {
  private readonly byDevice = new Map<string, Map<string, number>>();

  constructor(private readonly windowMs: number) {}

  /** A laptop saw `gatewayKey` as its default gateway at `atMs`. */
  saw(deviceId: string, gatewayKey: string, atMs: number): void {
    let seen = this.byDevice.get(deviceId);
    if (!seen) this.byDevice.set(deviceId, (seen = new Map<string, number>()));
    seen.set(gatewayKey, Math.max(atMs, seen.get(gatewayKey) ?? 0));
  }

  /** Whether the laptop reported any gateway within the window before `nowMs`. */
  knows(deviceId: string, nowMs: number): boolean {
    return this.recent(deviceId, nowMs).length > 0;
  }

  /** Both laptops reported gateways within the window, and none of them in common. */
  different(a: string, b: string, nowMs: number): boolean {
    const mine = this.recent(a, nowMs);
    const theirs = this.recent(b, nowMs);
    if (mine.length === 0 || theirs.length === 0) return false;
    const set = new Set(theirs);
    return !mine.some((g) => set.has(g));
  }

  forget(deviceId: string): void {
    this.byDevice.delete(deviceId);
  }

  clear(): void {
    this.byDevice.clear();
  }

  private recent(deviceId: string, nowMs: number): string[] {
    const since = nowMs - this.windowMs;
    return [...(this.byDevice.get(deviceId) ?? [])].filter(([, at]) => at >= since).map(([g]) => g);
  }
}
