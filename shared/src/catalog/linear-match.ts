// Matching catalog patterns in time linear in the text, whatever the pattern.
//
// Catalog patterns used to become regular expressions (`*` as `.*`), and V8's engine backtracks: a
// pattern such as `*a*a*a*a*a*a*a*a*b` against a process name of a few hundred a's takes
// exponential time, and a collector that pushed one kept the agent at 100% CPU, deaf to signals.
// This is why the matcher is ours: a pattern here is a short list of atoms (a character, a
// character class, each once, optional or repeated), and matching follows every atom position
// still alive at once (Thompson's simulation) instead of trying one and backing up. After each
// character of the text the live positions are a set of at most (atoms + 1), so a match costs at
// most (atoms + 1) x (text length) steps: no input can make it slower, and `steps` counts them so
// tests can say so without timing anything. RE2-style engines (the `re2` native binding, `re2js`)
// give the same guarantee for full regular expressions, but the agent needs none of that syntax,
// and translating catalog text into a regex language is the step that went wrong.

/** Which characters an atom takes: one UTF-16 code unit, any, any but one, or a set. */
export type CharTest =
  | { kind: 'char'; code: number }
  | { kind: 'any' }
  | { kind: 'anyBut'; code: number }
  | { kind: 'set'; codes: ReadonlySet<number> };

/** An atom: its characters, and whether it must appear once, may be left out, or repeats (0 or more). */
export interface Atom {
  test: CharTest;
  repeat: 'once' | 'optional' | 'many';
}

/** Counts the work a match did: one step per live atom position per character. */
export interface MatchStats {
  steps: number;
}

const ONCE = 0;
const OPTIONAL = 1;
const MANY = 2;
const ANY = -1;
const ANY_BUT = -2;
const SET = -3;

export class LinearMatcher {
  private readonly repeat: Uint8Array;
  /** A code unit, or ANY / ANY_BUT / SET. */
  private readonly kind: Int32Array;
  private readonly other: Int32Array;
  private readonly sets: (ReadonlySet<number> | undefined)[];
  // Two state lists and the generation each position was last added in, reused by every match
  // (matching never re-enters itself: JavaScript runs one match at a time).
  private current: Int32Array;
  private next: Int32Array;
  private readonly seen: Uint32Array;
  private generation = 0;

  constructor(readonly atoms: readonly Atom[]) {
    const n = atoms.length;
    this.repeat = new Uint8Array(n);
    this.kind = new Int32Array(n);
    this.other = new Int32Array(n);
    this.sets = new Array<ReadonlySet<number> | undefined>(n);
    atoms.forEach((a, i) => {
      this.repeat[i] = a.repeat === 'once' ? ONCE : a.repeat === 'optional' ? OPTIONAL : MANY;
      const t = a.test;
      if (t.kind === 'char') this.kind[i] = t.code;
      else if (t.kind === 'any') this.kind[i] = ANY;
      else if (t.kind === 'anyBut') {
        this.kind[i] = ANY_BUT;
        this.other[i] = t.code;
      } else {
        this.kind[i] = SET;
        this.sets[i] = t.codes;
      }
    });
    this.current = new Int32Array(n + 1);
    this.next = new Int32Array(n + 1);
    this.seen = new Uint32Array(n + 1);
  }

  /** Whether the whole of `text` matches. */
  test(text: string, stats?: MatchStats): boolean {
    const n = this.atoms.length;
    let count = this.add(this.current, 0, 0, this.nextGeneration());
    let steps = 0;
    for (let p = 0; p < text.length && count > 0; p++) {
      const c = text.charCodeAt(p);
      const gen = this.nextGeneration();
      let nextCount = 0;
      for (let k = 0; k < count; k++) {
        const i = this.current[k] as number;
        steps++;
        if (i === n || !this.takes(i, c)) continue;
        nextCount = this.add(this.next, nextCount, this.repeat[i] === MANY ? i : i + 1, gen);
      }
      const t = this.current;
      this.current = this.next;
      this.next = t;
      count = nextCount;
    }
    if (stats) stats.steps += steps;
    for (let k = 0; k < count; k++) if (this.current[k] === n) return true;
    return false;
  }

  private takes(i: number, c: number): boolean {
    const k = this.kind[i] as number;
    if (k >= 0) return k === c;
    if (k === ANY) return true;
    if (k === ANY_BUT) return c !== this.other[i];
    return this.sets[i]?.has(c) ?? false;
  }

  /** Adds position i and every position reachable from it without a character (past optional and repeated atoms). */
  private add(list: Int32Array, count: number, from: number, gen: number): number {
    const n = this.atoms.length;
    for (let i = from; i <= n; i++) {
      if (this.seen[i] === gen) return count;
      this.seen[i] = gen;
      list[count++] = i;
      if (i === n || this.repeat[i] === ONCE) return count;
    }
    return count;
  }

  private nextGeneration(): number {
    this.generation = (this.generation + 1) >>> 0;
    if (this.generation === 0) {
      this.seen.fill(0);
      this.generation = 1;
    }
    return this.generation;
  }
}
