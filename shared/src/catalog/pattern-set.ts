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

/** A pattern as kept: its place in the order patterns were added, for answers in that order. */
type Entry<T> = PatternHit<T> & { order: number };

export class PatternSet<T> {
  private readonly exact = new Map<string, Entry<T>[]>();
  private readonly wild: (Entry<T> & { test: NameMatcher })[] = [];
  private added = 0;

  /** Adds a pattern (case-insensitive, `*` any run of characters) standing for `value`. */
  add(pattern: string, value: T): void {
    const lower = pattern.toLowerCase();
    const entry: Entry<T> = { value, pattern, order: this.added++ };
    if (lower.includes('*')) {
      this.wild.push({ ...entry, test: compileLowerGlob(lower) });
    } else {
      const list = this.exact.get(lower);
      if (list) list.push(entry);
      else this.exact.set(lower, [entry]);
    }
  }

  /** Every pattern that matches `name`, in the order they were added. */
  match(name: string): PatternHit<T>[] {
    const text = name.toLowerCase();
    const exact = this.exact.get(text) ?? [];
    const wild = this.wild.filter((w) => w.test(text));
    if (wild.length === 0) return exact;
    return [...exact, ...wild].sort((a, b) => a.order - b.order);
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
