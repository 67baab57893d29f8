// Many catalog patterns against one name at once. A detector that asked each pattern in turn
// lower-cased the name once per pattern and ran every literal pattern as a comparison: the VPN
// detector alone spent ~9 ms a full scan of this machine that way (17 clients x 132 services x their
// patterns; `npm run bench scan`). Here the name is lower-cased once, literal patterns (most of the
// catalog) are one Map lookup, and only patterns with `*` run their matcher.
import { compileLowerGlob, type NameMatcher } from './patterns.js';

export interface PatternHit<T> {
  value: T;
  pattern: string;
}

export class PatternSet<T> {
  private readonly exact = new Map<string, PatternHit<T>[]>();
  private readonly wild: (PatternHit<T> & { test: NameMatcher; order: number })[] = [];
  private added = 0;
  private readonly orderOf = new Map<PatternHit<T>, number>();

  /** Adds a pattern (case-insensitive, `*` any run of characters) standing for `value`. */
  add(pattern: string, value: T): void {
    const lower = pattern.toLowerCase();
    const hit = { value, pattern };
    const order = this.added++;
    if (lower.includes('*')) {
      this.wild.push({ ...hit, test: compileLowerGlob(lower), order });
    } else {
      const list = this.exact.get(lower);
      if (list) list.push(hit);
      else this.exact.set(lower, [hit]);
      this.orderOf.set(hit, order);
    }
  }

  /** Every pattern that matches `name`, in the order they were added. */
  match(name: string): PatternHit<T>[] {
    const text = name.toLowerCase();
    const exact = this.exact.get(text);
    let out: { hit: PatternHit<T>; order: number }[] | undefined;
    for (const w of this.wild) {
      if (w.test(text)) (out ??= []).push({ hit: { value: w.value, pattern: w.pattern }, order: w.order });
    }
    if (!out) return exact ?? [];
    for (const h of exact ?? []) out.push({ hit: h, order: this.orderOf.get(h) ?? 0 });
    return out.sort((a, b) => a.order - b.order).map((o) => o.hit);
  }

  /**
   * For each key (e.g. the catalog entry a pattern belongs to), the first matching pattern over all
   * of `names`, "first" by `rank` (the pattern's place among its entry's patterns); keys in the
   * order their patterns were added.
   */
  firstByKey<K>(names: readonly string[], key: (v: T) => K, rank: (v: T) => number): Map<K, PatternHit<T>> {
    const best = new Map<K, PatternHit<T>>();
    for (const n of names) {
      for (const h of this.match(n)) {
        const k = key(h.value);
        const b = best.get(k);
        if (!b || rank(h.value) < rank(b.value)) best.set(k, h);
      }
    }
    return best;
  }
}
