// Disjoint sets of devices with their member lists: union by size, path halving. Merging moves the
// smaller member list into the larger, so building a component of n devices costs O(n log n).
export class UnionFind {
  private readonly parent = new Map<string, string>();
  private readonly members = new Map<string, string[]>();

  find(x: string): string {
    const p = this.parent.get(x);
    if (p === undefined) {
      this.parent.set(x, x);
      this.members.set(x, [x]);
      return x;
    }
    let node = x;
    let up: string = p;
    while (up !== node) {
      const grand = this.parent.get(up) ?? up;
      this.parent.set(node, grand);
      node = grand;
      up = this.parent.get(node) ?? node;
    }
    return node;
  }

  /** Joins the sets of a and b; returns true when they were apart. */
  union(a: string, b: string): boolean {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return false;
    let ma = this.members.get(ra) as string[];
    let mb = this.members.get(rb) as string[];
    if (ma.length < mb.length) {
      [ra, rb] = [rb, ra];
      [ma, mb] = [mb, ma];
    }
    this.parent.set(rb, ra);
    for (const m of mb) ma.push(m);
    this.members.delete(rb);
    return true;
  }

  component(x: string): readonly string[] {
    return this.members.get(this.find(x)) ?? [x];
  }

  /** Every set of two or more devices. */
  *components(): Iterable<readonly string[]> {
    for (const m of this.members.values()) if (m.length > 1) yield m;
  }
}
