// Catalog patterns match in time linear in the text: the patterns that make a backtracking regex
// take exponential time take at most (atoms + 1) steps per character here, counted, not timed. And
// the matcher means what the regex meant, on every small case fast-check finds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LinearMatcher, compileGlob, globAtoms, type MatchStats } from '../src/index.js';

const steps = (pattern: string, text: string): { matched: boolean; steps: number; atoms: number } => {
  const m = new LinearMatcher(globAtoms(pattern));
  const stats: MatchStats = { steps: 0 };
  return { matched: m.test(text.toLowerCase(), stats), steps: stats.steps, atoms: m.atoms.length };
};

describe('linear-time name patterns', () => {
  it('takes a bounded number of steps on the patterns that make a regex backtrack', () => {
    for (const [pattern, text] of [
      [`${'*a'.repeat(16)}*b`, 'a'.repeat(10_000)],
      [`${'*a'.repeat(16)}*b`, `${'a'.repeat(5000)}c`],
      ['*aa*aa*aa*aa*aa*aa*aa*aa*c', 'a'.repeat(10_000)],
      ['*a*b*a*b*a*b*a*b*a*b*a*b*a*b*z', 'ab'.repeat(5000)],
      [`${'*'.repeat(200)}x`, 'y'.repeat(10_000)],
    ] as const) {
      const r = steps(pattern, text);
      expect(r.matched).toBe(false);
      expect(r.steps).toBeLessThanOrEqual((r.atoms + 1) * text.length);
    }
    // A run of stars is one atom: `****x` costs what `*x` costs.
    expect(globAtoms(`${'*'.repeat(200)}x`)).toHaveLength(2);
  });

  it('the step count grows with the text, not exponentially with the stars', () => {
    const pattern = `${'*a'.repeat(16)}*b`;
    const at = (n: number): number => steps(pattern, 'a'.repeat(n)).steps;
    // Four times the text, about four times the steps.
    expect(at(4000) / at(1000)).toBeGreaterThan(3.5);
    expect(at(4000) / at(1000)).toBeLessThan(4.5);
  });

  it('matches what the catalog means: case-insensitive, `*` any run, everything else itself', () => {
    expect(compileGlob('*AnyDesk*')('C:\\Program Files\\anydesk.exe')).toBe(true);
    expect(compileGlob('rustdesk*.exe')('RustDesk-1.2.exe')).toBe(true);
    expect(compileGlob('rustdesk*.exe')('rustdesk.exe.bak')).toBe(false);
    expect(compileGlob('a.b*')('axb')).toBe(false);
    expect(compileGlob('(x)+*')('(x)+ [y]')).toBe(true);
    expect(compileGlob('*')('')).toBe(true);
    expect(compileGlob('a*')('')).toBe(false);
  });

  it('agrees with the regular expression it replaces on every small pattern and name', () => {
    const regexFor = (pattern: string): RegExp => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
    fc.assert(fc.property(
      fc.string({ unit: fc.constantFrom('a', 'b', 'A', '*', '.', '?'), maxLength: 8 }),
      fc.string({ unit: fc.constantFrom('a', 'b', 'B', '.', '?'), maxLength: 10 }),
      (pattern, text) => compileGlob(pattern)(text) === regexFor(pattern).test(text),
    ), { numRuns: 3000 });
  });
});
