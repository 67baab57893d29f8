// Catalog domains as the packet classifier matches them, on the real catalog (LOLRMM) and on rows a
// VPN catalog would add.
import { describe, expect, it } from 'vitest';
import { LinearMatcher, builtinCatalog } from '@farmwatch/shared';
import { CatalogDomains, domainRulesFromCatalog, hostAtoms, rulesFor } from '../src/packets/classify/domains.js';

const rules = domainRulesFromCatalog(builtinCatalog());
const m = new CatalogDomains(rules);

describe('catalog domains', () => {
  it('builds one rule per remote-access domain of the catalog', () => {
    expect(rules.length).toBeGreaterThan(500);
    expect(rules).toContainEqual({ pattern: '*.anydesk.com', entryId: 'anydesk', kind: 'remote_access' });
  });

  it('matches names below a *. pattern, not the bare domain through it', () => {
    expect(m.match('net.anydesk.com')).toMatchObject({ entryId: 'anydesk', pattern: '*.anydesk.com' });
    expect(m.match('A.B.AnyDesk.com.')).toMatchObject({ entryId: 'anydesk' });
    expect(m.match('notanydesk.com')).toBeUndefined();
    expect(m.match('anydesk.com.evil.example')).toBeUndefined();
  });

  it("understands LOLRMM's character class and repeat count, and the port after the name", () => {
    // The catalog builder normalises these rows; the matcher still reads them as LOLRMM writes them.
    const raw = new CatalogDomains([
      ...rulesFor([{ id: 'anydesk', domains: ['relay-[a-f0-9]{8}.net.anydesk.com:443', '*.anydesk.com'] }], 'remote_access'),
    ]);
    expect(raw.match('relay-0a1b2c3d.net.anydesk.com', 443)?.pattern).toBe('relay-[a-f0-9]{8}.net.anydesk.com:443');
    // Another port: the relay rule does not apply, the wider *.anydesk.com one does.
    expect(raw.match('relay-0a1b2c3d.net.anydesk.com', 80)?.pattern).toBe('*.anydesk.com');
    // A DNS name has no port: the rule applies to the name.
    expect(raw.match('relay-0a1b2c3d.net.anydesk.com')?.pattern).toBe('relay-[a-f0-9]{8}.net.anydesk.com:443');
    expect(raw.match('relay-xyz.net.anydesk.com', 443)?.pattern).toBe('*.anydesk.com');
    // In the catalog it is a label wildcard.
    expect(m.match('relay-0a1b2c3d.net.anydesk.com')?.pattern).toBe('relay-*.net.anydesk.com');
  });

  it('takes `*` inside a label as any run of characters within that label only', () => {
    expect(m.match('plus2.site24x7.com')).toMatchObject({ entryId: 'site24x7' });
    expect(m.match('rescue-list.eu.logmein-gateway.com')).toMatchObject({ entryId: 'logmein-rescue' });
    expect(m.match('rescue-list.a.b.logmein-gateway.com')?.entryId).not.toBe('logmein-rescue');
  });

  it('matches catalog addresses against addresses, and skips placeholders that name nothing', () => {
    expect(m.match('136.243.104.235')).toMatchObject({ entryId: 'ammyy-admin' });
    const raw = new CatalogDomains(rulesFor([{ id: 'glpi-agent', domains: ['<operator-configured GLPI server>', 'glpi-project.org'] }], 'remote_access'));
    expect(raw.skipped.map((r) => r.pattern)).toContain('<operator-configured GLPI server>');
    expect(raw.match('<operator-configured GLPI server>')).toBeUndefined();
    // Shared infrastructure LOLRMM lists under some tools is not in the catalog.
    expect(m.match('github.com')).toBeUndefined();
    expect(m.match('objects.githubusercontent.com')).toBeUndefined();
  });

  it('takes VPN rows from any list of entries, as the VPN catalog will give them', () => {
    const vpn = new CatalogDomains([...rules, ...rulesFor([{ id: 'astrill', domains: ['*.astrill.com'] }], 'vpn')]);
    expect(vpn.match('api.astrill.com')).toEqual({ entryId: 'astrill', kind: 'vpn', pattern: '*.astrill.com' });
  });

  it('matches host patterns in steps linear in the name, and skips syntax it does not take instead of throwing', () => {
    const atoms = hostAtoms(`${'a*'.repeat(16)}b.example.com`);
    if (!atoms) throw new Error('the pattern was not taken');
    const matcher = new LinearMatcher(atoms);
    const name = `${'a'.repeat(5000)}.example.com`;
    const stats = { steps: 0 };
    expect(matcher.test(name, stats)).toBe(false);
    expect(stats.steps).toBeLessThanOrEqual((atoms.length + 1) * name.length);
    // `{n,m}` repeats the atom before it: at most n..m of them.
    const counted = new CatalogDomains(rulesFor([{ id: 'x', domains: ['r-[a-c0-1]{2,3}.x.net'] }], 'remote_access'));
    expect(['r-a0.x.net', 'r-cb1.x.net'].map((n) => counted.match(n)?.entryId)).toEqual(['x', 'x']);
    expect(['r-a.x.net', 'r-abca.x.net', 'r-ad.x.net'].map((n) => counted.match(n))).toEqual([undefined, undefined, undefined]);
    // A regex built from these would not compile ("nothing to repeat", "range out of order").
    const odd = new CatalogDomains(rulesFor([{ id: 'y', domains: ['*{3}.y.net', 'r-[z-a].y.net', '{2}y.net'] }], 'remote_access'));
    expect(odd.skipped.map((r) => r.pattern)).toEqual(['*{3}.y.net', 'r-[z-a].y.net', '{2}y.net']);
  });
});
