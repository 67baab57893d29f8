// Name patterns from the catalog: case-insensitive, `*` matches any run of characters, nothing
// else is special (catalog text is data, never a regular expression). Matching takes time linear
// in the name whatever the pattern (linear-match.ts), and the catalog's schema bounds how long a
// pattern is, how many `*` it holds and how many patterns one entry has (catalog-schema.ts).
import type { Platform } from '@farmwatch/proto';
import { LinearMatcher, type Atom } from './linear-match.js';

export interface NamePattern {
  pattern?: string | null;
  platform?: Platform | null;
  /** Remote-access tools: which side this program or service is (see roles.ts). */
  role?: string | null;
}

export type NameMatcher = (name: string) => boolean;

/** Longest catalog pattern, in characters (the built-in catalog's longest is about 100). */
export const MAX_PATTERN_LENGTH = 256;
/** Most `*` in one pattern (the built-in catalog uses at most 4). */
export const MAX_PATTERN_WILDCARDS = 16;
/** Most name patterns in one catalog entry, all its lists together (the built-in catalog's largest has under 100). */
export const MAX_PATTERNS_PER_ENTRY = 256;

/** The atoms of a glob: `*` any run of characters, every other character itself (lower-cased). */
export function globAtoms(pattern: string): Atom[] {
  const atoms: Atom[] = [];
  const lower = pattern.toLowerCase();
  for (let i = 0; i < lower.length; i++) {
    const code = lower.charCodeAt(i);
    if (code === 42 /* * */) {
      // `**` means what `*` means: one atom, so a run of stars costs no more than one.
      if (atoms.at(-1)?.repeat !== 'many') atoms.push({ test: { kind: 'any' }, repeat: 'many' });
    } else atoms.push({ test: { kind: 'char', code }, repeat: 'once' });
  }
  return atoms;
}

/** Most compiled patterns kept for reuse (the built-in catalog has about 2,000; a pushed catalog may differ). */
const MAX_COMPILED = 8192;
const compiledGlobs = new Map<string, NameMatcher>();

/**
 * A matcher for one catalog pattern. Detectors run after every sensor run in the running agent, so
 * each pattern is compiled once and the matcher kept (bounded: the cache starts over when full).
 */
export function compileGlob(pattern: string): NameMatcher {
  let m = compiledGlobs.get(pattern);
  if (!m) {
    if (compiledGlobs.size >= MAX_COMPILED) compiledGlobs.clear();
    m = compileGlobOnce(pattern);
    compiledGlobs.set(pattern, m);
  }
  return m;
}

function compileGlobOnce(pattern: string): NameMatcher {
  const lower = pattern.toLowerCase();
  if (!lower.includes('*')) return (name) => name.toLowerCase() === lower;
  const test = compileLowerGlob(lower);
  return (name) => test(name.toLowerCase());
}

/**
 * A matcher of an already lower-cased pattern for already lower-cased names: for callers that test
 * one name against many patterns (pattern-set.ts) and lower-case it once.
 */
export function compileLowerGlob(lower: string): NameMatcher {
  if (!lower.includes('*')) return (text) => text === lower;
  const m = new LinearMatcher(globAtoms(lower));
  // Quick refusals before the matcher, each a condition every match meets: the text before the
  // first `*` starts the name, the text after the last ends it, the longest text between stars is
  // in it. Most names fail one of these (native string searches), and never reach the matcher.
  const parts = lower.split('*');
  const first = parts[0] ?? '';
  const last = parts.at(-1) ?? '';
  const longest = parts.reduce((a, b) => (b.length > a.length ? b : a), '');
  const shortest = parts.reduce((n, part) => n + part.length, 0);
  return (text) => text.length >= shortest && text.startsWith(first) && text.endsWith(last) && text.includes(longest) && m.test(text);
}

/** Whether a pattern applies on `platform` (an unspecified platform applies everywhere). */
export function appliesTo(pattern: NamePattern, platform: Platform): boolean {
  return !pattern.platform || pattern.platform === platform;
}
