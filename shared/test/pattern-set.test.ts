// PatternSet answers what asking each catalog pattern in turn answers: the same patterns, in the
// order they were added, for every name (case-insensitive; `*` any run, nothing else special).
import { describe, expect, it } from 'vitest';
import { PatternSet, builtinCatalog, compileGlob } from '../src/index.js';

describe('PatternSet', () => {
  it('finds literal and wildcard patterns, case-insensitively, in the order they were added', () => {
    const set = new PatternSet<string>();
    set.add('openvpn*', 'a');
    set.add('OpenVPN', 'b');
    set.add('*vpn', 'c');
    set.add('openvpn', 'd');
    set.add('x.y', 'e');
    expect(set.match('OPENVPN').map((h) => h.value)).toEqual(['a', 'b', 'c', 'd']);
    expect(set.match('openvpn-gui').map((h) => `${h.value}:${h.pattern}`)).toEqual(['a:openvpn*']);
    expect(set.match('xay')).toEqual([]); // '.' is a dot, not "any character"
    expect(set.match('X.Y').map((h) => h.value)).toEqual(['e']);
    expect(set.match('')).toEqual([]);
  });

  it('agrees with compileGlob on every process, service and path pattern of the built-in catalog', () => {
    const catalog = builtinCatalog();
    const patterns = [...(catalog.vpnClients ?? []), ...(catalog.remoteAccess ?? [])]
      .flatMap((e) => [...(e.processes ?? []), ...(e.services ?? []), ...(e.paths ?? [])])
      .map((p) => p.pattern ?? '').filter(Boolean);
    expect(patterns.length).toBeGreaterThan(1000);
    const set = new PatternSet<number>();
    patterns.forEach((p, i) => set.add(p, i));
    // Names: each pattern with its stars filled in (so it matches), upper-cased, and cut short.
    const names = patterns.flatMap((p) => [p.replace(/\*/g, 'Zq'), p.toUpperCase().replace(/\*/g, ''), p.slice(0, Math.max(1, p.length - 2))]);
    names.push('svchost.exe', 'sshd', 'C:\\Program Files\\Common Files\\x.exe', 'openvpn');
    let hits = 0;
    for (const name of names) {
      const want = patterns.flatMap((p, i) => (compileGlob(p)(name) ? [i] : []));
      const got = set.match(name).map((h) => h.value);
      expect(got, name).toEqual(want);
      hits += got.length;
    }
    expect(hits).toBeGreaterThan(patterns.length);
  });
});
